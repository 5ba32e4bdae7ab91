"""GCS's own write-rate limit: writes through nginx holding each bucket to RATE object
writes/s (scripts/ratelimit answers 429 rateLimitExceeded beyond it, as GCS does for a
bucket that has not ramped up), by ours, gcsfs and rclone in one run: small-object
uploads from the disk, copies inside the bucket (rewrites) and deletes of the copies.

For each run it prints, from nginx's access log (what the service saw, not what a tool
says): the achieved writes/s as a share of the limit, from the first write to the last
success and "sustained" (between the 10% and 90% marks of the successes, where the
limit binds; the ends are the first refusals' backoff and the last few objects), the
429s, write requests per object, and whether every object is where it belongs (listed
straight from the emulator). Deletes in batches are counted as nginx limits them: one
batch of 100 costs 100 writes (RATE/100 batches/s).

The default RATE is half of what fake-gcs-server takes here with 32 uploads in flight
(measured first and printed), 1,000/s if it takes twice that: the limit must bind, not
the emulator. Usage: scripts/bench ratelimit [--rate N] [--burst N] [--objects N]
[--tools ours gcsfs rclone]"""

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))
import network  # noqa: E402
from common import measure  # noqa: E402

GCS_PORT = int(os.environ.get("LEAP_BUCKETS_GCS_PORT", "4443"))
GCS = f"http://127.0.0.1:{GCS_PORT}"
LIMITED = f"http://127.0.0.1:{GCS_PORT + 2000}"
BUCKET = "leap-scratch"
PY = sys.executable

GCSFS = """
import sys, gcsfs.core
fs = gcsfs.core.GCSFileSystem(token="anon", endpoint_url=sys.argv[1])
op, a, b = sys.argv[2], sys.argv[3], sys.argv[4:5]
if op == "put":
    fs.put(a, b[0], recursive=True)
elif op == "copy":
    fs.copy(a, b[0], recursive=True)
else:
    fs.rm(a, recursive=True)
"""


def ratelimit(*args) -> str:
    return subprocess.run(
        [str(REPO / "scripts" / "ratelimit"), *args], check=True, capture_output=True, text=True
    ).stdout


async def capacity(seconds: float = 4.0, flight: int = 32) -> float:
    """Small media uploads/s fake-gcs-server takes here, straight, with `flight` in flight."""
    done, stop = [0], time.perf_counter() + seconds
    base = f"bench/rl-capacity-{uuid.uuid4().hex[:6]}/"
    async with aiohttp.ClientSession() as session:

        async def worker(i):
            j = 0
            while time.perf_counter() < stop:
                params = {"uploadType": "media", "name": f"{base}{i}-{j}"}
                async with session.post(f"{GCS}/upload/storage/v1/b/{BUCKET}/o", params=params, data=b"x" * 1024) as r:
                    await r.read()
                    if r.status != 200:
                        raise SystemExit(f"fake-gcs-server answered {r.status} to a plain upload: is it healthy?")
                done[0] += 1
                j += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker(i) for i in range(flight)))
    return done[0] / (time.perf_counter() - started)


def listed(prefix: str) -> list:
    """Object names under `prefix`, listed by @google-cloud/storage straight from the emulator."""
    out = subprocess.run(
        ["node", str(REPO / "scripts" / "independent" / "gcs-list.mjs"), BUCKET, prefix],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "LEAP_BUCKETS_GCS_PORT": str(GCS_PORT)},
    )
    return [line for line in out.stdout.splitlines() if line]


def writes(log: Path, since: int) -> list:
    """(time, status, what) of each limited write since `since`: what is the bucket, or "batch"."""
    with log.open("rb") as f:
        f.seek(since)
        lines = f.read().decode().splitlines()
    out = []
    for line in lines:
        when, _method, status, what = line.split(" ", 4)[:4]
        if what:
            out.append((float(when), int(status), what))
    return out


def figures(seen: list, objects: int, rate: int) -> dict:
    """The run's figures from its writes, as shares of the limit."""
    ok = [w for w in seen if w[1] in (200, 204)]
    refused = sum(1 for w in seen if w[1] == 429)
    weight = 100 if any(w[2] == "batch" for w in ok) else 1  # a batch is 100 writes
    row = {
        "requests": len(seen),
        "refused": refused,
        "per_object": len(seen) / objects,
        "whole": None,
        "sustained": None,
    }
    if len(ok) > 1:
        row["whole"] = objects / (ok[-1][0] - seen[0][0]) / rate
    if weight == 1 and len(ok) >= 20:
        a, b = len(ok) // 10, len(ok) * 9 // 10
        row["sustained"] = (b - a) / (ok[b][0] - ok[a][0]) / rate
    return row


def seed_local(root: Path, name: str, objects: int) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    for i in range(objects):
        (folder / f"f-{i:05d}").write_bytes(os.urandom(1024))
    return folder


def run_tool(tool: str, op: str, local_root: Path, name: str, prefix: str, copy_to: str):
    """One tool's upload, copy or delete through the limiter (LEAP_BUCKETS_BENCH_GCS)."""
    if tool == "ours":
        if op == "delete":
            cmd = [PY, str(REPO / "scripts/benchmarks/delete_one.py"), "scratch", copy_to]
            return measure(cmd, {"LEAP_BUCKETS_BENCH_USER": "bench"})
        source = {"local": name} if op == "upload" else {"root": "scratch", "path": prefix}
        target = prefix if op == "upload" else copy_to
        request = {"source": source, "target": {"root": "scratch", "path": target}}
        return measure([PY, str(REPO / "scripts/benchmarks/transfer_one.py"), str(local_root), json.dumps(request)])
    if tool == "gcsfs":
        args = {
            "upload": ["put", str(local_root / name), f"{BUCKET}/{prefix}{name}"],
            "copy": ["copy", f"{BUCKET}/{prefix}{name}", f"{BUCKET}/{copy_to}{name}"],
            "delete": ["rm", f"{BUCKET}/{copy_to}"],
        }[op]
        return measure([PY, "-c", GCSFS, LIMITED, *args])
    args = {
        "upload": ["copy", str(local_root / name), f":gcs:{BUCKET}/{prefix}{name}"],
        "copy": ["copy", f":gcs:{BUCKET}/{prefix}{name}", f":gcs:{BUCKET}/{copy_to}{name}"],
        "delete": ["purge", f":gcs:{BUCKET}/{copy_to}"],
    }[op]
    return measure(network.rclone_cmd() + args)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=int, help="object writes/s per bucket (default: see above)")
    parser.add_argument("--burst", type=int, default=10)
    parser.add_argument("--objects", type=int, default=3000)
    parser.add_argument("--tools", nargs="+", default=["ours", "gcsfs", "rclone"], choices=["ours", "gcsfs", "rclone"])
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (2 cores, shared)")
    ratelimit("up", "100000", "1000")  # the capacity run must not be limited
    took = asyncio.run(capacity())
    rate = args.rate or (1000 if took >= 2000 else max(10, int(took / 2) // 10 * 10))
    print(f"fake-gcs-server takes {took:.0f} small uploads/s here (32 in flight, no limit); limit {rate}/s")
    print(ratelimit("up", str(rate), str(args.burst)).strip())
    log = Path(ratelimit("log").strip())
    os.environ["LEAP_BUCKETS_BENCH_GCS"] = LIMITED  # where every tool sends its requests
    local_root = Path(tempfile.mkdtemp(prefix="leap-rl-"))
    name = f"rl-{uuid.uuid4().hex[:6]}"
    seed_local(local_root, name, args.objects)
    print(f"{args.objects} objects of 1 KiB per run, burst {args.burst}; writes/s as a share of the limit\n")
    header = f"{'op':7} {'tool':7} {'seconds':>7} {'whole':>6} {'sust.':>6} {'429s':>6} {'req/obj':>7}  landed"
    print(header)
    print("-" * len(header))
    results = []
    try:
        for tool in args.tools:
            base = f"bench/rl-{tool}-{uuid.uuid4().hex[:6]}/"
            prefix, copy_to = base + "up/", base + "copy/"
            for op in ("upload", "copy", "delete"):
                since = log.stat().st_size if log.exists() else 0
                try:
                    run = run_tool(tool, op, local_root, name, prefix, copy_to)
                    seconds, failure = run.seconds, None
                except RuntimeError as exc:
                    seconds, failure = None, str(exc).splitlines()[-1][:120]
                time.sleep(1)  # the access log is written as requests end
                row = figures(writes(log, since), args.objects, rate)
                where = prefix if op == "upload" else copy_to
                found = len(listed(where))
                expected = 0 if op == "delete" else args.objects
                landed = "all" if found == expected else f"{found} of {expected}!"
                if op == "delete":
                    landed = "all gone" if found == 0 else f"{found} left!"
                row.update(op=op, tool=tool, seconds=seconds, landed=landed, failure=failure)
                results.append(row)
                pct = lambda v: f"{v:6.0%}" if v is not None else "     -"  # noqa: E731
                secs = f"{seconds:7.1f}" if seconds is not None else " failed"
                print(
                    f"{op:7} {tool:7} {secs} {pct(row['whole'])} {pct(row['sustained'])} "
                    f"{row['refused']:6d} {row['per_object']:7.3f}  {landed}"
                )
                if failure:
                    print(f"        {failure}")
    finally:
        ratelimit("up", "1000", "10")  # scripts/stack's default
        shutil.rmtree(local_root)
    print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    out = REPO / ".stack" / "benchmarks"
    out.mkdir(parents=True, exist_ok=True)
    (out / "ratelimit.json").write_text(json.dumps({"rate": rate, "capacity": took, "runs": results}, indent=1))


if __name__ == "__main__":
    main()
