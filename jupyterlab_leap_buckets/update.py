"""Update: a transfer that skips what is already at its target.

`conflict: "update"` (as `rclone copy --checksum`): the target is listed once, before the
source's objects are handed out, and an object whose copy at the target has the same size
and a comparable checksum that matches is skipped (`objectsSkipped`); any other is copied,
replacing what is there where the guard lets this user overwrite it. No request is made
per skipped object (a move's, below, excepted).

Checksums are compared like with like, never across kinds:
- CRC32C with CRC32C (GCS with GCS), MD5 with MD5 (a GCS object's md5Hash with an S3
  ETag that is an MD5, i.e. one written in one request);
- S3 with S3: equal multipart ETags ("<md5 of the parts' MD5s>-<parts>") of equal size;
- the disk has no stored checksum: a file of the right size is hashed here, as the other
  side's kind asks (CRC32C for GCS, MD5 for S3), which reads the file, not the network.
Where nothing is comparable (an S3 multipart ETag against a GCS object, a GCS composite
object without MD5 against S3), the object is copied again: size alone never skips one.

A move's source whose copy already sits at the target is deleted only where the guard
allows deleting it (asked by transfers.py, as for any move), once the target's copy is
read back (one request) and still matches, and only in the version that was listed.
`POST jobs/<id>/resume` (resume.py) starts such a job for an unfinished transfer.
"""

import asyncio
import base64
import hashlib

import google_crc32c

from .errors import ApiError
from .jobs import SAMPLE, Job
from .places import Place

SAME = "the same size and checksum are at the target"


async def target_index(target: Place) -> dict:
    """The target's objects by key, from one listing (one request for a single object).
    Held for the job's length: about 300 bytes an object."""
    if not target.path.endswith("/"):
        found = await target.store.head(target.path)
        return {found.key: found} if found else {}
    if target.root is None and not target.store.resolve(target.path).is_dir():
        return {}
    return {info.key: info async for info in target.store.walk(target.path) if not info.refused}


async def same_content(source: Place, src, target: Place, dst) -> bool:
    """Whether `dst` (at the target) holds what `src` (at the source) does, by size and a
    checksum of one kind on both sides (see the module's docstring)."""
    if dst is None or src.size != dst.size:
        return False
    if src.crc32c and dst.crc32c:
        return src.crc32c == dst.crc32c
    if src.md5 and dst.md5:
        return src.md5 == dst.md5
    providers = (source.store.provider, target.store.provider)
    if providers == ("s3", "s3") and src.etag and dst.etag and "-" in src.etag:
        return src.etag == dst.etag
    if "local" not in providers:
        return False  # nothing comparable: copied again
    src_sums = await _sums(source, src, dst)
    dst_sums = await _sums(target, dst, src)
    return src_sums is not None and src_sums == dst_sums


async def _sums(place: Place, info, other):
    """(kind, value) of the checksum `info` can offer that `other` can be compared with:
    its own, or, on the disk, computed from the file."""
    if place.store.provider != "local":
        if info.crc32c:
            return ("crc32c", info.crc32c)
        return ("md5", info.md5) if info.md5 else None
    kind = "crc32c" if other.crc32c or other.md5 is None else "md5"
    path = place.store.resolve(info.key)
    return (kind, await asyncio.to_thread(_file_sum, path, kind))


def _file_sum(path, kind: str) -> str:
    digest = google_crc32c.Checksum() if kind == "crc32c" else hashlib.md5()
    with open(path, "rb") as file:
        while data := file.read(8 * 1024 * 1024):
            digest.update(data)
    return base64.b64encode(digest.digest()).decode() if kind == "crc32c" else digest.hexdigest()


async def skip_same(job: Job, source: Place, info, target: Place, dest: str, mode: str):
    """Count an object whose copy is at the target already; a move deletes its source,
    once the copy is read back and still the same (the guard was asked by the caller)."""
    if mode == "move":
        landed = await target.store.head(dest)
        if not await same_content(source, info, target, landed):
            raise ApiError(409, "conflict", f"{dest} changed at the target while it was compared; {info.key} was kept.")
        await source.store.delete(info.key, version=info.generation or info.etag)
    job.objectsSkipped += 1
    job.objectsDone += 1
    job.bytesDone += info.size
    if len(job.skipped) < SAMPLE:
        job.skipped.append({"path": dest, "reason": SAME})


def object_conflict(index: dict, dest: str) -> str:
    """How one object that differs is written under update: over the one at the target
    (the guard decides whether this user may), or only onto a free name."""
    return "overwrite" if dest in index else "fail"
