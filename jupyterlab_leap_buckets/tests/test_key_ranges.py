"""The S3 listing cut into key ranges listed side by side (storage/key_ranges.py), against
moto and versitygw, checked with boto3: every key once, each page exactly the keys of its
range, no key sent twice by the service, and nothing left running when the reader stops
or a range fails."""

import asyncio
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from jupyterlab_leap_buckets.storage import key_ranges
from jupyterlab_leap_buckets.storage.key_ranges import before, range_prefix, split_points
from jupyterlab_leap_buckets.storage.s3 import S3Store

from .conftest import s3_client, s3_now

INBOX = "leap-pangeo-inbox"
LAST = chr(0x10FFFF)  # the last Unicode character


@pytest.mark.parametrize(
    "last,hi,points",
    [
        ("p/t/0.99", None, [f"p/t/{d}" for d in "123456789"]),
        ("p/t/3.5", None, [f"p/t/{d}" for d in "456789"]),
        ("p/t/3.5", "p/t/6", ["p/t/4", "p/t/5"]),
        ("p/t/c/0/7", None, sorted([f"p/t/c/{d}" for d in "123456789"] + [f"p/t/c/0/{d}" for d in "89"])),
        ("p/zz", None, []),  # past every digit at every level
        ("p/.zgroup", "p/2", ["p/1"]),
    ],
)
def test_split_points(last, hi, points):
    assert split_points("p/", last, hi) == points


@pytest.mark.parametrize(
    "lowest,hi,narrow",
    [
        ("p/t/2", "p/t/3", "p/t/2"),  # a range between two cuts of one folder
        ("p/t/0.99", "p/t/1", "p/t/0"),  # the rest of a first page's range
        ("p/t/.zarray", "p/t/1", None),  # keys of t/ that are not t/0...
        ("p/t/c/0/9", "p/t/c/1", "p/t/c/0"),  # a range from a deeper folder's last cut
        ("p/t/9", None, None),  # to the end of the listing
        (None, "p/t/1", None),
    ],
)
def test_range_prefix(lowest, hi, narrow):
    assert range_prefix(lowest, hi) == narrow


def test_before_a_cut_comes_after_every_key_below_it():
    cut = "p/t/3"
    assert "p/t/2" < "p/t/2\uffff~" < before(cut) < cut < "p/t/3.0"


def _layout(prefix: str) -> list:
    """Keys at and around the cuts: a key equal to a cut, keys past the digits, another
    folder, a name that is not ASCII, and more than two pages of chunks."""
    chunks = [f"{prefix}t/{i // 100}.{i % 100}" for i in range(2300)]
    odd = ["t/1", "t/5", "t/9~", "t/é.txt", "t/10/x", "t/.zarray", ".zgroup", "u/0", "u/10", "zz", "0", "9/9"]
    # Keys between a cut and the string its range is listed from (key_ranges.before).
    odd += [f"t/1{LAST}", f"t/8{LAST}z"]
    return sorted(chunks + [prefix + k for k in odd])


@pytest.fixture
def seeded(s3_server):
    prefix = f"demo/ranges-{uuid.uuid4().hex[:8]}/"
    client = s3_client(s3_now())
    keys = _layout(prefix)

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda k: client.put_object(Bucket=INBOX, Key=k, Body=b"x"), keys))
    return S3Store(INBOX, s3_now(), False, "testing", "testing"), prefix, keys


async def test_every_key_once_and_each_page_exactly_its_range(seeded):
    store, prefix, keys = seeded
    pages = [page async for page in store.walk_pages(prefix)]
    listed = [info.key for _, infos, _ in pages for info in infos]
    assert sorted(listed) == keys  # every key, once
    for after, infos, _ in pages:
        page = [info.key for info in infos]
        # The page is all there is in (after, last], but for a key holding the last
        # character that the range below lists (key_ranges.before).
        expected = [k for k in keys if (after is None or k > after) and k <= page[-1]]
        assert page == [k for k in expected if LAST not in k or k in page], after
    starts = {after for after, _, _ in pages}
    cuts = {before(f"{prefix}t/{digit}") for digit in "23456789"}
    assert len(pages) > 4 and len(starts & cuts) >= 2  # ranges listed from cuts, not keys


async def test_no_key_is_sent_twice(seeded, monkeypatch):
    """A range that ends at a cut is listed with the prefix it holds, so no page asks past
    its end for keys of the range after it (as each range's last page did before)."""
    store, prefix, keys = seeded
    original, sent, requests = key_ranges.ranged_pages, [], []

    def counting(list_page, prefix, gate=None, ways=key_ranges.RANGES_IN_FLIGHT):
        async def counted(after, under):
            infos, more = await list_page(after, under)
            sent.extend(info.key for info in infos)
            requests.append(under)
            return infos, more

        return original(counted, prefix, gate, ways)

    monkeypatch.setattr("jupyterlab_leap_buckets.storage.s3.ranged_pages", counting)
    listed = [info.key for _, infos, _ in [page async for page in store.walk_pages(prefix)] for info in infos]
    assert sorted(listed) == keys
    # Each key came from the service once (one holding the last character may come twice).
    assert sorted(k for k in sent if LAST not in k) == [k for k in keys if LAST not in k]
    assert f"{prefix}t/2" in requests and f"{prefix}t/1" in requests  # listed by their prefixes


async def test_a_reader_that_stops_leaves_no_listing_running(seeded):
    store, prefix, _ = seeded
    pages = store.walk_pages(prefix)
    await pages.__anext__()
    await pages.__anext__()
    await pages.aclose()
    await asyncio.sleep(0)
    assert [t for t in asyncio.all_tasks() if "list_range" in repr(t) or "drive" in repr(t)] == []


async def test_a_range_that_fails_ends_the_walk_with_its_error(seeded, monkeypatch):
    store, prefix, _ = seeded
    original = key_ranges.ranged_pages

    def failing(list_page, prefix, gate=None, ways=key_ranges.RANGES_IN_FLIGHT):
        async def flaky(after, under):
            if under == f"{prefix}t/4":
                raise OSError("the range starting at t/4 could not be listed")
            return await list_page(after, under)

        return original(flaky, prefix, gate, ways)

    monkeypatch.setattr("jupyterlab_leap_buckets.storage.s3.ranged_pages", failing)
    with pytest.raises(OSError, match="t/4"):
        async for _ in store.walk_pages(prefix):
            pass
    await asyncio.sleep(0)
    assert [t for t in asyncio.all_tasks() if "list_range" in repr(t)] == []


@pytest.mark.parametrize(
    "value",
    [
        "2026-12-02T07:23:07.000Z",  # a listing's LastModified
        "2026-12-02T07:23:07Z",
        "2026-12-02T07:23:07.123456+00:00",
        "Wed, 02 Dec 2026 07:23:07 GMT",  # a HEAD's Last-Modified
        1796196099,
        "2026-12-02T07:23:07",  # no zone: botocore's own parser decides
    ],
)
def test_times_are_read_as_botocore_reads_them(value):
    """s3_times.py reads ISO 8601 times with the standard library (dateutil cost a third of a
    delete's CPU); every form botocore meets must come out as botocore's own parser has it."""
    import botocore.utils

    from jupyterlab_leap_buckets.storage.s3_times import timestamp

    ours, theirs = timestamp(value), botocore.utils.parse_timestamp(value)
    assert ours == theirs and (ours.tzinfo is None) == (theirs.tzinfo is None)
    assert ours.utcoffset() == theirs.utcoffset()


async def test_a_listing_and_a_head_give_the_same_time(seeded):
    store, prefix, keys = seeded
    listed = {info.key: info.modified async for info in store.walk(prefix)}
    head = await store.head(keys[0])
    assert listed[keys[0]].replace(microsecond=0) == head.modified and head.modified.tzinfo is not None
