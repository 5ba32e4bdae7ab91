"""A delete plan and its spool: what `POST delete/plan` listed, one JSON line per object
(key, size, generation or ETag, modification time, when it was listed, and `prev`: the
key or string its listing page started after, or the object listed before it), written to a file on
disk so that a plan of a million objects costs no memory, and read back by the delete job
in batches of keys listed one after another, while the listing may still be writing it
(see deletes.py). S3 lists key ranges side by side (storage/key_ranges.py), so the spool
holds their pages interleaved; `prev` tells where each run of keys begins."""

import asyncio
import contextlib
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Optional

from . import guard
from .errors import ApiError
from .listing import ZARR_MARKERS
from .roots import Root
from .translate import translate

SAMPLE_KEYS = 20  # keys a plan shows
# Once a delete is confirmed, the listing stays at most this many objects ahead of the
# batches handed out (as rclone's listing waits for its deleters): listing further
# ahead gains nothing when deleting is the slower part, and on fake-gcs-server, whose
# every page walks the whole bucket and blocks deletes meanwhile, a listing that ran
# ahead walked objects that could have been gone (docs/benchmarks.md).
LIST_AHEAD = 2000


@dataclass
class Plan:
    token: str
    user: Optional[str]
    root: Root
    path: str
    kind: str  # file | folder | zarr
    objects: int
    bytes: int
    spool: Path
    deadline: float
    earliest_expiry: Optional[str] = None
    sample: list = field(default_factory=list)
    used: bool = False
    complete: bool = False  # every object under the path has been listed
    started: Optional[datetime] = None  # objects created after this are not planned
    confirmed: float = float("inf")  # time.monotonic() of the confirmation
    newer: int = 0  # objects listed but left out: created after the plan started
    task: Optional[asyncio.Task] = None  # the listing, while it runs
    error: Optional[ApiError] = None  # why the listing stopped, if it failed
    progressed: asyncio.Event = field(default_factory=asyncio.Event)
    handed_out: int = 0  # entries the delete job has taken from the spool
    taken: asyncio.Event = field(default_factory=asyncio.Event)
    # Each spool line is signed with this key, held only in memory: a line the listing did
    # not write (a spool replaced or edited on the disk) is never deleted.
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))

    @property
    def url(self) -> str:
        return self.root.url + self.path

    def to_api(self) -> dict:
        return {
            "plan": self.token,
            "root": self.root.id,
            "path": self.path,
            "url": self.url,
            "type": self.kind,
            "zarr": self.kind == "zarr",
            "objects": self.objects,
            "bytes": self.bytes,
            "sample": self.sample,
            "earliestExpiry": self.earliest_expiry,
            "tokenSecondsLeft": max(0, int(self.deadline - time.monotonic())),
            "complete": self.complete,
        }


async def single(store, key):
    """The object at `key`, as a listing of one page."""
    info = await store.head(key)
    if info is not None:
        yield None, [info], time.monotonic()


def spool_line(plan: Plan, info, prev, listed: float) -> str:
    """One object's line in the spool, signed: `prev` is the key (or string) its listing
    page started after, or the object listed before it; `listed` is when the page's
    answer came back (time.monotonic())."""
    entry = json.dumps(
        {
            "key": info.key,
            "size": info.size,
            "generation": info.generation,
            "etag": info.etag,
            "modified": info.modified.isoformat() if info.modified else None,
            "listed": round(listed, 3),
            "prev": prev,
        }
    )
    return entry + "\t" + _mac(plan, entry) + "\n"


def _mac(plan: Plan, entry: str) -> str:
    return hmac.new(plan.secret, entry.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()


def read_entry(plan: Plan, line: str) -> dict:
    """A spool line back, after checking that this plan's listing wrote it, that its key
    lies under the plan's path and that the guard allows deleting it, and that a GCS
    object carries the generation it is to be deleted in. Anything else stops the job:
    `plan-altered`, and nothing more is deleted."""
    entry, _, mac = line.rstrip("\n").rpartition("\t")
    try:
        if not hmac.compare_digest(mac, _mac(plan, entry)):
            raise ValueError("signature")
        data = json.loads(entry)
        key = data["key"]
        if not (key == plan.path if not plan.path.endswith("/") else key.startswith(plan.path) and key != plan.path):
            raise ValueError("outside the plan's path")
        guard.check(guard.DELETE, plan.root, key)
        if plan.root.provider == "gcs" and not data.get("generation"):
            raise ValueError("no generation")
    except (ValueError, KeyError, TypeError, ApiError) as exc:
        raise ApiError(
            409,
            "plan-altered",
            f"The record of this delete plan was changed on the disk ({exc}); nothing more was deleted. Plan the "
            "delete again.",
        ) from None
    return data


async def batches(plan: Plan, size: int):
    """The plan's entries, `size` at a time, read from the spool as they are needed and,
    while the listing still runs, as it writes them. A batch holds keys listed one after
    another (each entry's `prev` is the key before it), so the keys of a batch are all
    there is in (its first entry's `prev`, its last key], but for keys holding the last
    Unicode character that another range lists (storage/key_ranges.py): the range an S3
    batch lists again before its delete (storage/bulk_delete.py), looking up its own keys."""
    batch, partial = [], ""

    def hand_out():
        plan.handed_out += len(batch)
        plan.taken.set()  # the listing may go on (deletes.LIST_AHEAD)
        return batch

    with open(plan.spool, encoding="utf-8") as lines:
        while True:
            waiting = plan.progressed
            finished = plan.complete or plan.error is not None
            line = lines.readline()
            if line.endswith("\n"):
                entry = read_entry(plan, partial + line)
                partial = ""
                if batch and entry["prev"] != batch[-1]["key"]:
                    yield hand_out()  # another range's keys
                    batch = []
                batch.append(entry)
                if len(batch) == size:
                    yield hand_out()
                    batch = []
                continue
            partial += line
            if finished:
                break
            if batch:
                yield hand_out()  # delete what is known while the listing goes on
                batch = []
            await waiting.wait()
    if batch:
        yield batch


async def list_into_spool(plan: Plan, store):
    """Write each object under the plan's path (created before the plan started) to
    the spool, flushing every page so a running delete can follow."""
    path, earliest = plan.path, None
    # Written after the user asked: not part of the plan. GCS times have
    # microseconds; S3 listings may have only seconds (moto, HEAD everywhere), so
    # there an object of the plan's own second is left out too: kept, and reported
    # as remaining, rather than deleted unseen.
    cutoff = (
        plan.started + timedelta(microseconds=1) if plan.root.provider == "gcs" else plan.started.replace(microsecond=0)
    )

    async def gate():
        # Held before a page's request, not after its answer: a page listed ahead and
        # kept waiting would be old by the time its batch is deleted (deletes.FRESH_S3).
        while plan.used and plan.objects - plan.handed_out > LIST_AHEAD:
            plan.taken.clear()
            await plan.taken.wait()

    try:
        pages = store.walk_pages(path, gate) if path.endswith("/") else single(store, path)
        async with contextlib.aclosing(pages):  # its listings stop when this does
            with open(plan.spool, "a", encoding="utf-8") as out:
                async for prev, infos, listed in pages:
                    for info in infos:
                        if info.created and info.created >= cutoff:
                            plan.newer += 1
                            continue
                        out.write(spool_line(plan, info, prev, listed))
                        prev = info.key
                        plan.objects += 1
                        plan.bytes += info.size
                        if len(plan.sample) < SAMPLE_KEYS:
                            plan.sample.append(info.key)
                        if info.created and (earliest is None or info.created < earliest):
                            earliest = info.created
                            if plan.root.expiry_days:
                                expiry = earliest + timedelta(days=plan.root.expiry_days)
                                plan.earliest_expiry = expiry.isoformat().replace("+00:00", "Z")
                    out.flush()  # a page at a time: a running delete follows
                    plan.progressed.set()
                    plan.progressed = asyncio.Event()
    except asyncio.CancelledError:
        plan.error = ApiError(410, "plan-expired", "The listing of this plan was stopped; plan the delete again.")
        raise
    except ApiError as err:
        plan.error = err
    except Exception as exc:  # noqa: BLE001 - reported to whoever waits on the plan
        plan.error = translate(exc, plan.root, "Listing what to delete")
    else:
        plan.complete = True
    finally:
        plan.progressed.set()


async def is_zarr(store, path: str) -> bool:
    """Whether the folder's root holds Zarr metadata (at most four lookups)."""
    found = await asyncio.gather(*(store.head(path + marker) for marker in ZARR_MARKERS))
    return any(found)


async def keys_in_plan(plan: Plan, keys: list) -> set:
    """Which of `keys` (a sample of what remains) the plan lists: its spool is read once,
    in a thread (a plan of a million objects takes seconds)."""
    wanted = set(keys)

    def scan():
        found = set()
        try:
            with open(plan.spool, encoding="utf-8") as lines:
                for line in lines:
                    try:  # the entry's JSON, before the tab of its signature if it has one
                        key = json.loads(line.split("\t", 1)[0])["key"]
                    except (ValueError, KeyError, TypeError):
                        continue
                    if key in wanted:
                        found.add(key)
                        if len(found) == len(wanted):
                            break
        except OSError:
            pass
        return found

    return await asyncio.to_thread(scan)
