"""`list`: paging against an independent client, Zarr recognition, the probe bound,
and errors for bad requests."""

import pytest

from jupyterlab_leap_buckets.errors import ApiError
from jupyterlab_leap_buckets.listing import decode_cursor, encode_cursor

from .conftest import gcs_independent_keys, gcs_put, list_all, s3_client


async def test_paging_gives_exactly_the_keys_an_independent_client_sees(api):
    entries, pages = await list_all(api, "scratch", "demo/many/", limit=500)
    ours = [entry["path"] for entry in entries]
    theirs = gcs_independent_keys("leap-scratch", "demo/many/")
    assert len(theirs) > 2500
    assert pages >= len(theirs) // 500
    assert ours == sorted(theirs)  # every key once, in key order, none invented
    assert all(entry["type"] == "file" and entry["size"] >= 0 for entry in entries)


async def test_scratch_entries_carry_created_and_expires(api):
    status, body = await api("list", root="scratch", path="demo/")
    assert status == 200
    files = [e for e in body["entries"] if e["type"] == "file"]
    assert files, body
    from datetime import datetime, timedelta

    for entry in files:
        created = datetime.fromisoformat(entry["created"].replace("Z", "+00:00"))
        expires = datetime.fromisoformat(entry["expires"].replace("Z", "+00:00"))
        assert expires - created == timedelta(days=7)
        assert entry["modified"].endswith("Z")
    _, persistent = await api("list", root="persistent", path="demo/")
    assert all(e["expires"] is None for e in persistent["entries"])


async def test_zarr_stores_are_recognised_by_metadata_not_name(api):
    entries, _ = await list_all(api, "scratch", "demo/")
    types = {entry["name"]: entry["type"] for entry in entries}
    assert types["ocean.zarr"] == "zarr"  # v2, consolidated
    assert types["surface_temp"] == "zarr"  # v2, no .zarr in the name
    assert types["atmos.zarr"] == "zarr"  # v3
    assert types["precip_v3"] == "zarr"  # v3, no .zarr in the name
    assert types["not-a-store.zarr"] == "directory"  # the name alone does not count
    assert types["notes"] == "directory"
    assert types["README.md"] == "file"
    # folder paths end with "/" and files do not
    for entry in entries:
        assert entry["path"].endswith("/") == (entry["type"] != "file")


async def test_zarr_stores_on_s3_are_recognised_and_match_boto3(api):
    entries, _ = await list_all(api, "osn-pipeline", "")
    s3 = s3_client().list_objects_v2(Bucket="leap-pangeo-pipeline", Delimiter="/")
    theirs = sorted([o["Key"] for o in s3.get("Contents", [])] + [p["Prefix"] for p in s3.get("CommonPrefixes", [])])
    assert [entry["path"] for entry in entries] == theirs
    inner, _ = await list_all(api, "osn-pipeline", "era5/")
    assert {e["name"]: e["type"] for e in inner}["surface.zarr"] == "zarr"


async def test_a_page_holds_a_bounded_number_of_folders(api):
    # 130 folders written through the emulator's own API, each with one object
    for i in range(130):
        gcs_put("leap-scratch", f"tests/probe-bound/d{i:03d}/x.txt")
    status, first = await api("list", root="scratch", path="tests/probe-bound/", limit="1000")
    assert status == 200
    assert len(first["entries"]) == 100 and first["cursor"]  # the default bound
    entries, pages = await list_all(api, "scratch", "tests/probe-bound/")
    assert [e["name"] for e in entries] == [f"d{i:03d}" for i in range(130)] and pages == 2


@pytest.mark.parametrize(
    "params, status, code",
    [
        ({"root": "nope", "path": "demo/"}, 404, "not-found"),
        ({"path": "demo/"}, 400, "bad-request"),
        ({"root": "scratch", "path": "demo/no-such-folder/"}, 404, "not-found"),
        ({"root": "scratch", "path": "demo/", "cursor": "garbage!"}, 400, "bad-request"),
        ({"root": "scratch", "path": "demo/", "cursor": encode_cursor("other/x")}, 400, "bad-request"),
        ({"root": "scratch", "path": "/demo/"}, 400, "bad-request"),
        ({"root": "scratch", "path": "demo"}, 400, "bad-request"),
        ({"root": "scratch", "path": "demo/\x00/"}, 400, "bad-request"),
        ({"root": "scratch", "path": "demo/", "limit": "-3"}, 400, "bad-request"),
        ({"root": "scratch", "path": "demo/", "limit": "many"}, 400, "bad-request"),
    ],
)
async def test_bad_list_requests_get_the_right_error(api, params, status, code):
    got, body = await api("list", **params)
    assert got == status, body
    assert body["error"]["code"] == code
    assert body["error"]["message"].endswith((".", "?"))
    assert "Traceback" not in body["error"]["message"]


async def test_an_empty_home_lists_as_empty_not_missing(api):
    status, body = await api("list", root="persistent", path="demo/")
    assert status == 200  # sanity: the seeded home exists
    status, body = await api("list", root="osn-inbox", path="")
    assert status == 200


def test_cursor_round_trip_and_refusals():
    assert decode_cursor(encode_cursor("demo/a/b.txt"), "demo/a/") == "demo/a/b.txt"
    assert decode_cursor(None, "demo/") is None
    for bad in ("x", encode_cursor("elsewhere/a"), "eyJ2IjogMn0"):
        with pytest.raises(ApiError) as refused:
            decode_cursor(bad, "demo/")
        assert refused.value.code == "bad-request"
