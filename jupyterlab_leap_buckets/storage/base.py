"""What every provider module offers the rest of the server, whatever the service."""

import asyncio
import contextlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Optional, Protocol


@dataclass
class ObjectInfo:
    key: str
    size: int
    modified: Optional[datetime]
    created: Optional[datetime]
    etag: Optional[str] = None
    generation: Optional[str] = None
    md5: Optional[str] = None  # hex digest, where the service reports one
    crc32c: Optional[str] = None  # base64, as GCS reports it
    refused: Optional[str] = None  # listed but not to be read: why (the disk's links)


@dataclass
class RawPage:
    """One listing request's answer: objects and sub-folder prefixes directly under a prefix."""

    files: list = field(default_factory=list)
    prefixes: list = field(default_factory=list)
    truncated: bool = False


class Store(Protocol):
    """Every operation the rest of the server uses; gcs.py, s3.py and local.py (the disk)
    implement it. Nothing outside storage/ (and local.py) speaks to a provider.

    `version` names what a listing saw (a GCS generation, an S3 ETag, a file's
    identity): an operation given one acts on that version only and raises
    errors.SourceChanged otherwise. `if_absent` writes only onto a free name, checked by
    the service itself where it can (ifGenerationMatch=0, If-None-Match: *), and raises
    errors.Exists otherwise."""

    provider: str  # "gcs" | "s3" | "local"
    endpoint: Optional[str]
    bucket: str
    batch_size: int  # objects per `delete_batch` (buckets only)

    async def list_dir(self, prefix: str, after: Optional[str], limit: int) -> RawPage:
        """Objects and prefixes directly under `prefix`, from `after` on (callers drop
        names <= after), at most about `limit` of them."""

    async def head(self, key: str) -> Optional[ObjectInfo]:
        """The object's metadata, or None when there is no such object."""

    async def read(self, key: str, start: int, end: int) -> bytes:
        """Bytes [start, end) of the object."""

    async def stream(self, key: str, size: int, chunk: int, version=None, start=None):
        """The object's `size` bytes in pieces of `chunk`, from one request (or one open
        file); a body that ends early or runs long raises. With `start` (buckets only:
        the object route's `Range`), the `size` bytes from there, from one ranged request."""

    async def walk(self, prefix: str):
        """Every object under `prefix`, recursively, page by page (an async iterator)."""

    async def walk_pages(self, prefix: str, gate=None):
        """Every object under `prefix`, recursively, as pages (after, infos, listed): a page
        holds exactly the objects whose keys lie in (after, its last key] (after None: from
        the first), and `listed` is time.monotonic() when its answer came back. Pages may
        come out of key order (S3 lists key ranges side by side: key_ranges.py). `gate()`,
        if given, is awaited before each page's request (a caller's pacing)."""

    async def upload(self, key: str, size: int, chunks, if_absent=False, started=None) -> Optional[ObjectInfo]:
        """Write `size` bytes from the async iterator `chunks` as one object, made visible
        only when complete; a failure or cancel aborts it and leaves nothing. Returns the
        stored object's metadata when the service's answer carries it (size and
        checksums the service computed), else None. Multipart uploads begun are listed
        in `started` as (key, upload id) until completed or aborted."""

    async def abort_uploads(self, started: list) -> int:
        """Abort the unfinished uploads in `started` (this server's own, never others')."""

    async def server_copy(
        self, key: str, target: "Store", target_key: str, version=None, if_absent=False, size=None
    ) -> None:
        """Copy inside the service (no bytes through this process); only between stores
        for which `can_copy_to` is true."""

    def can_copy_to(self, target: "Store") -> bool:
        """Whether the service can copy from here to `target` by itself."""

    async def delete(self, key: str, version=None) -> None:
        """Remove one object (only in `version`, when given); one already gone is no error."""

    async def lifecycle(self) -> dict:
        """The bucket's lifecycle configuration as GCS's JSON API gives it ({} for none)."""

    async def delete_batch(self, batch: list, prefix=None, after=None, check=True) -> list:
        """Delete up to `batch_size` planned objects, each only as planned: a
        (status, reason) per entry, status "deleted" | "skipped" | "failed"."""


def parse_time(value) -> Optional[datetime]:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


async def read_pieces(read, size: int, chunk):
    """Pieces of `chunk` bytes (the last shorter) of a streamed body of `size` bytes,
    from `read(n)`, which answers up to n bytes and b"" at the end; with `chunk` None,
    the pieces as `read` answers them, never joined (for a target that takes pieces of
    any size: the disk). A body that ends early or runs long raises IOError: a short
    read must never pass as the object."""
    left = size
    while left > 0:
        parts, want = [], min(chunk or left, left)
        while want:
            data = await read(want)
            if not data:
                raise OSError(f"the stream ended {left - sum(map(len, parts))} bytes early")
            parts.append(data)
            want = 0 if chunk is None else want - len(data)
        piece = parts[0] if len(parts) == 1 else b"".join(parts)
        left -= len(piece)
        yield piece
    if await read(1):
        raise OSError("the stream holds more bytes than the object's size")


def received(content):
    """`read(n)` for read_pieces over an aiohttp StreamReader, answering the buffers as
    they were received (`readchunk`) instead of copies: aiohttp's own `read(n)` joins what
    it holds into a new bytes, and read_pieces joins again, so every byte of a download
    was copied twice. Only a buffer that straddles a piece's end is cut (a copy of that
    buffer). Reading 50 objects of 2 MiB took 0.08-0.11 CPU s this way, 0.10-0.15
    before (docs/benchmarks.md, "Transfers over the hub profile")."""
    left = b""

    async def read(n: int) -> bytes:
        nonlocal left
        while not left:
            left, end_of_chunk = await content.readchunk()
            if not left and not end_of_chunk:
                return b""  # the end of the body
        if len(left) <= n:
            data, left = left, b""
        else:
            data, left = left[:n], left[n:]
        return data

    return read


async def committed(request):
    """The answer of the request that makes an object appear whole (a multipart upload's
    completion, the last compose of a composite upload, a resumable upload's last
    chunk). Once sent it cannot be taken back, so a cancel meanwhile waits for it, as a
    one-request write does (transfers.py): if it made the object, its answer is returned
    and the cancel goes no further here, so the caller counts an object that is there (a
    cancelled job still stops all its other work, and ends cancelled); if it failed, or
    was never sent, the cancel goes on. A job that said one object fewer than landed
    would let a move keep a source it had copied, and a resume copy it again."""
    task = asyncio.ensure_future(request)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        await through_cancels(task)
        if task.cancelled() or task.exception() is not None:
            raise
        return task.result()


async def through_cancels(task) -> None:
    """Wait until `task` has ended, however often the waiter is cancelled meanwhile (a job
    cancelled while it awaited its objects in flight is cancelled twice: by that gather,
    then by its own handler)."""
    while not task.done():
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait([task])


async def all_ended(tasks) -> None:
    """Wait until every task has ended, then raise a failed one's exception, if any.
    Unlike gather, a cancel of the waiter cuts none of them: a write that is cancelled
    lets its requests in flight end before it cleans up (`let_end`)."""
    await asyncio.wait(tasks)
    for task in tasks:
        task.result()


async def let_end(requests: set, wait: float) -> None:
    """Let the requests in flight of a write that failed or was cancelled end, for up to
    `wait` seconds, before it cleans up: one sent whole is acted on whether or not its
    answer is awaited (as in `committed`), so a clean-up that ran first would miss what
    it makes. Those still going after `wait` are cut (a request cut in its body makes
    nothing). Exceptions are the caller's to find in the tasks."""
    if requests:
        _, going = await asyncio.wait(requests, timeout=wait)
        for task in going:
            task.cancel()
        await asyncio.gather(*requests, return_exceptions=True)
