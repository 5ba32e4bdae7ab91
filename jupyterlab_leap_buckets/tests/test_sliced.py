"""Large GCS objects to the disk in slices (sliced.py): several ranged GETs at once, each
written at its offset, the file named only once whole and checked against the object's
CRC32C combined from the slices'. Against fake-gcs-server, with the thresholds lowered
so a few MiB make several slices."""

import asyncio
import os
import uuid

import google_crc32c
import pytest

from .. import sliced
from ..build import build
from ..config import LeapBuckets
from ..storage.checksums import crc32c_combine
from ..transfer_start import start_transfer
from .conftest import extension_config, gcs_get, gcs_put

MiB = 1024 * 1024


@pytest.fixture
def small_slices(monkeypatch):
    monkeypatch.setattr(sliced, "SLICED_FROM", 3 * MiB)
    monkeypatch.setattr(sliced, "SLICE_MIN", 1 * MiB)


def seeded(tmp_path, size=5 * MiB + 123):
    prefix = f"demo/sliced-{uuid.uuid4().hex[:8]}/"
    data = os.urandom(size)
    gcs_put("leap-scratch", prefix + "src/big.bin", data)
    config = LeapBuckets(**extension_config(state_dir=str(tmp_path / "state"))["LeapBuckets"])
    parts = build(config, local_root=str(tmp_path / "disk"))
    os.makedirs(tmp_path / "disk")
    service = parts.service
    return prefix, data, parts.jobs, service, service.store(service.root("scratch"))


def request(prefix):
    return {"source": {"root": "scratch", "path": prefix + "src/"}, "target": {"local": "out/"}}


def test_crc32c_combines_like_the_whole():
    rng = __import__("random").Random(7)
    for _ in range(50):
        whole = os.urandom(rng.randrange(0, 5000))
        cut = rng.randrange(0, len(whole) + 1)
        a, b = whole[:cut], whole[cut:]
        assert crc32c_combine(google_crc32c.value(a), google_crc32c.value(b), len(b)) == google_crc32c.value(whole)


def test_slices_cover_the_object_once():
    for size in (150 * MiB, 200 * MiB + 1, 1024 * MiB, 5 * 1024 * MiB + 7):
        parts = sliced.slices(size)
        assert 1 <= len(parts) <= sliced.SLICES
        assert parts[0][0] == 0 and sum(length for _, length in parts) == size
        assert all(start + length == nxt for (start, length), (nxt, _) in zip(parts, parts[1:]))


async def test_a_large_object_lands_whole_from_ranged_gets_at_once(emulators, tmp_path, small_slices):
    prefix, data, jobs, service, store = seeded(tmp_path)
    real_stream, ranges, open_at_once, now = store.stream, [], [], [0]

    async def stream(key, size, chunk, version=None, start=None):
        ranges.append((start, size))
        now[0] += 1
        open_at_once.append(now[0])
        try:
            async for piece in real_stream(key, size, chunk, version=version, start=start):
                await asyncio.sleep(0.01)
                yield piece
        finally:
            now[0] -= 1

    store.stream = stream
    job = await start_transfer(service, jobs, request(prefix))
    await asyncio.wait_for(jobs.wait(job.id), 60)
    assert job.state == "done", (job.error, job.failed)
    assert (tmp_path / "disk/out/src/big.bin").read_bytes() == data == gcs_get("leap-scratch", prefix + "src/big.bin")
    assert sorted(ranges) == sliced.slices(len(data)) and len(ranges) == sliced.SLICES
    assert max(open_at_once) > 1  # the slices were read side by side
    assert job.bytesDone == len(data) and job.objectsDone == 1
    assert [p.name for p in (tmp_path / "disk/out/src").iterdir()] == ["big.bin"]


async def test_a_slice_that_fails_leaves_no_file(emulators, tmp_path, small_slices):
    prefix, data, jobs, service, store = seeded(tmp_path)
    real_stream = store.stream

    async def stream(key, size, chunk, version=None, start=None):
        async for piece in real_stream(key, size, chunk, version=version, start=start):
            yield piece
            if start and start >= 2 * MiB:
                raise ConnectionResetError("the slice's connection dropped")

    store.stream = stream
    job = await start_transfer(service, jobs, request(prefix))
    await asyncio.wait_for(jobs.wait(job.id), 60)
    assert job.state == "failed" and job.objectsFailed == 1, (job.state, job.failed)
    out = tmp_path / "disk/out/src"
    assert not out.exists() or list(out.iterdir()) == []


async def test_bytes_that_differ_from_the_objects_crc32c_are_removed(emulators, tmp_path, small_slices):
    prefix, data, jobs, service, store = seeded(tmp_path)
    real_stream = store.stream

    async def stream(key, size, chunk, version=None, start=None):
        async for piece in real_stream(key, size, chunk, version=version, start=start):
            yield (bytes([piece[0] ^ 1]) + piece[1:]) if start == sliced.slices(len(data))[-1][0] else piece

    store.stream = stream
    job = await start_transfer(service, jobs, request(prefix))
    await asyncio.wait_for(jobs.wait(job.id), 60)
    assert job.state == "failed" and job.failed[0]["code"] == "verify-failed", job.failed
    assert "CRC32C" in job.failed[0]["message"]
    out = tmp_path / "disk/out/src"
    assert not out.exists() or list(out.iterdir()) == []


async def test_a_cancelled_sliced_download_leaves_nothing(emulators, tmp_path, small_slices):
    # Larger than one chunk: a cancel stops it (one of a chunk or less is let land).
    prefix, data, jobs, service, store = seeded(tmp_path, size=9 * MiB)
    real_stream, started = store.stream, asyncio.Event()

    async def stream(key, size, chunk, version=None, start=None):
        async for piece in real_stream(key, size, chunk, version=version, start=start):
            started.set()
            await asyncio.sleep(0.5)
            yield piece

    store.stream = stream
    job = await start_transfer(service, jobs, request(prefix))
    await asyncio.wait_for(started.wait(), 30)
    jobs.cancel(job.id)
    await asyncio.wait_for(jobs.wait(job.id), 60)
    assert job.state == "cancelled" and job.objectsDone == 0, (job.state, job.objectsDone)
    out = tmp_path / "disk/out/src"
    assert not out.exists() or list(out.iterdir()) == []
