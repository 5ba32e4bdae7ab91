"""One page of a folder listing: entries in key order, a cursor, Zarr stores recognised.

Paging: the cursor names the last entry returned; the next request starts there (GCS
`startOffset`, S3 `StartAfter`) and drops names up to it. So a page never depends on the
provider's own page token, and a page can end early, which bounds Zarr detection.

Zarr detection costs at most 4 object lookups (`zarr.json`, `.zgroup`, `.zarray`,
`.zmetadata`) per folder on the page, and a page holds at most `probe_folders` folders
(default 100): at most 400 extra requests per page, run `PROBE_CONCURRENCY` at a time.
They are lookups of single keys, cheap on every service, where listing each folder would
scan it. (GCS's `matchGlob` could do it in one request, but fake-gcs-server ignores it.)
"""

import asyncio
import base64
import binascii
import json
from datetime import datetime, timedelta, timezone
from typing import Optional

from .errors import bad_request
from .roots import Root
from .storage import ObjectInfo, Store

ZARR_MARKERS = ("zarr.json", ".zgroup", ".zarray", ".zmetadata")
PROBE_CONCURRENCY = 32
# Seconds a page of `GET list` may take, retries included, before it fails with 502: a
# service that holds the connection without answering must not hold the panel (gcsfs
# and s3fs retry a stalled read five more times, about 90 s).
LIST_DEADLINE = 15.0


def encode_cursor(after: str) -> str:
    raw = json.dumps({"v": 1, "after": after}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: Optional[str], path: str) -> Optional[str]:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        after = data["after"]
        if data.get("v") != 1 or not isinstance(after, str) or not after.startswith(path):
            raise ValueError(after)
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        raise bad_request(
            "The cursor is not one this server gave for this folder; list again from the start."
        ) from None
    return after


def iso(value: Optional[datetime]) -> Optional[str]:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def file_entry(root: Root, prefix: str, info: ObjectInfo, policy=None) -> dict:
    if policy is None:
        expires = None
        if root.expiry_days is not None and info.created is not None:
            expires = (info.created + timedelta(days=root.expiry_days), None)
    else:
        expires = policy.expires(info.key, info.created)
    entry = {
        "name": info.key[len(prefix) :],
        "path": info.key,
        "type": "file",
        "size": info.size,
        "modified": iso(info.modified),
        "created": iso(info.created),
        "expires": iso(expires[0]) if expires else None,
    }
    if expires and expires[1] is not None:
        entry["expiresRule"] = expires[1].describe()
    return entry


def folder_entry(prefix: str, folder: str, is_zarr: bool) -> dict:
    return {
        "name": folder[len(prefix) : -1],
        "path": folder,
        "type": "zarr" if is_zarr else "directory",
        "size": None,
        "modified": None,
        "created": None,
        "expires": None,
    }


async def is_zarr_store(store: Store, folder: str, gate: asyncio.Semaphore) -> bool:
    async def probe(name):
        async with gate:
            return await store.head(folder + name) is not None

    results = await asyncio.gather(*(probe(name) for name in ZARR_MARKERS))
    return any(results)


async def list_page(
    store: Store,
    root: Root,
    path: str,
    cursor: Optional[str],
    limit: int,
    probe_folders: int,
    policy=None,
) -> dict:
    after = decode_cursor(cursor, path)
    # One more than asked, since the entry at `after` itself may come back again.
    raw = await store.list_dir(path, after, limit + 1)
    items = [(info.key, info) for info in raw.files] + [(p, None) for p in raw.prefixes]
    items.sort(key=lambda item: item[0])

    placeholder = False
    page, folders, more = [], 0, raw.truncated
    for name, info in items:
        if name == path:  # the zero-byte object some tools write to mark a folder
            placeholder = True
            continue
        if after is not None and name <= after:
            continue
        if len(page) == limit or (info is None and folders == probe_folders):
            more = True
            break
        folders += info is None
        page.append((name, info))

    gate = asyncio.Semaphore(PROBE_CONCURRENCY)
    zarr_flags = await asyncio.gather(*(is_zarr_store(store, name, gate) for name, info in page if info is None))
    flags = iter(zarr_flags)
    entries = [
        file_entry(root, path, info, policy) if info is not None else folder_entry(path, name, next(flags))
        for name, info in page
    ]
    return {
        "entries": entries,
        "cursor": encode_cursor(page[-1][0]) if more and page else None,
        "empty": not entries and after is None and not placeholder,
    }
