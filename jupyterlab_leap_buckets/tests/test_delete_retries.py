"""The retry path of bulk deletes, which the emulators never take by themselves: a
proxy on loopback (recording_proxy.py: Toxiproxy cannot answer HTTP) stands between our
server and the real emulator, answers the first bulk requests with 503s (whole requests,
then every part or key), and passes everything else through. Deletes must still remove exactly the planned objects."""

import asyncio
import time
import uuid

import pytest
from aiohttp import web

from jupyterlab_leap_buckets.storage import bulk_delete

from .conftest import GCS, gcs_independent_keys, gcs_put, s3_client, s3_now
from .recording_proxy import Answer, RecordingProxy, Seen


def gcs_bulk(seen: Seen) -> bool:
    return seen.method == "POST" and seen.path.startswith("/batch/")


def s3_bulk(seen: Seen) -> bool:
    return seen.method == "POST" and seen.has_param("delete")


def throttling(is_bulk, throttled_answers) -> Answer:
    """Answers the first bulk-delete requests itself, as a throttled service would, with
    `throttled_answers` (callables(body) -> web.Response) in turn; the rest go through."""
    left = list(throttled_answers)

    def answer(seen: Seen, body: bytes):
        return left.pop(0)(body) if is_bulk(seen) and left else None

    return answer


def bulk_counts(proxy: RecordingProxy, is_bulk) -> tuple:
    """(bulk requests seen, bulk requests passed through to the emulator)."""
    seen = sum(1 for request in proxy.seen if is_bulk(request))
    return seen, seen - proxy.answered


def bulk_and_lists(proxy: RecordingProxy, is_bulk) -> list:
    """The word "bulk" or "list" for each bulk delete and listing, in the order they came."""
    return [
        "bulk" if is_bulk(request) else "list"
        for request in proxy.seen
        if is_bulk(request)
        or (request.method == "GET" and (request.has_param("list-type") or request.path.endswith("/o")))
    ]


def gcs_all_parts_503(body: bytes) -> web.Response:
    """A 200 batch answer whose every part is 503, as GCS answers when throttling parts."""
    ids = [
        line.split("<", 1)[1].rstrip(">\r") for line in body.decode().split("\r\n") if line.startswith("Content-ID:")
    ]
    parts = "".join(
        f"--resp\r\nContent-Type: application/http\r\nContent-ID: <response-{i}>\r\n\r\n"
        "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n"
        for i in ids
    )
    return web.Response(
        status=200, body=parts + "--resp--\r\n", headers={"Content-Type": "multipart/mixed; boundary=resp"}
    )


def whole_503(body: bytes) -> web.Response:
    return web.Response(
        status=503, text='{"error": {"code": 503, "message": "Backend Error"}}', content_type="application/json"
    )


def s3_all_keys_slow_down(body: bytes) -> web.Response:
    import re

    keys = re.findall(r"<Key>(.*?)</Key>", body.decode())
    errors = "".join(
        f"<Error><Key>{k}</Key><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>"
        for k in keys
    )
    xml = f'<?xml version="1.0" encoding="UTF-8"?><DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">{errors}</DeleteResult>'
    return web.Response(status=200, text=xml, content_type="application/xml")


@pytest.fixture
def quick_retries(monkeypatch):
    real_sleep = asyncio.sleep
    monkeypatch.setattr(bulk_delete.asyncio, "sleep", lambda s: real_sleep(min(s, 0.05)))


async def _plan_and_delete(config_kwargs, tmp_path, root, path, name):
    from jupyterlab_leap_buckets.build import build
    from jupyterlab_leap_buckets.config import LeapBuckets

    parts = build(LeapBuckets(username="demo", **config_kwargs), state_dir=tmp_path)
    deletes = parts.deletes
    plan = await deletes.plan({"root": root, "path": path})
    for _ in range(100):
        if plan.complete:
            break
        await asyncio.sleep(0.05)
    job = deletes.start({"plan": plan.token, "confirm": name})
    await parts.jobs.wait(job.id)
    return job


async def _s3_delete_through(tmp_path, prefix, count, answers):
    """Plan and delete `count` fresh objects under `prefix` in the OSN inbox (of the
    test's S3 server) through a proxy whose first bulk requests get `answers`."""
    client = s3_client()
    keys = [f"{prefix}part-{i:04d}" for i in range(count)]
    for key in keys:
        client.put_object(Bucket="leap-pangeo-inbox", Key=key, Body=b"x")
    time.sleep(1.1)  # moto's times have seconds only: a plan leaves out its own second
    config = {
        "s3_key": "testing",
        "s3_secret": "testing",
        "root_overrides": {"osn-inbox": {"deletable": "{username}/"}},
    }
    with RecordingProxy(s3_now(), throttling(s3_bulk, answers)) as proxy:
        config["s3_endpoint"] = proxy.url
        job = await _plan_and_delete(config, tmp_path, "osn-inbox", prefix, prefix.split("/")[-2])
    return client, keys, job, proxy


async def test_gcs_batches_answered_503_are_retried_until_everything_planned_is_deleted(
    emulators, tmp_path, quick_retries
):
    prefix = f"demo/throttled-{uuid.uuid4().hex[:6]}.zarr/"
    keys = [f"{prefix}.zgroup"] + [f"{prefix}c/{i}" for i in range(150)]  # two batches
    for key in keys:
        gcs_put("leap-scratch", key, b"{}")
    gcs_put("leap-scratch", prefix.rstrip("/") + "-old/keep.txt", b"k")
    with RecordingProxy(GCS, throttling(gcs_bulk, [whole_503, gcs_all_parts_503, gcs_all_parts_503])) as proxy:
        job = await _plan_and_delete({"gcs_endpoint": proxy.url}, tmp_path, "scratch", prefix, prefix.split("/")[-2])
    assert job.state == "done", (job.error, job.failed)
    assert (job.objectsDone, job.objectsFailed, job.objectsSkipped) == (len(keys), 0, 0)
    bulk_seen, passed_bulk = bulk_counts(proxy, gcs_bulk)
    assert bulk_seen >= 5 and passed_bulk >= 2  # throttled three times, then through
    assert gcs_independent_keys("leap-scratch", prefix) == []
    assert gcs_independent_keys("leap-scratch", prefix.rstrip("/") + "-old/") == [prefix.rstrip("/") + "-old/keep.txt"]


async def test_s3_delete_objects_answered_slow_down_are_retried(s3_server, tmp_path, quick_retries):
    prefix = f"demo/throttled-{uuid.uuid4().hex[:6]}/"
    client, keys, job, proxy = await _s3_delete_through(tmp_path, prefix, 40, [s3_all_keys_slow_down] * 2)
    assert job.state == "done", (job.error, job.failed)
    assert (job.objectsDone, job.objectsFailed) == (len(keys), 0)
    assert bulk_counts(proxy, s3_bulk) == (3, 1)
    assert client.list_objects_v2(Bucket="leap-pangeo-inbox", Prefix=prefix).get("KeyCount", 0) == 0


async def test_a_delete_objects_that_fails_whole_is_never_resent_before_its_keys_are_listed_again(
    s3_server, tmp_path, quick_retries
):
    """A DeleteObjects answered 503 (or cut) may have been applied: sent again blindly
    (botocore's own retries), it would delete objects written at its keys meanwhile. So
    it is sent once by the libraries, and s3_batch lists the keys again before its next
    try. (botocore's `max_attempts: 1` means one *retry*: that was the S3 emulator-kill
    test's rare failure.)"""
    prefix = f"demo/once-{uuid.uuid4().hex[:6]}/"
    client, keys, job, proxy = await _s3_delete_through(tmp_path, prefix, 10, [whole_503])
    assert job.state == "done", (job.error, job.failed)
    assert (job.objectsDone, job.objectsFailed) == (len(keys), 0)
    order = bulk_and_lists(proxy, s3_bulk)
    bulk = [i for i, what in enumerate(order) if what == "bulk"]
    assert len(bulk) == 2, order  # the 503, then the one that went through
    assert "list" in order[bulk[0] + 1 : bulk[1]], f"DeleteObjects sent again without a listing between: {order}"
    assert client.list_objects_v2(Bucket="leap-pangeo-inbox", Prefix=prefix).get("KeyCount", 0) == 0


async def test_a_batch_that_stays_throttled_fails_its_objects_and_says_so(emulators, tmp_path, quick_retries):
    prefix = f"demo/throttled-{uuid.uuid4().hex[:6]}/"
    keys = [f"{prefix}f-{i}" for i in range(5)]
    for key in keys:
        gcs_put("leap-scratch", key, b"x")
    with RecordingProxy(GCS, throttling(gcs_bulk, [gcs_all_parts_503] * bulk_delete.RETRIES)) as proxy:
        job = await _plan_and_delete({"gcs_endpoint": proxy.url}, tmp_path, "scratch", prefix, prefix.split("/")[-2])
    assert bulk_counts(proxy, gcs_bulk)[0] == bulk_delete.RETRIES
    assert job.state == "failed" and job.objectsFailed == len(keys) and job.objectsDone == 0
    assert "503" in job.failed[0]["message"]
    assert gcs_independent_keys("leap-scratch", prefix) == sorted(keys)  # nothing deleted
