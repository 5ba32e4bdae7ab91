"""Run one transfer the way the server does (build + start_transfer + a job),
in a process of its own so the benchmark can read its peak memory. Prints the transfer's
seconds and CPU seconds (imports excluded: a running Jupyter server has them loaded) and
the HTTP requests it made (every request of gcsfs and s3fs goes through aiohttp)."""

import asyncio
import json
import os
import resource
import sys
import time

import aiohttp

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import emulator_config  # noqa: E402

from jupyterlab_leap_buckets.build import build

# A running server has imported these when it first listed a bucket; the service imports
# them lazily, so import them here, outside the timed part.
from jupyterlab_leap_buckets.storage import gcs, s3  # noqa: F401
from jupyterlab_leap_buckets.transfer_start import start_transfer

REQUESTS = 0
COMPOSING: list = []  # (start, end) of each compose request of a composite upload
SENDING: list = []  # (start, end) of each part's upload


def time_composes():
    """Record when each compose request, and each part's upload, is in flight.
    fake-gcs-server's compose writes every byte again, where Google's joins the parts
    without copying them: transfers.py shows ours with those spans modelled as Google's
    (`up-model` in its summary)."""
    from jupyterlab_leap_buckets.storage import gcs_composite
    from jupyterlab_leap_buckets.storage.gcs import GcsStore

    def timed(original, spans):
        async def call(*args, **kwargs):
            started = time.perf_counter()
            try:
                return await original(*args, **kwargs)
            finally:
                spans.append((started, time.perf_counter()))

        return call

    gcs_composite._compose_one = timed(gcs_composite._compose_one, COMPOSING)
    GcsStore.media_upload = timed(GcsStore.media_upload, SENDING)


def count_requests():
    original = aiohttp.ClientSession._request

    async def counted(self, *args, **kwargs):
        global REQUESTS
        REQUESTS += 1
        return await original(self, *args, **kwargs)

    aiohttp.ClientSession._request = counted


def union(spans) -> list:
    joined: list = []
    for start, stop in sorted(spans):
        if joined and start <= joined[-1][1]:
            joined[-1][1] = max(joined[-1][1], stop)
        else:
            joined.append([start, stop])
    return joined


def composing_seconds() -> tuple:
    """Seconds during which a compose was in flight and no part was being uploaded (the
    time a compose alone held the transfer up), and how many composes there were."""
    composing, sending = union(COMPOSING), union(SENDING)
    alone = sum(stop - start for start, stop in composing)
    for start, stop in composing:
        for s_start, s_stop in sending:
            alone -= max(0.0, min(stop, s_stop) - max(start, s_start))
    return alone, len(COMPOSING)


async def main(local_root: str, request: dict):
    count_requests()
    time_composes()
    config = emulator_config(username="bench")
    parts = build(config, local_root=local_root, persist_jobs=False)
    service, jobs = parts.service, parts.jobs
    # A running server keeps each root's store, and its HTTP client, from the first time
    # the panel lists that root (service.store): the user has browsed both places before
    # transferring. Made here, outside the timed part: botocore's first client reads its
    # service models (about 0.6 s under load, which the GCS to S3 sets paid before). The
    # place's own folder is listed, not the top: fake-gcs-server reads every object under
    # a listing's prefix, which the emulators' CPU column would count.
    for place in (request["source"], request["target"]):
        if "root" in place:
            folder = place["path"].rsplit("/", 1)[0] + "/" if "/" in place["path"] else ""
            await service.store(service.root(place["root"])).list_dir(folder, None, 1)
    started, cpu_before = time.perf_counter(), cpu()
    job = await start_transfer(service, jobs, request)
    await jobs.wait(job.id)
    seconds = time.perf_counter() - started
    # The disk writer's process ends here, and is waited for, so that its CPU time counts
    # in this process's (the benchmark reads it with wait4).
    writer = service.local.writer  # None when it is turned off
    ended = writer.stop() if writer else None
    if ended:
        ended.wait()
    if job.state != "done":
        sys.exit(f"transfer {job.state}: {job.error} {job.failed[:3]}")
    print(
        json.dumps(
            {
                "seconds": seconds,
                "requests": REQUESTS,
                "objects": job.objectsDone,
                "bytes": job.bytesDone,
                "cpu": cpu() - cpu_before,
                "composing": composing_seconds(),
            }
        )
    )


def cpu() -> float:
    """CPU seconds of this process and of the children it has waited for (the writer)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], json.loads(sys.argv[2])))
