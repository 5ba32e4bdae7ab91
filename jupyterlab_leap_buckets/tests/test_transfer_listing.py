"""A folder's transfer starts with the first objects its listing finds, not after the
whole listing (as rclone does): a large folder starts at once, and nothing holds the
whole listing. The listing is the real one, from the emulator; only its pace is held."""

import asyncio
import uuid

from .. import transfers
from ..build import build
from ..config import LeapBuckets
from ..errors import ApiError
from ..transfer_start import start_transfer
from .conftest import extension_config, gcs_independent_keys, gcs_put


def seeded(tmp_path):
    prefix = f"demo/listing-{uuid.uuid4().hex[:8]}/"
    names = [f"src/f{i}.txt" for i in range(3)]
    for name in names:
        gcs_put("leap-scratch", prefix + name, name.encode())
    config = LeapBuckets(**extension_config(state_dir=str(tmp_path / "state"))["LeapBuckets"])
    parts = build(config, local_root=str(tmp_path))
    service = parts.service
    return prefix, names, parts.jobs, service, service.store(service.root("scratch"))


def copy(prefix):
    return {
        "source": {"root": "scratch", "path": prefix + "src/"},
        "target": {"root": "scratch", "path": prefix + "dst/"},
    }


async def test_objects_move_while_the_listing_goes_on(emulators, tmp_path):
    prefix, names, jobs, service, store = seeded(tmp_path)
    real_walk, seen = store.walk, {}
    job_ref = {}

    async def held_walk(path):
        # After the first object, the listing waits (up to 20 s) until that object has
        # landed: a transfer that waited for the whole listing would wait the full 20 s.
        count = 0
        async for info in real_walk(path):
            yield info
            count += 1
            if count == 1 and path == prefix + "src/":
                loop = asyncio.get_running_loop()
                deadline = loop.time() + 20
                while loop.time() < deadline and not (job_ref and job_ref["job"].objectsDone >= 1):
                    await asyncio.sleep(0.02)
                seen["done_while_listing"] = job_ref["job"].objectsDone if job_ref else 0
                seen["total_while_listing"] = job_ref["job"].objectsTotal if job_ref else None
                seen["listing"] = job_ref["job"].listing if job_ref else None

    store.walk = held_walk
    job = await start_transfer(service, jobs, copy(prefix))
    job_ref["job"] = job
    await asyncio.wait_for(jobs.wait(job.id), 60)
    assert job.state == "done", (job.error, job.failed)
    assert seen == {"done_while_listing": 1, "total_while_listing": 1, "listing": True}
    assert (job.objectsDone, job.objectsTotal, job.listing) == (3, 3, False)
    assert gcs_independent_keys("leap-scratch", prefix + "dst/") == [prefix + "dst/" + n for n in names]


async def test_a_listing_that_fails_midway_fails_the_job_after_what_it_found_has_landed(emulators, tmp_path):
    prefix, names, jobs, service, store = seeded(tmp_path)
    real_walk = store.walk

    async def failing_walk(path):
        async for info in real_walk(path):
            yield info
            if path == prefix + "src/":
                raise ConnectionResetError("the listing's connection dropped")

    store.walk = failing_walk
    job = await start_transfer(service, jobs, copy(prefix))
    await asyncio.wait_for(jobs.wait(job.id), 60)
    assert job.state == "failed" and "connection dropped" in job.error["message"], job.error
    assert (job.objectsDone, job.objectsTotal, job.listing) == (1, 1, False)
    # The one object found before the failure landed whole; nothing else is there.
    assert gcs_independent_keys("leap-scratch", prefix + "dst/") == [prefix + "dst/" + names[0]]


async def test_the_listing_reads_ahead_of_the_objects_being_copied(emulators, tmp_path, monkeypatch):
    """The next names are asked for while earlier objects are copied (transfers.LIST_AHEAD):
    with one object in flight, the whole listing is in before the first copy ends. Without
    it, the listing would wait for that copy, which here waits for the listing (20 s)."""
    prefix, names, jobs, service, store = seeded(tmp_path)
    monkeypatch.setattr(transfers, "CONCURRENCY", 1)
    real_walk, real_copy = store.walk, store.server_copy
    listed, seen = asyncio.Event(), []

    async def walk(path):
        async for info in real_walk(path):
            yield info
        if path == prefix + "src/":
            listed.set()

    async def held_copy(*args, **conditions):
        if not seen:
            try:
                await asyncio.wait_for(listed.wait(), 20)
            except asyncio.TimeoutError:
                pass
        seen.append(listed.is_set())
        await real_copy(*args, **conditions)

    store.walk, store.server_copy = walk, held_copy
    job = await start_transfer(service, jobs, copy(prefix))
    await asyncio.wait_for(jobs.wait(job.id), 60)
    assert job.state == "done", (job.error, job.failed)
    assert seen == [True, True, True]
    assert gcs_independent_keys("leap-scratch", prefix + "dst/") == [prefix + "dst/" + n for n in names]


async def test_the_source_is_listed_once(emulators, tmp_path):
    """The page that showed the source is a folder is the job's first: the source is
    listed once, not once by the request's check and again by the job."""
    prefix, names, jobs, service, store = seeded(tmp_path)
    real_walk, walks = store.walk, []

    async def walk(path):
        walks.append(path)
        async for info in real_walk(path):
            yield info

    store.walk = walk
    job = await start_transfer(service, jobs, copy(prefix))
    await asyncio.wait_for(jobs.wait(job.id), 60)
    assert job.state == "done", (job.error, job.failed)
    assert walks.count(prefix + "src/") == 1, walks
    assert gcs_independent_keys("leap-scratch", prefix + "dst/") == [prefix + "dst/" + n for n in names]


async def test_a_refused_request_lets_the_begun_listing_go(emulators, tmp_path):
    """A request refused after its source's listing began (here: the target exists) closes
    that listing at once; no job holds it and no response is left open."""
    prefix, names, jobs, service, store = seeded(tmp_path)
    gcs_put("leap-scratch", prefix + "dst/src/f0.txt", b"there")
    real_walk, closed = store.walk, []

    async def walk(path):
        try:
            async for info in real_walk(path):
                yield info
        finally:
            closed.append(path)

    store.walk = walk
    body = copy(prefix)
    try:
        await start_transfer(service, jobs, body)
    except ApiError as err:
        assert err.status == 409, err
    else:
        raise AssertionError("a transfer onto an existing folder started without a choice")
    assert prefix + "src/" in closed
    assert jobs.list() == []
