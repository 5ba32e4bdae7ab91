"""What a virtual Zarr store (kerchunk references) holds, for its preview: the Zarr metadata
it carries (the frontend describes its arrays with the same code as a Zarr store's) and
where its chunks live: each distinct target (a URL or file) with how many chunks point
into it and how many bytes, and how many chunks are inline in the references themselves.

Bounded: a JSON reference file is read whole only up to MAX_REFERENCE_BYTES (kerchunk's
JSON of a large archive can be hundreds of MiB; past the bound the answer says so and
holds nothing else), and at most MAX_TARGETS targets are named (the rest are counted
together). A Parquet reference folder's metadata is its `.zmetadata`, read under the same
bound; its chunk references are in `<array>/refs.<n>.parq` files, which this server does
not read (it needs no Parquet library): the answer counts those files instead, from one
listing of at most MAX_PARQUET_FILES keys.
"""

import asyncio
import json
import re
from collections import Counter

from .errors import ApiError
from .storage import Store
from .store_kinds import references_of

MAX_REFERENCE_BYTES = 32 * 1024 * 1024
MAX_TARGETS = 50
MAX_PARQUET_FILES = 10_000
_TEMPLATE = re.compile(r"{{\s*(\w+)\s*}}")


def is_metadata_key(key: str) -> bool:
    name = key.rsplit("/", 1)[-1]
    return name.startswith(".z") or name == "zarr.json"


def chunk_locations(refs: dict, templates: dict) -> dict:
    """Targets of the chunk references (not the metadata keys), biggest share first."""
    chunks, counts, sizes, inline = 0, Counter(), Counter(), 0
    for key, value in refs.items():
        if is_metadata_key(key):
            continue
        chunks += 1
        if isinstance(value, str):  # the chunk's bytes themselves ("base64:..." or text)
            inline += 1
            continue
        if not isinstance(value, list) or not value or not isinstance(value[0], str):
            continue
        url = _TEMPLATE.sub(lambda m: str(templates.get(m.group(1), m.group(0))), value[0])
        counts[url] += 1
        if len(value) == 3 and isinstance(value[2], int):
            sizes[url] += value[2]
    targets = [{"url": url, "chunks": n, "bytes": sizes.get(url)} for url, n in counts.most_common(MAX_TARGETS)]
    others = counts.most_common()[MAX_TARGETS:]
    return {
        "chunks": chunks,
        "inlineChunks": inline,
        "targets": targets,
        "otherTargets": {"count": len(others), "chunks": sum(n for _, n in others)},
    }


async def references_summary(store: Store, path: str) -> dict:
    """The summary of the JSON reference file `path`, or of the Parquet reference folder
    `path` (ending in '/')."""
    if path.endswith("/"):
        return await _parquet(store, path)
    info = await _bounded(store, path)
    raw = await store.read(path, 0, info.size) if info.size else b""
    # A thread: parsing tens of MiB of JSON must not hold the server's event loop.
    refs_file = await asyncio.to_thread(_json, raw)
    refs = references_of(refs_file)
    if refs is None:
        raise ApiError(
            422,
            "not-references",
            f"{path} is not a kerchunk reference file (JSON with a version and refs); open it as a file instead.",
        )
    metadata = {k: _json(v) for k, v in refs.items() if is_metadata_key(k) and isinstance(v, str)}
    templates = refs_file.get("templates") or {}
    return {"format": "json", "bytes": info.size, "metadata": metadata, **chunk_locations(refs, templates)}


async def _parquet(store: Store, folder: str) -> dict:
    info = await _bounded(store, folder + ".zmetadata")
    raw = json.loads(await store.read(info.key, 0, info.size))
    if not isinstance(raw, dict) or "record_size" not in raw:
        raise ApiError(
            422, "not-references", f"{folder}.zmetadata has no record_size: it is not a Parquet reference folder."
        )
    files, truncated = 0, False
    async for item in store.walk(folder):
        if files == MAX_PARQUET_FILES:
            truncated = True
            break
        files += item.key.endswith(".parq")
    return {
        "format": "parquet",
        "bytes": info.size,
        "metadata": raw.get("metadata") or {},
        "recordSize": raw["record_size"],
        "parquetFiles": files,
        "parquetFilesTruncated": truncated,
    }


async def _bounded(store: Store, key: str):
    info = await store.head(key)
    if info is None:
        raise ApiError(404, "not-found", f"There is no {key}; it may have been moved or deleted.")
    if info.size > MAX_REFERENCE_BYTES:
        raise ApiError(
            413,
            "too-large",
            f"{key} is {info.size / 2**20:.1f} MiB, more than the {MAX_REFERENCE_BYTES / 2**20:.1f} MiB "
            "a preview reads; open it with the Python snippet instead.",
        )
    return info


def _json(text):
    try:
        return json.loads(text)
    except ValueError:
        return None
