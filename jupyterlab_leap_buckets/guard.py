"""The one guard: who may write, overwrite and delete which key of which root, and which
path of the server's disk. Every route and job asks it, for every final key (after any
renaming), before the request that changes anything. On LEAP, Google lets any hub user
delete or overwrite anyone's data: this module is the only thing in between.

| action    | bucket key (`root.writable` / `root.deletable` prefixes, taken literally)   |
|-----------|------------------------------------------------------------------------------|
| write     | a new object strictly inside `writable` ("" = anywhere in the bucket)        |
| overwrite | replaces an object, so it destroys one: inside `writable` and `deletable`     |
| delete    | strictly inside `deletable`, never the prefix itself; None = nowhere          |

Keys are never normalised: one with an empty, "." or ".." segment, a leading "/" or a
control character is refused, since other tools read it as another path. A path a user
names for a delete is held to more (`doubtful`: look-alikes, escapes, wildcards).
Disk paths are normalised once when parsed ("." , ".." and empty segments refused), must
resolve inside the server's root, never into the extension's own state, and never to a
hidden name unless JupyterLab shows hidden files (`ContentsManager.allow_hidden`).
"""

import os
import re
import unicodedata
from pathlib import Path
from typing import Optional

from .errors import ApiError, bad_request

WRITE, OVERWRITE, DELETE = "write", "overwrite", "delete"
MAX_KEY_BYTES = 1024  # GCS's and S3's limit on an object name
_WILDCARDS = set("*?[]{}")  # gsutil and shell patterns: a literal path never needs them
_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")


def key_problem(key) -> Optional[str]:
    """Why `key` cannot name an object safely (any action), or None."""
    if not isinstance(key, str) or not key:
        return "it is empty or not a string"
    try:
        size = len(key.encode("utf-8"))
    except UnicodeEncodeError:
        return "it holds a lone surrogate (not valid Unicode)"
    if size > MAX_KEY_BYTES:
        return f"it is longer than {MAX_KEY_BYTES} bytes"
    if key.startswith("/"):
        return "it starts with '/'"
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in key):
        return "it holds a control character"
    segments = (key[:-1] if key.endswith("/") else key).split("/")
    if any(seg in ("", ".", "..") for seg in segments):
        return "it holds an empty, '.' or '..' segment"
    return None


def doubtful(path: str) -> Optional[str]:
    """Why a path a user named for deletion is doubtful (beyond `key_problem`), or None."""
    problem = key_problem(path)
    if problem:
        return problem
    segments = (path[:-1] if path.endswith("/") else path).split("/")
    if "\\" in path:
        return "it holds a backslash"
    if any(127 <= ord(ch) < 160 for ch in path):
        return "it holds a control character"
    if any(seg != seg.strip() for seg in segments):
        return "a segment starts or ends with white space"
    if _PERCENT.search(path):
        return "it holds a percent-escape (such as %2e)"
    if _WILDCARDS & set(path):
        return "it holds a wildcard character"
    for ch in path:
        category = unicodedata.category(ch)
        if category in ("Cf", "Co", "Cs", "Cn", "Zl", "Zp") or (category == "Zs" and ch != " "):
            return f"it holds an invisible or unusual character (U+{ord(ch):04X})"
    if unicodedata.normalize("NFKC", path) != path:
        return "it holds characters that look like others (Unicode compatibility forms)"
    return None


def escapes(path: str) -> bool:
    """Whether a path reads as leaving where it is put: a leading "/" or a ".." segment
    (refused as outside, 403, rather than as malformed)."""
    return isinstance(path, str) and (path.startswith("/") or ".." in path.split("/"))


def _inside(key: str, prefix: str) -> bool:
    """Strictly inside: "alice/" admits "alice/x", never "alice/" or "alice-old/x"."""
    return key.startswith(prefix) and len(key) > len(prefix)


def check(action: str, root, key, *, named: bool = False) -> str:
    """`key` if `action` on it in `root` is allowed, else the ApiError that says why.
    `named`: a path the user typed for a delete (held to `doubtful` too); keys found by
    a listing (a plan's objects, a move's sources) are checked for being inside only."""
    if action == DELETE and root.deletable is None:
        raise ApiError(
            403,
            "read-only",
            f"Deleting is off for {root.label} ({root.url})"
            + ("; OSN deletions are coordinated with LEAP's Data and Compute team." if root.provider == "s3" else "."),
        )
    if action != DELETE and root.writable is None:
        raise ApiError(403, "read-only", f"{root.url} is read-only here; copy to a writable root instead.")
    problem = (doubtful if named else key_problem)(key)
    if problem and escapes(key) and not named:
        raise ApiError(
            403, "outside-home", f"{root.url}{key} leaves the folder it names ({problem}); use the object's exact key."
        )
    if problem:
        raise bad_request(
            f"Refusing {root.url}{key if isinstance(key, str) else ''!s}: {problem}. Use the object's exact key as "
            "the panel shows it."
        )
    if action in (WRITE, OVERWRITE) and not _inside(key, root.writable):
        raise ApiError(
            403, "outside-home", f"You can write only under {root.url}{root.writable}; {root.url}{key} is outside it."
        )
    if action in (OVERWRITE, DELETE) and (root.deletable is None or not _inside(key, root.deletable)):
        if action == OVERWRITE:
            raise ApiError(
                403,
                "outside-home",
                f"{root.url}{key} exists and replacing it would destroy it: you may replace only what lies under "
                f"{root.url}{root.deletable or '<nowhere here>'}; choose keep both or skip.",
            )
        raise ApiError(
            403,
            "outside-home",
            f"You can delete only inside {root.url}{root.deletable}, and never that folder itself; {root.url}{key} "
            "is not.",
        )
    return key


def allows(action: str, root, key) -> bool:
    try:
        check(action, root, key)
        return True
    except ApiError:
        return False


# -- the server's disk ------------------------------------------------------------------


def local_path(path, *, folder_ok: bool = True) -> str:
    """A disk path as a request names it (relative to the server's root, "/" between
    folders, a folder may end in "/"), normalised once: "" is the root; ".", ".." and
    empty segments are refused, never resolved, so two spellings never name one file."""
    if not isinstance(path, str):
        raise bad_request("A local path is a string relative to the server's root folder.")
    if path == "":
        return path
    problem = key_problem(path)
    if problem and escapes(path):
        raise ApiError(
            403,
            "outside-home",
            f"{path!r} is outside the Jupyter server's root folder ({problem}); use a path relative to it.",
        )
    if problem or "\\" in path:
        raise bad_request(
            f"Refusing the local path {path!r}: {problem or 'it holds a backslash'}. "
            "Write it relative to the server's root folder, like 'data/run1/'."
        )
    if path.endswith("/") and not folder_ok:
        raise bad_request(f"{path!r} is a folder; name a file.")
    return path


class DiskRules:
    """Where on the disk the server may read and write: inside `root`, never into
    `forbidden` folders (the extension's state), and hidden names only if allowed."""

    def __init__(self, root: Path, forbidden=(), allow_hidden: bool = False):
        self.root = root
        self.forbidden = [Path(os.path.realpath(p)) for p in forbidden if p]
        self.allow_hidden = allow_hidden

    def check_name(self, key: str, shown: str = None):
        """Refuse hidden names (a segment starting with ".") unless allowed."""
        if not self.allow_hidden and any(seg.startswith(".") for seg in key.split("/") if seg):
            raise ApiError(
                403,
                "hidden",
                f"{shown or key!r} is hidden; JupyterLab's file browser does not show hidden files "
                "(ContentsManager.allow_hidden), so neither do transfers.",
            )

    def check_real(self, real: Path, key: str):
        """Refuse a resolved path inside the extension's state (jobs, plans, audit log)."""
        for folder in self.forbidden:
            if real == folder or folder in real.parents:
                raise ApiError(
                    403,
                    "outside-home",
                    f"{key!r} is the extension's own state ({folder}); transfers never read or write it.",
                )


def same_file(a: Path, b: Path) -> bool:
    """Whether two existing paths are one file or folder (device and inode): aliases by
    symlink, case-insensitive names or spelling are caught; False if either is missing."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def within(folder: Path, path: Path) -> bool:
    """Whether `path` (existing or not) is `folder` or lies inside it, by what they
    resolve to: the nearest existing ancestor of `path` is compared by inode."""
    probe = path
    while not probe.exists():
        if probe.parent == probe:
            return False
        probe = probe.parent
    for candidate in (probe, *probe.parents):
        if same_file(candidate, folder):
            return True
    return False
