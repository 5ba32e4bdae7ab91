"""What a delete holds in memory as stores grow to a million objects: the server's own
plan (listing into its spool file), delete job (batches read back from the spool,
accounting) and audit, measured with tracemalloc, for each size given (default 10,000,
100,000 and 1,000,000 objects).

The emulators cannot hold a million objects in reasonable time (fake-gcs-server walks
the whole bucket for every list page and took 4.6 minutes to take 20,000; moto keeps
every object in memory), so here the bucket behind the server's code is synthetic, in
this process: a listing that yields one GCS object per key, in pages, and a batch delete
that answers "deleted" for each entry it is given. Everything between them is the
server's code, unchanged. The deletes against real protocol servers, their speed and
their requests are measured by `scripts/bench deletes`."""

import argparse
import asyncio
import os
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import emulator_config  # noqa: E402

from jupyterlab_leap_buckets.build import build
from jupyterlab_leap_buckets.storage.base import ObjectInfo

OLD = datetime(2026, 1, 1, tzinfo=timezone.utc)  # created well before any plan


class SyntheticStore:
    """A GCS-like bucket of `count` Zarr-shaped objects under one path, listed once."""

    provider = "gcs"
    bucket = "leap-scratch"

    def __init__(self, count: int):
        self.count, self.listed = count, False

    async def walk(self, prefix):
        async for _, infos, _ in self.walk_pages(prefix):
            for info in infos:
                yield info

    async def walk_pages(self, prefix, gate=None):
        if self.listed:  # what remains after the delete: nothing
            return
        self.listed = True
        after = None
        for start in range(0, self.count, 1000):
            await asyncio.sleep(0)  # a page's answer
            numbers = range(start, min(start + 1000, self.count))
            page = [ObjectInfo(f"{prefix}t/c/{i // 1000}/{i % 1000}", 128, OLD, OLD, None, str(i)) for i in numbers]
            yield after, page, time.monotonic()
            after = page[-1].key

    async def head(self, key):
        return ObjectInfo(key, 300, OLD, OLD, generation="1") if key.endswith("zarr.json") else None


async def deleted(batch, prefix=None, after=None, check=True):
    await asyncio.sleep(0)
    return [("deleted", None)] * len(batch)


async def measure(count: int) -> tuple:
    config = emulator_config(username="demo")
    state = Path(tempfile.mkdtemp())
    parts = build(config, state_dir=state, persist_jobs=False)
    service, jobs, deletes = parts.service, parts.jobs, parts.deletes
    store = SyntheticStore(count)
    service.store = lambda root: store
    store.batch_size, store.delete_batch = 100, deleted
    tracemalloc.start()
    started = time.perf_counter()
    plan = await deletes.plan({"root": "scratch", "path": "demo/big.zarr/"})
    job = deletes.start({"plan": plan.token, "confirm": "big.zarr"})
    await jobs.wait(job.id)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    if job.state != "done" or job.objectsDone != count:
        sys.exit(f"delete {job.state}: {job.objectsDone} of {count}: {job.error}")
    return seconds, peak


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    args = parser.parse_args()
    print("delete memory (the server's plan and delete job over a synthetic bucket; tracemalloc)")
    print(f"{'objects':>10} {'seconds':>8} {'peak MiB':>9}")
    for count in args.sizes:
        seconds, peak = asyncio.run(measure(count))
        print(f"{count:10d} {seconds:8.1f} {peak:9.2f}", flush=True)


if __name__ == "__main__":
    main()
