"""One object's bytes on their way through this server: read ahead from the source
(one streaming GET, or one open file), hashed as they pass (CRC32C, MD5 only where
nothing else can be compared), written by the target's upload, and verified once they
landed. transfers.py decides which objects go where; uploads.py verifies with `verify`."""

import asyncio
import base64
import contextlib
import hashlib

import google_crc32c

from .errors import ApiError
from .places import Place

CHUNK = 8 * 1024 * 1024  # a multiple of 256 KiB (GCS) and above 5 MiB (S3 parts)
READ_AHEAD = 4  # pieces of one object read before they are asked for


async def stream_copy(jobs, job, source, info, target, dest, if_absent=False):
    # CRC32C costs a tenth of MD5 (docs/benchmarks.md, "Checksums"), so MD5 is computed
    # only where nothing else can be compared: the bytes read from a source whose only
    # checksum is an MD5 (S3), or an S3 target's ETag (MD5 only) when the source has no
    # MD5 to expect there. A GCS object's own MD5 is what an S3 copy's ETag must match:
    # compared end to end, it spares hashing every byte again, much of such a copy's CPU
    # (docs/benchmarks.md, "Seventh session"). A disk file has no checksum to check the
    # bytes read against; towards GCS its CRC32C is what the object's must match.
    needs_md5 = (info.md5 and not info.crc32c) or (target.store.provider == "s3" and not info.md5)
    md5, crc = (hashlib.md5() if needs_md5 else None), google_crc32c.Checksum()
    # A bucket's object of one chunk or less, to the disk: its bytes as they were received,
    # never joined into one (the disk takes pieces of any size). Joining 2 MiB objects cost
    # the kernel a fresh mapping of each (page faults, zeroing): system time that made such
    # downloads slower than gcsfs's (docs/benchmarks.md, "Downloads without joining").
    as_received = target.root is None and source.root is not None and info.size <= CHUNK

    async def chunks():
        async for data in read_ahead(source, info, None if as_received else CHUNK):
            if len(data) > 1024 * 1024:
                # hashlib releases the GIL: other objects' requests go on meanwhile.
                await asyncio.to_thread(_hash, md5, crc, data)
            else:
                _hash(md5, crc, data)
            job.bytesDone += len(data)
            jobs.progress(job)
            yield data

    landed = await target.store.upload(dest, info.size, chunks(), if_absent=if_absent, started=target.uploads)
    # Without an MD5 of its own, the source's is the one the target's must match.
    return (md5.hexdigest() if md5 else info.md5), base64.b64encode(crc.digest()).decode(), landed


async def read_ahead(source, info, chunk=CHUNK):
    """The object's bytes in `chunk` pieces (None: as received, for one of CHUNK or
    less), in order, with up to READ_AHEAD pieces read before they are asked for: from
    one streaming GET (one request, as rclone does), or one open file, of the version
    that was listed (SourceChanged otherwise)."""
    streamed = source.store.stream(info.key, info.size, chunk, version=info.generation or info.etag)
    if info.size <= CHUNK:
        async with contextlib.aclosing(streamed) as pieces:
            async for piece in pieces:
                yield piece
        return
    # Queued pieces, the one being received and the one handed on: READ_AHEAD + 1.
    async with contextlib.aclosing(ahead(streamed, READ_AHEAD - 1)) as pieces:
        async for piece in pieces:
            yield piece


async def ahead(items, size: int):
    """What the async generator `items` yields, in order, read by a task of its own up to
    `size` items ahead of the caller. Its failure is raised to the caller, in its place;
    the task ends, closing `items`, when the caller stops."""
    queue = asyncio.Queue(maxsize=size)
    end = object()

    async def fill():
        try:
            async for item in items:
                await queue.put(item)
            await queue.put(end)
        except Exception as exc:  # noqa: BLE001 - raised to the caller, in order
            await queue.put(_Failure(exc))
        finally:
            await items.aclose()  # a stream's response is let go now, not when collected

    filling = asyncio.ensure_future(fill())
    try:
        while (item := await queue.get()) is not end:
            if isinstance(item, _Failure):
                raise item.error
            yield item
    finally:
        filling.cancel()


class _Failure:
    def __init__(self, error: Exception):
        self.error = error


def _hash(md5, crc, data: bytes):
    if md5 is not None:
        md5.update(data)
    crc.update(data)


async def verify(target: Place, dest: str, size: int, md5, crc, source_md5=None, source_crc=None, landed=None):
    """Check what landed: from the upload's own answer when it carries a checksum,
    else from reading the object's metadata back."""
    # The disk's answer is the written file's size from the filesystem itself (and the
    # bytes were checked against the source's checksum as they were read).
    if landed is None or not (landed.md5 or landed.crc32c or target.store.provider == "local"):
        landed = await target.store.head(dest)
    problem = None
    if landed is None:
        problem = "it is missing after the copy"
    elif landed.size != size:
        problem = f"it has {landed.size} bytes, the source {size}"
    elif source_md5 and md5 and source_md5 != md5:
        problem = "the bytes read differ from the source's MD5"
    elif source_crc and crc and source_crc != crc:
        problem = "the bytes read differ from the source's CRC32C"
    elif landed.md5 and md5 and landed.md5 != md5:
        problem = "its MD5 differs from the source's"
    elif landed.crc32c and crc and landed.crc32c != crc:
        problem = "its CRC32C differs from the source's"
    if problem:
        if landed is not None:
            await target.store.delete(dest)  # no corrupt object stays at the target
        raise ApiError(502, "verify-failed", f"{dest} failed verification ({problem}); it was removed.")
