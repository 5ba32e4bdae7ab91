"""The retry path of bulk deletes, which the emulators never take by themselves: a
proxy on loopback (recording_proxy.py: Toxiproxy cannot answer HTTP) stands between our
server and the real emulator, answers the first bulk requests with 503s (whole requests,
then every part or key), and passes everything else through. Deletes must still remove exactly the planned objects.

Also the answers of S3 services that honour DeleteObjects' per-key ETags (AWS, Ceph),
which moto and versitygw ignore: a key refused for its ETag, and a service that refuses
the element itself."""

import asyncio
import re
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


def throttling(is_bulk, throttled_answers, bodies=None) -> Answer:
    """Answers the first bulk-delete requests itself, as a throttled service would, with
    `throttled_answers` (callables(body) -> web.Response) in turn; the rest go through.
    The bodies of the bulk requests are added to `bodies`, if given."""
    left = list(throttled_answers)

    def answer(seen: Seen, body: bytes):
        if bodies is not None and is_bulk(seen):
            bodies.append(body.decode())
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


async def _s3_delete_through(tmp_path, prefix, count, answers, bodies=None):
    """Plan and delete `count` fresh objects under `prefix` in the OSN inbox (of the
    test's S3 server) through a proxy whose first bulk requests get `answers`; the
    bodies of the bulk requests are added to `bodies`, if given."""
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
    with RecordingProxy(s3_now(), throttling(s3_bulk, answers, bodies)) as proxy:
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


def _objects(body: str) -> list:
    """(key, ETag or None) of each object of a DeleteObjects body."""
    found = []
    for part in re.findall(r"<Object>(.*?)</Object>", body, re.S):
        etag = re.search(r"<ETag>(.*?)</ETag>", part)
        found.append((re.search(r"<Key>(.*?)</Key>", part).group(1), etag.group(1) if etag else None))
    return found


def _delete_result(deleted: list, refused: list) -> web.Response:
    done = "".join(f"<Deleted><Key>{k}</Key></Deleted>" for k in deleted)
    errors = "".join(
        f"<Error><Key>{k}</Key><Code>PreconditionFailed</Code>"
        "<Message>At least one of the pre-conditions you specified did not hold</Message></Error>"
        for k in refused
    )
    xml = f'<?xml version="1.0" encoding="UTF-8"?><DeleteResult xmlns="{S3_XMLNS}">{done}{errors}</DeleteResult>'
    return web.Response(status=200, text=xml, content_type="application/xml")


S3_XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/"


async def test_delete_objects_carries_each_keys_planned_etag(s3_server, tmp_path):
    """Each key of a DeleteObjects goes with the ETag the plan listed (what AWS and Ceph
    compare before deleting; moto and versitygw ignore it, and delete)."""
    prefix = f"demo/etags-{uuid.uuid4().hex[:6]}/"
    client = s3_client()
    bodies: list = []
    etags = {}
    for i in range(12):
        key = f"{prefix}part-{i:04d}"
        etags[key] = client.put_object(Bucket="leap-pangeo-inbox", Key=key, Body=f"x{i}".encode())["ETag"]
    _, keys, job, _ = await _s3_delete_through(tmp_path, prefix, 0, [], bodies)
    assert job.state == "done" and job.objectsDone == len(etags), (job.error, job.failed)
    sent = [pair for body in bodies for pair in _objects(body)]
    assert sorted(sent) == sorted((k, e.strip('"')) for k, e in etags.items())


async def test_a_key_refused_for_its_etag_is_skipped_and_kept(s3_server, tmp_path):
    """A service that honours the ETags (AWS, Ceph) refuses a key rewritten between the
    batch's listing and its DeleteObjects. The proxy plays that service on the real
    emulator: it rewrites one key there, then deletes the keys whose ETag still matches
    and answers PreconditionFailed for the other, as AWS does. The job counts that key
    as skipped, not failed, and it keeps its new bytes."""
    prefix = f"demo/refused-{uuid.uuid4().hex[:6]}/"
    client = s3_client()
    rewritten = f"{prefix}part-0003"

    def honouring(body: bytes) -> web.Response:
        client.put_object(Bucket="leap-pangeo-inbox", Key=rewritten, Body=b"written meanwhile")
        current = {}
        for page in client.get_paginator("list_objects_v2").paginate(Bucket="leap-pangeo-inbox", Prefix=prefix):
            current.update({o["Key"]: o["ETag"].strip('"') for o in page.get("Contents", [])})
        objects = _objects(body.decode())
        assert objects and all(etag for _, etag in objects), body  # sent with ETags
        deleted = [k for k, etag in objects if current.get(k) == etag]
        for key in deleted:
            client.delete_object(Bucket="leap-pangeo-inbox", Key=key)
        return _delete_result(deleted, [k for k, _ in objects if k not in deleted])

    client, keys, job, proxy = await _s3_delete_through(tmp_path, prefix, 8, [honouring])
    assert job.state == "done", (job.error, job.failed)
    assert (job.objectsDone, job.objectsSkipped, job.objectsFailed) == (len(keys) - 1, 1, 0)
    assert [(s["path"], s["reason"]) for s in job.skipped] == [(rewritten, "changed since the plan")]
    assert [o["Key"] for o in client.list_objects_v2(Bucket="leap-pangeo-inbox", Prefix=prefix)["Contents"]] == [
        rewritten
    ]
    body = client.get_object(Bucket="leap-pangeo-inbox", Key=rewritten)["Body"].read()
    assert body == b"written meanwhile"


def refusing(code: str, status: int = 400):
    """A service's answer to a DeleteObjects whose form it does not take."""

    def answer(body: bytes) -> web.Response:
        xml = (
            f'<?xml version="1.0" encoding="UTF-8"?><Error><Code>{code}</Code><Message>The XML you provided was '
            "not well-formed or did not validate against our published schema</Message></Error>"
        )
        return web.Response(status=status, text=xml, content_type="application/xml")

    return answer


@pytest.mark.parametrize("code,status", [("MalformedXML", 400), ("InvalidRequest", 400), ("NotImplemented", 501)])
async def test_a_service_that_refuses_etags_is_sent_keys_alone(s3_server, tmp_path, quick_retries, code, status):
    """A service older than conditional deletes may refuse the ETag element whole
    (MalformedXML, or another 400 or 501): nothing was deleted, and the keys are listed
    again and sent alone."""
    prefix = f"demo/no-etags-{uuid.uuid4().hex[:6]}/"
    bodies: list = []
    client, keys, job, proxy = await _s3_delete_through(tmp_path, prefix, 10, [refusing(code, status)], bodies)
    assert job.state == "done", (job.error, job.failed)
    assert (job.objectsDone, job.objectsFailed, job.objectsSkipped) == (len(keys), 0, 0)
    sent = [_objects(body) for body in bodies]
    assert len(sent) == 2 and all(etag for _, etag in sent[0]) and not any(etag for _, etag in sent[1])
    assert sorted(k for k, _ in sent[1]) == keys
    order = bulk_and_lists(proxy, s3_bulk)
    bulk = [i for i, what in enumerate(order) if what == "bulk"]
    assert "list" in order[bulk[0] + 1 : bulk[1]], order  # listed again before the second
    assert client.list_objects_v2(Bucket="leap-pangeo-inbox", Prefix=prefix).get("KeyCount", 0) == 0
