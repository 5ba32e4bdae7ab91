"""The rules of waiting after a rate refusal, without a service: backoff.py's waits
(exponential, jittered, never under a Retry-After) and pacer.py's spacing of a bucket's
writes. test_rate_limit.py checks them end to end through nginx."""

import asyncio
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest

from jupyterlab_leap_buckets.storage import backoff, pacer
from jupyterlab_leap_buckets.storage.pacer import Pacer


@pytest.mark.parametrize("attempt", range(8))
def test_waits_double_within_their_jitter_up_to_the_cap(attempt):
    ceiling = min(backoff.CAP, backoff.BASE * 2**attempt)
    waits = [backoff.delay(attempt) for _ in range(200)]
    assert all(ceiling / 2 <= w <= ceiling for w in waits)
    assert len({round(w, 6) for w in waits}) > 150  # jittered: tries refused together spread


def test_a_retry_after_is_never_cut_short():
    assert backoff.delay(0, retry_after=7.0) == 7.0
    assert backoff.delay(6, retry_after=0.5) >= backoff.CAP / 2  # the longer of the two


@pytest.mark.parametrize(
    "header, expected",
    [(None, None), ("", None), ("3", 3.0), (" 12 ", 12.0), ("soon", None), ("999999", backoff.CAP * 4)],
)
def test_retry_after_in_seconds(header, expected):
    assert backoff.retry_after(header) == expected


def test_retry_after_as_an_http_date():
    when = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=30), usegmt=True)
    assert 28 <= backoff.retry_after(when) <= 30
    past = format_datetime(datetime.now(timezone.utc) - timedelta(seconds=30), usegmt=True)
    assert backoff.retry_after(past) == 0.0


async def test_writes_are_not_paced_until_one_is_refused():
    p = Pacer()
    started = time.monotonic()
    for _ in range(50):
        await p.wait()
        p.accepted()
    assert p.interval == 0.0 and time.monotonic() - started < 0.05


async def test_the_first_refusal_paces_at_the_rate_writes_were_sent():
    p = Pacer()
    for _ in range(20):  # 20 writes over about 0.2 s: 100/s
        given = await p.wait()
        await asyncio.sleep(0.01)
    p.refused(given)
    assert 0.006 <= p.interval <= 0.02
    # Writes now start that far apart: the turns are on a fixed schedule, so however
    # late one wakes (a busy machine), the fifth starts no sooner than four spacings on.
    begun = time.monotonic()
    for _ in range(5):
        await p.wait()
    assert time.monotonic() - begun >= 4 * p.interval * 0.95


async def test_refusals_of_writes_given_their_turn_before_a_widening_count_once():
    p = Pacer()
    turns = [await p.wait() for _ in range(10)]  # ten writes sent together, all refused
    for given in turns:
        p.refused(given)
    first = p.interval
    assert first > 0
    p.refused(await p.wait())  # one given its turn at the new spacing: widens
    assert p.interval == pytest.approx(min(pacer.CEILING, first * pacer.WIDEN))


async def test_refused_batches_widen_faster_until_one_is_accepted():
    p = Pacer()
    p.interval = 0.001
    p.refused(await p.wait(100), 100)
    assert p.interval == pytest.approx(0.001 * pacer.WIDEN_BATCH)
    p.accepted()
    p.refused(await p.wait(100), 100)
    assert p.interval == pytest.approx(0.001 * pacer.WIDEN_BATCH * pacer.NARROW * pacer.WIDEN)


def test_successes_narrow_the_spacing_until_it_goes():
    p = Pacer()
    p.interval = 0.01
    for _ in range(10):
        p.accepted()
    assert p.interval == pytest.approx(0.01 * pacer.NARROW**10)
    for _ in range(1000):
        p.accepted()
    assert p.interval == 0.0


def test_the_spacing_has_a_ceiling():
    p = Pacer()
    p.interval = pacer.CEILING
    p.refused(time.monotonic() + 1)
    assert p.interval == pacer.CEILING
