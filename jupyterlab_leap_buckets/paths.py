"""Checks on the object keys and folder paths that requests carry."""

from .errors import bad_request

MAX_KEY_BYTES = 1024  # GCS's and S3's limit on an object name


def check_key(path, *, folder: bool) -> str:
    """Return `path` if it is a well-formed key (folder: "" or ending in "/"), else 400."""
    if path is None:
        raise bad_request("The request needs a 'path' (an object key, or a folder ending in '/').")
    if path.startswith("/"):
        raise bad_request(f"Paths are keys inside the bucket and never start with '/': {path!r}.")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in path):
        raise bad_request("Paths cannot hold control characters such as NUL or newlines.")
    if len(path.encode("utf-8")) > MAX_KEY_BYTES:
        raise bad_request(f"Paths are at most {MAX_KEY_BYTES} bytes long.")
    if folder and path and not path.endswith("/"):
        raise bad_request(f"A folder path ends with '/': did you mean {path + '/'!r}?")
    if not folder and (not path or path.endswith("/")):
        raise bad_request(f"{path!r} is a folder; give the key of an object.")
    return path
