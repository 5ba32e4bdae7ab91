"""Network profiles for the benchmarks (`--network lan|hub|far`): every tool, ours and the
others, reaches the emulators through the same Toxiproxy proxies that `scripts/stack up`
starts ("gcs" on the GCS port + 1000, "s3" on the S3 port + 1000), with the profile's
latency and bandwidth as toxics on both directions. Seeding and checking go straight to
the emulators, so only the timed work pays for the network.

The profiles, and where their figures come from:
- lan: the proxies with no toxics (loopback with one more hop): what the earlier figures
  in docs/benchmarks.md measured, minus the proxy's own cost.
- hub: the JupyterHub pod's view, as issue #18 states it: GCS about 20 ms round trip
  (10 ms each way), OSN about 60 ms (30 ms each way); bandwidth capped to what a pod gets
  (1 Gbit/s to GCS, 500 Mbit/s to OSN across the internet; our assumption, not measured).
- far: an HPC login node pushing to OSN (about 150 ms round trip, 75 ms each way,
  200 Mbit/s); GCS at the same distance.
Toxiproxy delays each chunk of data it forwards by the latency: a request and its answer
each wait once, as a round trip does, while a stream keeps flowing.
"""

import json
import os
import urllib.request

GCS_PORT = int(os.environ.get("LEAP_BUCKETS_GCS_PORT", "4443"))
S3_PORT = int(os.environ.get("LEAP_BUCKETS_S3_PORT", "5555"))
TOXI_PORT = int(os.environ.get("LEAP_BUCKETS_TOXI_PORT", str(8474 + GCS_PORT - 4443)))
TOXI = f"http://127.0.0.1:{TOXI_PORT}"

# One-way latency (ms), jitter (ms) and bandwidth (KB/s, Toxiproxy's unit) per service.
PROFILES = {
    "lan": {"gcs": None, "s3": None},
    "hub": {
        "gcs": {"latency": 10, "jitter": 1, "rate": 125_000},
        "s3": {"latency": 30, "jitter": 3, "rate": 62_500},
    },
    "far": {
        "gcs": {"latency": 75, "jitter": 5, "rate": 25_000},
        "s3": {"latency": 75, "jitter": 5, "rate": 25_000},
    },
}

DIRECT = {"gcs": f"http://127.0.0.1:{GCS_PORT}", "s3": f"http://127.0.0.1:{S3_PORT}"}
PROXIED = {"gcs": f"http://127.0.0.1:{GCS_PORT + 1000}", "s3": f"http://127.0.0.1:{S3_PORT + 1000}"}
# The two S3 servers `scripts/stack up` starts and seeds alike (`--s3-server`).
S3_SERVERS = {"moto": S3_PORT, "versitygw": int(os.environ.get("LEAP_BUCKETS_VERSITY_PORT") or 7070 + S3_PORT - 5555)}


def use_s3(server: str) -> str:
    """Send S3 requests to `server` (moto or versitygw): the direct endpoint (for seeding
    and checking, and the tools without --network) and the upstream of Toxiproxy's s3
    proxy (put back to moto by `clear`). Call before `apply`. Answers the direct endpoint;
    the processes the benchmark starts learn it from the environment."""
    port = S3_SERVERS[server]
    DIRECT["s3"] = f"http://127.0.0.1:{port}"
    os.environ["LEAP_BUCKETS_BENCH_S3"] = DIRECT["s3"]
    os.environ["LEAP_BUCKETS_BENCH_S3_SERVER"] = server
    _call("POST", "/proxies/s3", {"upstream": f"127.0.0.1:{port}"})
    return DIRECT["s3"]


def _call(method: str, path: str, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{TOXI}{path}", data=data, method=method)
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=10) as answer:
        text = answer.read()
    return json.loads(text) if text else None


def apply(profile: str) -> dict:
    """Put `profile`'s toxics on the proxies (after removing any left there) and answer the
    endpoints the tools use: {"gcs": url, "s3": url}. Also set in the environment
    (LEAP_BUCKETS_BENCH_GCS, LEAP_BUCKETS_BENCH_S3) for the processes the benchmark starts."""
    if profile not in PROFILES:
        raise SystemExit(f"--network is one of {', '.join(PROFILES)}, not {profile!r}")
    proxies = _call("GET", "/proxies")
    for service, shape in PROFILES[profile].items():
        if service not in proxies:
            raise SystemExit(f"Toxiproxy at {TOXI} has no proxy {service!r}: run `scripts/stack up`.")
        for toxic in proxies[service].get("toxics", []):
            _call("DELETE", f"/proxies/{service}/toxics/{toxic['name']}")
        if not proxies[service].get("enabled", True):
            _call("POST", f"/proxies/{service}", {"enabled": True})
        for stream in ("upstream", "downstream") if shape else ():
            _call(
                "POST",
                f"/proxies/{service}/toxics",
                {
                    "name": f"bench-latency-{stream}",
                    "type": "latency",
                    "stream": stream,
                    "toxicity": 1.0,
                    "attributes": {"latency": shape["latency"], "jitter": shape["jitter"]},
                },
            )
            _call(
                "POST",
                f"/proxies/{service}/toxics",
                {
                    "name": f"bench-bandwidth-{stream}",
                    "type": "bandwidth",
                    "stream": stream,
                    "toxicity": 1.0,
                    "attributes": {"rate": shape["rate"]},
                },
            )
    os.environ["LEAP_BUCKETS_BENCH_GCS"] = PROXIED["gcs"]
    os.environ["LEAP_BUCKETS_BENCH_S3"] = PROXIED["s3"]
    return dict(PROXIED)


def clear():
    """Remove the benchmark's toxics, and lead the s3 proxy to moto again (what the fault
    tests expect to find)."""
    proxies = _call("GET", "/proxies")
    for service in ("gcs", "s3"):
        for toxic in proxies.get(service, {}).get("toxics", []):
            _call("DELETE", f"/proxies/{service}/toxics/{toxic['name']}")
    moto = f"127.0.0.1:{S3_PORT}"
    if "s3" in proxies and proxies["s3"].get("upstream") != moto:
        _call("POST", "/proxies/s3", {"upstream": moto})


def tool_endpoints() -> dict:
    """Where the measured tools send their requests: the proxies when a profile is applied
    (in this process or a parent), else the emulators themselves."""
    return {
        "gcs": os.environ.get("LEAP_BUCKETS_BENCH_GCS", DIRECT["gcs"]),
        "s3": os.environ.get("LEAP_BUCKETS_BENCH_S3", DIRECT["s3"]),
    }


def describe(profile) -> str:
    server = os.environ.get("LEAP_BUCKETS_BENCH_S3_SERVER", "moto")
    return f"S3 on {server}; " + _describe(profile)


def _describe(profile) -> str:
    if not profile:
        return "emulators on loopback, no proxy"
    shape = PROFILES[profile]
    parts = []
    for service, s in shape.items():
        if s is None:
            parts.append(f"{service}: proxy, no delay")
        else:
            parts.append(f"{service}: {2 * s['latency']} ms round trip, {s['rate'] * 8 / 1000:.0f} Mbit/s each way")
    return f"network {profile} through Toxiproxy ({'; '.join(parts)})"


def rclone_cmd() -> list:
    """rclone with 16 checkers and transfers, reaching the services where the measured tools
    do (through the proxies under --network), anonymous on GCS, moto's keys on S3."""
    ep = tool_endpoints()
    return [
        "rclone",
        "--checkers",
        "16",
        "--transfers",
        "16",
        "--gcs-anonymous",
        "--gcs-endpoint",
        f"{ep['gcs']}/storage/v1/",
        "--s3-provider",
        "Other",
        "--s3-endpoint",
        ep["s3"],
        "--s3-access-key-id",
        "testing",
        "--s3-secret-access-key",
        "testing",
    ]
