"""`GET object` of one large object through a real Jupyter server, against one GET of it
straight from the emulator, on GCS (fake-gcs-server), moto and versitygw.

    .venv/bin/python scripts/benchmarks/object_get.py [--mib 300] [--repeat 2] [--code DIR]

`--code DIR`: the server runs the extension found in DIR (for example an older commit's
`git archive` unpacked there), so a before/after is one command each. Prints, per
service: the direct GET's seconds, the route's seconds and MiB/s, and the server's peak
memory (VmHWM) after the download less before it. Needs `scripts/stack up`."""

import argparse
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import boto3
import requests

REPO = Path(__file__).resolve().parents[2]
GCS = f"http://127.0.0.1:{os.environ.get('LEAP_BUCKETS_GCS_PORT', '4443')}"
S3_PORT = int(os.environ.get("LEAP_BUCKETS_S3_PORT", "5555"))
SERVERS = {
    "gcs": ("scratch", "leap-scratch", GCS),
    "moto": ("osn-inbox", "leap-pangeo-inbox", f"http://127.0.0.1:{S3_PORT}"),
    "versitygw": (
        "osn-inbox",
        "leap-pangeo-inbox",
        f"http://127.0.0.1:{os.environ.get('LEAP_BUCKETS_VERSITY_PORT') or 7070 + S3_PORT - 5555}",
    ),
}
MiB = 1024 * 1024
PIECE = 4 * MiB


def s3(endpoint):
    keys = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **keys)


def put(name, key, data):
    _, bucket, endpoint = SERVERS[name]
    if name == "gcs":
        url = f"{GCS}/upload/storage/v1/b/{bucket}/o?uploadType=media&name={urllib.parse.quote(key, safe='')}"
        requests.post(url, data=data, timeout=600).raise_for_status()
    else:
        s3(endpoint).put_object(Bucket=bucket, Key=key, Body=data)


def direct_get(name, key) -> float:
    """Seconds for one streamed GET of the whole object from the emulator."""
    _, bucket, endpoint = SERVERS[name]
    started = time.perf_counter()
    if name == "gcs":
        url = f"{GCS}/download/storage/v1/b/{bucket}/o/{urllib.parse.quote(key, safe='')}?alt=media"
        with requests.get(url, stream=True, timeout=600) as response:
            response.raise_for_status()
            size = sum(len(piece) for piece in response.iter_content(PIECE))
    else:
        body = s3(endpoint).get_object(Bucket=bucket, Key=key)["Body"]
        size = sum(len(piece) for piece in iter(lambda: body.read(PIECE), b""))
    return size, time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def peak_rss(pid) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM in /proc status")


def start_server(code: Path, state: Path):
    port, token = free_port(), secrets.token_hex(16)
    config = {
        "ServerApp": {
            "port": port,
            "ip": "127.0.0.1",
            "open_browser": False,
            "allow_root": True,
            "root_dir": str(state),
            "jpserver_extensions": {"jupyterlab_leap_buckets": True},
        },
        "IdentityProvider": {"token": token},
        "LeapBuckets": {
            "username": "demo",
            "gcs_endpoint": GCS,
            "s3_endpoint": SERVERS["moto"][2],  # replaced per service below
            "s3_key": "testing",
            "s3_secret": "testing",
            "state_dir": str(state / "leap-state"),
        },
    }
    return port, token, config


def run_server(code, state, config, s3_endpoint):
    config["LeapBuckets"]["s3_endpoint"] = s3_endpoint
    path = state / "jupyter_server_config.json"
    path.write_text(json.dumps(config))
    env = {**os.environ, "PYTHONPATH": str(code), "JUPYTER_CONFIG_DIR": str(state)}
    log = open(state / "server.log", "w")  # noqa: SIM115 - open while the server runs
    proc = subprocess.Popen([sys.executable, "-m", "jupyter_server"], env=env, stdout=log, stderr=log, cwd=state)
    url = f"http://127.0.0.1:{config['ServerApp']['port']}/api/status"
    for _ in range(300):
        try:
            if requests.get(url, params={"token": config["IdentityProvider"]["token"]}, timeout=1).ok:
                return proc
        except requests.RequestException:
            pass
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("the Jupyter server did not start; its log:\n" + (state / "server.log").read_text()[-3000:])


def route_get(port, token, root, key):
    url = f"http://127.0.0.1:{port}/leap-buckets/api/object"
    started = time.perf_counter()
    with requests.get(
        url, params={"root": root, "path": key}, headers={"Authorization": f"token {token}"}, stream=True, timeout=600
    ) as response:
        response.raise_for_status()
        size = sum(len(piece) for piece in response.iter_content(PIECE))
    return size, time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mib", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--code", default=str(REPO), help="the folder whose jupyterlab_leap_buckets the server runs")
    parser.add_argument("--servers", nargs="+", default=list(SERVERS))
    args = parser.parse_args()
    data = os.urandom(args.mib * MiB)
    key = f"demo/bench-object-{secrets.token_hex(4)}.bin"
    print(f"object of {args.mib} MiB; code from {args.code}")
    print(f"{'service':10} {'direct GET s':>12} {'route s':>8} {'route MiB/s':>11} {'server peak +MiB':>16}")
    for name in args.servers:
        put(name, key, data)
        root = SERVERS[name][0]
        with tempfile.TemporaryDirectory() as tmp:
            state = Path(tmp)
            port, token, config = start_server(Path(args.code), state)
            proc = run_server(Path(args.code), state, config, SERVERS[name][2] if name != "gcs" else SERVERS["moto"][2])
            try:
                for _ in range(args.repeat):
                    size, direct = direct_get(name, key)
                    assert size == len(data), (size, len(data))
                    before = peak_rss(proc.pid)
                    size, route = route_get(port, token, root, key)
                    assert size == len(data), (size, len(data))
                    grown = (peak_rss(proc.pid) - before) / MiB
                    print(f"{name:10} {direct:12.2f} {route:8.2f} {args.mib / route:11.0f} {grown:16.0f}", flush=True)
            finally:
                proc.terminate()
                proc.wait(30)


if __name__ == "__main__":
    main()
