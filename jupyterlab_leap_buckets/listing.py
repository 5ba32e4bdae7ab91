"""One page of a folder listing: entries in key order, a cursor, Zarr stores, Icechunk
repositories and kerchunk references recognised (store_kinds.py).

Paging: the cursor names the last entry returned; the next request starts there (GCS
`startOffset`, S3 `StartAfter`) and drops names up to it. So a page never depends on the
provider's own page token, and a page can end early, which bounds store detection.

Telling a folder's kind costs at most 4 requests (store_kinds.py says which), a `*.json`
file's one ranged read of 512 bytes, and a page holds at most `probe_folders` of both
together (default 100): at most 400 extra requests per page, run `PROBE_CONCURRENCY` at a
time. They are lookups of single keys or a listing of one key prefix, cheap on every
service, where listing each folder would scan it. (GCS's `matchGlob` could do it in one
request, but fake-gcs-server ignores it.)
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
from .store_kinds import ZARR_MARKERS, file_kind, folder_kind, may_be_references

__all__ = ["ZARR_MARKERS", "list_page"]
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


def file_entry(root: Root, prefix: str, info: ObjectInfo, policy=None, kind: str = "file") -> dict:
    if policy is None:
        expires = None
        if root.expiry_days is not None and info.created is not None:
            expires = (info.created + timedelta(days=root.expiry_days), None)
    else:
        expires = policy.expires(info.key, info.created)
    entry = {
        "name": info.key[len(prefix) :],
        "path": info.key,
        "type": kind,
        "size": info.size,
        "modified": iso(info.modified),
        "created": iso(info.created),
        "expires": iso(expires[0]) if expires else None,
    }
    if expires and expires[1] is not None:
        entry["expiresRule"] = expires[1].describe()
    return entry


def folder_entry(prefix: str, folder: str, kind: str = "directory") -> dict:
    return {
        "name": folder[len(prefix) : -1],
        "path": folder,
        "type": kind,
        "size": None,
        "modified": None,
        "created": None,
        "expires": None,
    }


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
    page, probes, more = [], 0, raw.truncated
    for name, info in items:
        if name == path:  # the zero-byte object some tools write to mark a folder
            placeholder = True
            continue
        if after is not None and name <= after:
            continue
        probed = info is None or may_be_references(info)
        if len(page) == limit or (probed and probes == probe_folders):
            more = True
            break
        probes += probed
        page.append((name, info))

    gate = asyncio.Semaphore(PROBE_CONCURRENCY)

    async def kind(name, info):
        if info is None:
            return await folder_kind(store, name, gate)
        return await file_kind(store, info, gate) if may_be_references(info) else "file"

    kinds = await asyncio.gather(*(kind(name, info) for name, info in page))
    entries = [
        file_entry(root, path, info, policy, kind) if info is not None else folder_entry(path, name, kind)
        for (name, info), kind in zip(page, kinds)
    ]
    return {
        "entries": entries,
        "cursor": encode_cursor(page[-1][0]) if more and page else None,
        "empty": not entries and after is None and not placeholder,
    }
