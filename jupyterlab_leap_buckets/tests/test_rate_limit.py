"""GCS's own write-rate limit (about 1,000 object writes/s for a bucket that has not
ramped up; 429 rateLimitExceeded beyond): our server, pointed at nginx in front of
fake-gcs-server (scripts/ratelimit) holding each bucket to RATE writes/s, must finish a
few hundred uploads, rewrites and deletes `done`, with every object where it belongs
(checked without our code), without a retry storm, and near the limit's rate.

What was sent is read from nginx's access log: each write with its status, so the
checks count requests the service saw, not what our code says it sent."""

import os
import subprocess
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from .conftest import GCS_PORT, REPO, extension_config, gcs_get, gcs_independent_keys, gcs_put
from .faults import plan_all, wait_job

RATE, BURST = 50, 10  # low, so the tests are quick and the limit, not the emulator, binds
OBJECTS = 300
BUCKET = "leap-scratch"
# A 429 costs at most one more request now and then (backoff with jitter): more than
# this many requests per object would be a retry storm.
MOST_REQUESTS_PER_OBJECT = 1.6
# Of the limit's rate, what a transfer must sustain from its first write to its last
# (the issue asks 90% at scale: docs/benchmarks.md; a test run is short, and shares the
# machine, so it is allowed a little less here).
LEAST_SHARE = 0.8


class Limiter:
    """This stack's nginx, reconfigured to RATE writes/s for the module's tests."""

    def __init__(self):
        self.url = f"http://127.0.0.1:{GCS_PORT + 2000}"
        self.log = Path(self._run("log").strip())

    def _run(self, *args) -> str:
        out = subprocess.run(
            [str(REPO / "scripts" / "ratelimit"), *args], capture_output=True, text=True, timeout=60, env=os.environ
        )
        if out.returncode:
            pytest.fail(f"scripts/ratelimit {' '.join(args)} failed: {out.stderr.strip()}", pytrace=False)
        return out.stdout

    def set(self, rate: int, burst: int):
        self._run("up", str(rate), str(burst))

    def mark(self) -> int:
        return self.log.stat().st_size if self.log.exists() else 0

    def writes(self, since: int, what: str = BUCKET) -> list:
        """(time, method, status) of each write counted against `what` (a bucket, or
        "batch") since `since`, from the access log."""
        with self.log.open("rb") as log:
            log.seek(since)
            lines = log.read().decode().splitlines()
        out = []
        for line in lines:
            when, method, status, key = line.split(" ", 4)[:4]
            if key == what:
                out.append((float(when), method, int(status)))
        return out


@pytest.fixture(scope="module")
def limiter(emulators):
    if not any(Path(d, "nginx").exists() for d in ("/usr/sbin", "/usr/bin")):
        pytest.fail("nginx is not installed: apt-get install nginx (scripts/setup does)", pytrace=False)
    limiter = Limiter()
    limiter.set(RATE, BURST)
    yield limiter
    limiter.set(1000, 10)  # scripts/stack's default


@pytest.fixture
def jp_server_config(tmp_path, limiter):
    return extension_config(gcs_endpoint=limiter.url, state_dir=str(tmp_path / "leap-state"))


def seed(prefix: str) -> dict:
    """OBJECTS small objects under `prefix`, written straight to the emulator (not
    through the limiter)."""
    data = {f"{prefix}f-{i:03d}": f"object {i} {uuid.uuid4().hex}".encode() for i in range(OBJECTS)}
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda item: gcs_put(BUCKET, *item), data.items()))
    return data


def check_landed(expected: dict):
    """Every object there with its bytes, and nothing else, as clients other than ours see it."""
    prefix = os.path.commonprefix(list(expected)).rsplit("/", 1)[0] + "/"
    assert gcs_independent_keys(BUCKET, prefix) == sorted(expected)
    with ThreadPoolExecutor(8) as pool:
        got = dict(zip(expected, pool.map(lambda key: gcs_get(BUCKET, key), expected)))
    assert got == expected


def check_writes(writes: list, objects: int):
    """One successful write per object, some refused (else the limit never bound and the
    test shows nothing), few requests per object, and near the limit's rate."""
    ok = [w for w in writes if w[2] in (200, 204)]
    refused = [w for w in writes if w[2] == 429]
    assert len(ok) == objects, f"{len(ok)} writes succeeded for {objects} objects"
    assert refused, "the limiter refused nothing: the test did not reach the limit"
    assert len(writes) <= MOST_REQUESTS_PER_OBJECT * objects, (
        f"{len(writes)} write requests for {objects} objects ({len(refused)} refused): a retry storm"
    )
    assert sustained(ok) >= LEAST_SHARE * RATE, (
        f"{sustained(ok):.1f} writes/s is under {LEAST_SHARE:.0%} of the limit, {RATE}/s"
        f" ({len(ok) / (ok[-1][0] - ok[0][0]):.1f}/s from the first write to the last)"
    )


def sustained(ok: list) -> float:
    """Writes/s between the tenth and the ninetieth percent of the successful writes: the
    rate held once the first refusals' backoff (1 to 2 s, gcsfs's first wait, as Google
    recommends) is over and before the last few objects leave most workers idle; both
    ends are a larger share of a short test than of a real transfer (docs/benchmarks.md
    gives both rates at scale)."""
    first, last = ok[len(ok) // 10], ok[len(ok) * 9 // 10]
    return (len(ok) * 9 // 10 - len(ok) // 10) / (last[0] - first[0])


async def test_a_disk_folder_goes_up_at_the_limits_rate_with_nothing_lost(limiter, send, api, jp_root_dir):
    name = f"rl-up-{uuid.uuid4().hex[:6]}"
    (jp_root_dir / name).mkdir()
    local = {}
    for i in range(OBJECTS):
        (jp_root_dir / name / f"f-{i:03d}").write_bytes(f"file {i} {uuid.uuid4().hex}".encode())
        local[f"f-{i:03d}"] = (jp_root_dir / name / f"f-{i:03d}").read_bytes()
    dest = f"demo/{name}/"
    since = limiter.mark()
    status, job = await send(
        "transfers", {"source": {"local": f"{name}/"}, "target": {"root": "scratch", "path": dest}}
    )
    assert status == 202, job
    job = await wait_job(api, job, lambda j: j["state"] not in ("queued", "running"), timeout=180, step=0.2)
    assert job["state"] == "done", (job["error"], job["failed"])
    assert (job["objectsDone"], job["objectsFailed"]) == (OBJECTS, 0)
    check_landed({f"{dest}{name}/{key}": body for key, body in local.items()})
    check_writes(limiter.writes(since), OBJECTS)


async def test_a_bucket_folder_is_rewritten_at_the_limits_rate_with_nothing_lost(limiter, send, api):
    source = f"demo/rl-src-{uuid.uuid4().hex[:6]}/"
    data = seed(source)
    dest = f"demo/rl-copy-{uuid.uuid4().hex[:6]}/"
    since = limiter.mark()
    status, job = await send(
        "transfers", {"source": {"root": "scratch", "path": source}, "target": {"root": "scratch", "path": dest}}
    )
    assert status == 202, job
    job = await wait_job(api, job, lambda j: j["state"] not in ("queued", "running"), timeout=180, step=0.2)
    assert job["state"] == "done", (job["error"], job["failed"])
    assert (job["objectsDone"], job["objectsFailed"]) == (OBJECTS, 0)
    name = source.rstrip("/").rsplit("/", 1)[1]
    check_landed({key.replace(source, f"{dest}{name}/", 1): body for key, body in data.items()})
    check_landed(data)  # the copy's source untouched
    check_writes(limiter.writes(since), OBJECTS)


async def test_a_delete_waits_out_the_limit_in_few_batches_and_deletes_everything(limiter, send, api):
    """GCS counts each delete in a batch against the bucket's write rate; the limiter
    holds batches to RATE/100 a second (scripts/ratelimit), so three batches of 100
    need about 4 seconds and most of them are refused at first."""
    prefix = f"demo/rl-del-{uuid.uuid4().hex[:6]}/"
    keep = f"demo/rl-del-{uuid.uuid4().hex[:6]}-beside/keep"
    seed(prefix)
    gcs_put(BUCKET, keep, b"stays")
    plan = await plan_all(send, api, "scratch", prefix)
    assert plan["objects"] == OBJECTS
    since, started = limiter.mark(), time.monotonic()
    status, job = await send("delete", {"plan": plan["plan"], "confirm": prefix.rstrip("/").rsplit("/", 1)[1]})
    assert status == 202, job
    job = await wait_job(api, job, lambda j: j["state"] not in ("queued", "running"), timeout=180, step=0.2)
    seconds = time.monotonic() - started
    assert job["state"] == "done", (job["error"], job["failed"])
    assert (job["objectsDone"], job["objectsFailed"], job["objectsSkipped"]) == (OBJECTS, 0, 0)
    assert gcs_independent_keys(BUCKET, prefix) == []
    assert gcs_independent_keys(BUCKET, keep) == [keep]
    batches = limiter.writes(since, "batch")
    refused = [b for b in batches if b[2] == 429]
    assert len([b for b in batches if b[2] == 200]) == OBJECTS // 100
    assert refused, "the limiter refused no batch: the test did not reach the limit"
    # Each batch's tries are few (backoff, not a storm), and the limit was not waited
    # out far longer than it asks: 2 s between batches at this rate.
    assert len(batches) <= 4 * (OBJECTS // 100), f"{len(batches)} batch requests for {OBJECTS // 100} batches"
    assert seconds < 3 * (OBJECTS / RATE), f"{seconds:.1f} s for {OBJECTS} deletes at {RATE}/s"
