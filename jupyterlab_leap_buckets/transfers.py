"""Transfers as background jobs: copy or move a file, folder or Zarr store between any two
places (a bucket root or the server's disk), verified object by object.

- Same service and endpoint: the service copies by itself (GCS rewrite, S3 CopyObject).
- Otherwise bytes stream through this process in CHUNK-sized pieces: a bucket's object
  from one streaming GET read up to READ_AHEAD pieces ahead, a disk file in READ_AHEAD
  ranged reads at once; S3 targets upload PARTS_IN_FLIGHT parts in parallel, GCS
  targets send resumable chunks of storage.gcs.UPLOAD_CHUNK (32 MiB) or, from 150 MiB,
  parallel composite parts (storage/gcs_composite.py: 16 MiB, four at a time).
  Memory is bounded whatever the sizes: at most CONCURRENCY objects move at once, of
  which at most LARGE_CONCURRENCY are larger than one chunk, and those in flight count
  at most SMALL_BYTES between them (a large one as one chunk). A large object holds its
  READ_AHEAD pieces (32 MiB) and, towards GCS, the chunk being filled, its copy and the
  chunk on its way (about 130 MiB; in composite parts, the part being filled and four
  on their way, about 112 MiB; towards S3, PARTS_IN_FLIGHT parts, about 64 MiB; to the
  disk in slices, four slices of two pieces, about 64 MiB: sliced.py); small
  ones one piece each. So a job holds about 2 x 130 + 112 = 372 MiB of object data at
  most, whatever the files' sizes (what the process measured: docs/benchmarks.md).
- Each object is checked after it lands: size, and MD5 / CRC32C wherever the target or
  source reports one. A mismatch deletes the copy and fails the object.
- A move deletes each source object only after its copy has been verified.

The chunk and part sizes are the fastest the benchmarks found on the emulators, within
the memory bound above (docs/benchmarks.md, "Transfers").
"""

import asyncio
import contextlib
import logging

from . import guard, sliced, update
from .errors import ApiError
from .jobs import SAMPLE, Job
from .object_copy import CHUNK, ahead, stream_copy, verify
from .places import Place
from .storage.base import through_cancels
from .storage.errors import Exists, SourceChanged
from .storage.gcs_composite import part_prefix
from .translate import translate

log = logging.getLogger(__name__)

# Objects in flight. Over a hub's round trips, many small objects wait on latency, not
# bytes: 16 in flight left downloads of 64 KiB files at 0.68x gcsfs (which gathers 128)
# under the `hub` profile (docs/benchmarks.md, "Transfers over the hub profile"), so the
# count is high and what they hold is bounded by SMALL_BYTES instead.
CONCURRENCY = 64
LARGE_CONCURRENCY = 2  # of which larger than one chunk
SMALL_BYTES = 14 * CHUNK  # what the objects in flight may hold between them (112 MiB)
# Objects of the source's listing read ahead of those handed out: the next page is asked
# for while the objects of the one before are copied, not after, since listing and
# copying in turn left a download of many small files waiting on pages (docs/benchmarks.md,
# "Seventh session"). Held: these 2,000 and the rest of the page being read, three pages
# of names at most (about 1.5 MiB).
LIST_AHEAD = 2000


async def run(jobs, job: Job, source: Place, target: Place, mode: str, conflict: str, listing=None):
    """Transfer what the source's listing yields (`listing`, when the request's check began
    it; else listed here), starting with its first page: objects
    are handed out as they are listed (as rclone does), at most CONCURRENCY in flight,
    and the job's totals grow with the listing. Nothing waits for the whole listing, and
    nothing holds it: a folder of a million objects costs no more memory than one of a
    thousand."""
    gate, large = Allowance(CONCURRENCY, SMALL_BYTES), asyncio.Semaphore(LARGE_CONCURRENCY)
    in_flight: set = set()
    started_uploads: list = []  # (key, upload id) of multipart uploads begun (S3)
    target = Place(target.store, target.root, target.path, started_uploads)
    # A file and a folder of one name: a disk cannot hold both (buckets can).
    disk_shape = (NotADirectoryError, IsADirectoryError, FileExistsError) if target.root is None else ()
    # An object's failure is reported against the root it came from (see translate.failed_root).
    named = (target.root, source.root)
    index = None  # update: the target's objects, listed once before any is compared

    async def one(info):
        try:
            async with large if info.size > CHUNK else _NO_LIMIT:
                rel = info.key[len(source.path) :] if source.path.endswith("/") else ""
                dest = target.path + rel
                try:
                    if info.refused:
                        raise ApiError(403, "not-followed", f"{info.key!r} was left where it is: {info.refused}.")
                    # The guard, for this object's final key, and for a move its source
                    # exactly as a delete would be asked.
                    allowed_object(target, dest, info.key)
                    if mode == "move" and source.root is not None:
                        guard.check(guard.DELETE, source.root, info.key)
                    work = _one_object(jobs, job, source, info, target, dest, mode, conflict, index)
                    # A cancel aborts an upload of many requests (nothing of it shows) unless
                    # its last request, which makes the object, is on its way: that one is
                    # let land and counted (storage.base.committed). One written by a single
                    # data request is let land and counted, below.
                    single = getattr(target.store, "one_request_bytes", CHUNK)
                    if info.size > max(CHUNK, single) and not source.store.can_copy_to(target.store):
                        await work
                    else:
                        # One request writes it (or the service copies it), and a sent request cannot be taken back:
                        # a cancel lets it end (a few round trips), so the job counts
                        # every object that landed and a move deletes what it copied.
                        task = asyncio.ensure_future(work)
                        try:
                            await asyncio.shield(task)
                        except asyncio.CancelledError:
                            # Waited for whatever, or the job would end with copies
                            # still landing and sources going.
                            await through_cancels(task)
                            if not task.cancelled() and task.exception() is not None:
                                err = translate(task.exception(), named, f"Copying {info.key}")
                                _failed(job, info.key, err.code, err.message)
                            raise
                except ApiError as err:
                    _failed(job, info.key, err.code, err.message)
                    return
                except SourceChanged as exc:
                    _failed(
                        job,
                        info.key,
                        "source-changed",
                        f"{info.key} changed while it was moved ({exc}); it was kept where it was.",
                    )
                    return
                except disk_shape:
                    _failed(
                        job,
                        info.key,
                        "bad-key",
                        (
                            f"{info.key!r} cannot be written to the disk as {dest!r}: the source holds both a file "
                            "and a "
                            "folder of that name, which a disk cannot; copy one of them to a bucket or rename it there."
                        ),
                    )
                    return
                except Exception as exc:  # noqa: BLE001 - one object fails, the others go on
                    err = translate(exc, named, f"Copying {info.key}")
                    _failed(job, info.key, err.code, err.message)
                    return
                jobs.progress(job)
        finally:
            gate.give(min(info.size, CHUNK))

    job.listing = True
    try:
        if conflict == "update":
            try:
                index = await update.target_index(target)
            except Exception as exc:
                job.listing = False
                raise translate(exc, target.root, f"Listing {target.path or 'the top'}") from None
        try:
            # aclosing: a cancel ends the listing's task now, not when the generator is collected.
            listed = listing if listing is not None else _listing(source)
            async with contextlib.aclosing(ahead(listed, LIST_AHEAD)) as names:
                async for info in names:
                    job.objectsTotal = (job.objectsTotal or 0) + 1  # None: nothing listed yet
                    job.bytesTotal = (job.bytesTotal or 0) + info.size
                    if job.objectsTotal % 1000 == 1:
                        jobs.progress(job)
                    await gate.take(min(info.size, CHUNK))
                    task = asyncio.ensure_future(one(info))
                    in_flight.add(task)
                    task.add_done_callback(in_flight.discard)
        except Exception as exc:
            # The listing failed: what it found goes on to its end, then the job fails.
            if in_flight:
                await asyncio.gather(*in_flight)
            raise translate(exc, source.root, f"Listing {source.path or 'the top'}") from (
                None if isinstance(exc, ApiError) else exc
            )
        finally:
            job.listing = False
        jobs.progress(job)
        if in_flight:
            await asyncio.gather(*in_flight)
        if mode == "move" and source.root is None and source.path.endswith("/") and not job.objectsFailed:
            # Every file moved: the folders they leave empty go too, as with `mv`.
            await asyncio.to_thread(source.store.remove_emptied_folders, source.path)
        jobs.progress(job)
    except asyncio.CancelledError:
        # Cancelled: what is in flight is cancelled and ends (its partial uploads
        # aborted) before the job does, so the job's report is exact.
        for task in in_flight:
            task.cancel()
        if in_flight:
            await asyncio.shield(asyncio.gather(*in_flight, return_exceptions=True))
        raise
    finally:
        if listing is not None:
            await asyncio.shield(listing.aclose())  # begun by the request, whether or not read here
        if job.objectsFailed or job.objectsDone < (job.objectsTotal or 0):
            # Unfinished uploads this job began (a cancel can cut the request that would
            # have aborted one); never anyone else's, whatever their keys.
            await asyncio.shield(target.store.abort_uploads(started_uploads))


async def _listing(source: Place):
    if source.path.endswith("/"):
        async for info in source.store.walk(source.path):
            yield info
    else:
        yield await source.store.head(source.path)


class Allowance:
    """At most `objects` in flight, holding at most `size` bytes between them; one object
    always goes, whatever its cost. One task takes (the listing's loop), many give."""

    def __init__(self, objects: int, size: int):
        self.objects, self.size = objects, size
        self.count = self.used = 0
        self._changed = asyncio.Event()

    async def take(self, cost: int):
        while self.count >= self.objects or (self.count and self.used + cost > self.size):
            self._changed.clear()
            await self._changed.wait()
        self.count += 1
        self.used += cost

    def give(self, cost: int):
        self.count -= 1
        self.used -= cost
        self._changed.set()


class _NoLimit:
    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        return False


_NO_LIMIT = _NoLimit()


def _failed(job: Job, key: str, code: str, message: str):
    job.objectsFailed += 1
    if len(job.failed) < SAMPLE:
        job.failed.append({"path": key, "code": code, "message": message})


async def _one_object(jobs, job, source, info, target, dest, mode, conflict, index=None):
    if index is not None:
        if await update.same_content(source, info, target, index.get(dest)):
            await update.skip_same(job, source, info, target, dest, mode)
            return
        conflict = update.object_conflict(index, dest)
    if target.root is None and dest.endswith("/"):
        done = await _folder_marker(job, info, target, dest)
    else:
        done = await _transfer_object(jobs, job, source, info, target, dest, conflict)
    if done and mode == "move":
        # Only the version that was copied and verified: an object changed meanwhile
        # is kept (storage.SourceChanged). Until its source is gone the object is not
        # moved, so not counted done.
        try:
            await source.store.delete(info.key, version=info.generation or info.etag)
        except BaseException:
            job.objectsDone -= 1
            raise


def allowed_object(target: Place, dest: str, key: str):
    """The guard's answer for one object's final key at the target. Keys that a disk or
    other tools would read as another path (empty, "." or ".." segments; a backslash on
    the disk) fail, each named; they are never renamed silently. On the disk, where the
    file will be is checked here, before its bytes are asked for, and again by the disk's
    upload, as it is made (disk_writer_process: folders made meanwhile are checked once
    more)."""
    if target.root is not None:
        guard.check(guard.WRITE, target.root, dest)
        return
    problem = guard.key_problem(dest) or ("it holds a backslash" if "\\" in dest else None)
    if problem:
        raise ApiError(
            400,
            "bad-key",
            f"{key!r} cannot be a file on the disk as {dest!r}: {problem}. Rename the object at the source, then "
            "transfer it.",
        )
    target.store.resolve(dest)


async def _folder_marker(job: Job, info, target: Place, dest: str) -> bool:
    """An object whose name ends in "/" (a folder marker: S3 consoles, Cyberduck and s3fs
    make them) becomes a folder on the disk; one holding bytes cannot, and fails."""
    if info.size:
        raise ApiError(
            400,
            "bad-key",
            f"{info.key!r} holds {info.size} bytes but its name ends in '/', so it cannot be a file on the disk.",
        )
    await target.store.make_folder(dest)
    job.objectsDone += 1
    if len(job.completed) < SAMPLE:
        job.completed.append(dest)
    return True


async def _transfer_object(jobs, job, source, info, target, dest, conflict) -> bool:
    """Copy one object and verify it; False when skipped. An object is replaced only when
    the conflict says overwrite and the guard lets this user destroy what is there;
    otherwise it is written only if absent, a condition the service itself checks
    (ifGenerationMatch=0, If-None-Match: *), so a name taken meanwhile is never lost."""
    replace = conflict == "overwrite" and (target.root is None or guard.allows(guard.OVERWRITE, target.root, dest))
    try:
        if conflict == "skip" and await target.store.head(dest) is not None:
            raise Exists(dest)
        if source.store.can_copy_to(target.store):
            await source.store.server_copy(
                info.key,
                target.store,
                dest,
                version=info.generation or info.etag,
                if_absent=not replace,
                size=info.size,
            )
            job.bytesDone += info.size
            md5, crc = info.md5, info.crc32c
            landed = None
        elif replace and target.root is not None:
            try:  # most targets are new: written as such, in one go
                md5, crc, landed = await stream_copy(jobs, job, source, info, target, dest, if_absent=True)
            except Exists:
                md5, crc, landed = await _replace(jobs, job, source, info, target, dest)
        elif sliced.wanted(source, info, target):
            md5, crc, landed = await sliced.download(jobs, job, source, info, target, dest, if_absent=not replace)
        else:
            md5, crc, landed = await stream_copy(jobs, job, source, info, target, dest, if_absent=not replace)
    except Exists:
        if conflict == "skip":
            job.objectsSkipped += 1
            job.objectsDone += 1
            job.bytesDone += info.size
            if len(job.skipped) < SAMPLE:
                job.skipped.append({"path": dest, "reason": "exists at the target"})
            return False
        if conflict == "overwrite":
            guard.check(guard.OVERWRITE, target.root, dest)  # raises: why it may not be replaced
        raise ApiError(409, "conflict", f"{dest} exists already.") from None
    await verify(target, dest, info.size, md5, crc, source_md5=info.md5, source_crc=info.crc32c, landed=landed)
    job.objectsDone += 1
    if len(job.completed) < SAMPLE:
        job.completed.append(dest)
    return True


async def _replace(jobs, job, source, info, target, dest):
    """Replace the object at `dest` so that a bad copy never costs the one it replaces:
    the bytes land at a hidden name beside it (in gcs_composite.PARTS_FOLDER, inside the
    same writable prefix), are verified there, and only then does the service copy them
    over `dest` (GCS rewrite, S3 CopyObject: no bytes through this server). The hidden
    copy is removed whatever happens. Only streamed copies need this: a service's own
    copy is verified by the service before it replaces anything."""
    staging = part_prefix(dest) + "replacing"
    guard.check(guard.WRITE, target.root, staging)
    staged = Place(target.store, target.root, staging, target.uploads)
    try:
        md5, crc, landed = await stream_copy(jobs, job, source, info, staged, staging, if_absent=True)
        await verify(staged, staging, info.size, md5, crc, source_md5=info.md5, source_crc=info.crc32c, landed=landed)
        await target.store.server_copy(staging, target.store, dest, size=info.size)
    finally:
        await asyncio.shield(target.store.delete(staging))
    return md5, crc, None
