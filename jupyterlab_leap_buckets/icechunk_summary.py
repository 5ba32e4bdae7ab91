"""What an Icechunk repository in a bucket holds, for its preview: its branches and tags
(from `refs/`) and the latest snapshot of `main` (id, time, message, parent) with the
groups and arrays in it.

Icechunk snapshot files are compressed flatbuffers, so they are read by the icechunk
package itself, read-only: the few objects it needs (`main`'s ref and its snapshot) are
copied through our Store into a temporary folder that icechunk opens as a local
repository. So the server's own credentials and endpoints serve (icechunk's object_store
clients would need their own, and cannot reach every emulator), and nothing is written
to the bucket. Costs are bounded: one listing of at most MAX_REFS keys under `refs/`,
at most MAX_REF_READS reads of refs, one snapshot of at most MAX_SNAPSHOT_BYTES.
"""

import asyncio
import json
import os
import tempfile
from typing import Optional

from .errors import ApiError
from .storage import Store

MAX_REFS = 1000  # keys listed under refs/ (two per branch or tag at most)
MAX_REF_READS = 50  # branches and tags whose snapshot id is read
MAX_SNAPSHOT_BYTES = 64 * 1024 * 1024
MAX_NODES = 500  # groups and arrays described


async def icechunk_summary(store: Store, folder: str) -> dict:
    refs, truncated = [], False
    async for info in store.walk(folder + "refs/"):
        if len(refs) == MAX_REFS:
            truncated = True
            break
        refs.append(info.key[len(folder) + len("refs/") :])
    names = set(refs)
    branches, tags = [], []
    for ref in sorted(names):
        kind, _, rest = ref.partition(".")
        name, _, file = rest.rpartition("/")
        # Icechunk marks a deleted tag with ref.json.deleted beside its ref.json.
        if file != "ref.json" or f"{kind}.{name}/ref.json.deleted" in names:
            continue
        if kind in ("branch", "tag"):
            (branches if kind == "branch" else tags).append({"name": name, "snapshot": None})
    if not any(b["name"] == "main" for b in branches):
        raise ApiError(
            404, "not-found", f"{folder} has no branch main: it is not an Icechunk repository (icechunk 1.x)."
        )
    # main first: its snapshot is the one shown, whatever the number of branches
    branches.sort(key=lambda b: (b["name"] != "main", b["name"]))
    readable = ([("branch", b) for b in branches] + [("tag", t) for t in tags])[:MAX_REF_READS]
    ids = await asyncio.gather(*(_ref_snapshot(store, folder, kind, ref["name"]) for kind, ref in readable))
    for (_, ref), snapshot in zip(readable, ids):
        ref["snapshot"] = snapshot
    main = next(b for b in branches if b["name"] == "main")
    latest = await _snapshot(store, folder, main["snapshot"])
    return {"branches": branches, "tags": tags, "refsTruncated": truncated, "latest": latest}


async def _ref_snapshot(store: Store, folder: str, kind: str, name: str) -> Optional[str]:
    key = f"{folder}refs/{kind}.{name}/ref.json"
    raw = await store.read(key, 0, 4096)
    try:
        return json.loads(raw)["snapshot"]
    except (ValueError, KeyError, TypeError):
        raise ApiError(502, "bad-repository", f"{key} is not an Icechunk ref (no snapshot id in it).") from None


async def _snapshot(store: Store, folder: str, snapshot_id: str) -> dict:
    key = f"{folder}snapshots/{snapshot_id}"
    info = await store.head(key)
    if info is None:
        raise ApiError(502, "bad-repository", f"main points at snapshot {snapshot_id}, but {key} is missing.")
    if info.size > MAX_SNAPSHOT_BYTES:
        return {"id": snapshot_id, "bytes": info.size, "tooLarge": True}
    snapshot = await store.read(key, 0, info.size)
    ref = await store.read(f"{folder}refs/branch.main/ref.json", 0, 4096)
    return await asyncio.to_thread(_read_snapshot, snapshot_id, snapshot, ref, info.size)


def _read_snapshot(snapshot_id: str, snapshot: bytes, ref: bytes, size: int) -> dict:
    try:
        import icechunk

        import zarr
    except ImportError:
        raise ApiError(
            501,
            "not-installed",
            "Previewing Icechunk needs the icechunk package (icechunk>=1.0) in the Jupyter server's environment.",
        ) from None
    with tempfile.TemporaryDirectory(prefix="leap-icechunk-") as local:
        for name, data in ((f"snapshots/{snapshot_id}", snapshot), ("refs/branch.main/ref.json", ref)):
            os.makedirs(os.path.dirname(os.path.join(local, name)), exist_ok=True)
            with open(os.path.join(local, name), "wb") as out:
                out.write(data)
        repo = icechunk.Repository.open(icechunk.local_filesystem_storage(local))
        about = repo.lookup_snapshot(snapshot_id)
        session = repo.readonly_session(snapshot_id=snapshot_id)
        nodes = _nodes(zarr.open_group(store=session.store, mode="r"))
    return {
        "id": about.id,
        "parent": about.parent_id,
        "writtenAt": about.written_at.isoformat().replace("+00:00", "Z"),
        "message": about.message,
        "bytes": size,
        "nodes": nodes,
        "nodesTruncated": len(nodes) >= MAX_NODES,
    }


def _nodes(group) -> list:
    """The groups and arrays of the snapshot, as the Zarr metadata in it says (no chunk
    is read: Icechunk keeps every node's metadata in the snapshot)."""
    out = []
    for path, node in group.members(max_depth=None):
        if len(out) >= MAX_NODES:
            break
        item = {"path": path, "kind": "group" if hasattr(node, "members") else "array", "attrs": dict(node.attrs)}
        if item["kind"] == "array":
            meta = node.metadata
            item.update(
                shape=list(node.shape),
                chunks=list(node.chunks),
                dtype=str(node.dtype),
                dimensions=list(getattr(meta, "dimension_names", None) or []) or None,
            )
        out.append(item)
    return sorted(out, key=lambda item: item["path"])
