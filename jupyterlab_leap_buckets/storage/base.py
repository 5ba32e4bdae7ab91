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


def parse_time(value) -> Optional[datetime]:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
