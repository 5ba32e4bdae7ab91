"""A storage service that goes away in the middle of a transfer: the job fails with a
clear error and the target holds only whole objects. The S3 side here is a moto server
of this test's own, so stopping it disturbs no other test."""

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import boto3
import pytest
import requests

from .conftest import extension_config, gcs_get, gcs_independent_keys

MiB = 1024 * 1024


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def own_s3():
    port = free_port()
    moto = Path(sys.executable).parent / "moto_server"
    proc = subprocess.Popen(
        [str(moto), "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            requests.get(url, timeout=1)
            break
        except requests.RequestException:
            time.sleep(0.1)
    yield url, proc
    proc.kill()
    proc.wait()


class TestServiceStops:
    @pytest.fixture
    def jp_server_config(self, own_s3, tmp_path):
        return extension_config(s3_endpoint=own_s3[0], state_dir=str(tmp_path / "state"))

    async def test_job_fails_clearly_and_target_holds_only_whole_objects(self, own_s3, api, jp_fetch):
        url, proc = own_s3
        s3 = boto3.client(
            "s3",
            endpoint_url=url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            region_name="us-east-1",
        )
        s3.create_bucket(Bucket="leap-pangeo-inbox")
        sources = {f"batch/part-{i}.bin": os.urandom(24 * MiB) for i in range(6)}
        for key, data in sources.items():
            s3.put_object(Bucket="leap-pangeo-inbox", Key=key, Body=data)
        dest = f"demo/t-{uuid.uuid4().hex[:8]}/"
        body = {"source": {"root": "osn-inbox", "path": "batch/"}, "target": {"root": "scratch", "path": dest}}
        response = await jp_fetch("leap-buckets", "api", "transfers", method="POST", body=json.dumps(body))
        job = json.loads(response.body)
        for _ in range(400):
            _, job = await api(f"jobs/{job['id']}")
            if job["bytesDone"] > 0:
                break
            await asyncio.sleep(0.02)
        proc.kill()  # the service is gone in the middle of the transfer
        for _ in range(1200):
            _, job = await api(f"jobs/{job['id']}")
            if job["state"] not in ("queued", "running"):
                break
            await asyncio.sleep(0.1)
        assert job["state"] == "failed", job
        assert job["objectsFailed"] > 0 and job["error"]["message"]
        assert all(failure["message"] for failure in job["failed"])
        landed = gcs_independent_keys("leap-scratch", dest)
        assert set(job["completed"]) == set(landed)
        for key in landed:  # what is there is whole
            assert gcs_get("leap-scratch", key) == sources["batch/" + key[len(dest) + len("batch/") :]]


async def test_a_stream_shorter_or_longer_than_the_object_is_refused():
    """read_pieces (the streaming GET's reader) never passes a short or long body off as
    the object: the copy fails instead of committing."""
    from jupyterlab_leap_buckets.storage.base import read_pieces

    def body(data: bytes, step: int):
        view = memoryview(data)

        async def read(n):
            nonlocal view
            piece, view = bytes(view[: min(n, step)]), view[min(n, step) :]
            return piece

        return read

    data = bytes(range(256)) * 40  # 10,240 bytes, handed over 1,000 at a time
    pieces = [p async for p in read_pieces(body(data, 1000), len(data), 4096)]
    assert [len(p) for p in pieces] == [4096, 4096, 2048] and b"".join(pieces) == data
    with pytest.raises(IOError, match="early"):
        [p async for p in read_pieces(body(data[:-1], 1000), len(data), 4096)]
    with pytest.raises(IOError, match="more bytes"):
        [p async for p in read_pieces(body(data + b"x", 1000), len(data), 4096)]


async def test_received_buffers_make_the_same_pieces_and_the_same_refusals():
    """`received` (aiohttp's buffers as they came, not copies) gives read_pieces the same
    pieces as a plain read(n), cutting only the buffers that straddle a piece's end, and
    an HTTP chunk's empty end marker is not taken for the end of the body."""
    from jupyterlab_leap_buckets.storage.base import read_pieces, received

    class Content:
        """aiohttp StreamReader.readchunk: buffers of uneven sizes, each HTTP chunk's end
        marked by (b"", True), then (b"", False) for the end of the body."""

        def __init__(self, data: bytes, sizes):
            self.queue, start = [], 0
            for size in sizes:
                self.queue += [(data[start : start + size], False), (b"", True)]
                start += size
            if start < len(data):
                self.queue.append((data[start:], False))

        async def readchunk(self):
            return self.queue.pop(0) if self.queue else (b"", False)

    data = bytes(range(256)) * 40  # 10,240 bytes
    sizes = [1000, 5000, 3, 4093, 100]  # the second straddles the first piece's end
    pieces = [p async for p in read_pieces(received(Content(data, sizes)), len(data), 4096)]
    assert [len(p) for p in pieces] == [4096, 4096, 2048] and b"".join(pieces) == data
    with pytest.raises(IOError, match="early"):
        [p async for p in read_pieces(received(Content(data[:-1], sizes)), len(data), 4096)]
    with pytest.raises(IOError, match="more bytes"):
        [p async for p in read_pieces(received(Content(data + b"x", sizes)), len(data), 4096)]
    # As received (chunk None: for the disk): the buffers themselves, none joined or cut,
    # with the same refusals of a body that is short or long.
    pieces = [p async for p in read_pieces(received(Content(data, sizes)), len(data), None)]
    assert [len(p) for p in pieces] == [1000, 5000, 3, 4093, 100, 44] and b"".join(pieces) == data
    with pytest.raises(IOError, match="early"):
        [p async for p in read_pieces(received(Content(data[:-1], sizes)), len(data), None)]
    with pytest.raises(IOError, match="more bytes"):
        [p async for p in read_pieces(received(Content(data + b"x", sizes)), len(data), None)]
