"""How fast the panel's first page of a 100,000-object folder arrives, and what a whole
scroll costs, against gcsfs's `ls` (what LEAP users type today) on the same emulator.

Prints seconds, requests and peak Python memory for each, and the ratios. With
`--network lan|hub|far` every request goes through Toxiproxy with that profile
(network.py); seeding goes straight to the emulator."""

import argparse
import asyncio
import os
import sys
import time
import tracemalloc
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import aiohttp
import requests
from gcsfs.core import GCSFileSystem

from jupyterlab_leap_buckets.listing import list_page
from jupyterlab_leap_buckets.roots import Root
from jupyterlab_leap_buckets.storage.gcs import GcsStore

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import network  # noqa: E402

PORT = os.environ.get("LEAP_BUCKETS_GCS_PORT", "4443")
GCS = f"http://127.0.0.1:{PORT}"  # seeding, straight to the emulator
BUCKET, PREFIX = "leap-bigfolder", "demo/big/"
REQUESTS = [0]  # aiohttp requests of the measured tool, counted in measure()


def count_requests():
    original = aiohttp.ClientSession._request

    async def counted(self, *args, **kwargs):
        REQUESTS[0] += 1
        return await original(self, *args, **kwargs)

    aiohttp.ClientSession._request = counted


def at() -> str:
    """Where the measured tools send their requests (the proxy under --network)."""
    return network.tool_endpoints()["gcs"]


def ensure_objects(count: int):
    """Seed `count` tiny objects once (fake-gcs-server keeps them on disk)."""
    session = requests.Session()
    session.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=16))
    session.post(f"{GCS}/storage/v1/b?project=leap", json={"name": BUCKET})
    have = session.get(
        f"{GCS}/storage/v1/b/{BUCKET}/o",
        params={"prefix": f"{PREFIX}part-{count - 1:07d}", "maxResults": 1},
    ).json()
    if have.get("items"):
        return
    print(f"seeding {count} objects into gs://{BUCKET}/{PREFIX} (once; ~800 objects/s)...", flush=True)

    def put(i):
        name = urllib.parse.quote(f"{PREFIX}part-{i:07d}.bin", safe="")
        url = f"{GCS}/upload/storage/v1/b/{BUCKET}/o?uploadType=media&name={name}"
        session.post(url, data=b"x" * 64).raise_for_status()

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(put, range(count)))


async def ours(first_only: bool):
    store = GcsStore(BUCKET, at(), "anon")
    root = Root("big", "Big", "gcs", BUCKET, "demo/", None, None, None)
    cursor, rows, pages = None, 0, 0
    while True:
        page = await list_page(store, root, PREFIX, cursor, 1000, 100)
        rows, pages, cursor = rows + len(page["entries"]), pages + 1, page["cursor"]
        if first_only or cursor is None:
            break
    await store.fs.session.close()
    return rows, pages


async def emulator_alone():
    """One bare JSON API request for a page: what the emulator itself costs per page."""
    fs = GCSFileSystem(token="anon", endpoint_url=at(), asynchronous=True, skip_instance_cache=True)
    out = await fs._call("GET", "b/{}/o", BUCKET, json_out=True, prefix=PREFIX, delimiter="/", maxResults=1000)
    await fs.session.close()
    return len(out.get("items", [])), 1


async def gcsfs_ls():
    fs = GCSFileSystem(token="anon", endpoint_url=at(), asynchronous=True, skip_instance_cache=True)
    out = await fs._ls(f"{BUCKET}/{PREFIX}", detail=True)
    await fs.session.close()
    return len(out), None


def measure(label, coro_factory):
    tracemalloc.start()
    REQUESTS[0] = 0
    started = time.perf_counter()
    rows, pages = asyncio.run(coro_factory())
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    print(
        f"{label:<42} {seconds:8.2f} s {rows:>8} rows {pages or '-':>5} pages {REQUESTS[0]:>6} requests"
        f" {peak:8.1f} MiB peak"
    )
    return seconds, peak


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("objects", type=int, nargs="?", default=100_000)
    parser.add_argument("--network", choices=sorted(network.PROFILES), help="through Toxiproxy (network.py)")
    parser.add_argument("--no-scroll", action="store_true", help="skip the full scroll (minutes at 100,000)")
    args = parser.parse_args()
    ensure_objects(args.objects)
    count_requests()
    if args.network:
        network.apply(args.network)
    try:
        print(f"folder of {args.objects} objects on fake-gcs-server; {network.describe(args.network)}")
        bare, _ = measure("the emulator alone: one bare page request", emulator_alone)
        first, first_mem = measure("ours: first page (what the panel shows)", lambda: ours(True))
        if not args.no_scroll:
            whole, whole_mem = measure("ours: every page (a full scroll)", lambda: ours(False))
        ls, ls_mem = measure("gcsfs fs.ls (whole folder at once)", gcsfs_ls)
    finally:
        if args.network:
            network.clear()
    print(f"time to first rows: ours {first:.2f} s vs gcsfs {ls:.2f} s = {ls / first:.1f}x sooner")
    print(f"our own part of the first page: {first - bare:.2f} s beyond the emulator's bare page request")
    if not args.no_scroll:
        print(f"full scroll / gcsfs ls: {whole / ls:.2f}x the time, {whole_mem / ls_mem:.2f}x the peak memory")


if __name__ == "__main__":
    main()
