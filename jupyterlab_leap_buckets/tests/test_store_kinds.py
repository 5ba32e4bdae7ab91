"""`list` tells Icechunk repositories and virtual Zarr stores (kerchunk references, JSON or
Parquet) from Zarr stores and plain folders by their metadata, at a bounded cost: a proxy
between our server and fake-gcs-server counts the requests made for each item.

What is listed is written by the libraries that write it for LEAP users (icechunk,
kerchunk, zarr-python, through scripts/seed_virtual.py) and uploaded object by object."""

import importlib.util
import json
import urllib.parse
import uuid

import pytest
import requests

from .conftest import GCS, REPO, extension_config, gcs_put, list_all, s3_overrides
from .recording_proxy import RecordingProxy

_spec = importlib.util.spec_from_file_location("seed_virtual", REPO / "scripts" / "seed_virtual.py")
seed_virtual = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(seed_virtual)

BASE = f"demo/kinds-{uuid.uuid4().hex[:8]}/"


def gcs_remove(prefix: str):
    """Delete what a test wrote under `prefix`, through the emulator's own API."""
    listing = requests.get(f"{GCS}/storage/v1/b/leap-scratch/o", params={"prefix": prefix}, timeout=30).json()
    for item in listing.get("items", []):
        quoted = urllib.parse.quote(item["name"], safe="")
        requests.delete(f"{GCS}/storage/v1/b/leap-scratch/o/{quoted}", timeout=30).raise_for_status()


@pytest.fixture(scope="module")
def written(emulators):
    """Every kind of item under BASE: {name: the type `list` must give it}."""
    put = lambda key, data: gcs_put("leap-scratch", BASE + key, data)  # noqa: E731
    for key, data in seed_virtual.icechunk_files().items():
        put(f"repo/{key}", data)
    virtual = seed_virtual.virtual_files(lambda key: f"gs://leap-scratch/{BASE}{key}")
    refs = json.loads(virtual["virtual/tas-refs.json"])
    put("refs.json", virtual["virtual/tas-refs.json"])
    put("refs.parq/.zmetadata", virtual["virtual/tas-refs.parq/.zmetadata"])
    # a Zarr v2 store that is consolidated (its .zmetadata has no record_size)
    metadata = {k: json.loads(v) for k, v in refs["refs"].items() if k.rsplit("/", 1)[-1].startswith(".z")}
    put("consolidated/.zgroup", b'{"zarr_format": 2}')
    put("consolidated/.zmetadata", json.dumps({"metadata": metadata, "zarr_consolidated_format": 1}).encode())
    put("v3/zarr.json", b'{"zarr_format": 3, "node_type": "group", "attributes": {}}')
    # what a listing could mistake: a repository's folder names without its main branch,
    # a catalog in JSON, a JSON file that names refs but is not kerchunk's
    put("not-a-repo/refs/branch.dev/ref.json", b'{"snapshot": "X"}')
    put("not-a-repo/snapshots/X", b"\x00")
    put("catalog.json", b'{"datasets": ["a.zarr"], "refs": {}}')
    # version 0 references (bare keys): kerchunk has written version 1 since 0.1
    put("old-refs.json", b'{".zgroup": "{\\"zarr_format\\": 2}"}')
    put("plain/x.txt", b"x")
    put("table.csv", b"a,b\n")
    yield {
        "repo": "icechunk",
        "refs.json": "virtual-zarr",
        "refs.parq": "virtual-zarr",
        "consolidated": "zarr",
        "v3": "zarr",
        "not-a-repo": "directory",
        "catalog.json": "file",
        "old-refs.json": "file",
        "plain": "directory",
        "table.csv": "file",
    }
    gcs_remove(BASE)


@pytest.fixture
def proxy(emulators):
    with RecordingProxy(GCS) as proxy:
        yield proxy


@pytest.fixture
def jp_server_config(tmp_path, proxy, request):
    return extension_config(state_dir=str(tmp_path / "leap-state"), gcs_endpoint=proxy.url, **s3_overrides(request))


def requests_for(proxy, key: str) -> list:
    """The requests the proxy saw that name `key` or a key under it (path or query)."""
    return [
        (method, path, query)
        for method, path, query, _ in proxy.seen
        if key in urllib.parse.unquote(path) + "?" + urllib.parse.unquote(query)
    ]


async def test_each_kind_is_told_by_its_metadata_at_a_bounded_cost(api, written, proxy):
    entries, pages = await list_all(api, "scratch", BASE)
    assert pages == 1
    assert {e["name"]: e["type"] for e in entries} == written
    for entry in entries:
        # a folder's path ends in "/", whatever its kind; a reference file's does not
        assert entry["path"].endswith("/") == (
            entry["name"] not in ("refs.json", "catalog.json", "old-refs.json", "table.csv")
        )
        cost = len(requests_for(proxy, entry["path"]))
        if entry["path"].endswith("/"):
            assert 1 <= cost <= 4, (entry["name"], requests_for(proxy, entry["path"]))
        elif entry["name"].endswith(".json"):
            assert cost == 1, (entry["name"], requests_for(proxy, entry["path"]))  # one ranged read
        else:
            assert cost == 0  # other files cost nothing
    refs_read = [query for method, path, query in requests_for(proxy, BASE + "refs.json")]
    assert refs_read and all("alt=media" in q for q in refs_read)


async def test_a_zarr_store_is_still_zarr_and_the_seeded_stores_keep_their_kinds(api):
    entries, _ = await list_all(api, "scratch", "demo/")
    types = {entry["name"]: entry["type"] for entry in entries}
    assert types["ocean.zarr"] == "zarr"  # v2 with .zgroup and .zmetadata
    assert types["surface_temp"] == "zarr" and types["atmos.zarr"] == "zarr"
    assert types["sst-repo"] == "icechunk"
    inner, _ = await list_all(api, "scratch", "demo/virtual/")
    assert {e["name"]: e["type"] for e in inner} == {
        "tas-refs.json": "virtual-zarr",
        "tas-refs.parq": "virtual-zarr",
        "tas.nc": "file",
    }


async def test_a_page_holds_a_bounded_number_of_probed_items(api, proxy):
    """JSON files count against the same bound as folders (100 a page by default), so a
    page of thousands of JSON files costs at most 100 reads."""
    folder = f"demo/json-bound-{uuid.uuid4().hex[:8]}/"
    for i in range(130):
        gcs_put("leap-scratch", f"{folder}f{i:03d}.json", b'{"version": 1, "refs": {}}')
    status, first = await api("list", root="scratch", path=folder, limit="1000")
    assert status == 200
    assert len(first["entries"]) == 100 and first["cursor"]
    assert {e["type"] for e in first["entries"]} == {"virtual-zarr"}
    reads = [q for m, p, q in requests_for(proxy, folder) if "alt=media" in q]
    assert len(reads) == 100
    gcs_remove(folder)


async def test_the_kinds_are_told_on_both_s3_servers(api, s3_server):
    """The seeded OSN pipeline's repository and references, on moto and versitygw: the
    listing of `<folder>/.z` (a prefix that is no folder) answers the same on both."""
    top, _ = await list_all(api, "osn-pipeline", "")
    kinds = {e["name"]: e["type"] for e in top}
    assert kinds["era5"] == "directory" and kinds["icechunk"] == "directory"
    inner, _ = await list_all(api, "osn-pipeline", "icechunk/")
    assert {e["name"]: e["type"] for e in inner} == {"sst": "icechunk"}
    virtual, _ = await list_all(api, "osn-pipeline", "virtual/")
    assert {e["name"]: e["type"] for e in virtual} == {
        "tas-refs.json": "virtual-zarr",
        "tas-refs.parq": "virtual-zarr",
        "tas.nc": "file",
    }
    era5, _ = await list_all(api, "osn-pipeline", "era5/")
    assert {e["name"]: e["type"] for e in era5}["surface.zarr"] == "zarr"  # consolidated v2
