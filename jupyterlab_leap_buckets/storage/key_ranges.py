"""A recursive listing cut into key ranges listed side by side (S3: s3.py's `walk_pages`).

S3 lists a prefix one page of 1,000 keys after another, each page asked for only once the
one before it has come back, so a listing of 100,000 objects is 100 round trips and 100 of
the service's own page times in a row: the bound of a delete that follows its listing
(docs/benchmarks.md, "Deletes with the listing in key ranges"). S3 lets a listing start
after any string (StartAfter), so the keys can be cut into ranges [lo, hi) by strings
that need not be keys, and each range listed by itself; every key lies in exactly one
range, whatever the strings (each page keeps only its range's keys), so where the cuts
fall decides only how even the ranges are.

Where to cut: once a range's first page is in and more follow, the rest of the range is
cut before the digits 1-9 at each folder level of the page's last key (Zarr's chunk keys
are numbers, `var/12.3` or `var/c/12/3`). A cut that falls where no key is costs one
request that comes back empty.

Where a range ends: S3 cannot stop a listing at a string, but it can keep it to a prefix,
and a range that ends at a cut (`var/3`) and begins at or after that cut with its last
character one lower (`var/2`) holds exactly the keys starting with `var/2`. Such a range
is listed with that prefix, so its last page ends where the range does, instead of asking
once more past its end for a page of keys that belong to the next range (which cost the
service a page and this process its parsing: docs/benchmarks.md, "Ranges that end at a
prefix")."""

import asyncio
import time
from typing import Optional

RANGES_IN_FLIGHT = 4  # ranges listed at once (docs/benchmarks.md)
_DIGITS = "123456789"
_LAST_CHARACTER = chr(0x10FFFF)  # no character sorts after it, in Python or in UTF-8 bytes


def split_points(prefix: str, last: str, hi: Optional[str]) -> list:
    """The strings, sorted, that cut the rest of the range (last, hi) of a listing under
    `prefix`: each folder of `last` (from `prefix` down) followed by a digit 1-9, those
    strictly between `last` and `hi`."""
    points, end = set(), len(prefix)
    while True:
        points.update(last[:end] + digit for digit in _DIGITS)
        slash = last.find("/", end)
        if slash < 0:
            break
        end = slash + 1
    return sorted(point for point in points if point > last and (hi is None or point < hi))


def _one_lower(cut: str) -> str:
    """The cut with its last character (a digit 1-9) one lower: `var/3` -> `var/2`."""
    return cut[:-1] + chr(ord(cut[-1]) - 1)


def before(cut: str) -> str:
    """A string to list a range from (StartAfter) so that its first key `cut` is listed:
    below `cut`, and above every key that does not contain the last Unicode character
    (a page keeps only its range's keys, so a key that does is still listed once)."""
    return _one_lower(cut) + _LAST_CHARACTER


def range_prefix(lowest: Optional[str], hi: Optional[str]) -> Optional[str]:
    """The prefix every string from `lowest` up to (not including) the cut `hi` starts
    with, if there is one longer than the listing's: `hi` with its last character one
    lower, when `lowest` is not below it."""
    if lowest is None or hi is None:
        return None
    narrow = _one_lower(hi)
    return narrow if lowest >= narrow else None


def _past(infos: list, hi: Optional[str]) -> bool:
    """Whether a page ran on past its range's end (`hi`, not included)."""
    return hi is not None and bool(infos) and infos[-1].key >= hi


async def ranged_pages(list_page, prefix: str, gate=None, ways: int = RANGES_IN_FLIGHT):
    """Every key under `prefix` as pages (after, infos, listed), from `ways` ranges
    listed side by side. A page holds the objects of its range whose keys lie in (after,
    its last key]: all of them but for keys holding the last Unicode character, which
    a range's first page (listed from `before` its cut) may leave to the range below
    (after None: from the first key). Pages of different ranges come interleaved.
    `listed` is time.monotonic() when the page's answer came back.

    `list_page(after, under)` lists one page of keys starting with `under` that come
    after `after` (None: from the start): (infos in key order, whether more follow).
    `gate()`, if given, is awaited before each page's request: a caller that wants the
    listing to wait holds it there, before the request, so no page grows old on its
    way. Pages also wait for the caller (at most `ways` of them are held)."""
    queue: asyncio.Queue = asyncio.Queue(maxsize=ways)
    pending: list = [(None, None)]  # ranges [lo, hi) not begun; lo None: from the first key
    running: set = set()

    def start_more():
        pending.sort(key=lambda bounds: bounds[0] or "")  # lower keys first
        while pending and len(running) < ways:
            running.add(asyncio.ensure_future(list_range(*pending.pop(0))))

    async def list_range(lo, hi):
        first, after = True, (before(lo) if lo is not None else None)
        while True:
            if gate is not None:
                await gate()
            lowest = max((bound for bound in (after, lo) if bound is not None), default=None)
            infos, more = await list_page(after, range_prefix(lowest, hi) or prefix)
            listed = time.monotonic()
            while _past(infos, hi) and (following := next((r for r in pending if r[0] == hi), None)):
                # The page ran on into the next range, not yet begun: this listing takes
                # it over, rather than leave the keys it has listed to be listed again.
                pending.remove(following)
                hi = following[1]
            page = [info for info in infos if (lo is None or info.key >= lo) and (hi is None or info.key < hi)]
            if page:
                await queue.put((after, page, listed))
            if not more or not infos or _past(infos, hi):
                return
            last = infos[-1].key
            if first and page:  # its first page of keys in it: last is in the range
                first = False
                points = split_points(prefix, last, hi)
                if points:
                    pending.extend(zip(points, points[1:] + [hi]))
                    hi = points[0]
                    start_more()
            after = last

    async def drive():
        start_more()
        while running:
            done, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                running.discard(task)
                task.result()  # a range that failed ends the walk
            start_more()

    driver, getting = asyncio.ensure_future(drive()), None
    try:
        while True:
            if queue.empty() and driver.done():
                driver.result()
                return
            getting = asyncio.ensure_future(queue.get())
            await asyncio.wait([getting, driver], return_when=asyncio.FIRST_COMPLETED)
            if not getting.done():
                getting.cancel()
                continue
            yield getting.result()
    finally:
        tasks = [driver, *running, *([getting] if getting else [])]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
