"""Fixtures: a Jupyter server with the extension, pointed at the real emulators that
`scripts/stack up && scripts/stack seed` started (fake-gcs-server, moto's S3 server and
versitygw, a second S3 server), and independent clients to check what our server says
against.

A test that takes the `s3_server` fixture runs once against each S3 server: its Jupyter
server's S3 endpoint, `S3_NOW` and `s3_client()` are that server's while it runs
(docs/s3-servers.md says where they differ). Every other test uses moto."""

import asyncio
import json
import os
import subprocess
import urllib.parse
from pathlib import Path

import boto3
import pytest
import requests

REPO = Path(__file__).resolve().parents[2]
GCS_PORT = int(os.environ.get("LEAP_BUCKETS_GCS_PORT", "4443"))
S3_PORT = int(os.environ.get("LEAP_BUCKETS_S3_PORT", "5555"))
GCS = f"http://127.0.0.1:{GCS_PORT}"
S3 = f"http://127.0.0.1:{S3_PORT}"
# versitygw's port as scripts/stack chooses it: 7070 plus the S3 port's distance from 5555
VERSITY_PORT = int(os.environ.get("LEAP_BUCKETS_VERSITY_PORT") or 7070 + S3_PORT - 5555)
S3_SERVERS = {"moto": S3, "versitygw": f"http://127.0.0.1:{VERSITY_PORT}"}
_s3_now = {"endpoint": S3}  # the S3 server of the running test (s3_server)

# faults.py's fixtures (Toxiproxy, fault records) are a plugin, not imports.
pytest_plugins = ["pytest_jupyter.jupyter_server", "jupyterlab_leap_buckets.tests.faults"]


def _answers(url: str) -> bool:
    try:
        requests.get(url, timeout=2)
        return True
    except requests.RequestException:
        return False


@pytest.fixture(scope="session")
def emulators():
    """The tests need the real emulators: fail (never skip) with what to run."""
    missing = [url for url in (f"{GCS}/storage/v1/b", S3) if not _answers(url)]
    if missing:
        pytest.fail(
            f"emulators not answering at {missing}: run `scripts/stack up && scripts/stack seed`",
            pytrace=False,
        )


@pytest.fixture(params=list(S3_SERVERS))
def s3_server(request, emulators):
    """The name of the S3 server this run of the test uses ("moto" or "versitygw");
    parametrize it indirectly to choose one."""
    endpoint = S3_SERVERS[request.param]
    if not _answers(endpoint):
        pytest.fail(f"{request.param} not answering at {endpoint}: run `scripts/stack up && scripts/stack seed`")
    _s3_now["endpoint"] = endpoint
    yield request.param
    _s3_now["endpoint"] = S3


def s3_now() -> str:
    """The S3 endpoint of the running test: moto's, or s3_server's."""
    return _s3_now["endpoint"]


def s3_overrides(request) -> dict:
    """The extension's S3 endpoint for a test that takes `s3_server`, else nothing."""
    if "s3_server" not in request.fixturenames:
        return {}
    request.getfixturevalue("s3_server")
    return {"s3_endpoint": s3_now()}


def extension_config(**overrides) -> dict:
    config = {
        "username": "demo",
        "gcs_endpoint": GCS,
        "s3_endpoint": S3,
        "s3_key": "testing",
        "s3_secret": "testing",
    }
    config.update(overrides)
    return {
        "ServerApp": {"jpserver_extensions": {"jupyterlab_leap_buckets": True}},
        "LeapBuckets": config,
    }


@pytest.fixture(params=["unnamed", "named"])
def new_files(request, monkeypatch):
    """Downloaded files made the two ways disk_writer_process knows: unnamed (O_TMPFILE)
    and named only once whole, or at a partial name and renamed (where a filesystem has
    no unnamed files). Set for this process and for writer processes started after."""
    from .. import disk_writer_process

    if request.param == "named":
        monkeypatch.setattr(disk_writer_process, "UNNAMED", False)
        monkeypatch.setenv("LEAP_BUCKETS_UNNAMED_FILES", "0")
    elif not disk_writer_process.UNNAMED:
        pytest.skip("this system has no unnamed files (O_TMPFILE)")
    return request.param


@pytest.fixture
def jp_server_config(tmp_path, request):
    return extension_config(state_dir=str(tmp_path / "leap-state"), **s3_overrides(request))


@pytest.fixture
def api(emulators, jp_fetch):
    """GET a route of the API; returns (status, parsed JSON), without raising on 4xx."""

    async def call(route, **params):
        params = {k: v for k, v in params.items() if v is not None}
        response = await jp_fetch("leap-buckets", "api", route, params=params, method="GET", raise_error=False)
        return response.code, json.loads(response.body)

    return call


@pytest.fixture
def send(emulators, jp_fetch):
    """POST or PUT to a route; returns (status, parsed JSON), without raising on 4xx."""

    async def call(route, body, method="POST", **params):
        data = body if isinstance(body, bytes) else json.dumps(body)
        response = await jp_fetch(
            "leap-buckets", "api", *route.split("/"), method=method, body=data, params=params, raise_error=False
        )
        return response.code, json.loads(response.body)

    return call


@pytest.fixture
def post(send):
    """POST transfers."""
    return lambda body: send("transfers", body)


@pytest.fixture
def finish(api):
    async def wait(job, timeout=120):
        for _ in range(int(timeout / 0.1)):
            status, job = await api(f"jobs/{job['id']}")
            assert status == 200, job
            if job["state"] not in ("queued", "running"):
                return job
            await asyncio.sleep(0.1)
        raise AssertionError(f"job did not end: {job}")

    return wait


async def list_all(api, root, path, limit=1000):
    """Every entry of a folder, page by page through the API, and the number of pages."""
    entries, cursor, pages = [], None, 0
    while True:
        status, body = await api("list", root=root, path=path, limit=str(limit), cursor=cursor)
        assert status == 200, body
        entries += body["entries"]
        pages += 1
        cursor = body["cursor"]
        if cursor is None:
            return entries, pages


def gcs_independent_keys(bucket: str, prefix: str) -> list:
    """Object names as @google-cloud/storage (Node) sees them: our server's code is not
    involved."""
    out = subprocess.run(
        ["node", str(REPO / "scripts" / "independent" / "gcs-list.mjs"), bucket, prefix],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        env={**os.environ, "LEAP_BUCKETS_GCS_PORT": str(GCS_PORT)},
    )
    return [line for line in out.stdout.splitlines() if line]


def gcs_put(bucket: str, name: str, data: bytes = b"x"):
    """Write an object through the emulator's own JSON API (not through our server)."""
    quoted = urllib.parse.quote(name, safe="")
    url = f"{GCS}/upload/storage/v1/b/{bucket}/o?uploadType=media&name={quoted}"
    requests.post(url, data=data, timeout=30).raise_for_status()


def gcs_get(bucket: str, name: str) -> bytes:
    quoted = urllib.parse.quote(name, safe="")
    response = requests.get(f"{GCS}/storage/v1/b/{bucket}/o/{quoted}?alt=media", timeout=30)
    response.raise_for_status()
    return response.content


def s3_client(endpoint=None):
    """boto3 on `endpoint`, by default the running test's S3 server (s3_now)."""
    return boto3.client(
        "s3",
        endpoint_url=endpoint or s3_now(),
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    )


def altering(upload, old: bytes, new: bytes):
    """A store's `upload` whose bytes are changed on their way (`old` replaced by `new`):
    what a corrupted transfer looks like to the verification after it."""

    async def altered(key, size, chunks, **conditions):
        async def changed():
            async for data in chunks:
                yield data.replace(old, new)

        return await upload(key, size, changed(), **conditions)

    return altered
