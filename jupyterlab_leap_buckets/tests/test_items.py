"""New folders, renames and item details, checked against independent clients."""

import base64
import hashlib
import uuid

import google_crc32c
import pytest

from .conftest import gcs_get, gcs_independent_keys, gcs_put, list_all, s3_client


def unique(prefix="demo/"):
    return f"{prefix}i-{uuid.uuid4().hex[:8]}/"


async def test_a_new_folder_is_a_hidden_marker_object_and_lists_as_an_empty_folder(api, send):
    parent = unique()
    gcs_put("leap-scratch", parent + "keep.txt", b"k")
    status, entry = await send("folders", {"root": "scratch", "path": parent + "results/"})
    assert status == 201, entry
    assert entry == {**entry, "name": "results", "path": parent + "results/", "type": "directory"}
    assert gcs_independent_keys("leap-scratch", parent) == [parent + "keep.txt", parent + "results/.keep"]
    assert gcs_get("leap-scratch", parent + "results/.keep") == b""
    entries, _ = await list_all(api, "scratch", parent)
    assert [(e["name"], e["type"]) for e in entries] == [("keep.txt", "file"), ("results", "directory")]
    inside, _ = await list_all(api, "scratch", parent + "results/")
    assert [e["name"] for e in inside] == [".keep"]  # hidden by the panel unless asked for

    status, body = await send("folders", {"root": "scratch", "path": parent + "results/"})
    assert (status, body["error"]["code"]) == (409, "conflict")
    status, body = await send("folders", {"root": "scratch", "path": parent + "keep.txt/"})
    assert (status, body["error"]["code"]) == (409, "conflict")
    assert "file named" in body["error"]["message"]
    assert gcs_independent_keys("leap-scratch", parent) == [parent + "keep.txt", parent + "results/.keep"]


async def test_a_new_folder_on_s3(send):
    parent = unique("")
    status, entry = await send("folders", {"root": "osn-inbox", "path": parent + "from-hpc/"})
    assert status == 201, entry
    keys = [
        o["Key"] for o in s3_client().list_objects_v2(Bucket="leap-pangeo-inbox", Prefix=parent).get("Contents", [])
    ]
    assert keys == [parent + "from-hpc/.keep"]


@pytest.mark.parametrize(
    "root, path, status, code",
    [
        ("scratch", "other-user/new/", 403, "outside-home"),
        ("scratch", "demo-old/new/", 403, "outside-home"),
        ("scratch", "new/", 403, "outside-home"),
        ("osn-manual", "CMIP6/new/", 403, "read-only"),
        ("scratch", "demo/../other-user/x/", 403, "outside-home"),
        ("scratch", "demo/./", 400, "bad-request"),
        ("scratch", "demo/a\\b/", 400, "bad-request"),
        ("scratch", "demo/ padded /", 400, "bad-request"),
        ("scratch", "demo/no-slash", 400, "bad-request"),
        ("scratch", "", 400, "bad-request"),
        ("nowhere", "demo/x/", 404, "not-found"),
    ],
)
async def test_a_new_folder_where_it_may_not_be_is_refused(send, root, path, status, code):
    before = gcs_independent_keys("leap-scratch", "")
    got, body = await send("folders", {"root": root, "path": path})
    assert (got, body["error"]["code"]) == (status, code), body
    assert body["error"]["message"]
    assert gcs_independent_keys("leap-scratch", "") == before


async def test_rename_is_a_move_to_a_new_name_in_the_same_folder(send, post, finish):
    base = unique()
    gcs_put("leap-scratch", base + "old/a.bin", b"a")
    gcs_put("leap-scratch", base + "old/sub/b.bin", b"bb")
    gcs_put("leap-scratch", base + "notes.txt", b"n")
    status, job = await post(
        {
            "source": {"root": "scratch", "path": base + "old/"},
            "target": {"root": "scratch", "path": base + "new"},
            "mode": "move",
            "conflict": "fail",
        }
    )
    assert status == 202, job
    assert (await finish(job))["state"] == "done"
    status, job = await post(
        {
            "source": {"root": "scratch", "path": base + "notes.txt"},
            "target": {"root": "scratch", "path": base + "notes-2026.txt"},
            "mode": "move",
            "conflict": "fail",
        }
    )
    assert (await finish(job))["state"] == "done"
    assert gcs_independent_keys("leap-scratch", base) == [
        base + "new/a.bin",
        base + "new/sub/b.bin",
        base + "notes-2026.txt",
    ]
    assert gcs_get("leap-scratch", base + "new/sub/b.bin") == b"bb"


async def test_details_of_a_file_carry_its_checksums(api):
    base = unique()
    data = b"temperature, salinity\n" * 100
    gcs_put("leap-scratch", base + "table.csv", data)
    status, body = await api("details", root="scratch", path=base + "table.csv")
    assert status == 200, body
    assert body["url"] == f"gs://leap-scratch/{base}table.csv"
    assert body["size"] == len(data) and body["type"] == "file" and body["name"] == "table.csv"
    assert body["md5"] == hashlib.md5(data).hexdigest()
    assert body["crc32c"] == base64.b64encode(google_crc32c.Checksum(data).digest()).decode()
    assert body["expires"] and body["created"]


async def test_details_of_a_folder_count_what_lies_under_it(api):
    base = unique()
    for i, size in enumerate([1, 10, 100, 1000]):
        gcs_put("leap-scratch", f"{base}run/part-{i}.bin", b"x" * size)
    gcs_put("leap-scratch", f"{base}run/deeper/last.bin", b"y" * 5)
    status, body = await api("details", root="scratch", path=base + "run/")
    assert status == 200, body
    assert (body["objects"], body["bytes"], body["approximate"]) == (5, 1116, False)
    assert body["url"] == f"gs://leap-scratch/{base}run/" and body["modified"]
    status, body = await api("details", root="osn-pipeline", path="era5/surface.zarr/")
    assert status == 200, body
    theirs = s3_client().list_objects_v2(Bucket="leap-pangeo-pipeline", Prefix="era5/surface.zarr/")["Contents"]
    assert (body["objects"], body["bytes"]) == (len(theirs), sum(o["Size"] for o in theirs))


async def test_details_of_what_is_not_there_say_so(api):
    status, body = await api("details", root="scratch", path="demo/no-such-thing.nc")
    assert (status, body["error"]["code"]) == (404, "not-found")
    status, body = await api("details", root="scratch", path="demo/no-such-folder/")
    assert (status, body["error"]["code"]) == (404, "not-found")
    status, body = await api("details", root="scratch")
    assert (status, body["error"]["code"]) == (400, "bad-request")


async def test_roots_say_which_endpoint_and_credentials_a_notebook_needs(api):
    from .conftest import GCS, S3

    status, body = await api("roots")
    roots = {r["id"]: r for r in body["roots"]}
    assert roots["scratch"]["endpoint"] == GCS and roots["scratch"]["anonymous"] is False
    assert roots["osn-pipeline"]["endpoint"] == S3 and roots["osn-pipeline"]["anonymous"] is True
