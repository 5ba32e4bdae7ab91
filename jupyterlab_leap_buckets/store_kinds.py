"""What kind of store a folder or a file of a listing is: a Zarr store, an Icechunk
repository or a virtual Zarr store (kerchunk references), told by its metadata, never its
name, at a bounded cost.

A folder costs at most 4 requests, the same bound as when only Zarr was recognised:
- one listing of the keys under `<folder>/.z` (one request whatever the store: it
  answers for `.zgroup`, `.zarray` and `.zmetadata` at once, where three lookups did;
  nested arrays' metadata lies under `<folder>/<name>/`, so it is not in it);
- one lookup of `zarr.json` (Zarr v3);
- one lookup of `refs/branch.main/ref.json` (Icechunk): Icechunk 1.x writes it when it
  creates a repository and refuses to delete the branch `main`, so every repository has
  it; it is one exact key, where `snapshots/` or `manifests/` would need listings, and the
  repository's `config.yaml` is written only once a configuration is saved;
- only for a folder whose `.zmetadata` stands without `.zgroup`, `.zarray` or `zarr.json`
  (the layout of fsspec's Parquet references, `LazyReferenceMapper`): one ranged read of
  the end of `.zmetadata`, where it writes `"record_size": N` after the metadata. A
  consolidated Zarr store always has its `.zgroup` (or `.zarray`) too, so it stays Zarr
  without this read.

A `*.json` file costs one ranged read of its first `JSON_HEAD` bytes: kerchunk writes
`{"version": 1, "refs": {...` from its first byte.
"""

import asyncio
import re
from typing import Optional

from .storage import ObjectInfo, Store

ZARR_V2_MARKERS = (".zgroup", ".zarray", ".zmetadata")
ZARR_MARKERS = ("zarr.json",) + ZARR_V2_MARKERS  # what delete plans look for
ICECHUNK_MARKER = "refs/branch.main/ref.json"
# Bytes read from the start of a `.json` file and from the end of a Parquet reference
# folder's `.zmetadata`: enough for kerchunk's header and fsspec's trailer, whatever the
# whitespace.
JSON_HEAD = 512
ZMETADATA_TAIL = 512

_REFS_HEAD = re.compile(rb'^\s*\{\s*"version"\s*:\s*1\s*,\s*"refs"\s*:\s*\{')
_RECORD_SIZE = re.compile(rb'"record_size"\s*:\s*\d+\s*\}\s*$')


async def folder_kind(store: Store, folder: str, gate: asyncio.Semaphore) -> str:
    """ "zarr", "icechunk", "virtual-zarr" or "directory" for `folder` (ending in '/')."""

    async def bounded(call):
        async with gate:
            return await call

    dot_z, v3, icechunk = await asyncio.gather(
        bounded(store.list_dir(folder + ".z", None, 10)),
        bounded(store.head(folder + "zarr.json")),
        bounded(store.head(folder + ICECHUNK_MARKER)),
    )
    names = {info.key[len(folder) :]: info for info in dot_z.files}
    if v3 is not None or ".zgroup" in names or ".zarray" in names:
        return "zarr"
    if icechunk is not None:
        return "icechunk"
    zmetadata = names.get(".zmetadata")
    if zmetadata is None:
        return "directory"
    return "virtual-zarr" if await bounded(_has_record_size(store, zmetadata)) else "zarr"


async def _has_record_size(store: Store, info: ObjectInfo) -> bool:
    start = max(0, info.size - ZMETADATA_TAIL)
    tail = await store.read(info.key, start, info.size)
    return bool(_RECORD_SIZE.search(tail))


def may_be_references(info: ObjectInfo) -> bool:
    """Whether a file is worth the one read that tells a kerchunk JSON reference file."""
    return info.key.lower().endswith(".json") and info.size > 0 and info.refused is None


async def file_kind(store: Store, info: ObjectInfo, gate: asyncio.Semaphore) -> str:
    """ "virtual-zarr" for a kerchunk JSON reference file, else "file"."""
    async with gate:
        try:
            head = await store.read(info.key, 0, min(info.size, JSON_HEAD))
        except FileNotFoundError:  # deleted since the listing: it is listed as it was
            return "file"
    return "virtual-zarr" if is_references_head(head) else "file"


def is_references_head(head: bytes) -> bool:
    """Whether the first bytes of a file are those of kerchunk's version 1 references."""
    return bool(_REFS_HEAD.match(head))


def references_of(data) -> Optional[dict]:
    """The `refs` of a parsed kerchunk JSON file, or None when it is not one."""
    if not isinstance(data, dict) or not isinstance(data.get("refs"), dict):
        return None
    return data["refs"]
