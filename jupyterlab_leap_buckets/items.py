"""Single items: new folders, and the details of a file, folder or Zarr store.

Buckets have no folders; a folder is the shared prefix of its objects. A new, empty
folder is kept by a hidden zero-byte object inside it, `name/.keep` (as s3contents, the
Jupyter contents manager for S3 and GCS, keeps `.s3keep`), so it shows until something
is put in it. The Google Cloud console writes a zero-byte `name/` object instead; the
listing hides those when other tools made them, but fake-gcs-server's filesystem backend
answers 200 to such a write and keeps nothing, so that form could not be tested here."""

from . import guard
from .errors import ApiError, bad_request
from .listing import file_entry, folder_entry, iso
from .paths import check_key
from .roots import Root
from .storage.errors import Exists
from .translate import translate

FOLDER_MARKER = ".keep"
DETAILS_SCAN_LIMIT = 20_000  # objects counted for a folder's details before saying "at least"
_BAD_NAME_CHARS = set("\\\x7f") | {chr(c) for c in range(32)}


def check_folder_name(name: str) -> str:
    if not name or name in (".", "..") or "/" in name or _BAD_NAME_CHARS & set(name):
        raise bad_request(
            f"{name!r} cannot name a folder: use a name without '/', '\\' or control characters, not '.' or '..'."
        )
    if name != name.strip():
        raise bad_request(f"{name!r} starts or ends with a space; remove it, or other tools will trip over the folder.")
    return name


async def create_folder(service, root: Root, path: str) -> dict:
    """Make the folder `path` (ending in "/") under a writable prefix; 409 if anything
    is there already."""
    path = check_key(path, folder=True)
    if not path:
        raise bad_request("Name the new folder: the top of a root already exists.")
    parent, name = path[:-1].rpartition("/")[0], path[:-1].rpartition("/")[2]
    check_folder_name(name)
    guard.check(guard.WRITE, root, path + FOLDER_MARKER)
    store = service.store(root)
    try:
        if await store.head(path[:-1]) is not None:
            raise ApiError(
                409,
                "conflict",
                f"A file named {name!r} exists in {root.url}{parent + '/' if parent else ''}; choose another name.",
            )
        page = await store.list_dir(path, None, 1)
        if page.files or page.prefixes:
            raise ApiError(409, "conflict", f"{root.url}{path} exists already.")

        async def nothing():
            return
            yield  # an async generator of no chunks

        try:
            # Only onto a free name: another user's marker made meanwhile is kept.
            await store.upload(path + FOLDER_MARKER, 0, nothing(), if_absent=True)
        except Exists:
            raise ApiError(409, "conflict", f"{root.url}{path} exists already.") from None
    except ApiError:
        raise
    except Exception as exc:
        raise translate(exc, root, f"Making the folder {path}") from None
    return folder_entry(parent + "/" if parent else "", path)


async def details(service, expiry, root: Root, path: str) -> dict:
    """What the details dialog shows: for a file its metadata and checksums; for a
    folder or store how many objects and bytes lie under it (counted up to
    DETAILS_SCAN_LIMIT objects), and the newest change."""
    if path is None:
        raise bad_request("The request needs a 'path' (an object key, or a folder ending in '/').")
    store = service.store(root)
    policy = await expiry.policy(root)
    url = f"{root.url}{path}"
    try:
        if not path.endswith("/") and path:
            check_key(path, folder=False)
            info = await store.head(path)
            if info is None:
                raise ApiError(404, "not-found", f"There is no object {url}; it may have been moved or deleted.")
            parent = path.rpartition("/")[0]
            entry = file_entry(root, parent + "/" if parent else "", info, policy)
            return {
                **entry,
                "url": url,
                "md5": info.md5,
                "crc32c": info.crc32c,
                "generation": info.generation,
                "etag": info.etag,
            }
        check_key(path, folder=True)
        objects, size, newest, more = 0, 0, None, False
        async for info in store.walk(path):
            if objects == DETAILS_SCAN_LIMIT:
                more = True
                break
            objects += 1
            size += info.size
            if info.modified and (newest is None or info.modified > newest):
                newest = info.modified
    except ApiError:
        raise
    except Exception as exc:
        raise translate(exc, root, f"Reading the details of {path or 'the bucket'}") from None
    if objects == 0 and path and path != root.home:
        raise ApiError(404, "not-found", f"There is no folder {url}; it may have been moved or deleted.")
    parent = path[:-1].rpartition("/")[0]
    entry = (
        folder_entry(parent + "/" if parent else "", path) if path else {"name": "", "path": "", "type": "directory"}
    )
    entry.pop("type")
    return {**entry, "url": url, "objects": objects, "bytes": size, "approximate": more, "modified": iso(newest)}
