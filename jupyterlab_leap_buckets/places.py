"""What a transfer or upload request names: its source and target places, parsed once.
Who may do what where is decided by guard.py, asked by the callers for every final key."""

from dataclasses import dataclass
from typing import Optional

from .errors import bad_request
from .guard import key_problem, local_path
from .roots import Root

MODES = ("copy", "move")
CONFLICTS = ("fail", "skip", "overwrite", "rename")
# Transfers may also update (update.py): an upload has no object to compare before its bytes arrive.
TRANSFER_CONFLICTS = (*CONFLICTS, "update")


@dataclass
class Place:
    store: object
    root: Optional[Root]  # None for the server's disk
    path: str  # a key; folders end with "/" ("" is the top)
    uploads: Optional[list] = None  # a transfer's target: the multipart uploads it began

    @property
    def url(self) -> str:
        return f"{self.root.url}{self.path}" if self.root else f"local:{self.path or '/'}"

    @property
    def bucket_id(self) -> tuple:
        """What the place's objects live in: two roots on one bucket (and endpoint) are
        one bucket, whatever their ids."""
        return (self.store.provider, self.store.endpoint, self.store.bucket)

    def to_api(self) -> dict:
        return {"root": self.root.id, "path": self.path} if self.root else {"local": self.path}


def parse_place(service, data, role: str) -> Place:
    """The place `data` names: a root's key, or a path on the server's disk (`local`)."""
    if not isinstance(data, dict):
        raise bad_request(f'\'{role}\' must be {{"root": id, "path": key}} or {{"local": path}}.')
    if "local" in data:
        store = service.local
        path = local_path(data["local"])
        store.resolve(path, named=True)  # a place a request names: never hidden, never the state
        return Place(store, None, path)
    root = service.root(data.get("root"))
    path = data.get("path")
    if path != "":
        problem = key_problem(path)
        if problem:
            raise bad_request(
                f"'{role}.path' {path!r} cannot name an object: {problem}. Use the key as the panel shows it."
            )
    return Place(service.store(root), root, path)


def base_name(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


def renamed(name: str, n: int) -> str:
    """`name (n).ext` for files, `name (n)` for folders."""
    if name.endswith("/"):
        return f"{name[:-1]} ({n})/"
    stem, dot, ext = name.rpartition(".")
    return f"{stem} ({n}).{ext}" if dot and stem else f"{name} ({n})"
