"""What a transfer request names: its source and target places, checked for who may do
what where before any byte moves."""

from dataclasses import dataclass
from typing import Optional

from .errors import ApiError, bad_request
from .paths import check_key
from .roots import Root

MODES = ("copy", "move")
CONFLICTS = ("fail", "skip", "overwrite", "rename")


@dataclass
class Place:
    store: object
    root: Optional[Root]  # None for the server's disk
    path: str  # a key; folders end with "/" ("" is the top)

    @property
    def url(self) -> str:
        return f"{self.root.url}{self.path}" if self.root else f"local:{self.path or '/'}"

    def to_api(self) -> dict:
        return {"root": self.root.id, "path": self.path} if self.root else {"local": self.path}


def parse_place(service, local_root: str, data, role: str) -> Place:
    if not isinstance(data, dict):
        raise bad_request(f"'{role}' must be {{\"root\": id, \"path\": key}} or {{\"local\": path}}.")
    if "local" in data:
        store = service.local_store(local_root)
        path = data["local"]
        if not isinstance(path, str):
            raise bad_request(f"'{role}.local' must be a path relative to the server's root folder.")
        store.resolve(path)
        return Place(store, None, path)
    root = service.root(data.get("root"))
    path = data.get("path")
    if path == "":
        return Place(service.store(root), root, "")
    check_key(path, folder=path.endswith("/") if isinstance(path, str) else False)
    return Place(service.store(root), root, path)


def check_writable(place: Place):
    root = place.root
    if root is None:
        return
    if root.writable is None:
        raise ApiError(403, "read-only", f"{root.url} is read-only here; copy to a writable root instead.")
    if not place.path.startswith(root.writable) or any(s in ("..", ".") for s in place.path.split("/")):
        raise ApiError(
            403, "outside-home",
            f"You can write only under {root.url}{root.writable}; {place.url} is outside it.",
        )


def check_deletable(place: Place):
    """A move deletes its sources: they must lie inside the root's deletable prefix."""
    root = place.root
    if root is None:
        return
    if root.deletable is None:
        raise ApiError(403, "read-only", f"Nothing in {root.url} may be deleted from here, so it cannot be moved; copy it instead.")
    inside = place.path.startswith(root.deletable) and place.path != root.deletable
    if not inside or any(s in ("..", ".") for s in place.path.split("/")):
        raise ApiError(
            403, "outside-home",
            f"You can move only from under {root.url}{root.deletable}; copy {place.url} instead.",
        )


def base_name(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


def renamed(name: str, n: int) -> str:
    """`name (n).ext` for files, `name (n)` for folders."""
    if name.endswith("/"):
        return f"{name[:-1]} ({n})/"
    stem, dot, ext = name.rpartition(".")
    return f"{stem} ({n}).{ext}" if dot and stem else f"{name} ({n})"
