"""Delete one path the way the server does (plan, then the confirmed delete job), in a
process of its own so the benchmark can read its peak memory. Prints JSON: seconds
(plan and delete), seconds to the first delete request, and HTTP requests made. With a
third argument, THINK seconds, it confirms that long after the plan answered (as a person
reading the dialog would, while the plan's listing goes on) and adds `after_confirm`:
the seconds from the confirmation to the end, what that person waits."""

import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import emulator_config  # noqa: E402

from jupyterlab_leap_buckets.build import build

# A running server has imported these when it first listed a bucket; the service imports
# them lazily, so import them here, outside the timed part.
from jupyterlab_leap_buckets.storage import gcs, s3  # noqa: F401

COUNT = {"requests": 0, "first_delete": None, "flight": 0, "inflight": 0}
STARTED = time.perf_counter()
TRACE = bool(os.environ.get("LEAP_BUCKETS_BENCH_TRACE"))  # print every request (stderr)


def count_requests():
    original = aiohttp.ClientSession._request

    async def counted(self, method, url, *args, **kwargs):
        COUNT["requests"] += 1
        text = str(url)
        if COUNT["first_delete"] is None and (method == "DELETE" or "/batch/" in text or "?delete" in text):
            COUNT["first_delete"] = time.perf_counter() - STARTED
        COUNT["flight"] += 1
        COUNT["inflight"] = max(COUNT["inflight"], COUNT["flight"])
        began = time.perf_counter() - STARTED
        try:
            return await original(self, method, url, *args, **kwargs)
        finally:
            COUNT["flight"] -= 1
            if TRACE:  # each request's start and end, to stderr
                print(f"{began:8.3f} {time.perf_counter() - STARTED:8.3f} {method} {text[-90:]}", file=sys.stderr)

    aiohttp.ClientSession._request = counted


async def main(root: str, path: str, think: float = 0.0):
    global STARTED
    count_requests()
    # The user whose home holds the path (scripts/benchmarks/ratelimit.py deletes what
    # transfer_one.py wrote as "bench").
    user = os.environ.get("LEAP_BUCKETS_BENCH_USER", "demo")
    config = emulator_config(username=user, root_overrides={"osn-inbox": {"deletable": "{username}/"}})
    state = Path(tempfile.mkdtemp())
    parts = build(config, state_dir=state, persist_jobs=False)
    jobs, deletes = parts.jobs, parts.deletes
    STARTED = time.perf_counter()
    plan = await deletes.plan({"root": root, "path": path})
    planned = time.perf_counter() - STARTED
    await asyncio.sleep(think)
    confirmed = time.perf_counter()
    job = deletes.start({"plan": plan.token, "confirm": path.rstrip("/").rsplit("/", 1)[-1]})
    await jobs.wait(job.id)
    seconds = time.perf_counter() - STARTED
    after_confirm = time.perf_counter() - confirmed
    if job.state != "done" or job.objectsDone != plan.objects:
        sys.exit(f"delete {job.state}: {job.objectsDone}/{plan.objects} {job.error} {job.failed[:3]}")
    print(
        json.dumps(
            {
                "seconds": seconds,
                "plan_seconds": planned,
                "first_delete": COUNT["first_delete"],
                "requests": COUNT["requests"],
                "inflight": COUNT["inflight"],
                "objects": job.objectsDone,
                "after_confirm": after_confirm,
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], *map(float, sys.argv[3:4])))
