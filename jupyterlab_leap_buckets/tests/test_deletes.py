"""Guarded deletion: hostile paths and requests refused (every bucket's keys compared
before and after by independent clients), large Zarr stores deleted completely, objects
written or changed after the plan kept, cancel, audit."""

import asyncio
import json
import time
import uuid

import aiohttp
import pytest

from jupyterlab_leap_buckets import deletes as deletes_module
from jupyterlab_leap_buckets.storage.gcs import GcsStore

from .conftest import GCS, S3, extension_config, gcs_independent_keys, gcs_put, s3_client, s3_overrides

S3_DELETABLE = {"osn-inbox": {"deletable": "{username}/"}}


@pytest.fixture
def jp_server_config(tmp_path, request):
    # OSN deletes are off by LEAP's default; these tests turn them on for the inbox.
    return extension_config(
        state_dir=str(tmp_path / "leap-state"), root_overrides=S3_DELETABLE, **s3_overrides(request)
    )


@pytest.fixture
def plan(send, api):
    """POST delete/plan, then follow the listing (GET delete/plan/<token>) to its end."""

    async def call(root, path, follow=True):
        status, body = await send("delete/plan", {"root": root, "path": path})
        while follow and status == 200 and not body["complete"]:
            await asyncio.sleep(0.2)
            status, body = await api(f"delete/plan/{body['plan']}")
        return status, body

    return call


@pytest.fixture
def delete(send):
    return lambda token, confirm: send("delete", {"plan": token, "confirm": confirm})


def s3_keys(bucket, prefix=""):
    keys = []
    for page in s3_client().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        keys += [o["Key"] for o in page.get("Contents", [])]
    return keys


def every_key():
    """Every bucket's full key list, from clients that are not our server."""
    keys = {b: gcs_independent_keys(b, "") for b in ("leap-scratch", "leap-persistent")}
    keys.update({b: s3_keys(b) for b in ("leap-pangeo-inbox", "leap-pangeo-manual", "leap-pangeo-pipeline")})
    return keys


async def seed_gcs(bucket, keys, data=b"x" * 64):
    async with aiohttp.ClientSession() as session:
        gate = asyncio.Semaphore(48)

        async def put(key):
            async with gate:
                url = f"{GCS}/upload/storage/v1/b/{bucket}/o"
                async with session.post(url, params={"uploadType": "media", "name": key}, data=data) as response:
                    assert response.status == 200, await response.text()

        await asyncio.gather(*(put(k) for k in keys))


def seed_s3(bucket, keys, data=b"x" * 64, settle=True):
    """Write through boto3. moto's times have seconds only, and a plan leaves out objects
    of its own second (deletes.py), so unless told otherwise this waits for the next one."""
    from concurrent.futures import ThreadPoolExecutor

    s3 = s3_client()
    with ThreadPoolExecutor(32) as pool:
        list(pool.map(lambda k: s3.put_object(Bucket=bucket, Key=k, Body=data), keys))
    if settle:
        time.sleep(1.1)


def zarr_keys(prefix, version, n):
    if version == 2:
        return [prefix + ".zgroup", prefix + "t/.zarray", prefix + "t/.zattrs"] + [
            f"{prefix}t/{i // 100}.{i % 100}" for i in range(n - 3)
        ]
    return [prefix + "zarr.json", prefix + "t/zarr.json"] + [f"{prefix}t/c/{i // 100}/{i % 100}" for i in range(n - 2)]


HOSTILE_PATHS = [
    ("scratch", "demo/", "outside-home"),  # the home itself
    ("scratch", "demo", "outside-home"),
    ("scratch", "", "bad-request"),
    ("scratch", "/", "bad-request"),
    ("scratch", "other-user/run.zarr/", "outside-home"),
    ("scratch", "other-user/", "outside-home"),
    ("scratch", "demo-old/x", "outside-home"),
    ("scratch", "demo/../other-user/", "bad-request"),
    ("scratch", "demo/%2e%2e/other-user/", "bad-request"),
    ("scratch", "demo/%2E%2E%2Fother-user%2F", "bad-request"),
    ("scratch", "demo//", "bad-request"),
    ("scratch", "demo//ocean.zarr/", "bad-request"),
    ("scratch", "demo\\..\\other-user\\", "bad-request"),
    ("scratch", "/demo/ocean.zarr/", "bad-request"),
    ("scratch", "demo/ocean.zarr\x00/", "bad-request"),
    ("scratch", "demo/*", "bad-request"),
    ("scratch", "demo/ocean.zarr/*", "bad-request"),
    ("scratch", "demo/oce?n.zarr/", "bad-request"),
    ("scratch", "demo/[o]cean.zarr/", "bad-request"),
    ("scratch", "demo\uff0f..\uff0fother-user/", "bad-request"),  # fullwidth solidus
    ("scratch", "d\u0435mo/ocean.zarr/", "outside-home"),  # Cyrillic e
    ("scratch", "demo/\u2024\u2024/other-user/", "bad-request"),  # one-dot leaders
    ("scratch", "demo/\u200bocean.zarr/", "bad-request"),  # zero-width space
    ("scratch", "demo/ocean.zarr/\u202e", "bad-request"),  # right-to-left override
    ("scratch", "demo/" + "a" * 1100, "bad-request"),
    ("scratch", "demo/./ocean.zarr/", "bad-request"),
    ("scratch", "demo/ocean.zarr/ ", "bad-request"),
    ("scratch", "demo\n/ocean.zarr/", "bad-request"),
    ("persistent", "", "bad-request"),
    ("persistent", "demo/", "outside-home"),
    ("osn-manual", "CMIP6/tas.zarr/", "read-only"),
    ("osn-pipeline", "era5/", "read-only"),
    ("osn-inbox", "demo/../", "bad-request"),
    ("osn-inbox", "other/", "outside-home"),
    ("nope", "demo/ocean.zarr/", "not-found"),
]


async def test_hostile_paths_and_requests_are_refused_and_nothing_changes(plan, delete, send):
    before = every_key()
    assert len(HOSTILE_PATHS) >= 25
    for root, path, code in HOSTILE_PATHS:
        status, body = await plan(root, path)
        assert 400 <= status < 500 and body["error"]["code"] == code, (root, path, status, body)
        assert "plan" not in body
    for body in ({"root": "scratch"}, {"root": "scratch", "path": ["demo/ocean.zarr/"]}, {"path": "demo/ocean.zarr/"}):
        status, answer = await send("delete/plan", body)
        assert status == 400, (body, answer)
    # Requests with tokens that are not good for this delete
    status, body = await plan("scratch", "demo/ocean.zarr/")
    assert status == 200, body
    token = body["plan"]
    for confirm in ("", "ocean", "ocean.zarr/", "OCEAN.ZARR", None, "demo/ocean.zarr"):
        status, answer = await delete(token, confirm)
        assert (status, answer["error"]["code"]) == (400, "confirm-mismatch"), confirm
    for forged in ("", "x" * 32, token[:-1] + ("A" if token[-1] != "A" else "B")):
        status, answer = await delete(forged, "ocean.zarr")
        assert status in (400, 410), answer
    assert every_key() == before


async def test_a_plan_is_used_once_and_expires(plan, delete, finish, monkeypatch):
    prefix = f"demo/del-{uuid.uuid4().hex[:6]}/"
    await seed_gcs("leap-scratch", [prefix + "a.txt", prefix + "b.txt"])
    status, body = await plan("scratch", prefix)
    assert status == 200
    assert (body["objects"], body["bytes"], body["type"], body["zarr"]) == (2, 128, "folder", False)
    assert body["url"] == f"gs://leap-scratch/{prefix}" and body["sample"] == [prefix + "a.txt", prefix + "b.txt"]
    assert body["earliestExpiry"] is not None  # scratch expires
    name = prefix.rstrip("/").rsplit("/", 1)[1]
    status, job = await delete(body["plan"], name)
    assert status == 202
    assert (await finish(job))["state"] == "done"
    status, answer = await delete(body["plan"], name)
    assert (status, answer["error"]["code"]) == (410, "plan-expired")

    gcs_put("leap-scratch", prefix + "c.txt", b"c")
    monkeypatch.setattr(deletes_module, "PLAN_TTL", -1)
    status, body = await plan("scratch", prefix)
    assert status == 200
    status, answer = await delete(body["plan"], name)
    assert (status, answer["error"]["code"]) == (410, "plan-expired")
    assert gcs_independent_keys("leap-scratch", prefix) == [prefix + "c.txt"]


async def test_another_users_plan_is_refused(emulators, tmp_path):
    from jupyterlab_leap_buckets.build import build
    from jupyterlab_leap_buckets.config import LeapBuckets
    from jupyterlab_leap_buckets.errors import ApiError

    parts = build(LeapBuckets(username="demo", gcs_endpoint=GCS, s3_endpoint=S3), state_dir=tmp_path)
    service, deletes = parts.service, parts.deletes
    made = await deletes.plan({"root": "scratch", "path": "demo/results/tiny.txt"})
    service.username = "someone-else"
    with pytest.raises(ApiError) as caught:
        deletes.start({"plan": made.token, "confirm": "tiny.txt"})
    assert caught.value.code == "outside-home"
    assert gcs_independent_keys("leap-scratch", "demo/results/tiny.txt") == ["demo/results/tiny.txt"]


@pytest.mark.parametrize(
    "root,bucket,version,s3_server",
    [
        ("scratch", "leap-scratch", 2, "moto"),
        ("osn-inbox", "leap-pangeo-inbox", 3, "moto"),
        # DeleteObjects ignores per-key ETags on both S3 servers: what keeps the rewritten
        # object is the listing before each batch (bulk_delete.s3_batch), tried on each.
        ("osn-inbox", "leap-pangeo-inbox", 3, "versitygw"),
    ],
    indirect=["s3_server"],
)
async def test_a_large_zarr_store_is_deleted_completely_and_late_objects_survive(
    plan, delete, finish, root, bucket, version, s3_server, jp_server_config
):
    store = f"demo/big-{uuid.uuid4().hex[:6]}.zarr/"
    keys = zarr_keys(store, version, 10_000)
    neighbour = store.rstrip("/") + "-old/keep.txt"  # shares the name's start, not the folder
    if root == "scratch":
        await seed_gcs(bucket, keys + [neighbour])
    else:
        await asyncio.to_thread(seed_s3, bucket, keys + [neighbour])
    status, body = await plan(root, store)
    assert status == 200, body
    assert (body["objects"], body["type"], body["zarr"]) == (10_000, "zarr", True)
    # Written after the plan: a new object, and existing objects rewritten: one in the
    # first page, and on S3 the first and last keys of key ranges the listing was cut
    # into (storage/key_ranges.py cuts before t/c/2, t/c/3, ...), and the last key.
    late = store + "late.txt"
    edges = ("t/c/2/0", "t/c/29/99") if version == 3 else ("t/2.0", "t/29.99")
    rewritten = sorted({keys[5], keys[-1], *(store + edge for edge in edges)})
    assert set(rewritten) <= set(keys)
    if root == "scratch":
        await seed_gcs(bucket, [late, *rewritten], data=b"written after the plan")
    else:
        await asyncio.to_thread(seed_s3, bucket, [late, *rewritten], b"written after the plan", False)
    status, job = await delete(body["plan"], store.rstrip("/").rsplit("/", 1)[1])
    assert status == 202, job
    job = await finish(job, timeout=300)
    assert job["state"] == "done", job
    assert job["objectsDone"] == 9_996 and job["objectsSkipped"] == 4
    assert sorted(skip["path"] for skip in job["skipped"]) == rewritten
    remaining = gcs_independent_keys(bucket, store) if root == "scratch" else s3_keys(bucket, store)
    assert sorted(remaining) == sorted([late, *rewritten])
    assert sorted(job["remaining"]) == sorted([late, *rewritten])
    neighbours = gcs_independent_keys(bucket, neighbour) if root == "scratch" else s3_keys(bucket, neighbour)
    assert neighbours == [neighbour]
    audit = [json.loads(line) for line in open(jp_server_config["LeapBuckets"]["state_dir"] + "/deletes.jsonl")]
    mine = [a for a in audit if a["path"] == store]
    assert len(mine) == 1
    assert (mine[0]["owner"], mine[0]["planned"], mine[0]["deleted"], mine[0]["skipped"], mine[0]["state"]) == (
        "demo",
        10_000,
        9_996,
        4,
        "done",
    )
    assert mine[0]["user"] and mine[0]["user"] != "demo"  # who asked: the token's identity here
    assert mine[0]["start"] <= mine[0]["end"]


async def test_a_single_file_and_a_folder_named_without_its_slash(plan, delete, finish):
    prefix = f"demo/del-{uuid.uuid4().hex[:6]}/"
    await seed_gcs("leap-scratch", [prefix + "one.nc", prefix + "sub/two.nc", prefix + "sub-old/three.nc"])
    status, body = await plan("scratch", prefix + "one.nc")
    assert (status, body["type"], body["objects"]) == (200, "file", 1)
    status, job = await delete(body["plan"], "one.nc")
    assert (await finish(job))["state"] == "done"
    status, body = await plan("scratch", prefix + "sub")
    assert (status, body["path"], body["objects"]) == (200, prefix + "sub/", 1)  # never sub-old/
    status, job = await delete(body["plan"], "sub")
    assert (await finish(job))["state"] == "done"
    assert gcs_independent_keys("leap-scratch", prefix) == [prefix + "sub-old/three.nc"]
    status, body = await plan("scratch", prefix + "missing/")
    assert (status, body["error"]["code"]) == (404, "not-found")


async def test_cancel_stops_promptly_and_reports_exactly(plan, delete, finish, jp_fetch, api):
    store = f"demo/cancel-{uuid.uuid4().hex[:6]}.zarr/"
    await seed_gcs("leap-scratch", zarr_keys(store, 2, 10_000))
    status, body = await plan("scratch", store)
    assert status == 200
    status, job = await delete(body["plan"], store.rstrip("/").rsplit("/", 1)[1])
    for _ in range(200):
        status, job = await api(f"jobs/{job['id']}")
        if job["objectsDone"] > 0:
            break
        await asyncio.sleep(0.02)
    loop = asyncio.get_running_loop()
    asked = loop.time()
    await jp_fetch("leap-buckets", "api", "jobs", job["id"], method="DELETE")
    job = await finish(job)
    assert loop.time() - asked < 10
    assert job["state"] == "cancelled"
    left = gcs_independent_keys("leap-scratch", store)
    assert 0 < job["objectsDone"] < 10_000
    assert len(left) == 10_000 - job["objectsDone"]
    # Clean up through the same route.
    status, body = await plan("scratch", store)
    status, job = await delete(body["plan"], store.rstrip("/").rsplit("/", 1)[1])
    assert (await finish(job, timeout=300))["state"] == "done"
    assert gcs_independent_keys("leap-scratch", store) == []


async def test_a_plan_answers_with_its_first_page_and_counts_on(plan, api, monkeypatch):
    """A large store's plan answers once the listing's first page of 1,000 is in, not
    after PLAN_WAIT (set to a minute here), and the listing goes on behind it. The real
    listing, from the emulator, is held after its first page until the plan has answered
    (at most 20 s): a plan that waited for more would answer complete, after 20 s."""
    monkeypatch.setattr(deletes_module, "PLAN_WAIT", 60.0)
    store = f"demo/first-{uuid.uuid4().hex[:6]}.zarr/"
    await seed_gcs("leap-scratch", zarr_keys(store, 3, 1_500))
    answered, real_walk = asyncio.Event(), GcsStore.walk

    async def held_walk(self, prefix):
        count = 0
        async for info in real_walk(self, prefix):
            yield info
            count += 1
            if count == 1_000 and prefix == store:
                try:
                    await asyncio.wait_for(answered.wait(), 20)
                except asyncio.TimeoutError:
                    pass

    monkeypatch.setattr(GcsStore, "walk", held_walk)
    status, body = await plan("scratch", store, follow=False)
    answered.set()
    assert status == 200, body
    assert (body["complete"], body["objects"], body["zarr"]) == (False, 1_000, True)
    token = body["plan"]
    for _ in range(100):
        status, body = await api(f"delete/plan/{token}")
        if body.get("complete"):
            break
        await asyncio.sleep(0.1)
    assert (status, body["complete"], body["objects"]) == (200, True, 1_500)


@pytest.mark.parametrize("root,bucket", [("scratch", "leap-scratch"), ("osn-inbox", "leap-pangeo-inbox")])
async def test_deleting_starts_while_the_plan_is_still_listing(plan, delete, finish, monkeypatch, root, bucket):
    """A large store: the plan answers before its listing ends, the delete confirmed at
    once follows the listing, and an object written after the plan started (at a key the
    listing reaches later) is not deleted. On S3, batches listed after the confirmation
    are deleted without a second listing of their keys (deletes.FRESH_S3, made long here:
    on a busy machine a batch can take more than a second to go out)."""
    monkeypatch.setattr(deletes_module, "PLAN_WAIT", 0.0)
    monkeypatch.setattr(deletes_module, "FRESH_S3", 60.0)
    checks = []
    from jupyterlab_leap_buckets.storage.s3 import S3Store

    original = S3Store.delete_batch

    async def delete_batch(self, batch, prefix=None, after=None, check=True):
        checks.append(check)
        return await original(self, batch, prefix, after, check)

    monkeypatch.setattr(S3Store, "delete_batch", delete_batch)
    store = f"demo/live-{uuid.uuid4().hex[:6]}.zarr/"
    keys = zarr_keys(store, 2, 6_000)
    if root == "scratch":
        await seed_gcs(bucket, keys)
    else:
        await asyncio.to_thread(seed_s3, bucket, keys)
    status, body = await plan(root, store, follow=False)
    assert status == 200, body
    assert body["complete"] is False and body["zarr"] is True
    late = store + "zzz-late.txt"  # sorts after every key of the store
    if root == "scratch":
        gcs_put(bucket, late, b"written after the plan started")
    else:
        await asyncio.to_thread(seed_s3, bucket, [late], b"written after the plan started", False)
    status, job = await delete(body["plan"], store.rstrip("/").rsplit("/", 1)[1])
    assert (status, job["listing"]) == (202, True), job  # the view says "still listing"
    job = await finish(job, timeout=300)
    assert job["state"] == "done", job
    assert job["objectsDone"] == job["objectsTotal"] == 6_000
    assert job["listing"] is False and "kept" in job["note"], job  # the late object
    remaining = gcs_independent_keys(bucket, store) if root == "scratch" else s3_keys(bucket, store)
    assert remaining == [late]
    assert job["remaining"] == [late]
    if root == "osn-inbox":
        assert False in checks  # some batches followed the listing with no second one


async def test_a_dropped_plan_cannot_be_used(plan, delete, send, jp_fetch):
    prefix = f"demo/del-{uuid.uuid4().hex[:6]}/"
    await seed_gcs("leap-scratch", [prefix + "a.txt"])
    status, body = await plan("scratch", prefix)
    response = await jp_fetch("leap-buckets", "api", "delete", "plan", body["plan"], method="DELETE")
    assert response.code == 204
    status, answer = await delete(body["plan"], prefix.rstrip("/").rsplit("/", 1)[1])
    assert (status, answer["error"]["code"]) == (410, "plan-expired")
    assert gcs_independent_keys("leap-scratch", prefix) == [prefix + "a.txt"]


async def test_an_s3_delete_takes_every_key_around_the_cuts_and_nothing_beside(plan, delete, finish, s3_server):
    """Attacked from outside: a store whose keys lie at, just below and just past the
    strings its listing is cut at (storage/key_ranges.py: `t/2`, the range `[t/2, t/3)`
    listed under the prefix `t/2` from `t/1` and U+10FFFF), deleted through the API on
    each S3 server; boto3 says every key of the store went and every neighbour stayed."""
    bucket, last = "leap-pangeo-inbox", chr(0x10FFFF)
    store = f"demo/cuts-{uuid.uuid4().hex[:6]}.zarr/"
    odd = ["t/1", "t/2", "t/9", "t/9~", "t/1" + last, "t/1" + last + "z", "t/8" + last + "0", "t/é", "t/ 1", "~", "0"]
    keys = [f"{store}t/{i // 100}.{i % 100}" for i in range(2300)] + [store + k for k in odd] + [store + ".zgroup"]
    base = store.rstrip("/")
    beside = [f"{base}-old/t/1", f"{base}0", base[:-1], f"{base}{last}", "demo/t/2.0"]
    await asyncio.to_thread(seed_s3, bucket, keys + beside)
    before = await asyncio.to_thread(every_key)
    status, body = await plan("osn-inbox", store)
    assert status == 200 and body["objects"] == len(keys), body
    status, job = await delete(body["plan"], base.rsplit("/", 1)[1])
    assert status == 202, job
    job = await finish(job, timeout=300)
    assert job["state"] == "done" and job["objectsDone"] == len(keys) and not job["objectsSkipped"], job
    after = await asyncio.to_thread(every_key)
    assert after[bucket] == sorted(set(before[bucket]) - set(keys))  # the store's keys, and only those
    assert all(k in after[bucket] for k in beside)
    assert {b: v for b, v in after.items() if b != bucket} == {b: v for b, v in before.items() if b != bucket}
