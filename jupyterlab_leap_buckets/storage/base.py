"""What every provider module offers the rest of the server, whatever the service."""

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


@dataclass
class RawPage:
    """One listing request's answer: objects and sub-folder prefixes directly under a prefix."""

    files: list = field(default_factory=list)
    prefixes: list = field(default_factory=list)
    truncated: bool = False


class Store(Protocol):
    bucket: str

    async def list_dir(self, prefix: str, after: Optional[str], limit: int) -> RawPage:
        """Objects and prefixes directly under `prefix`, from `after` on (callers drop
        names <= after), at most about `limit` of them."""

    async def head(self, key: str) -> Optional[ObjectInfo]:
        """The object's metadata, or None when there is no such object."""

    async def read(self, key: str, start: int, end: int) -> bytes:
        """Bytes [start, end) of the object."""

    async def walk(self, prefix: str):
        """Every object under `prefix`, recursively, page by page (an async iterator)."""

    async def upload(self, key: str, size: int, chunks) -> Optional[ObjectInfo]:
        """Write `size` bytes from the async iterator `chunks` as one object, made visible
        only when complete; a failure or cancel aborts it and leaves nothing. Returns the
        stored object's metadata when the service's answer carries it (size and
        checksums the service computed), else None."""

    async def server_copy(self, key: str, target: "Store", target_key: str) -> None:
        """Copy inside the service (no bytes through this process); only between stores
        for which `can_copy_to` is true."""

    def can_copy_to(self, target: "Store") -> bool:
        """Whether the service can copy from here to `target` by itself."""

    async def delete(self, key: str) -> None:
        """Remove one object."""


def parse_time(value) -> Optional[datetime]:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


async def read_pieces(read, size: int, chunk: int):
    """Pieces of `chunk` bytes (the last shorter) of a streamed body of `size` bytes,
    from `read(n)`, which answers up to n bytes and b"" at the end. A body that ends
    early or runs long raises IOError: a short read must never pass as the object."""
    left = size
    while left > 0:
        parts, want = [], min(chunk, left)
        while want:
            data = await read(want)
            if not data:
                raise IOError(f"the stream ended {left - sum(map(len, parts))} bytes early")
            parts.append(data)
            want -= len(data)
        piece = parts[0] if len(parts) == 1 else b"".join(parts)
        left -= len(piece)
        yield piece
    if await read(1):
        raise IOError("the stream holds more bytes than the object's size")
