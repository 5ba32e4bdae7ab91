"""When the bucket will delete an object, and what in a folder or a home goes first.

The expiry of an object is its creation time plus the `age` of the first matching
`Delete` rule of the bucket's lifecycle configuration (GCS; conditions `matchesPrefix` and
`matchesSuffix` respected; rules for noncurrent versions only, `isLive: false`, left out).
Rules with other conditions as well (such as `createdBefore`) are applied on their age
alone: a badge that warns too early is better than none. Where the lifecycle cannot be
read (no permission, an emulator without lifecycles, an S3 root) or holds no such rule,
the root's configured `expiryDays` applies, and the API says which source it used.
Google deletes asynchronously, up to about a day after the condition is met, so an
object past its date is "due", not gone.

Folders and Zarr stores: the earliest expiry of what lies under them, from a scan of at
most `scan_limit` objects (marked approximate when there are more), cached for CACHE_TTL
seconds. For a store that is usually its metadata, which makes the whole store unreadable.
"""

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Optional

from .listing import iso
from .roots import Root

CACHE_TTL = 300.0  # seconds a policy or a folder's earliest expiry is remembered

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rule:
    age_days: int
    prefixes: tuple = ()
    suffixes: tuple = ()
    number: Optional[int] = None  # the rule's place in the lifecycle (1-based); None: configuration

    def matches(self, key: str) -> bool:
        return (not self.prefixes or any(key.startswith(p) for p in self.prefixes)) and (
            not self.suffixes or any(key.endswith(s) for s in self.suffixes)
        )

    def describe(self) -> str:
        where = "the bucket's lifecycle rule " + str(self.number) if self.number else "this root's configuration"
        text = f"deleted {self.age_days} day{'s' if self.age_days != 1 else ''} after creation ({where}"
        if self.prefixes:
            text += ", names starting " + " or ".join(repr(p) for p in self.prefixes)
        if self.suffixes:
            text += ", names ending " + " or ".join(repr(s) for s in self.suffixes)
        return text + ")"


@dataclass(frozen=True)
class Policy:
    source: str  # "lifecycle" | "configuration" | "none"
    rules: tuple = ()

    def expires(self, key: str, created: Optional[datetime]):
        """(expiry, rule) of the rule that deletes `key` first, or None."""
        if created is None:
            return None
        if created.tzinfo is None:
            created = created.replace(tzinfo=timezone.utc)
        best = None
        for rule in self.rules:
            if rule.matches(key):
                when = created + timedelta(days=rule.age_days)
                if best is None or when < best[0]:
                    best = (when, rule)
        return best

    def to_api(self) -> Optional[dict]:
        if not self.rules:
            return None
        return {"source": self.source, "rules": [rule.describe() for rule in self.rules]}


NO_EXPIRY = Policy("none")


def parse_lifecycle(bucket: dict) -> list:
    """The age-based Delete rules of a GCS bucket resource's `lifecycle`."""
    rules = []
    for number, rule in enumerate((bucket.get("lifecycle") or {}).get("rule") or [], start=1):
        condition = rule.get("condition") or {}
        if (rule.get("action") or {}).get("type") != "Delete" or "age" not in condition:
            continue
        if condition.get("isLive") is False:
            continue  # only noncurrent versions, which the panel does not show
        rules.append(
            Rule(
                int(condition["age"]),
                tuple(condition.get("matchesPrefix") or ()),
                tuple(condition.get("matchesSuffix") or ()),
                number,
            )
        )
    return rules


def fallback(root: Root) -> Policy:
    if root.expiry_days is None:
        return NO_EXPIRY
    return Policy("configuration", (Rule(root.expiry_days),))


class Expiry:
    """Policies per root and folders' earliest expiries, cached."""

    def __init__(self, service, scan_limit: int):
        self.service = service
        self.scan_limit = scan_limit
        self._policies: dict = {}
        self._folders: dict = {}

    async def policy(self, root: Root) -> Policy:
        cached = self._policies.get(root.id)
        if cached and time.monotonic() - cached[0] < CACHE_TTL:
            return cached[1]
        try:
            rules = parse_lifecycle(await self.service.store(root).lifecycle())
        except Exception:  # noqa: BLE001 - no permission to read it: the fallback applies
            log.debug(
                "leap-buckets: the lifecycle of %s could not be read; using the configuration", root.url, exc_info=True
            )
            rules = None
        policy = Policy("lifecycle", tuple(rules)) if rules else fallback(root)
        self._policies[root.id] = (time.monotonic(), policy)
        return policy

    async def earliest(self, root: Root, folder: str, limit: Optional[int] = None) -> dict:
        """The earliest expiry under `folder`, from at most `limit` objects."""
        limit = limit or self.scan_limit
        key = (root.id, folder, limit)
        cached = self._folders.get(key)
        if cached and time.monotonic() - cached[0] < CACHE_TTL:
            return cached[1]
        policy = await self.policy(root)
        best, scanned, more = None, 0, False
        if policy.rules:
            async for info in self.service.store(root).walk(folder):
                if scanned == limit:
                    more = True
                    break
                scanned += 1
                found = policy.expires(info.key, info.created)
                if found and (best is None or found[0] < best[0]):
                    best = (found[0], found[1], info.key)
        result = {
            "path": folder,
            "expires": iso(best[0]) if best else None,
            "rule": best[1].describe() if best else None,
            "key": best[2] if best else None,
            "source": policy.source,
            "approximate": more,
            "scanned": scanned,
        }
        self._folders[key] = (time.monotonic(), result)
        return result

    async def expiring(self, root: Root, within: timedelta, now: Optional[datetime] = None) -> dict:
        """What in the user's home expires before now + `within`, grouped by the home's
        top-level items, from at most `scan_limit` x 10 objects."""
        now = now or datetime.now(timezone.utc)
        policy = await self.policy(root)
        home = root.home
        items, scanned, more = {}, 0, False
        if policy.rules and home:
            async for info in self.service.store(root).walk(home):
                if scanned == self.scan_limit * 10:
                    more = True
                    break
                scanned += 1
                found = policy.expires(info.key, info.created)
                if not found or found[0] > now + within:
                    continue
                rest = info.key[len(home) :]
                top = home + rest.split("/", 1)[0] + ("/" if "/" in rest else "")
                item = items.setdefault(top, {"path": top, "expires": found[0], "objects": 0})
                item["objects"] += 1
                item["expires"] = min(item["expires"], found[0])
        ordered = sorted(items.values(), key=lambda item: item["expires"])
        for item in ordered:
            item["expires"] = iso(item["expires"])
        return {"root": root.id, "items": ordered, "approximate": more, "scanned": scanned, "source": policy.source}
