"""Parallel composite uploads of large objects to GCS, as `gcloud storage cp` does.

A resumable upload takes its chunks one at a time, in order. Above COMPOSITE_FROM bytes
(gcloud's default threshold, 150 MiB) the object goes up instead as parts of PART bytes,
each an object of its own uploaded in one request, PARTS_IN_FLIGHT at once; one
`compose` request then joins them into the target (Google concatenates them itself: no
byte crosses the network twice), and the parts are deleted in one batch request.

- Nothing half-written: the target appears only when compose succeeds, complete. A
  failure or cancel lets the parts in flight end, then deletes every part; nothing
  appears at the target, and the job ends only once its parts are gone.
- The parts live beside the target in a folder named PARTS_FOLDER, inside the same
  writable prefix. If the server process dies in the middle, that folder stays (gcloud
  leaves its parts under `gcloud/tmp/` in the same way): the panel hides dot-names
  unless "show hidden" is set, so it is found there, or by any other client; in scratch
  it expires with everything else.
- A composite object has a CRC32C and no MD5 (as on Google); transfers verify CRC32C.
- Google joins the bytes before it answers a compose, so a compose waits longer for its
  answer than other requests (gcs_fs.patient). A create-only compose tried again after
  its answer was lost meets its own object: recognised by the size and CRC32C combined
  from the parts (`_joined`, GcsStore.holding), not called someone else's.
- Compose joins at most COMPOSE_LIMIT objects per request; more parts are joined in
  rounds (1 GiB in 16 MiB parts takes three requests; 10 GiB, 21).

Parts also spare fake-gcs-server, which hashes everything received so far at every
resumable chunk (docs/benchmarks.md, "GCS upload chunks and composite parts").
"""

import asyncio
import base64
import logging
import secrets
from typing import Optional

from .base import all_ended, committed, let_end, through_cancels
from .bulk_delete import GCS_BATCH, gcs_batch
from .checksums import crc32c_b64, crc32c_combine
from .gcs_fs import STALL, patient

log = logging.getLogger(__name__)

PARTS_FOLDER = ".leap-buckets-parts"
COMPOSITE_FROM = 150 * 1024 * 1024
# Part size and parallelism: the best time for the memory (docs/benchmarks.md, "GCS
# upload chunks and composite parts").
PART = 16 * 1024 * 1024  # a multiple of transfers.CHUNK, so pieces fill parts exactly
PARTS_IN_FLIGHT = 4
COMPOSE_LIMIT = 32  # the JSON API's limit of source objects per compose


def part_prefix(key: str) -> str:
    """Where the parts of an upload to `key` go: a folder beside it, one name per upload."""
    parent = key.rsplit("/", 1)[0] + "/" if "/" in key else ""
    return f"{parent}{PARTS_FOLDER}/{secrets.token_hex(6)}-"


async def composite_upload(store, key: str, chunks, if_absent: bool = False) -> dict:
    """Upload `chunks` (bytes, in order) to `key` in parts, then compose them; returns the
    JSON API's resource of the composed object."""
    prefix = part_prefix(key)
    written: list = []  # part names that exist (or may: a request in flight when cancelled)
    landed: dict = {}  # part name: the JSON API's resource of the part
    sending: set = set()
    gate = asyncio.Semaphore(PARTS_IN_FLIGHT)

    async def send(name: str, data: bytes):
        try:
            landed[name] = await store.media_upload(name, data)
        finally:
            gate.release()

    async def start(data: bytes):
        await gate.acquire()
        for task in [t for t in sending if t.done()]:
            sending.discard(task)
            task.result()  # the first failure stops the upload
        name = f"{prefix}{len(written):05d}"
        written.append(name)
        sending.add(asyncio.ensure_future(send(name, data)))

    try:
        pieces, held = [], 0
        async for data in chunks:
            pieces.append(data)
            held += len(data)
            if held >= PART:
                await start(b"".join(pieces))
                pieces, held = [], 0
        if pieces or not written:
            await start(b"".join(pieces))
        del pieces
        await all_ended(sending)
        whole = _joined(landed[name] for name in written) if if_absent else None
        out = await _compose(store, written, key, prefix, sending, whole)
    except BaseException:
        # A cancelled job still removes its parts before it ends, however often it is
        # cancelled meanwhile (through_cancels): the job, and a DELETE of it, end clean.
        await through_cancels(asyncio.ensure_future(_clean_up(store, written, sending, prefix)))
        raise
    await asyncio.shield(_delete_parts(store, written))
    return out


def _joined(parts) -> Optional[tuple]:
    """(size, CRC32C) of the parts' resources joined in order; None if one lacks a CRC32C."""
    size, crc = 0, 0
    for part in parts:
        if not part.get("crc32c"):
            return None
        length = int(part["size"])
        crc = crc32c_combine(crc, int.from_bytes(base64.b64decode(part["crc32c"]), "big"), length)
        size += length
    return size, crc32c_b64(crc)


async def _compose(store, names: list, key: str, prefix: str, sending: set, whole: Optional[tuple] = None) -> dict:
    """Join `names` into `key`, COMPOSE_LIMIT at a time; intermediate objects are added
    to `names` so that they are deleted with the parts, and their requests to `sending`.
    With `whole` (the size and CRC32C of all the parts), the target only if free."""
    level = list(names)
    round_ = 0
    while True:
        groups = [level[i : i + COMPOSE_LIMIT] for i in range(0, len(level), COMPOSE_LIMIT)]
        if len(groups) == 1:
            return await committed(_compose_one(store, groups[0], key, whole))
        round_ += 1
        joined = [f"{prefix}r{round_}-{i:05d}" for i in range(len(groups))]
        names.extend(joined)
        rounds = {asyncio.ensure_future(_compose_one(store, g, j)) for g, j in zip(groups, joined)}
        sending.update(rounds)  # a cancel lets them end too (_clean_up)
        await all_ended(rounds)
        level = joined


async def _compose_one(store, sources: list, key: str, whole: Optional[tuple] = None) -> dict:
    condition = {"ifGenerationMatch": "0"} if whole else {}  # the target only if free
    try:
        with patient():  # the service joins the bytes before it answers
            return await store.fs._call(
                "POST",
                "b/{}/o/{}/compose",
                store.bucket,
                key,
                headers={"Content-Type": "application/json"},
                json_out=True,
                **condition,
                json={
                    "kind": "storage#composeRequest",
                    "sourceObjects": [{"name": name} for name in sources],
                    "destination": {"contentType": "application/octet-stream"},
                },
            )
    except FileExistsError:
        # A try whose answer was lost may have composed it (GcsStore.holding).
        same = await store.holding(key, *whole) if whole else None
        if same is None:
            raise
        return same


async def _clean_up(store, names: list, sending: set, prefix: str):
    """Delete every part of a failed or cancelled upload. A part (or an intermediate
    compose) whose request was sent whole lands whether or not its answer is awaited (as
    in `committed`), so the requests in flight are let end first, for up to STALL
    seconds; those still going then are cut (a request cut in its body makes no object),
    and the prefix is swept for strays."""
    await let_end(sending, STALL)
    await _delete_parts(store, names)
    try:
        stray = [info.key async for info in store.walk(prefix)]
    except Exception:  # noqa: BLE001 - what is left shows in the listing
        stray = []
    await _delete_parts(store, stray)


async def _delete_parts(store, names: list):
    """Delete the parts, one batch request per GCS_BATCH; what cannot be deleted is logged
    (the parts folder stays, where the user can find it)."""
    left = 0
    for i in range(0, len(names), GCS_BATCH):
        batch = [{"key": name, "generation": None} for name in names[i : i + GCS_BATCH]]
        try:
            results = await gcs_batch(store, batch)  # a part never written: 404, skipped
        except Exception:  # noqa: BLE001 - logged below
            results = [("failed", None)] * len(batch)
        left += sum(1 for status, _ in results if status == "failed")
    if left:
        log.warning("leap-buckets: %d upload part(s) could not be deleted under %s", left, names[0].rsplit("/", 1)[0])
