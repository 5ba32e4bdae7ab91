"""An HPC login node pushing a folder into the OSN inbox (issue #18's `far` profile):
the command "Copy Upload Command for HPC" puts on the clipboard, run as a user would run
it, against rclone with its defaults (what LEAP's page has users type) and s3fs's `put`,
in one run, through the stack's Toxiproxy S3 proxy with the `far` profile (150 ms round
trip, 200 Mbit/s; network.py) in front of moto.

The command comes from the compiled frontend (lib/hpcUpload.js, through
jupyterlab_leap_buckets/tests/hpc_upload_text.mjs), so what is measured is what users
paste. Every tool's upload is then listed with boto3 straight from the emulator: the
figures count only when every object arrived with its size. Prints seconds, MiB/s, peak
memory and the ratio of the command's speed to the best other tool's."""

import argparse
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import boto3

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))
import network  # noqa: E402
from common import measure, settle  # noqa: E402

KiB, MiB = 1024, 1024 * 1024
BUCKET = "leap-pangeo-inbox"
S3FS = """
import sys, time, s3fs
fs = s3fs.S3FileSystem(key="testing", secret="testing", client_kwargs={"endpoint_url": sys.argv[3]})
started = time.perf_counter()
fs.put(sys.argv[1], sys.argv[2], recursive=True)
print(time.perf_counter() - started)
"""


def make_files(folder: Path, small: int, large: int) -> int:
    """`small` files of 64 KiB (a Zarr store's chunks) and `large` of 32 MiB (netCDF files)."""
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    for i in range(small):
        path = folder / "store.zarr" / "tas" / "c" / f"{i}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(os.urandom(64 * KiB))
        total += 64 * KiB
    for i in range(large):
        (folder / f"run-{i:02d}.nc").write_bytes(os.urandom(32 * MiB))
        total += 32 * MiB
    return total


def pasted_command(endpoint: str, folder: str) -> str:
    root = {"provider": "s3", "bucket": BUCKET, "writable": "", "endpoint": endpoint}
    out = subprocess.run(
        ["node", str(REPO / "jupyterlab_leap_buckets" / "tests" / "hpc_upload_text.mjs")],
        input=json.dumps({"root": root, "folder": folder}),
        capture_output=True,
        text=True,
        check=True,
    )
    built = json.loads(out.stdout)
    return built["text"], built["placeholder"]


def check(client, prefix: str, local: Path):
    """Every local file arrived under `prefix` with its size (boto3, straight to moto)."""
    want = {str(p.relative_to(local)): p.stat().st_size for p in local.rglob("*") if p.is_file()}
    got = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix):
        got.update({o["Key"][len(prefix) :]: o["Size"] for o in page.get("Contents", [])})
    if got != want:
        missing = sorted(set(want) - set(got))[:3]
        raise SystemExit(f"{prefix}: {len(got)} of {len(want)} objects arrived as written (e.g. missing {missing})")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--network", choices=sorted(network.PROFILES), default="far")
    parser.add_argument("--small", type=int, default=500, help="files of 64 KiB")
    parser.add_argument("--large", type=int, default=4, help="files of 32 MiB")
    parser.add_argument("--repeat", type=int, default=2, help="runs per tool, rotated; the fastest counts")
    args = parser.parse_args()
    endpoints = network.apply(args.network)
    try:
        bench(args, endpoints["s3"])
    finally:
        network.clear()


def bench(args, endpoint):
    run_id = uuid.uuid4().hex[:6]
    local = REPO / ".stack" / "bench" / "hpc" / "folder"
    total = make_files(local, args.small, args.large)
    count = args.small + args.large
    client = boto3.client(
        "s3",
        endpoint_url=network.DIRECT["s3"],
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RCLONE_", "AWS_"))}
    env.update(OSN_KEY="testing", OSN_SECRET="testing", RCLONE_CONFIG="/dev/null")
    print(
        f"HPC push benchmark, run {run_id}: {count} files, {total / MiB:.0f} MiB "
        f"({args.small} x 64 KiB, {args.large} x 32 MiB) into s3://{BUCKET}/; {network.describe(args.network)}"
    )

    def pasted(prefix):
        text, placeholder = pasted_command(endpoint, prefix)
        return ["bash", "-e", "-c", text.replace(f" {placeholder} ", f" '{local}' ")]

    def rclone_defaults(prefix):
        # What LEAP's page has a user type: rclone copy with a remote and nothing tuned.
        remote = [
            "export RCLONE_CONFIG_OSN_TYPE=s3 RCLONE_CONFIG_OSN_PROVIDER=Ceph",
            f"export RCLONE_CONFIG_OSN_ENDPOINT={endpoint} RCLONE_CONFIG_OSN_NO_CHECK_BUCKET=true",
            'export RCLONE_CONFIG_OSN_ACCESS_KEY_ID="$OSN_KEY" RCLONE_CONFIG_OSN_SECRET_ACCESS_KEY="$OSN_SECRET"',
            f"rclone copy '{local}' 'osn:{BUCKET}/{prefix}'",
        ]
        return ["bash", "-e", "-c", "\n".join(remote)]

    def s3fs_put(prefix):
        return [sys.executable, "-c", S3FS, f"{local}/", f"{BUCKET}/{prefix}", endpoint]

    tools = [("command", pasted), ("rclone", rclone_defaults), ("s3fs", s3fs_put)]
    best = {}
    print(f"{'tool':<10} {'seconds':>8} {'MiB/s':>8} {'peak MiB':>9}")
    for rep in range(args.repeat):
        turn = rep % len(tools)
        for name, build in tools[turn:] + tools[:turn]:
            prefix = f"bench/{run_id}/{name}-{rep}/"
            settle()
            run = measure(build(prefix), env)
            check(client, prefix, local)
            print(f"{name:<10} {run.seconds:8.2f} {total / MiB / run.seconds:8.1f} {run.rss:9.0f}", flush=True)
            if name not in best or run.seconds < best[name][0]:
                best[name] = (run.seconds, run.rss)
    others = {k: v for k, v in best.items() if k != "command"}
    rival = min(others, key=lambda k: others[k][0])
    print(
        f"fastest of {args.repeat}: "
        + ", ".join(f"{k} {s:.2f} s" for k, (s, _) in best.items())
        + f"; the pasted command at {others[rival][0] / best['command'][0]:.2f}x {rival}'s speed"
    )


if __name__ == "__main__":
    main()
