"""A busy server: 20 transfers at once of every kind, two browser tabs following them,
cancels in the middle, and a folder of up to 100,000 objects paged through at the same
time. Everything is checked afterwards with clients other than ours (the emulators' own
APIs, boto3, the filesystem), and the figures go to .stack/reliability/load.json for
docs/reliability.md.

Memory bound: the server's process (this one: pytest-jupyter runs the server in it) must
grow by less than GROWTH_BOUND (512 MiB) of resident memory over what it held before
the jobs started, at its peak while all this runs, measured as VmHWM after resetting it
(/proc/self/clear_refs) and sampled from VmRSS. Growth, not the whole: run after the rest
of the suite the process starts with what earlier tests left (the figures measured are in
docs/benchmarks.md, "The load test's memory"). Its objects are small
(at most 12 MiB) and each transfer holds at most transfers.SMALL_BYTES of them in
flight, so a server that holds what it moves, not more, stays below; one that buffered
listings or whole objects of its 20 jobs would not.

A cancelled job counts exactly what is at its target: an object whose one request was
sent is let land and counted (before, 15-16 of the 16 in flight for GCS targets went
uncounted), and larger ones' uploads are aborted.

The large folder (LISTING_OBJECTS, 100,000 objects) lives in a moto server of its own
(moto_seeded.py: the same S3 protocol, its objects put through moto's backend before it
serves, in seconds; PutObject over HTTP took moto 11 minutes for as many), behind a root
of its own, so that the stack's emulators serve the transfers meanwhile. Paged through
the API, 1,000 at a time: every object exactly once, in order. The times are in load.json.
"""

import asyncio
import copy
import json
import os
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from jupyterlab_leap_buckets.config import LEAP_ROOTS

from .conftest import GCS, REPO, S3, extension_config, s3_client
from .faults import free_port

MiB = 1024 * 1024
GROWTH_BOUND = 512 * MiB
LISTING_OBJECTS = 100_000
LISTING_BUCKET, LISTING_PREFIX = "load-listing", "huge/"
INBOX, SCRATCH = "leap-pangeo-inbox", "leap-scratch"
S3_BUCKETS = {"osn-inbox": INBOX, "osn-manual": "leap-pangeo-manual", "osn-pipeline": "leap-pangeo-pipeline"}
GCS_BUCKETS = {"scratch": SCRATCH, "persistent": "leap-persistent"}


@pytest.fixture(scope="module")
def big_listing():
    """A moto server holding LISTING_OBJECTS objects under LISTING_PREFIX of LISTING_BUCKET;
    its endpoint and how long it took to be ready."""
    port, started = free_port(), time.monotonic()
    proc = subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).with_name("moto_seeded.py")),
            str(port),
            LISTING_BUCKET,
            LISTING_PREFIX,
            str(LISTING_OBJECTS),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout.readline().strip() == "ready", "the seeded moto server did not start"
        yield f"http://127.0.0.1:{port}", round(time.monotonic() - started, 1)
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture
def jp_server_config(tmp_path, big_listing):
    """The stack's emulators for every root, and the large folder's root ("big") on its
    own moto server (endpoints per root: the global s3_endpoint would override them)."""
    roots = [{**root, "endpoint": S3} if root["provider"] == "s3" else root for root in copy.deepcopy(LEAP_ROOTS)]
    roots.append(
        {
            "id": "big",
            "label": "Big",
            "provider": "s3",
            "bucket": LISTING_BUCKET,
            "endpoint": big_listing[0],
            "anonymous": False,
            "home": "",
            "writable": None,
            "deletable": None,
            "expiryDays": None,
        }
    )
    return extension_config(state_dir=str(tmp_path / "leap-state"), s3_endpoint=None, roots=roots)


# What the independent clients see: {relative key: size}.


def gcs_objects(bucket: str, prefix: str) -> dict:
    out, token = {}, None
    while True:
        params = {"prefix": prefix, "maxResults": "1000", **({"pageToken": token} if token else {})}
        body = requests.get(f"{GCS}/storage/v1/b/{bucket}/o", params=params, timeout=120).json()
        for item in body.get("items", []):
            out[item["name"][len(prefix) :]] = int(item["size"])
        token = body.get("nextPageToken")
        if not token:
            return out


def s3_objects(bucket: str, prefix: str) -> dict:
    out = {}
    for page in s3_client().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            out[item["Key"][len(prefix) :]] = item["Size"]
    return out


def disk_objects(folder: Path) -> dict:
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.stat().st_size for p in folder.rglob("*") if p.is_file()}


def objects(place: dict, root_dir: Path) -> dict:
    if "local" in place:
        return disk_objects(root_dir / place["local"])
    if place["root"] in GCS_BUCKETS:
        return gcs_objects(GCS_BUCKETS[place["root"]], place["path"])
    return s3_objects(S3_BUCKETS[place["root"]], place["path"])


def rss_now() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def rss_peak() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def plan(run: str) -> list:
    """The 20 transfers: (name, source, target folder, cancel once this many are done)."""
    scratch = lambda path: {"root": "scratch", "path": path}  # noqa: E731
    inbox = lambda path: {"root": "osn-inbox", "path": path}  # noqa: E731
    out = f"demo/load-{run}/"
    jobs = []
    for name in ("results", "ocean.zarr", "atmos.zarr", "notes", "precip_v3"):
        jobs.append((f"gcs-gcs-{name}", scratch(f"demo/{name}/"), scratch(f"{out}gg/"), None))
    jobs.append(
        ("gcs-gcs-persistent", {"root": "persistent", "path": "demo/climatology.zarr/"}, scratch(f"{out}gg/"), None)
    )
    jobs.append(("gcs-gcs-many", scratch("demo/many/"), scratch(f"{out}gg-cancel/"), 200))
    for name in ("results", "ocean.zarr", "surface_temp"):
        jobs.append((f"gcs-s3-{name}", scratch(f"demo/{name}/"), inbox(f"load-{run}/gs/"), None))
    jobs.append(("gcs-s3-paper", {"root": "persistent", "path": "demo/paper/"}, inbox(f"load-{run}/gs/"), None))
    jobs.append(("gcs-s3-many", scratch("demo/many/"), inbox(f"load-{run}/gs-cancel/"), 100))
    jobs.append(("s3-disk-hpc-1", inbox("demo/from-hpc/"), {"local": f"load-{run}/sd1/"}, None))
    jobs.append(("s3-disk-hpc-2", inbox("demo/from-hpc/"), {"local": f"load-{run}/sd2/"}, None))
    jobs.append(("s3-disk-cmip6", {"root": "osn-manual", "path": "CMIP6/"}, {"local": f"load-{run}/sd3/"}, None))
    jobs.append(("s3-disk-era5", {"root": "osn-pipeline", "path": "era5/"}, {"local": f"load-{run}/sd4/"}, None))
    for i in (1, 2):
        jobs.append((f"disk-gcs-{i}", {"local": "load-src/"}, scratch(f"{out}dg{i}/"), None))
    jobs.append(("disk-gcs-cancel", {"local": "load-src/"}, scratch(f"{out}dg-cancel/"), 60))
    jobs.append(("gcs-disk-many", scratch("demo/many/"), {"local": f"load-{run}/gd-cancel/"}, 300))
    assert len(jobs) == 20
    return jobs


def landed_place(source: dict, target: dict) -> dict:
    """Where a folder's copy lands: the target folder receives it under its own name."""
    name = (source.get("path") or source.get("local")).rstrip("/").rsplit("/", 1)[-1] + "/"
    if "local" in target:
        return {"local": target["local"] + name}
    return {"root": target["root"], "path": target["path"] + name}


async def test_twenty_transfers_two_tabs_cancels_and_a_huge_listing(api, post, jp_fetch, jp_root_dir, big_listing):
    started = time.monotonic()
    seeded = {"objects": LISTING_OBJECTS, "readySeconds": big_listing[1]}
    run = uuid.uuid4().hex[:6]
    # The disk's source: 400 small files and two of 9 MiB (more than one piece each).
    src = jp_root_dir / "load-src"
    (src / "small").mkdir(parents=True)
    for i in range(400):
        (src / "small" / f"f-{i:04d}.txt").write_bytes(os.urandom(100 + i))
    for i in range(2):
        (src / f"big-{i}.bin").write_bytes(os.urandom(9 * MiB))

    # Peak RSS from here on: reset the kernel's high-water mark, and sample.
    Path("/proc/self/clear_refs").write_text("5")
    baseline = rss_now()
    samples = {"max": baseline}
    stop = asyncio.Event()

    async def sample():
        while not stop.is_set():
            samples["max"] = max(samples["max"], rss_now())
            await asyncio.sleep(0.1)

    sampler = asyncio.ensure_future(sample())
    jobs = plan(run)
    ids = {}
    for name, source, target, _ in jobs:
        status, job = await post({"source": source, "target": target})
        assert status == 202, (name, job)
        ids[name] = job["id"]

    # Two browser tabs: each polls GET jobs and lists folders, as the panel does.
    tab_figures = {"jobsPolls": 0, "lists": 0, "slowestPoll": 0.0}

    async def tab(folders):
        while not stop.is_set():
            t = time.monotonic()
            status, body = await api("jobs")
            assert status == 200, body
            tab_figures["slowestPoll"] = max(tab_figures["slowestPoll"], time.monotonic() - t)
            tab_figures["jobsPolls"] += 1
            for root, path in folders:
                status, body = await api("list", root=root, path=path)
                assert status == 200, body
                tab_figures["lists"] += 1
            await asyncio.sleep(0.5)

    tabs = [
        asyncio.ensure_future(tab([("scratch", "demo/"), ("scratch", f"demo/load-{run}/")])),
        asyncio.ensure_future(tab([("osn-inbox", ""), ("scratch", "demo/results/")])),
    ]

    async def page_through():
        """The huge folder, page by page, while everything else runs."""
        names, cursor, pages = [], None, 0
        t = time.monotonic()
        while True:
            status, body = await api("list", root="big", path=LISTING_PREFIX, limit="1000", cursor=cursor)
            assert status == 200, body
            names += [entry["path"] for entry in body["entries"]]
            pages += 1
            cursor = body["cursor"]
            if cursor is None:
                return names, pages, time.monotonic() - t

    async def cancel_when(name, done):
        for _ in range(3000):
            _, job = await api(f"jobs/{ids[name]}")
            if job["objectsDone"] >= done or job["state"] not in ("queued", "running"):
                break
            await asyncio.sleep(0.05)
        response = await jp_fetch("leap-buckets", "api", "jobs", ids[name], method="DELETE", request_timeout=120)
        return json.loads(response.body)

    listing = asyncio.ensure_future(page_through())
    await asyncio.gather(*(cancel_when(name, done) for name, _, _, done in jobs if done))
    ended = {}
    deadline = time.monotonic() + 150
    while len(ended) < len(jobs) and time.monotonic() < deadline:
        for name, job_id in ids.items():
            if name not in ended:
                _, job = await api(f"jobs/{job_id}")
                if job["state"] not in ("queued", "running"):
                    ended[name] = job
        await asyncio.sleep(0.3)
    names, pages, listing_seconds = await listing
    stop.set()
    await asyncio.gather(sampler, *tabs)
    peak = max(rss_peak(), samples["max"])
    assert len(ended) == len(jobs), f"jobs still running: {sorted(set(ids) - set(ended))}"

    # The listing: every object exactly once, in order.
    expected = [f"{LISTING_PREFIX}obj-{i:06d}" for i in range(seeded["objects"])]
    assert len(names) == len(set(names)) == len(expected)
    assert names == expected

    # Every job, checked against what independent clients see at the source and target.
    checked = cancelled = 0
    uncounted = {}  # cancelled bucket copies: objects that landed whole but were not counted
    for name, source, target, cancel_at in jobs:
        job = ended[name]
        there = await asyncio.to_thread(objects, landed_place(source, target), jp_root_dir)
        expected_objects = await asyncio.to_thread(objects, source, jp_root_dir)
        if job["state"] == "cancelled":
            assert cancel_at, f"{name} was cancelled unasked"
            cancelled += 1
            assert 0 < job["objectsDone"] <= job["objectsTotal"], (name, job)
            for key, size in there.items():  # whatever is there is whole
                assert expected_objects.get(key) == size, (name, key)
            # A cancel lets an object whose one data request was sent land and be counted
            # (transfers.run; the 9 MiB files go to GCS in one request too): what is at
            # the target is exactly what the job counts.
            assert len(there) == job["objectsDone"], (name, len(there), job["objectsDone"])
            uncounted[name] = len(there) - job["objectsDone"]
            completed = {c.rsplit("/", 1)[-1] for c in job["completed"]}
            assert completed <= {k.rsplit("/", 1)[-1] for k in there}, name
        else:
            assert job["state"] == "done", (name, job)
            assert (job["objectsDone"], job["objectsFailed"]) == (len(expected_objects), 0), (name, job)
            assert there == expected_objects, name
        checked += len(there)

    figures = {
        "jobs": len(jobs),
        "done": sum(1 for j in ended.values() if j["state"] == "done"),
        "cancelled": cancelled,
        "cancelledUncounted": uncounted,
        "objectsChecked": checked,
        "listingObjects": len(names),
        "listingPages": pages,
        "listingSeconds": round(listing_seconds, 1),
        "seed": seeded,
        "tabs": {**tab_figures, "slowestPoll": round(tab_figures["slowestPoll"], 2)},
        "rssBaselineMiB": round(baseline / MiB),
        "rssPeakMiB": round(peak / MiB),
        "rssGrowthBoundMiB": GROWTH_BOUND // MiB,
        "seconds": round(time.monotonic() - started, 1),
    }
    out = REPO / ".stack" / "reliability" / "load.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2) + "\n")
    print("load:", json.dumps(figures))
    assert peak - baseline < GROWTH_BOUND, (
        f"the server's process grew from {baseline / MiB:.0f} to {peak / MiB:.0f} MiB of RSS"
    )
    await asyncio.to_thread(clean_up, run)


def clean_up(run: str):
    """The copies in the buckets go, so the stack's folders stay the size seed.py made
    them (the listing's objects stay for the next run)."""
    s3 = s3_client()
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=INBOX, Prefix=f"load-{run}/"):
        keys = [{"Key": item["Key"]} for item in page.get("Contents", [])]
        if keys:
            s3.delete_objects(Bucket=INBOX, Delete={"Objects": keys})
    prefix = f"demo/load-{run}/"
    names = [prefix + key for key in gcs_objects(SCRATCH, prefix)]
    http = requests.Session()
    http.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=16))
    quote = lambda name: requests.utils.quote(name, safe="")  # noqa: E731
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda name: http.delete(f"{GCS}/storage/v1/b/{SCRATCH}/o/{quote(name)}", timeout=60), names))
