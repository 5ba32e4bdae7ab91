"""A delete plan and its spool: what `POST delete/plan` listed, one JSON line per object
(key, size, generation or ETag, modification time, and when it was listed), written to a
file on disk so that a plan of a million objects costs no memory, and read back by the
delete job in batches, while the listing may still be writing it (see deletes.py)."""

import asyncio
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Optional

from . import guard
from .errors import ApiError
from .roots import Root


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
            "expiresIn": max(0, int(self.deadline - time.monotonic())),
            "complete": self.complete,
        }


async def single(store, key):
    """The object at `key`, as a listing of one."""
    info = await store.head(key)
    if info is not None:
        yield info


def spool_line(plan: Plan, info) -> str:
    """One object's line in the spool, with when it was listed (time.monotonic()), signed."""
    entry = json.dumps({
        "key": info.key, "size": info.size, "generation": info.generation, "etag": info.etag,
        "modified": info.modified.isoformat() if info.modified else None,
        "listed": round(time.monotonic(), 3),
    })
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
            409, "plan-altered",
            f"The record of this delete plan was changed on the disk ({exc}); nothing more was deleted. Plan the delete again.",
        ) from None
    return data


async def batches(plan: Plan, size: int):
    """The plan's entries, `size` at a time, read from the spool as they are needed and,
    while the listing still runs, as it writes them."""
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
                batch.append(read_entry(plan, partial + line))
                partial = ""
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
