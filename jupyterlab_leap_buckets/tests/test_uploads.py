"""Desktop uploads: POST uploads, then the bytes chunk by chunk with PUT; checked with
independent clients (the emulator's JSON API, boto3)."""

import asyncio
import base64
import hashlib
import os
import tracemalloc
import urllib.parse
import uuid

import requests

from .conftest import GCS, gcs_get, gcs_independent_keys, s3_client

MiB = 1024 * 1024


def unique(prefix="demo/"):
    return f"{prefix}u-{uuid.uuid4().hex[:8]}/"


async def upload(send, target, name, data: bytes, chunk=3 * MiB, **extra):
    status, job = await send("uploads", {"target": target, "name": name, "size": len(data), **extra})
    if status != 202:
        return status, job
    for offset in range(0, len(data), chunk):
        status, job = await send(f"uploads/{job['id']}", data[offset:offset + chunk], method="PUT", offset=str(offset))
        assert status == 200, job
    return status, job


async def test_upload_to_gcs_in_uneven_chunks(send, finish):
    folder = unique()
    data = os.urandom(20 * MiB + 12345)
    status, job = await upload(send, {"root": "scratch", "path": folder}, "field.nc", data)
    job = await finish(job)
    assert job["state"] == "done", job
    assert (job["objectsDone"], job["bytesDone"], job["bytesTotal"]) == (1, len(data), len(data))
    assert gcs_get("leap-scratch", folder + "field.nc") == data


async def test_upload_to_s3_multipart_and_small(send, finish):
    folder = unique("")
    big, small = os.urandom(17 * MiB), b"hello from the desktop\n"
    for name, data in (("big.bin", big), ("small.txt", small)):
        status, job = await upload(send, {"root": "osn-inbox", "path": folder}, name, data, chunk=5 * MiB)
        assert (await finish(job))["state"] == "done"
    s3 = s3_client()
    assert s3.get_object(Bucket="leap-pangeo-inbox", Key=folder + "big.bin")["Body"].read() == big
    assert s3.get_object(Bucket="leap-pangeo-inbox", Key=folder + "small.txt")["Body"].read() == small


async def test_empty_file(send, finish):
    folder = unique()
    status, job = await send("uploads", {"target": {"root": "scratch", "path": folder}, "name": "empty", "size": 0})
    assert status == 202, job
    assert (await finish(job))["state"] == "done"
    assert gcs_get("leap-scratch", folder + "empty") == b""


async def test_conflicts_and_refusals(send, finish):
    folder = unique()
    target = {"root": "scratch", "path": folder}
    status, job = await upload(send, target, "a.txt", b"first")
    await finish(job)
    status, body = await send("uploads", {"target": target, "name": "a.txt", "size": 6})
    assert status == 409 and body["error"]["code"] == "conflict"
    status, job = await upload(send, target, "a.txt", b"second", conflict="rename")
    await finish(job)
    assert gcs_get("leap-scratch", folder + "a (1).txt") == b"second"
    status, job = await upload(send, target, "a.txt", b"third!", conflict="overwrite")
    await finish(job)
    assert gcs_get("leap-scratch", folder + "a.txt") == b"third!"

    refusals = [
        ({"target": {"root": "scratch", "path": "other-user/"}, "name": "x", "size": 1}, 403, "outside-home"),
        ({"target": {"root": "osn-manual", "path": ""}, "name": "x", "size": 1}, 403, "read-only"),
        ({"target": target, "name": "../x", "size": 1}, 400, "bad-request"),
        ({"target": target, "name": "x", "size": -1}, 400, "bad-request"),
        ({"target": {"root": "scratch", "path": folder + "file"}, "name": "x", "size": 1}, 400, "bad-request"),
        ({"target": {"root": "nope", "path": ""}, "name": "x", "size": 1}, 404, "not-found"),
    ]
    for body, code, error in refusals:
        status, answer = await send("uploads", body)
        assert (status, answer["error"]["code"]) == (code, error), body
    assert sorted(gcs_independent_keys("leap-scratch", folder)) == [folder + "a (1).txt", folder + "a.txt"]


async def test_bad_offset_and_overrun(send, finish):
    folder = unique()
    status, job = await send("uploads", {"target": {"root": "scratch", "path": folder}, "name": "f", "size": 10})
    status, body = await send(f"uploads/{job['id']}", b"12345", method="PUT", offset="5")
    assert status == 409 and body["error"]["code"] == "bad-offset"
    status, body = await send(f"uploads/{job['id']}", b"x" * 11, method="PUT", offset="0")
    assert status == 400 and body["error"]["code"] == "bad-request"
    status, body = await send(f"uploads/{job['id']}", b"0123456789", method="PUT", offset="0")
    assert status == 200
    assert (await finish(job))["state"] == "done"
    assert gcs_get("leap-scratch", folder + "f") == b"0123456789"


async def test_cancel_leaves_nothing(send, finish, jp_fetch):
    for root, bucket in (("scratch", "leap-scratch"), ("osn-inbox", "leap-pangeo-inbox")):
        folder = unique("demo/" if root == "scratch" else "")
        status, job = await send("uploads", {"target": {"root": root, "path": folder}, "name": "big", "size": 40 * MiB})
        assert status == 202
        status, _ = await send(f"uploads/{job['id']}", os.urandom(16 * MiB), method="PUT", offset="0")
        assert status == 200
        await jp_fetch("leap-buckets", "api", "jobs", job["id"], method="DELETE")
        job = await finish(job)
        assert job["state"] == "cancelled"
        status, body = await send(f"uploads/{job['id']}", b"x" * MiB, method="PUT", offset=str(16 * MiB))
        assert status == 409 and body["error"]["code"] == "upload-closed"
        if root == "scratch":
            assert gcs_independent_keys(bucket, folder) == []
        else:
            s3 = s3_client()
            assert s3.list_objects_v2(Bucket=bucket, Prefix=folder).get("KeyCount") == 0
            assert not s3.list_multipart_uploads(Bucket=bucket, Prefix=folder).get("Uploads")


async def test_one_gib_upload_with_flat_memory(send, finish):
    """A 1 GiB file: the server never holds it whole (Python allocations stay far below
    the file's size while it streams into the emulator's resumable upload)."""
    folder = unique()
    size, chunk = 1024 * MiB, 8 * MiB
    block = os.urandom(chunk)
    status, job = await send("uploads", {"target": {"root": "scratch", "path": folder}, "name": "big.bin", "size": size})
    assert status == 202, job
    digest = hashlib.md5()
    tracemalloc.start()
    try:
        for offset in range(0, size, chunk):
            data = offset.to_bytes(8, "big") + block[8:]  # every chunk different
            digest.update(data)
            status, body = await send(f"uploads/{job['id']}", data, method="PUT", offset=str(offset))
            assert status == 200, body
            del data, body
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    job = await finish(job, timeout=300)
    assert job["state"] == "done", job
    print(f"1 GiB upload: peak Python memory {peak / MiB:.0f} MiB")
    # Test client and server share this process: the client's chunk and its copies count
    # too. About 120 MiB here (2026-11-27); the file is 1,024.
    assert peak < 192 * MiB, f"peak Python memory {peak / MiB:.0f} MiB for a 1 GiB upload"
    meta = await asyncio.to_thread(_gcs_meta, "leap-scratch", folder + "big.bin")
    assert int(meta["size"]) == size
    assert base64.b64decode(meta["md5Hash"]).hex() == digest.hexdigest()
    await asyncio.to_thread(_gcs_delete, "leap-scratch", folder + "big.bin")


def _gcs_meta(bucket, name):
    url = f"{GCS}/storage/v1/b/{bucket}/o/{urllib.parse.quote(name, safe='')}"
    response = requests.get(url, timeout=60)
    response.raise_for_status()
    return response.json()


def _gcs_delete(bucket, name):
    requests.delete(f"{GCS}/storage/v1/b/{bucket}/o/{urllib.parse.quote(name, safe='')}", timeout=60)
