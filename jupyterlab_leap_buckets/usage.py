"""What uses the space in a folder (GET usage): per top-level item of the folder, how many
objects and bytes lie under it, its oldest and newest object and, where the bucket
deletes by age (Scratch), how much of it expires within 1, 3 and 7 days.

The figures come from one recursive listing of the folder through the Store protocol,
run in the background: the first GET starts it and answers at once with what it has
(`complete` false), later GETs return the growing figures. The scan is bounded:
at most `usage_max_objects` objects (past that the scan stops, the entries it had not
finished are `approximate`, and items it never reached are named from one listing of the
folder's top level with zero counts). One scan per (root, folder) runs at a time (the
server runs for one user, so that is also per user), and at most MAX_RUNNING list at
once. A finished scan is kept for
`usage_cache_seconds` (`refresh=1` starts a new one). Memory holds one small aggregate
per top-level item, never the objects.

Services list keys in lexicographic (UTF-8 byte) order, and the keys under one prefix
are contiguous in that order, so an item whose keys the scan has passed is complete.
"""

import asyncio
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Optional

from .listing import iso
from .roots import Root

log = logging.getLogger(__name__)

EXPIRY_WINDOWS = (1, 3, 7)  # days: what expires within each, as the listing's filter offers
FIRST_ANSWER_WAIT = 1.0  # seconds the first GET waits for the scan, so small folders answer whole
MAX_SCANS_KEPT = 32  # finished scans remembered at most (the oldest are dropped first)
MAX_RUNNING = 2  # scans listing at once; more wait their turn (each is one listing at a time)
TOP_LEVEL_NAMES = 10_000  # items named from the folder's top level after a capped scan, at most

# List prices in USD per GiB-month (Google says "GB", meaning 2^30 bytes) of Google Cloud
# Storage by storage class, in us-central1, LEAP's region, from
# https://cloud.google.com/storage/pricing as of 2026-11. They are list prices of that
# date: set c.LeapBuckets.usage_prices or a root's `pricePerGiBMonth` for others.
GCS_LIST_PRICES = {"STANDARD": 0.020, "NEARLINE": 0.010, "COLDLINE": 0.004, "ARCHIVE": 0.0012}


def price_of(config, root: Root, bucket_class: Optional[str] = None) -> dict:
    """The price per GiB-month the view estimates with, and where it comes from: the
    root's own `pricePerGiBMonth` (null: none), else for GCS the list price of the root's
    `storageClass`, or else of the bucket's default class (`bucket_class`, read from the
    bucket), or else STANDARD; S3 roots (OSN) have none."""
    spec = next((s for s in config.root_specs() if s.get("id") == root.id), {})
    storage_class = spec.get("storageClass") or bucket_class or ("STANDARD" if root.provider == "gcs" else None)
    if "pricePerGiBMonth" in spec:
        price = spec["pricePerGiBMonth"]
        source = "this root's configuration" if price is not None else None
    elif root.provider == "gcs":
        prices = {**GCS_LIST_PRICES, **config.usage_prices}
        price = prices.get(str(storage_class).upper())
        source = f"Google's list price for {storage_class} storage in us-central1" if price is not None else None
    else:
        price, source = None, None
    return {"pricePerGiBMonth": price, "priceSource": source, "storageClass": storage_class}


@dataclass
class Item:
    """One top-level item's aggregate: all the scan keeps per item."""

    path: str
    objects: int = 0
    bytes: int = 0
    oldest: Optional[datetime] = None
    newest: Optional[datetime] = None
    done: bool = False  # the scan went past every key of it
    earliest_expiry: Optional[datetime] = None
    expiring: dict = field(default_factory=dict)  # days -> [objects, bytes] expiring within

    def to_api(self, with_expiry: bool) -> dict:
        folder = self.path.endswith("/")
        name = self.path[:-1].rpartition("/")[2] if folder else self.path.rpartition("/")[2]
        entry = {
            "path": self.path,
            "name": name,
            "type": "directory" if folder else "file",
            "objects": self.objects,
            "bytes": self.bytes,
            "oldest": iso(self.oldest),
            "newest": iso(self.newest),
            "approximate": not self.done,
        }
        if with_expiry:
            entry["expires"] = {
                "earliest": iso(self.earliest_expiry),
                "within": [
                    dict(zip(("days", "objects", "bytes"), (days, *self.expiring.get(days, (0, 0)))))
                    for days in EXPIRY_WINDOWS
                ],
            }
        return entry


class Scan:
    """One folder's scan: its items, its progress, how it ended."""

    def __init__(self, root: Root, folder: str, limit: int, policy):
        self.root, self.folder, self.limit, self.policy = root, folder, limit, policy
        self.items: dict = {}
        self.scanned = 0
        self.complete = False
        self.capped = False
        self.error: Optional[BaseException] = None
        self.started = datetime.now(timezone.utc)
        self.finished_at: Optional[float] = None  # time.monotonic() when it ended
        self.task: Optional[asyncio.Task] = None
        self._current: Optional[Item] = None  # the item the last key belonged to

    def top(self, key: str) -> str:
        rest = key[len(self.folder) :]
        return self.folder + rest.split("/", 1)[0] + "/" if "/" in rest else key

    def add(self, info) -> None:
        if info.key == self.folder:
            return  # a marker object named like the folder itself: no item of it
        path = self.top(info.key)
        item = self.items.get(path)
        if item is None:
            # Lexicographic order: the item begun before this one is finished.
            if self._current is not None:
                self._current.done = True
            item = self.items[path] = Item(path)
            self._current = item
        item.objects += 1
        item.bytes += info.size
        born = info.created or info.modified
        if born and (item.oldest is None or born < item.oldest):
            item.oldest = born
        changed = info.modified or info.created
        if changed and (item.newest is None or changed > item.newest):
            item.newest = changed
        if self.policy.rules:
            self._count_expiry(item, info)

    def _count_expiry(self, item: Item, info) -> None:
        found = self.policy.expires(info.key, info.created)
        if not found:
            return
        when = found[0]
        if item.earliest_expiry is None or when < item.earliest_expiry:
            item.earliest_expiry = when
        for days in EXPIRY_WINDOWS:
            # Past its date is "due" (Google deletes up to a day late): within every window.
            if when <= self.started + timedelta(days=days):
                counts = item.expiring.setdefault(days, [0, 0])
                counts[0] += 1
                counts[1] += info.size

    async def run(self, store, slots: asyncio.Semaphore) -> None:
        try:
            async with slots:
                await self._list(store)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - kept, and answered by the next GET (translated)
            log.warning("leap-buckets: the usage scan of %s%s failed: %s", self.root.url, self.folder, exc)
            self.error = exc
        finally:
            self.complete = True
            self.finished_at = time.monotonic()

    async def _list(self, store) -> None:
        async for info in store.walk(self.folder):
            if self.scanned == self.limit:
                self.capped = True
                break
            self.scanned += 1
            self.add(info)
        if self.capped:
            await self._name_the_rest(store)
        else:
            for item in self.items.values():
                item.done = True

    async def _name_the_rest(self, store) -> None:
        """After a capped scan: the folder's top-level items it never reached, with zero
        counts (approximate), from one delimited listing of the folder."""
        after, named = None, 0
        while named < TOP_LEVEL_NAMES:
            page = await store.list_dir(self.folder, after, 1000)
            names = [info.key for info in page.files] + list(page.prefixes)
            names = sorted(n for n in names if after is None or n > after)
            for name in names:
                if name.startswith(self.folder) and name != self.folder and name not in self.items:
                    self.items[name] = Item(name)
            named += len(names)
            if not page.truncated or not names:
                return
            after = names[-1]

    def to_api(self, extra: dict) -> dict:
        with_expiry = bool(self.policy.rules)
        entries = sorted(
            (item.to_api(with_expiry) for item in self.items.values()), key=lambda e: (-e["bytes"], e["path"])
        )
        return {
            "root": self.root.id,
            "path": self.folder,
            "entries": entries,
            "complete": self.complete,
            "approximate": self.capped,
            "scanned": self.scanned,
            "maxObjects": self.limit,
            "objects": sum(e["objects"] for e in entries),
            "bytes": sum(e["bytes"] for e in entries),
            "startedAt": iso(self.started),
            "expiryWindows": list(EXPIRY_WINDOWS) if with_expiry else None,
            **extra,
        }


class Usage:
    """The usage scans of this server, by (root, folder)."""

    def __init__(self, service, expiry, max_objects: int, cache_seconds: float):
        self.service = service
        self.expiry = expiry
        self.max_objects = max_objects
        self.cache_seconds = cache_seconds
        self._scans: dict = {}
        self._slots = asyncio.Semaphore(MAX_RUNNING)
        self._classes: dict = {}  # root id: its GCS bucket's default storage class

    async def bucket_class(self, root: Root) -> Optional[str]:
        """A GCS root's bucket's default storage class, read once (storage.buckets.get);
        None for S3 roots and where it cannot be read (the price then assumes STANDARD,
        and the warning says why)."""
        if root.provider != "gcs":
            return None
        if root.id not in self._classes:
            try:
                bucket = await self.service.store(root).lifecycle()
            except Exception:
                log.warning("leap-buckets: the storage class of %s could not be read", root.url, exc_info=True)
                return None
            self._classes[root.id] = bucket.get("storageClass")
        return self._classes[root.id]

    async def get(self, root: Root, folder: str, refresh: bool = False) -> Scan:
        """The scan of `folder`: the running one, a cached one, or a new one (started
        and given up to FIRST_ANSWER_WAIT seconds). A failed scan raises its error, once;
        the next GET starts again."""
        # Asked before the lookup: from the lookup to the new scan's registration nothing
        # awaits, so two GETs at once never start two scans of one folder.
        policy = await self.expiry.policy(root)
        key = (root.id, folder)
        scan = self._scans.get(key)
        fresh = scan is not None and (
            not scan.complete or (not refresh and time.monotonic() - scan.finished_at < self.cache_seconds)
        )
        if not fresh:
            scan = Scan(root, folder, self.max_objects, policy)
            scan.task = asyncio.ensure_future(scan.run(self.service.store(root), self._slots))
            self._scans[key] = scan
            self._forget_old()
            await asyncio.wait([scan.task], timeout=FIRST_ANSWER_WAIT)
        if scan.error is not None:
            self._scans.pop(key, None)
            raise scan.error
        return scan

    def _forget_old(self) -> None:
        done = [k for k, s in self._scans.items() if s.complete]
        done.sort(key=lambda k: self._scans[k].finished_at)
        while len(self._scans) > MAX_SCANS_KEPT and done:
            self._scans.pop(done.pop(0))
