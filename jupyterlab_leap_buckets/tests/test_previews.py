"""GET icechunk and GET references: what the previews of the seeded Icechunk repository
(written by icechunk, scripts/seed_virtual.py) and kerchunk references (written by
kerchunk from a netCDF file in the same bucket) show, checked against what those
libraries say of the same objects; and the errors for what is neither."""

import json

import pytest
import requests

from .conftest import GCS, gcs_get, gcs_put


async def test_an_icechunk_repository_shows_its_branches_tags_and_latest_snapshot(api):
    icechunk = pytest.importorskip("icechunk")
    status, body = await api("icechunk", root="scratch", path="demo/sst-repo/")
    assert status == 200, body
    assert [b["name"] for b in body["branches"]] == ["main", "experiment"]  # main first
    assert [t["name"] for t in body["tags"]] == ["v1.0"]
    main = json.loads(gcs_get("leap-scratch", "demo/sst-repo/refs/branch.main/ref.json"))["snapshot"]
    tag = json.loads(gcs_get("leap-scratch", "demo/sst-repo/refs/tag.v1.0/ref.json"))["snapshot"]
    branches = {b["name"]: b["snapshot"] for b in body["branches"]}
    assert branches["main"] == main and body["tags"][0]["snapshot"] == tag
    assert branches["experiment"] == tag != main  # the branch was made at the tag
    latest = body["latest"]
    assert latest["id"] == main and latest["parent"] == tag
    assert latest["message"] == "Add the source attribute"
    assert latest["writtenAt"].endswith("Z")
    nodes = {n["path"]: n for n in latest["nodes"]}
    assert nodes["sst"]["shape"] == [6, 18, 36] and nodes["sst"]["chunks"] == [3, 18, 36]
    assert nodes["sst"]["dimensions"] == ["time", "lat", "lon"] and nodes["sst"]["dtype"] == "float32"
    assert nodes["sst"]["attrs"]["source"] == "synthetic"  # the second commit's change
    assert icechunk.__version__  # read by the icechunk package, which the preview needs


async def test_a_folder_without_main_is_not_an_icechunk_repository(api):
    gcs_put("leap-scratch", "demo/fake-repo/refs/branch.dev/ref.json", b'{"snapshot": "X"}')
    status, body = await api("icechunk", root="scratch", path="demo/fake-repo/")
    requests.delete(f"{GCS}/storage/v1/b/leap-scratch/o/demo%2Ffake-repo%2Frefs%2Fbranch.dev%2Fref.json", timeout=30)
    assert status == 404 and "no branch main" in body["error"]["message"]
    status, body = await api("icechunk", root="scratch", path="demo/sst-repo")
    assert status == 400 and body["error"]["code"] == "bad-request"


async def test_json_references_show_their_arrays_and_where_their_chunks_live(api):
    status, body = await api("references", root="scratch", path="demo/virtual/tas-refs.json")
    assert status == 200, body
    refs = json.loads(gcs_get("leap-scratch", "demo/virtual/tas-refs.json"))["refs"]
    assert body["format"] == "json"
    assert body["metadata"]["tas/.zarray"] == json.loads(refs["tas/.zarray"])
    assert body["metadata"][".zattrs"]["title"] == "LEAP demo netCDF for kerchunk references"
    chunk_keys = [k for k in refs if not k.rsplit("/", 1)[-1].startswith(".z")]
    inline = [k for k in chunk_keys if isinstance(refs[k], str)]
    assert body["chunks"] == len(chunk_keys) and body["inlineChunks"] == len(inline) > 0
    assert body["targets"] == [
        {
            "url": "gs://leap-scratch/demo/virtual/tas.nc",
            "chunks": len(chunk_keys) - len(inline),
            "bytes": sum(refs[k][2] for k in chunk_keys if k not in inline),
        }
    ]
    assert body["targets"][0]["chunks"] >= 4  # tas: one chunk per time step


async def test_parquet_references_show_their_arrays_and_count_their_parquet_files(api):
    status, body = await api("references", root="scratch", path="demo/virtual/tas-refs.parq/")
    assert status == 200, body
    zmetadata = json.loads(gcs_get("leap-scratch", "demo/virtual/tas-refs.parq/.zmetadata"))
    assert body["format"] == "parquet" and body["recordSize"] == zmetadata["record_size"]
    assert body["metadata"] == zmetadata["metadata"]
    listed = requests.get(
        f"{GCS}/storage/v1/b/leap-scratch/o", params={"prefix": "demo/virtual/tas-refs.parq/"}, timeout=30
    ).json()
    parquet = [o["name"] for o in listed.get("items", []) if o["name"].endswith(".parq")]
    assert len(parquet) >= 4  # one per array at least (the seed writes them with fastparquet)
    assert body["parquetFiles"] == len(parquet)


@pytest.mark.parametrize(
    "path, status, code",
    [
        ("demo/README.md", 422, "not-references"),
        ("demo/ocean.zarr/", 422, "not-references"),  # consolidated Zarr: no record_size
        ("demo/virtual/none.json", 404, "not-found"),
    ],
)
async def test_what_is_not_references_gets_a_clear_error(api, path, status, code):
    got, body = await api("references", root="scratch", path=path)
    assert (got, body["error"]["code"]) == (status, code), body


async def test_the_preview_reads_a_bounded_amount(api, monkeypatch):
    """Past MAX_REFERENCE_BYTES nothing is parsed (413), and past MAX_TARGETS the rest of
    the targets are counted, not named (the bounds made small for the seeded file)."""
    from jupyterlab_leap_buckets import references_summary

    monkeypatch.setattr(references_summary, "MAX_TARGETS", 0)
    status, body = await api("references", root="scratch", path="demo/virtual/tas-refs.json")
    assert status == 200 and body["targets"] == []
    assert body["otherTargets"] == {"count": 1, "chunks": body["chunks"] - body["inlineChunks"]}
    monkeypatch.setattr(references_summary, "MAX_REFERENCE_BYTES", 1000)
    status, body = await api("references", root="scratch", path="demo/virtual/tas-refs.json")
    assert (status, body["error"]["code"]) == (413, "too-large")
    assert "open it with the Python snippet" in body["error"]["message"]
