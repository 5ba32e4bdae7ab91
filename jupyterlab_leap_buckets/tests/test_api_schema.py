"""docs/api.yaml against the live server, by schemathesis: no 500 on any route, and every
answer (status, content type, body) is one the document describes.

A real `jupyter server` runs in a subprocess with the extension as user `demo`, against
the emulators LEAP_BUCKETS_GCS_PORT and LEAP_BUCKETS_S3_PORT name, with its own state
and root folders; schemathesis' CLI sends it data generated from docs/api.yaml, valid and
invalid, MAX_EXAMPLES per operation at most. How many cases each operation ran, and how
many failed, goes to .stack/reliability/schemathesis.json.

Random writes land under `demo/` (and anywhere in the OSN inbox, writable for everyone):
harmless to this run, but not to tests that expect the seeded data. So it runs only with
LEAP_BUCKETS_SCHEMATHESIS=1, which `scripts/test` sets in its own step after the other
tests (and before it seeds again for Galata)."""

import json
import os
import socket
import subprocess
import sys
import time

import pytest
import requests
import yaml

from .conftest import REPO, extension_config

MAX_EXAMPLES = 50  # per operation: a run well inside MAX_SECONDS here (docs/benchmarks.md, "Schemathesis")
MAX_SECONDS = 240  # a run that takes longer is stopped and fails (its --max-time would fill it)
SUMMARY = REPO / ".stack" / "reliability" / "schemathesis.json"
# What an invalid request may be answered: schemathesis' defaults but 5xx, and 410 for a
# plan token no plan has, 413 for too large a body, 416 for a range that cannot be met.
CONFIG = """
[checks.negative_data_rejection]
expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "410", "413", "415", "416", "422", "428", "429"]
"""
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "negative_data_rejection",
        "ignored_auth",
    ]
)

pytestmark = pytest.mark.skipif(
    os.environ.get("LEAP_BUCKETS_SCHEMATHESIS") != "1",
    reason="writes under demo/: runs as its own step of scripts/test (LEAP_BUCKETS_SCHEMATHESIS=1)",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def live_server(emulators, tmp_path):
    """A `jupyter server` with the extension, as user demo: (base URL, token)."""
    port, token = free_port(), "schemathesis-token"
    config_dir, root_dir = tmp_path / "config", tmp_path / "root"
    config_dir.mkdir()
    root_dir.mkdir()
    config = extension_config(state_dir=str(tmp_path / "leap-state"))
    config["ServerApp"]["jpserver_extensions"]["jupyterlab"] = False  # only the API is tested
    (config_dir / "jupyter_server_config.json").write_text(json.dumps(config))
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(config_dir),
        "JUPYTER_DATA_DIR": str(tmp_path / "data"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
    }
    log = open(tmp_path / "server.log", "w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter_server",
            "--no-browser",
            f"--port={port}",
            "--ip=127.0.0.1",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root_dir}",
            "--ServerApp.port_retries=0",
            "--allow-root",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            if server.poll() is not None:
                pytest.fail(f"jupyter server exited: {(tmp_path / 'server.log').read_text()[-2000:]}")
            try:
                if requests.get(
                    f"{base}/leap-buckets/api/roots", headers={"Authorization": f"token {token}"}, timeout=2
                ).ok:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.2)
        else:
            pytest.fail(f"jupyter server did not answer in 60 s: {(tmp_path / 'server.log').read_text()[-2000:]}")
        yield base, token, tmp_path / "server.log"
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def summarize(events, documented: set) -> dict:
    """operation -> cases sent, cases that failed a check, and the statuses answered,
    from the NDJSON events of schemathesis' run (each scenario's recorder). Methods the
    document lacks (schemathesis tries them and expects 405) count together."""
    operations = {}
    for line in events:
        finished = json.loads(line).get("ScenarioFinished")
        if not finished or "cases" not in finished["recorder"]:
            continue
        recorder = finished["recorder"]
        for case_id, interaction in recorder.get("interactions", {}).items():
            case = recorder["cases"][case_id]["value"]
            label = f"{case['method']} {case['path']}"
            label = label if label in documented else "undocumented methods"
            entry = operations.setdefault(label, {"cases": 0, "failures": 0, "statuses": {}})
            entry["cases"] += 1
            if any(check["status"] == "failure" for check in recorder.get("checks", {}).get(case_id, [])):
                entry["failures"] += 1
            status = str((interaction.get("response") or {}).get("status_code", "no answer"))
            entry["statuses"][status] = entry["statuses"].get(status, 0) + 1
    return dict(sorted(operations.items(), key=lambda item: item[0].split(" ", 1)[::-1]))


def documented_operations() -> set:
    paths = yaml.safe_load((REPO / "docs" / "api.yaml").read_text())["paths"]
    return {f"{method.upper()} {path}" for path, item in paths.items() for method in item if method != "parameters"}


def test_the_live_api_matches_docs_api_yaml(live_server, tmp_path):
    base, token, server_log = live_server
    (tmp_path / "schemathesis.toml").write_text(CONFIG)
    events = tmp_path / "events.ndjson"
    seed = os.environ.get("LEAP_BUCKETS_SCHEMATHESIS_SEED", "16")  # the same cases every run unless set
    started = time.monotonic()
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "schemathesis.cli",
            "--config-file",
            str(tmp_path / "schemathesis.toml"),
            "run",
            str(REPO / "docs" / "api.yaml"),
            "--url",
            f"{base}/leap-buckets/api",
            "--header",
            f"Authorization: token {token}",
            "--checks",
            CHECKS,
            "--mode",
            "all",
            "--max-examples",
            str(MAX_EXAMPLES),
            "--workers",
            "1",  # CPython 3.11's ast.parse is not thread-safe (hypothesis calls it)
            "--seed",
            seed,
            "--suppress-health-check",
            "all",
            "--request-timeout",
            "30",
            "--report",
            "ndjson",
            "--report-ndjson-path",
            str(events),
        ],
        capture_output=True,
        text=True,
        timeout=MAX_SECONDS,
        cwd=tmp_path,
    )
    elapsed = time.monotonic() - started
    print(run.stdout[-20000:])
    with open(events) as lines:
        summary = summarize(lines, documented_operations())
    SUMMARY.parent.mkdir(parents=True, exist_ok=True)
    SUMMARY.write_text(
        json.dumps(
            {
                "seconds": round(elapsed, 1),
                "maxExamples": MAX_EXAMPLES,
                "seed": seed,
                "checks": CHECKS.split(","),
                "operations": summary,
            },
            indent=1,
        )
    )
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-5000:] + server_log.read_text()[-5000:]
