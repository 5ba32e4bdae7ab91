"""transfers.Allowance: how many objects a transfer keeps in flight, and what they hold."""

import asyncio

from jupyterlab_leap_buckets.transfers import Allowance


async def waits(allowance: Allowance, cost: int) -> bool:
    """Whether take(cost) has to wait (it is left waiting, then cancelled)."""
    task = asyncio.ensure_future(allowance.take(cost))
    await asyncio.sleep(0.05)
    if task.done():
        return False
    task.cancel()
    return True


async def test_bytes_bound_what_the_objects_in_flight_hold():
    allowance = Allowance(objects=10, size=10)
    await allowance.take(4)
    await allowance.take(4)
    assert await waits(allowance, 4)  # 12 > 10
    assert not await waits(allowance, 2)  # 10 fits
    allowance.give(4)
    assert not await waits(allowance, 4)
    assert (allowance.count, allowance.used) == (3, 4 + 2 + 4)


async def test_the_count_bounds_objects_however_small():
    allowance = Allowance(objects=3, size=1000)
    for _ in range(3):
        await allowance.take(1)
    assert await waits(allowance, 1)
    allowance.give(1)
    assert not await waits(allowance, 1)


async def test_one_object_goes_whatever_its_cost():
    allowance = Allowance(objects=3, size=10)
    assert not await waits(allowance, 50)
    assert await waits(allowance, 1)  # nothing more beside it
    allowance.give(50)
    assert not await waits(allowance, 1)


async def test_a_waiting_take_goes_on_when_an_object_is_given_back():
    allowance = Allowance(objects=1, size=10)
    await allowance.take(5)
    task = asyncio.ensure_future(allowance.take(5))
    await asyncio.sleep(0.05)
    assert not task.done()
    allowance.give(5)
    await asyncio.wait_for(task, 1)
    assert (allowance.count, allowance.used) == (1, 5)
