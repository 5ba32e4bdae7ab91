"""How fast the panel's first page of a 100,000-object folder arrives, and what a whole
scroll costs, against gcsfs's `ls` (what LEAP users type today) on the same emulator.

Prints seconds, requests and peak Python memory for each, and the ratios."""

import asyncio
import os
import sys
import time
import tracemalloc
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import requests
from gcsfs.core import GCSFileSystem

from jupyterlab_leap_buckets.listing import list_page
from jupyterlab_leap_buckets.roots import Root
from jupyterlab_leap_buckets.storage.gcs import GcsStore

PORT = os.environ.get("LEAP_BUCKETS_GCS_PORT", "4443")
GCS = f"http://127.0.0.1:{PORT}"
BUCKET, PREFIX = "leap-bigfolder", "demo/big/"


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
    store = GcsStore(BUCKET, GCS, "anon")
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
    fs = GCSFileSystem(token="anon", endpoint_url=GCS, asynchronous=True, skip_instance_cache=True)
    out = await fs._call("GET", "b/{}/o", BUCKET, json_out=True, prefix=PREFIX, delimiter="/", maxResults=1000)
    await fs.session.close()
    return len(out.get("items", [])), 1


async def gcsfs_ls():
    fs = GCSFileSystem(token="anon", endpoint_url=GCS, asynchronous=True, skip_instance_cache=True)
    out = await fs._ls(f"{BUCKET}/{PREFIX}", detail=True)
    await fs.session.close()
    return len(out), None


def measure(label, coro_factory):
    tracemalloc.start()
    started = time.perf_counter()
    rows, pages = asyncio.run(coro_factory())
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    print(f"{label:<38} {seconds:8.2f} s {rows:>8} rows {pages or '-':>5} pages {peak:8.1f} MiB peak")
    return seconds, peak


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    ensure_objects(count)
    print(f"folder of {count} objects on fake-gcs-server ({GCS})")
    first, first_mem = measure("ours: first page (what the panel shows)", lambda: ours(True))
    whole, whole_mem = measure("ours: every page (a full scroll)", lambda: ours(False))
    bare, _ = measure("the emulator alone: one bare page request", emulator_alone)
    ls, ls_mem = measure("gcsfs fs.ls (whole folder at once)", gcsfs_ls)
    print(f"time to first rows: ours {first:.2f} s vs gcsfs {ls:.2f} s = {ls / first:.1f}x sooner")
    print(f"our own part of the first page: {first - bare:.2f} s (the rest is the emulator's request)")
    print(f"full scroll / gcsfs ls: {whole / ls:.2f}x the time, {whole_mem / ls_mem:.2f}x the peak memory")


if __name__ == "__main__":
    main()
