"""GET usage: what uses the space in a folder, per top-level item (usage.py). Every figure
is checked against an independent listing (GCS's JSON API through requests, boto3 for
S3), never against our own code; then the cap, the cache and refresh, and the errors."""

import asyncio
import json
import time
import uuid
from datetime import datetime, timedelta

import pytest
import requests
from jupyter_server.auth import Authorizer

from .conftest import GCS, extension_config, gcs_put, s3_client, s3_overrides

DAY = timedelta(days=1)


class NoReadAuthorizer(Authorizer):
    def is_authorized(self, handler, user, action, resource):
        return False


@pytest.fixture
def jp_server_config(tmp_path, request):
    """The extension's configuration, with what a test's `usage_config` marker adds
    (`authorizer`: a class name for c.ServerApp.authorizer_class)."""
    marker = request.node.get_closest_marker("usage_config")
    extra = dict(marker.kwargs) if marker else {}
    authorizer = extra.pop("authorizer", None)
    config = extension_config(state_dir=str(tmp_path / "leap-state"), **s3_overrides(request), **extra)
    if authorizer:
        config["ServerApp"]["authorizer_class"] = authorizer
    return config


def when(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


def gcs_objects(bucket: str, prefix: str) -> list:
    """(name, size, created, updated) of every object under `prefix`, from the emulator's
    JSON API directly."""
    found, token = [], None
    while True:
        params = {"prefix": prefix, **({"pageToken": token} if token else {})}
        body = requests.get(f"{GCS}/storage/v1/b/{bucket}/o", params=params, timeout=30).json()
        for item in body.get("items", []):
            found.append((item["name"], int(item["size"]), when(item["timeCreated"]), when(item["updated"])))
        token = body.get("nextPageToken")
        if not token:
            return found


def s3_objects(bucket: str, prefix: str) -> list:
    found = []
    for page in s3_client().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            found.append((item["Key"], item["Size"], item["LastModified"], item["LastModified"]))
    return found


def expected_items(folder: str, objects: list) -> dict:
    """Per top-level item: [objects, bytes, oldest created, newest updated]."""
    items = {}
    for name, size, created, updated in objects:
        rest = name[len(folder) :]
        top = folder + rest.split("/", 1)[0] + "/" if "/" in rest else name
        item = items.setdefault(top, [0, 0, created, updated])
        item[0] += 1
        item[1] += size
        item[2] = min(item[2], created)
        item[3] = max(item[3], updated)
    return items


async def measured(api, root, path, **params):
    """GET usage until the scan is complete; the last answer."""
    for _ in range(600):
        status, body = await api("usage", root=root, path=path, **params)
        assert status == 200, body
        if body["complete"]:
            return body
        params.pop("refresh", None)  # a refresh starts one scan, not one per poll
        await asyncio.sleep(0.1)
    raise AssertionError(f"the usage scan of {path} did not end: {body}")


def check_against(body, folder, objects):
    expected = expected_items(folder, objects)
    got = {e["path"]: e for e in body["entries"]}
    assert set(got) == set(expected)
    for path, (count, size, oldest, newest) in expected.items():
        entry = got[path]
        assert (entry["objects"], entry["bytes"], entry["approximate"]) == (count, size, False), path
        assert when(entry["oldest"]) == oldest and when(entry["newest"]) == newest, path
        assert entry["type"] == ("directory" if path.endswith("/") else "file")
    assert [e["bytes"] for e in body["entries"]] == sorted((e["bytes"] for e in body["entries"]), reverse=True)
    assert (body["objects"], body["bytes"]) == (len(objects), sum(o[1] for o in objects))
    assert body["scanned"] == len(objects) and body["approximate"] is False


async def test_gcs_figures_match_an_independent_listing(api):
    folder = f"demo/u-{uuid.uuid4().hex[:8]}/"
    for key, size in [("big/a.bin", 3000), ("big/deep/b.bin", 2000), ("small/c.txt", 10), ("top.nc", 700)]:
        gcs_put("leap-scratch", folder + key, b"x" * size)
    gcs_put("leap-scratch", folder + "empty/.keep", b"")
    body = await measured(api, "scratch", folder)
    check_against(body, folder, gcs_objects("leap-scratch", folder))
    assert [e["name"] for e in body["entries"]] == ["big", "top.nc", "small", "empty"]
    assert body["url"] == f"gs://leap-scratch/{folder}"
    assert body["pricePerGiBMonth"] == 0.020 and body["storageClass"] == "STANDARD"
    assert "list price" in body["priceSource"]


async def test_the_seeded_scratch_home_and_what_expires_when(api):
    body = await measured(api, "scratch", "demo/")
    objects = gcs_objects("leap-scratch", "demo/")
    check_against(body, "demo/", objects)
    # Scratch deletes 7 days after creation (the emulator has no lifecycle: the
    # configuration applies); each window counts what expires by then, due or not.
    start = when(body["startedAt"])
    expected = {}
    for path in {e["path"] for e in body["entries"]}:
        mine = [o for o in objects if o[0] == path or (path.endswith("/") and o[0].startswith(path))]
        expected[path] = {
            days: (
                sum(1 for o in mine if o[2] + 7 * DAY <= start + days * DAY),
                sum(o[1] for o in mine if o[2] + 7 * DAY <= start + days * DAY),
            )
            for days in (1, 3, 7)
        }
    for entry in body["entries"]:
        within = {w["days"]: (w["objects"], w["bytes"]) for w in entry["expires"]["within"]}
        assert within == expected[entry["path"]], entry["path"]
    results = next(e for e in body["entries"] if e["path"] == "demo/results/")
    # Seeded ages: summary.csv 8 days (due), run-001.nc 6.5 days, tiny.txt 4, run-002.nc 2.
    assert [w["objects"] for w in results["expires"]["within"]] == [2, 3, 4]
    assert body["expiryWindows"] == [1, 3, 7]


async def test_s3_figures_match_an_independent_listing(api, s3_server):
    folder = f"u-{uuid.uuid4().hex[:8]}/"
    s3 = s3_client()
    for key, size in [("run/out.nc", 5000), ("run/logs/1.txt", 30), ("notes.md", 12)]:
        s3.put_object(Bucket="leap-pangeo-inbox", Key=folder + key, Body=b"y" * size)
    body = await measured(api, "osn-inbox", folder)
    check_against(body, folder, s3_objects("leap-pangeo-inbox", folder))
    assert body["pricePerGiBMonth"] is None and body["expiryWindows"] is None
    assert "expires" not in body["entries"][0]


@pytest.mark.usage_config(usage_max_objects=5)
async def test_the_scan_stops_at_the_cap_and_says_what_is_approximate(api):
    folder = f"demo/u-{uuid.uuid4().hex[:8]}/"
    keys = ["a/1", "a/2", "a/3", "b.txt", "c/1", "c/2", "c/3", "d/1", "d/2"]
    for key in keys:
        gcs_put("leap-scratch", folder + key, b"z" * 10)
    body = await measured(api, "scratch", folder)
    assert (body["approximate"], body["scanned"], body["maxObjects"]) == (True, 5, 5)
    got = {e["path"][len(folder) :]: (e["objects"], e["approximate"]) for e in body["entries"]}
    # Listed in key order: a/ and b.txt were passed whole, c/ was cut, d/ never reached
    # (named from the folder's top level).
    assert got == {"a/": (3, False), "b.txt": (1, False), "c/": (1, True), "d/": (0, True)}


@pytest.mark.usage_config(usage_cache_seconds=3600)
async def test_a_scan_is_cached_until_refreshed(api):
    folder = f"demo/u-{uuid.uuid4().hex[:8]}/"
    gcs_put("leap-scratch", folder + "one/a.bin", b"a" * 100)
    first = await measured(api, "scratch", folder)
    gcs_put("leap-scratch", folder + "two.bin", b"b" * 50)
    again = await measured(api, "scratch", folder)
    assert again["startedAt"] == first["startedAt"] and again["bytes"] == 100
    fresh = await measured(api, "scratch", folder, refresh="1")
    assert fresh["startedAt"] != first["startedAt"]
    check_against(fresh, folder, gcs_objects("leap-scratch", folder))


@pytest.mark.parametrize(
    "params, status, code",
    [
        ({"root": "nowhere", "path": "demo/"}, 404, "not-found"),
        ({"root": "scratch", "path": "demo/no-such-folder/"}, 404, "not-found"),
        ({"root": "scratch", "path": "demo/README.md"}, 400, "bad-request"),
        ({"root": "scratch", "path": "demo/../other-user/"}, 400, "bad-request"),
        ({"root": "scratch", "path": "/demo/"}, 400, "bad-request"),
        ({"root": "scratch", "path": "demo/", "refresh": "yes"}, 400, "bad-request"),
        ({"path": "demo/"}, 400, "bad-request"),
    ],
)
async def test_bad_requests_say_what_to_do(api, params, status, code):
    got, body = await api("usage", **params)
    assert (got, body["error"]["code"]) == (status, code), body
    assert body["error"]["message"]


async def test_without_a_path_the_home_is_measured(api):
    body = await measured(api, "persistent", None)
    assert body["path"] == "demo/"
    check_against(body, "demo/", gcs_objects("leap-persistent", "demo/"))


@pytest.mark.usage_config(root_overrides={"osn-inbox": {"bucket": "no-such-bucket"}})
async def test_a_storage_failure_is_reported(api):
    # The first GET waits FIRST_ANSWER_WAIT for the scan; on a loaded machine the scan's
    # listing can outlast it, and the GET answers the running scan (complete: false).
    # The failure is then the answer of a later GET.
    deadline = time.monotonic() + 60
    status, body = await api("usage", root="osn-inbox", path="")
    while status == 200 and not body["complete"] and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        status, body = await api("usage", root="osn-inbox", path="")
    assert status == 404 and body["error"]["code"] == "not-found", body
    assert "osn-inbox" in body["error"]["message"] or "no-such-bucket" in body["error"]["message"]


@pytest.mark.usage_config(authorizer=f"{__name__}.NoReadAuthorizer")
async def test_reading_usage_needs_the_authorizers_read(emulators, jp_fetch):
    response = await jp_fetch(
        "leap-buckets", "api", "usage", params={"root": "scratch", "path": "demo/"}, raise_error=False
    )
    assert response.code == 403 and json.loads(response.body)["error"]["code"] == "forbidden"


def test_the_price_is_the_roots_own_else_googles_list_price_for_its_class():
    from ..config import LeapBuckets
    from ..roots import resolve_roots
    from ..usage import price_of

    config = LeapBuckets(
        username="demo",
        root_overrides={
            "persistent": {"storageClass": "NEARLINE"},
            "osn-inbox": {"pricePerGiBMonth": 0.005},
            "scratch": {"pricePerGiBMonth": None},
        },
        usage_prices={"NEARLINE": 0.011},
    )
    roots = {root.id: root for root in resolve_roots(config.root_specs(), "demo")}
    assert price_of(config, roots["scratch"])["pricePerGiBMonth"] is None
    assert price_of(config, roots["persistent"]) == {
        "pricePerGiBMonth": 0.011,
        "priceSource": "Google's list price for NEARLINE storage in us-central1",
        "storageClass": "NEARLINE",
    }
    assert price_of(config, roots["osn-inbox"])["pricePerGiBMonth"] == 0.005
    assert price_of(config, roots["osn-manual"])["pricePerGiBMonth"] is None
    assert price_of(LeapBuckets(username="demo"), roots["persistent"])["pricePerGiBMonth"] == 0.020
    # The bucket's own default class, read from the bucket, where the root names none;
    # a root's configured class wins over it.
    assert price_of(LeapBuckets(username="demo"), roots["persistent"], "COLDLINE")["pricePerGiBMonth"] == 0.004
    assert price_of(config, roots["persistent"], "COLDLINE")["storageClass"] == "NEARLINE"
    assert price_of(config, roots["osn-manual"], None)["storageClass"] is None


async def test_the_storage_class_is_read_from_the_bucket_once(emulators, tmp_path):
    """fake-gcs-server keeps every bucket STANDARD (it ignores storageClass on create),
    so this checks where the class comes from: the bucket resource, as GCS's JSON API
    answers it, asked once per root."""
    from ..build import build
    from ..config import LeapBuckets
    from ..roots import resolve_roots

    parts = build(LeapBuckets(**extension_config()["LeapBuckets"]), state_dir=tmp_path / "state")
    roots = {root.id: root for root in resolve_roots(parts.config.root_specs(), parts.config.resolved_username())}
    independent = requests.get(f"{GCS}/storage/v1/b/leap-persistent", timeout=30).json()["storageClass"]
    calls = []
    store = parts.service.store(roots["persistent"])
    real = store.lifecycle

    async def counted():
        calls.append(1)
        return await real()

    store.lifecycle = counted
    assert await parts.usage.bucket_class(roots["persistent"]) == independent
    assert await parts.usage.bucket_class(roots["persistent"]) == independent
    assert len(calls) == 1
    assert await parts.usage.bucket_class(roots["osn-inbox"]) is None


async def test_at_most_max_running_scans_list_at_once():
    from types import SimpleNamespace

    from ..expiry import NO_EXPIRY
    from ..roots import resolve_roots
    from ..storage.base import ObjectInfo
    from ..usage import MAX_RUNNING, Usage

    release, listing = asyncio.Event(), []

    class Store:
        async def walk(self, prefix):
            listing.append(prefix)
            await release.wait()
            yield ObjectInfo(prefix + "a/b", 5, None, None)

    class Policies:
        async def policy(self, root):
            await asyncio.sleep(0)  # as a real lookup would: other GETs run meanwhile
            return NO_EXPIRY

    root = resolve_roots([{"id": "r", "provider": "gcs", "bucket": "b"}], "demo")[0]
    usage = Usage(SimpleNamespace(store=lambda r: Store()), Policies(), 100, 60)
    folders = [f"f{i}/" for i in range(MAX_RUNNING + 2)]
    # Each folder asked for twice at once: one scan per folder all the same.
    asked = await asyncio.gather(*(usage.get(root, folder) for folder in folders + folders))
    scans = asked[: len(folders)]
    assert asked[len(folders) :] == scans and len({id(scan) for scan in scans}) == len(folders)
    assert len(listing) == MAX_RUNNING and not any(scan.complete for scan in scans)
    assert (await usage.get(root, folders[0])) is scans[0]
    release.set()
    await asyncio.gather(*(scan.task for scan in scans))
    assert sorted(listing) == folders
    assert [scan.to_api({})["entries"][0]["objects"] for scan in scans] == [1] * len(folders)


async def test_a_scan_that_fails_is_answered_with_its_error_once_then_scanned_again():
    from types import SimpleNamespace

    from ..expiry import NO_EXPIRY
    from ..roots import resolve_roots
    from ..storage.base import ObjectInfo
    from ..usage import Usage

    walks = []

    class Store:
        async def walk(self, prefix):
            walks.append(prefix)
            yield ObjectInfo(prefix + "a", 5, None, None)
            if len(walks) == 1:
                raise ConnectionError("the service went away")

    class Policies:
        async def policy(self, root):
            return NO_EXPIRY

    root = resolve_roots([{"id": "r", "provider": "gcs", "bucket": "b"}], "demo")[0]
    usage = Usage(SimpleNamespace(store=lambda r: Store()), Policies(), 100, 60)
    with pytest.raises(ConnectionError, match="went away"):
        await usage.get(root, "f/")
    scan = await usage.get(root, "f/")
    assert walks == ["f/", "f/"] and scan.complete and scan.error is None
    assert scan.to_api({})["entries"][0]["objects"] == 1
