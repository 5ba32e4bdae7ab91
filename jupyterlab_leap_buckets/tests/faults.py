"""Fault injection for the tests: a small client of Toxiproxy's HTTP API, fixtures for a
Jupyter server whose buckets are reached through Toxiproxy's proxies, a Jupyter server run
as a process of its own (to be killed), and the record of what each fault test tried and
what held (`.stack/reliability/faults.json`).

`scripts/stack up` starts toxiproxy-server with one proxy in front of each emulator
("gcs" on the GCS port + 1000, "s3" on the S3 port + 1000); the API port follows the same
rule as there (LEAP_BUCKETS_TOXI_PORT, else 8474 plus the GCS port's distance from 4443).
Toxics are removed and proxies enabled again before and after every test that uses them.
"""

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest
import requests

from .conftest import GCS, GCS_PORT, REPO, S3, S3_PORT, extension_config

TOXI_PORT = int(os.environ.get("LEAP_BUCKETS_TOXI_PORT", str(8474 + GCS_PORT - 4443)))
TOXI = f"http://127.0.0.1:{TOXI_PORT}"
GCS_PROXY = f"http://127.0.0.1:{GCS_PORT + 1000}"
S3_PROXY = f"http://127.0.0.1:{S3_PORT + 1000}"
UPSTREAMS = {"gcs": f"127.0.0.1:{GCS_PORT}", "s3": f"127.0.0.1:{S3_PORT}"}
RECORD = REPO / ".stack" / "reliability" / "faults.json"


class Toxiproxy:
    """Toxiproxy's HTTP API (https://github.com/Shopify/toxiproxy#http-api), for the two
    proxies of this stack. Toxics: latency (ms, jitter), timeout (ms: data stops, the
    connection closes after it; 0 never), reset_peer (ms: then a TCP RST), limit_data
    (bytes: the connection closes after that many), bandwidth (rate in KB/s)."""

    def __init__(self, url: str = TOXI):
        self.url = url
        self.http = requests.Session()

    def _call(self, method, path, **kwargs):
        # Toxiproxy answers a change once the proxy's connections have drained, which
        # takes longer than 10 s on a loaded machine (a red-team test timed out so).
        response = self.http.request(method, self.url + path, timeout=60, **kwargs)
        if response.status_code >= 400:
            raise AssertionError(f"toxiproxy {method} {path}: {response.status_code} {response.text}")
        return response.json() if response.content else None

    def proxies(self) -> dict:
        return self._call("GET", "/proxies")

    def check(self):
        """Fail (never skip) unless this stack's proxies exist and lead to its emulators:
        a toxic must never land on another stack's proxy."""
        try:
            proxies = self.proxies()
        except requests.RequestException:
            pytest.fail(f"toxiproxy does not answer at {self.url}: run `scripts/stack up`", pytrace=False)
        for name, upstream in UPSTREAMS.items():
            if proxies.get(name, {}).get("upstream") != upstream:
                pytest.fail(
                    f"toxiproxy at {self.url} has no proxy {name!r} to {upstream}: run `scripts/stack up`",
                    pytrace=False,
                )

    def add(self, proxy: str, kind: str, stream: str = "downstream", toxicity: float = 1.0, **attributes) -> str:
        """Add a toxic; returns its name (for `remove`)."""
        name = f"{kind}-{stream}-{uuid.uuid4().hex[:6]}"
        body = {"name": name, "type": kind, "stream": stream, "toxicity": toxicity, "attributes": attributes}
        self._call("POST", f"/proxies/{proxy}/toxics", json=body)
        return name

    def remove(self, proxy: str, name: str):
        self._call("DELETE", f"/proxies/{proxy}/toxics/{name}")

    def set_enabled(self, proxy: str, enabled: bool):
        """Disabling closes every connection through the proxy and refuses new ones."""
        self._call("POST", f"/proxies/{proxy}", json={"enabled": enabled})

    def disable(self, proxy: str):
        self.set_enabled(proxy, False)

    def enable(self, proxy: str):
        self.set_enabled(proxy, True)

    def clear(self):
        """Every toxic removed, every proxy of this stack enabled."""
        for name, proxy in self.proxies().items():
            if name not in UPSTREAMS:
                continue
            for toxic in proxy.get("toxics", []):
                self.remove(name, toxic["name"])
            if not proxy.get("enabled"):
                self.enable(name)


class AsyncToxiproxy:
    """The same calls for async tests, each made in a thread: Toxiproxy answers a toxic's
    removal or a proxy's disabling only once the connections through it have drained, and
    the in-process server that reads them runs in the test's own event loop."""

    def __init__(self, client: Toxiproxy):
        self.client = client

    def __getattr__(self, name):
        method = getattr(self.client, name)

        async def call(*args, **kwargs):
            return await asyncio.to_thread(method, *args, **kwargs)

        return call


@pytest.fixture
def toxi(emulators):
    """This stack's Toxiproxy (AsyncToxiproxy: `await toxi.add(...)`), clear before and
    after the test."""
    client = Toxiproxy()
    client.check()
    client.clear()
    yield AsyncToxiproxy(client)
    client.clear()


def proxied_config(tmp_path, **overrides) -> dict:
    """The extension's configuration with both services reached through the proxies, and
    deletes allowed in the demo user's folder of the OSN inbox (as on scratch)."""
    config = {
        "gcs_endpoint": GCS_PROXY,
        "s3_endpoint": S3_PROXY,
        "state_dir": str(tmp_path / "leap-state"),
        "root_overrides": {"osn-inbox": {"deletable": "{username}/"}},
    }
    config.update(overrides)
    return extension_config(**config)


@pytest.fixture
def proxied_server_config(tmp_path, toxi):
    """For a test module's `jp_server_config`: jp_fetch's server reaches the buckets
    through the proxies, and `toxi`'s toxics are gone after each test."""
    return proxied_config(tmp_path)


@pytest.fixture
def quick_retries(monkeypatch):
    """The libraries' back-off between retries (gcsfs: 1, 2, 4, 8, 16 s; s3fs and
    botocore: up to 15 s) shortened to 0.1 s: a fault that outlasts every retry is
    reached in seconds. Every retry is still made. (Patches asyncio.sleep for the
    in-process server, as test_delete_retries does.)"""
    real_sleep = asyncio.sleep
    monkeypatch.setattr(asyncio, "sleep", lambda delay, *args, **kwargs: real_sleep(min(delay, 0.1), *args, **kwargs))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check, timeout: float, what: str, step: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except requests.RequestException:
            pass
        time.sleep(step)
    raise AssertionError(f"{what} within {timeout} s")


# -- jobs and plans, followed through the API ---------------------------------------------


def ended(job) -> bool:
    return job["state"] not in ("queued", "running")


async def wait_job(api, job: dict, condition, timeout=120, step=0.02) -> dict:
    """Poll the job until `condition(job)` holds; fails the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, job = await api(f"jobs/{job['id']}")
        assert status == 200, job
        if condition(job):
            return job
        await asyncio.sleep(step)
    raise AssertionError(f"the job never got there: {job}")


async def plan_all(send, api, root: str, prefix: str) -> dict:
    """A delete plan of `prefix`, followed until its listing is complete."""
    status, plan = await send("delete/plan", {"root": root, "path": prefix})
    assert status == 200, plan
    for _ in range(300):
        if plan["complete"]:
            return plan
        await asyncio.sleep(0.1)
        status, plan = await api(f"delete/plan/{plan['plan']}")
        assert status == 200, plan
    raise AssertionError(f"the plan's listing did not end: {plan}")


class Process:
    """A child process a test starts, kills and stops."""

    proc = None

    def kill(self):
        """SIGKILL: no handler runs, no job is told."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class JupyterProcess(Process):
    """`jupyter server` with the extension, as a process of its own (so it can be killed
    with SIGKILL), its state in `state_dir`; `api(method, route, body)` calls it."""

    def __init__(self, root_dir: Path, state_dir: Path, **overrides):
        self.root_dir, self.state_dir = root_dir, state_dir
        self.port, self.token = free_port(), uuid.uuid4().hex
        self.config = extension_config(state_dir=str(state_dir), **overrides)["LeapBuckets"]
        self.proc = None

    def start(self):
        config = self.root_dir.parent / f"jupyter_config_{self.port}.json"
        config.write_text(
            json.dumps(
                {
                    "ServerApp": {"jpserver_extensions": {"jupyterlab_leap_buckets": True}},
                    "LeapBuckets": self.config,
                }
            )
        )
        log = open(self.state_dir.parent / f"jupyter-{self.port}.log", "ab")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jupyter",
                "server",
                "--no-browser",
                "--allow-root",
                f"--port={self.port}",
                "--ServerApp.port_retries=0",
                f"--ServerApp.root_dir={self.root_dir}",
                f"--IdentityProvider.token={self.token}",
                f"--config={config}",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_until(lambda: self.api("GET", "roots")[0] == 200, 60, "jupyter server did not answer")
        return self

    def api(self, method: str, route: str, body=None):
        response = requests.request(
            method,
            f"http://127.0.0.1:{self.port}/leap-buckets/api/{route}",
            headers={"Authorization": f"token {self.token}"},
            data=None if body is None else json.dumps(body),
            timeout=60,
        )
        return response.status_code, (response.json() if response.content else None)


class FaultRecord:
    """What one fault test tried and what held, for `.stack/reliability/faults.json`."""

    def __init__(self, cls: str, case: str):
        self.cls, self.case = cls, case
        self.held: list = []
        self.outcome = "did not hold: the test failed (see its report)"

    def check(self, what: str):
        """`what` was checked and held (call after its assertion)."""
        self.held.append(what)

    def bug(self, reason: str):
        self.outcome = f"known bug (xfail): {reason}"

    def passed(self):
        self.outcome = "held"

    def to_json(self) -> dict:
        return {"case": self.case, "outcome": self.outcome, "held": self.held}


_records: list = []


@pytest.fixture
def fault_case(fault_record_file):
    """fault_case(cls, case) -> FaultRecord; written to faults.json at the session's end
    (merged with what other runs wrote: each test file runs in a session of its own)."""
    made = []

    def make(cls: str, case: str) -> FaultRecord:
        record = FaultRecord(cls, case)
        made.append(record)
        return record

    yield make
    _records.extend(made)


@pytest.fixture(scope="session", autouse=False)
def fault_record_file():
    """Session-scoped: writes the records of this session's fault tests when it ends."""
    yield
    if not _records:
        return
    try:
        saved = json.loads(RECORD.read_text())
    except (OSError, ValueError):
        saved = {}
    classes = saved.get("classes", {})
    for record in _records:
        cases = [c for c in classes.get(record.cls, {}).get("cases", []) if c["case"] != record.case]
        cases.append(record.to_json())
        classes[record.cls] = {"cases": sorted(cases, key=lambda c: c["case"])}
    for data in classes.values():
        data["tried"] = len(data["cases"])
        data["held"] = sum(1 for c in data["cases"] if c["outcome"] == "held")
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()
    RECORD.parent.mkdir(parents=True, exist_ok=True)
    out = {
        "written": datetime.now(timezone.utc).isoformat().replace("+00:00", "Z"),
        "commit": commit,
        "how": "jupyterlab_leap_buckets/tests/test_faults_*.py with Toxiproxy in front of the emulators; "
        "each case's 'held' lists what was checked, with independent clients, after the fault",
        "classes": dict(sorted(classes.items())),
    }
    RECORD.write_text(json.dumps(out, indent=1) + "\n")
    _records.clear()


__all__ = [
    "GCS",
    "S3",
    "GCS_PROXY",
    "S3_PROXY",
    "Toxiproxy",
    "JupyterProcess",
    "FaultRecord",
    "free_port",
    "wait_until",
]
