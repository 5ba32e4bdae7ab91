"""Transfers compared with rclone and gcsfs on the same emulators, in one run.

For each set of files (many small, some medium, a few large) and each direction (disk to
GCS, GCS to disk, GCS to S3), every tool copies the same data; the script prints seconds,
MiB/s, HTTP requests per object and peak memory (max RSS of the tool's process), and the
ratio of our speed to the best other tool's.

Seconds: for ours and gcsfs, the transfer itself, measured inside the process (a running
Jupyter server has its libraries imported already; Python's imports take about a second);
for rclone, the whole process (a Go binary starts in milliseconds). Requests: ours and
gcsfs count every aiohttp request; rclone's are counted in a second run with
`--dump headers`, so that the dump does not slow the timed run. CPU seconds: the tool's
user and system time over the same span (for ours, its disk writer's included), and the
emulators' over the tool's whole run: on a machine whose cores the emulators share, what
each tool costs the machine besides how long it takes. `--scale full` uses the issue's
sizes (10,000 x 64 KiB, 1,000 x 2 MiB, 2 x 1 GiB); the default `small` scale runs in a
few minutes. Uploads and downloads also show `floor` (bare.py): a bare client that only
lists, GETs and PUTs, how fast any client could be against these emulators here."""

import argparse
import json
import os
import shutil
import sys
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))
import network  # noqa: E402
from common import measure, settle  # noqa: E402

GCS_PORT = os.environ.get("LEAP_BUCKETS_GCS_PORT", "4443")
KiB, MiB = 1024, 1024 * 1024
SCALES = {
    "small": [("small", 500, 64 * KiB), ("medium", 50, 2 * MiB), ("large", 1, 256 * MiB)],
    "full": [("small", 10_000, 64 * KiB), ("medium", 1_000, 2 * MiB), ("large", 2, 1024 * MiB)],
}
PY = sys.executable


GCSFS = """
import json, resource, sys, time, aiohttp, gcsfs.core as g
count = [0]
original = aiohttp.ClientSession._request
async def counted(self, *a, **k):
    count[0] += 1
    return await original(self, *a, **k)
aiohttp.ClientSession._request = counted
fs = g.GCSFileSystem(token="anon", endpoint_url=sys.argv[4])
def cpu():
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime
started, cpu_before = time.perf_counter(), cpu()
getattr(fs, sys.argv[1])(sys.argv[2], sys.argv[3], recursive=True)
print(json.dumps({"seconds": time.perf_counter() - started, "requests": count[0], "cpu": cpu() - cpu_before}))
"""


SAID: dict = {}  # the JSON the last command printed


def run(cmd, env=None) -> tuple:
    """Seconds, peak RSS (MiB), requests (None when the tool does not say), the tool's CPU
    seconds and the emulators' CPU seconds of one command; a tool that prints JSON with
    "seconds" and "requests" is taken at its word for those two."""
    seconds, rss, out, err, cpu, emulators = measure(cmd, env)
    requests = None
    SAID.clear()
    if out.strip().startswith("{"):
        SAID.update(json.loads(out.strip().splitlines()[-1]))
        seconds, requests, cpu = SAID["seconds"], SAID.get("requests"), SAID.get("cpu", cpu)
    return seconds, rss, requests, cpu, emulators


# fake-gcs-server's compose writes every byte of the parts again; Google's joins them
# without copying (its documentation: a compose's cost does not grow with the size). So
# for a composite upload the benchmark also shows ours modelled as against Google: its
# seconds less the time when a compose was in flight and no part was being uploaded
# (transfer_one.py times both), plus one round trip a compose. Marked as modelled wherever it is printed; the
# measured seconds stay the ones compared.
MODELLED: dict = {}  # set name -> the fastest modelled seconds of ours' uploads


def model_composes(name: str, measured: tuple) -> tuple:
    span, composes = SAID.get("composing") or (0.0, 0)
    if composes:
        round_trip = 2 * (network.PROFILES[NETWORK or "lan"]["gcs"] or {}).get("latency", 0) / 1000
        seconds = measured[0] - span + composes * round_trip
        print(f"         (ours: {composes} compose(s) alone {span:.2f} s; modelled as Google's: {seconds:.2f} s)")
        MODELLED[name] = min(seconds, MODELLED.get(name, seconds))
    return measured


def rclone(*args, count=True) -> tuple:
    """Timed run, then (if `count`) a second run with `--dump headers` to count its requests."""
    seconds, rss, _, cpu, emulators = run(network.rclone_cmd() + list(args))
    if not count:
        return seconds, rss, None, cpu, emulators
    target = args[-1].rstrip("/") + "-counted"
    err = measure(network.rclone_cmd() + ["--dump", "headers", *args[:-1], target]).err
    return seconds, rss, err.count("HTTP REQUEST"), cpu, emulators


def ours(local_root, source, target, env=None):
    request = {"source": source, "target": target, "mode": "copy", "conflict": "overwrite"}
    return run(
        [PY, str(REPO / "scripts/benchmarks/transfer_one.py"), str(local_root), json.dumps(request)],
        env={"PYTHONPATH": str(REPO), **(env or {})},
    )


# Uploads and downloads also run bare.py: the least any Python client can do against this
# emulator and network (no checks, no job). Not a tool: never the "best other", but the
# ratio it would reach against the best other is printed, the most any client could show.
NOT_COMPARED = {"floor"}
BARE = REPO / "scripts/benchmarks/bare.py"

# Ours with small files written in the server's event loop instead of by its writer
# process (local.py, disk_writer.py): shown beside ours downloading, not compared with.
IN_LOOP = {"LEAP_BUCKETS_DISK_WRITER": "0"}


def free_s3(prefix):
    """Delete what the set wrote to S3: moto keeps every object in memory, and at the
    full scale the sets' copies together outgrew the machine (moto was killed at 12 GB)."""
    import boto3

    s3 = boto3.client(
        "s3",
        endpoint_url=network.DIRECT["s3"],
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    )
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket="leap-pangeo-inbox", Prefix=prefix):
        keys = [{"Key": o["Key"]} for o in page.get("Contents", [])]
        if keys:
            s3.delete_objects(Bucket="leap-pangeo-inbox", Delete={"Objects": keys})


def make_files(folder: Path, count: int, size: int):
    if folder.exists() and len(list(folder.iterdir())) == count:
        return
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    block = os.urandom(min(size, 8 * MiB))
    for i in range(count):
        with open(folder / f"file-{i:05d}.bin", "wb") as handle:
            left = size
            while left:
                handle.write(block[: min(left, len(block))])
                left -= min(left, len(block))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument(
        "--sets", nargs="+", choices=["small", "medium", "large"], help="only these sets (default: all three)"
    )
    parser.add_argument(
        "--directions",
        nargs="+",
        choices=DIRECTIONS,
        help="only these directions (default: all); without `up`, ours uploads each set once, untimed, as the source",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="runs per tool and direction, in rotated order; each tool's fastest counts",
    )
    parser.add_argument(
        "--network",
        choices=sorted(network.PROFILES),
        help="every tool through Toxiproxy with this profile (network.py)",
    )
    parser.add_argument(
        "--s3-server",
        choices=sorted(network.S3_SERVERS),
        default="moto",
        help="the S3 server of the GCS to S3 direction (both started and seeded by scripts/stack up)",
    )
    args = parser.parse_args()
    global GCSFS_AT, NETWORK
    NETWORK = args.network
    if args.s3_server != "moto":
        network.use_s3(args.s3_server)
    if args.network:
        network.apply(args.network)
    GCSFS_AT = network.tool_endpoints()["gcs"]
    try:
        bench(args)
    finally:
        if args.network or args.s3_server != "moto":
            network.clear()


DIRECTIONS = ["up", "down", "gcs->s3"]
GCSFS_AT = None  # gcsfs's endpoint: the emulator, or its proxy under --network
NETWORK = None  # the --network profile


def bench(args):
    work = REPO / ".stack" / "bench"
    run_id = uuid.uuid4().hex[:6]
    print(
        f"transfers benchmark, scale {args.scale}, run {run_id} (GCS :{GCS_PORT}, S3 :{network.DIRECT['s3']}); "
        f"{network.describe(args.network)}"
    )
    print(
        f"{'set':<8} {'direction':<10} {'tool':<12} {'seconds':>8} {'MiB/s':>8} {'req/obj':>8} {'peak MiB':>9}"
        f" {'CPU s':>7} {'emul. CPU s':>11}"
    )
    summary = []
    for name, count, size in SCALES[args.scale]:
        if args.sets and name not in args.sets:
            continue
        data = work / "data" / name
        make_files(data, count, size)
        settle()  # after whatever this or an earlier run deleted (common.SETTLE)
        total = count * size / MiB
        base = f"bench/{run_id}/{name}"
        results = {}

        def record(
            direction, tool, seconds, rss, requests, cpu, emulators, label=None, *, name=name, count=count, total=total
        ):
            per = f"{requests / count:8.2f}" if requests is not None else f"{'-':>8}"
            print(
                f"{name:<8} {direction:<10} {label or tool:<12} {seconds:8.2f} {total / seconds:8.1f} {per} {rss:9.0f}"
                f" {cpu:7.2f} {emulators:11.2f}",
                flush=True,
            )

        def compare(direction, runs, *, results=results, name=name):
            """Each tool `--repeat` times, the order rotated each round (the emulators'
            state changes as they fill); each tool's fastest run counts, its highest
            memory, requests from its first run, and the CPU seconds of its fastest."""
            if args.directions and direction not in args.directions:
                if direction == "up":  # the other directions read ours' first upload
                    runs[0][1](0)
                    MODELLED.pop(name, None)  # not timed, so not modelled either
                return
            best = {}
            for rep in range(args.repeat):
                turn = rep % len(runs)
                for tool, go in runs[turn:] + runs[:turn]:
                    measured = go(rep)
                    if args.repeat > 1:
                        record(direction, tool, *measured, label=f"{tool}#{rep + 1}")
                    kept = best.get(tool)
                    if kept is None:
                        best[tool] = measured
                    else:
                        fastest = min(kept, measured, key=lambda m: m[0])
                        best[tool] = (fastest[0], max(kept[1], measured[1]), kept[2], *fastest[3:])
            for tool, _ in runs:
                record(direction, tool, *best[tool])
                results.setdefault(direction, {})[tool] = best[tool][0]

        def at(path, rep):
            return path if rep == 0 else f"{path}-r{rep}"

        def fresh(rep, tool):
            folder = work / "down" / run_id / f"{tool}-{rep}"
            shutil.rmtree(folder, ignore_errors=True)
            return folder

        # disk -> GCS (ours' first copy is the source of the two directions below)
        compare(
            "up",
            [
                (
                    "ours",
                    lambda rep, name=name, base=base: model_composes(
                        name,
                        ours(
                            work / "data",
                            {"local": f"{name}/"},
                            {"root": "scratch", "path": at(f"{base}/ours", rep) + "/"},
                        ),
                    ),
                ),
                (
                    "rclone",
                    lambda rep, data=data, base=base, name=name: rclone(
                        "copy", str(data), f":gcs:leap-scratch/{at(f'{base}/rclone', rep)}/{name}", count=rep == 0
                    ),
                ),
                (
                    "gcsfs",
                    lambda rep, data=data, base=base, name=name: run(
                        [PY, "-c", GCSFS, "put", str(data), f"leap-scratch/{at(f'{base}/gcsfs', rep)}/{name}", GCSFS_AT]
                    ),
                ),
                (
                    "floor",
                    lambda rep, data=data, base=base, name=name: run(
                        [PY, str(BARE), "put", GCSFS_AT, "leap-scratch", f"{at(f'{base}/floor', rep)}/{name}/"]
                        + [str(data)]
                    ),
                ),
            ],
        )
        # GCS -> disk, each run into an empty folder
        source = f"leap-scratch/{base}/ours/{name}"
        compare(
            "down",
            [
                (
                    "ours",
                    lambda rep, base=base, name=name: ours(
                        fresh(rep, "ours"), {"root": "scratch", "path": f"{base}/ours/{name}/"}, {"local": "x/"}
                    ),
                ),
                (
                    "ours-loop",
                    lambda rep, base=base, name=name: ours(
                        fresh(rep, "ours-loop"),
                        {"root": "scratch", "path": f"{base}/ours/{name}/"},
                        {"local": "x/"},
                        IN_LOOP,
                    ),
                ),
                (
                    "rclone",
                    lambda rep, source=source: rclone(
                        "copy", f":gcs:{source}", str(fresh(rep, "rclone")), count=rep == 0
                    ),
                ),
                (
                    "gcsfs",
                    lambda rep, source=source: run(
                        [PY, "-c", GCSFS, "get", source, str(fresh(rep, "gcsfs")), GCSFS_AT]
                    ),
                ),
                (
                    "floor",
                    lambda rep, source=source: run(
                        [PY, str(BARE), "get", GCSFS_AT, *source.split("/", 1)] + [str(fresh(rep, "floor"))]
                    ),
                ),
            ],
        )
        shutil.rmtree(work / "down" / run_id, ignore_errors=True)
        # GCS -> S3 (streams through the process)
        compare(
            "gcs->s3",
            [
                (
                    "ours",
                    lambda rep, base=base, name=name: ours(
                        work,
                        {"root": "scratch", "path": f"{base}/ours/{name}/"},
                        {"root": "osn-inbox", "path": at(f"{base}/ours", rep) + "/"},
                    ),
                ),
                (
                    "rclone",
                    lambda rep, source=source, base=base, name=name: rclone(
                        "copy",
                        f":gcs:{source}",
                        f":s3:leap-pangeo-inbox/{at(f'{base}/rclone', rep)}/{name}",
                        count=rep == 0,
                    ),
                ),
            ],
        )
        free_s3(f"{base}/")
        for direction, times in results.items():
            others = {tool: t for tool, t in times.items() if tool not in NOT_COMPARED and not tool.startswith("ours")}
            best = min((t, tool) for tool, t in others.items())
            floor = best[0] / times["floor"] if "floor" in times else None
            summary.append((name, direction, best[0] / times["ours"], best[1], floor))
            if direction == "up" and name in MODELLED:
                summary.append((name, "up-model", best[0] / MODELLED[name], best[1], None))
    print("\nours vs the best other tool (speed ratio; above 1 = ours faster)")
    for name, direction, ratio, tool, floor in summary:
        bound = f"; the floor (bare.py) {floor:5.2f}x" if floor else ""
        print(f"  {name:<8} {direction:<10} {ratio:5.2f}x vs {tool}{bound}")


if __name__ == "__main__":
    main()
