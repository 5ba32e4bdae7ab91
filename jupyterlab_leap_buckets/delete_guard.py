"""The guard of deletion: which paths may be deleted in a root, taken literally.

On LEAP, Google lets any user delete anyone's objects, so this check is the only one.
"""

import re
import unicodedata
from typing import Optional

from .errors import ApiError, bad_request
from .paths import MAX_KEY_BYTES
from .roots import Root

# gsutil / gcloud wildcards and shell braces: literal paths never need them here.
_WILDCARDS = set("*?[]{}")
_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")


def check_delete_path(root: Root, path) -> str:
    """The path, if deleting it is allowed; else the error that says why.

    Refused as doubtful (400 bad-request): not a string, empty, longer than 1024 bytes,
    a leading "/", "//", "." or ".." segments, backslashes, NUL and other control
    characters, percent-escapes such as %2e or %2f, wildcards, leading or trailing
    spaces in a segment, invisible or private-use characters, and any character that
    Unicode compatibility-normalises to something else (fullwidth "／", "．", ligatures:
    look-alikes). Refused as outside (403 outside-home): anything not strictly inside
    the deletable prefix, which is compared literally ("alice/" never admits
    "alice-old/", and never the prefix itself)."""
    if root.deletable is None:
        raise ApiError(
            403, "read-only",
            f"Deleting is off for {root.label} ({root.url})"
            + ("; OSN deletions are coordinated with LEAP's Data and Compute team." if root.provider == "s3" else "."),
        )
    if not isinstance(path, str) or not path:
        raise bad_request("Name the file, folder or store to delete in 'path'.")
    problem = _doubtful(path)
    if problem:
        raise bad_request(f"Refusing to delete {path!r}: {problem}. Give the object's exact key as the panel shows it.")
    prefix = root.deletable
    if not path.startswith(prefix) or len(path) <= len(prefix) or path.rstrip("/") + "/" == prefix:
        raise ApiError(
            403, "outside-home",
            f"You can delete only inside {root.url}{prefix}, and never that folder itself; {root.url}{path} is not.",
        )
    return path


def _doubtful(path: str) -> Optional[str]:
    if len(path.encode("utf-8", "surrogatepass")) > MAX_KEY_BYTES:
        return f"it is longer than {MAX_KEY_BYTES} bytes"
    if path.startswith("/"):
        return "it starts with '/'"
    if "//" in path:
        return "it holds '//'"
    if "\\" in path:
        return "it holds a backslash"
    if any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in path):
        return "it holds a control character"
    segments = path[:-1].split("/") if path.endswith("/") else path.split("/")
    if any(seg in (".", "..") for seg in segments):
        return "it holds a '.' or '..' segment"
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

