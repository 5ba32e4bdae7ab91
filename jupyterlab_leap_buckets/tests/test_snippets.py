"""The Python that "Copy Python" puts on the clipboard opens the data that was written.

Each case writes a small dataset or table under fresh keys in the emulators with clients
of its own (xarray and zarr-python write to a folder, uploaded object by object through
fake-gcs-server's JSON API or boto3; h5netcdf and pandas write the files),
asks the server for its roots as the frontend does (GET roots), has the compiled frontend
(lib/snippets.js, through snippet_text.mjs) write the snippet for the item, runs that exact
text in a real ipykernel and compares what the snippet opened with what was written.

The kernels get what a LEAP hub pod gives a user, adapted to the emulators, never a
changed snippet:
- "demo": the roots of dev/jupyter_server_config.py (the server names the emulators, so
  the snippets do); OSN keys in $AWS_ACCESS_KEY_ID and $AWS_SECRET_ACCESS_KEY.
- "hub": LEAP's roots as on the hub (no GCS endpoint: the snippet leaves gcsfs to find
  its endpoint and credentials, as on the pod); the kernel's $STORAGE_EMULATOR_HOST,
  which gcsfs honours, stands for Google, and gcsfs's credential search ends in anonymous
  access because no metadata server answers. Only GCS cases: on the hub the OSN snippets
  name OSN's real endpoint.
Both set GCSFS_EXPERIMENTAL_ZB_HNS_SUPPORT=false: gcsfs's default class first asks each
bucket its type over gRPC, which the emulator does not speak (60 s of retries per call).
"""

import ast
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import uuid
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import requests
import xarray as xr
from jupyter_client.manager import KernelManager

from .conftest import GCS, REPO, extension_config, gcs_put, s3_client

SNIPPET_TEXT = REPO / "jupyterlab_leap_buckets" / "tests" / "snippet_text.mjs"
COMPILED = REPO / "lib" / "snippets.js"
RUN = uuid.uuid4().hex[:10]
ANSI = re.compile(r"\x1b\[[0-9;]*m")  # IPython's colours in tracebacks
TIMEOUT = 180  # seconds for one snippet; the machine running the tests may be busy

# What every case writes, and the expressions that read it back from what the snippet made.
TAS = np.arange(12, dtype="float64").reshape(3, 4) * 1.5 + 270.25
DATASET = xr.Dataset(
    {"tas": (("x", "y"), TAS, {"units": "K"})},
    coords={"x": [10, 20, 30], "y": [1, 2, 3, 4]},
)
TABLE = pd.DataFrame({"station": ["Palisades", "Boulder", "Princeton"], "tas": [281.5, 279.25, 283.0]})
DATASET_CHECK = '{"tas": ds["tas"].values.tolist(), "x": ds["x"].values.tolist(), "units": ds["tas"].attrs["units"]}'
DATASET_EXPECTED = {"tas": TAS.tolist(), "x": [10, 20, 30], "units": "K"}
TABLE_CHECK = '{"columns": list(df.columns), "rows": df.values.tolist()}'
TABLE_EXPECTED = {"columns": ["station", "tas"], "rows": TABLE.values.tolist()}


def netcdf_bytes() -> bytes:
    return bytes(DATASET.to_netcdf(engine="h5netcdf"))


def csv_bytes() -> bytes:
    return TABLE.to_csv(index=False).encode()


def zarr_files(**to_zarr) -> dict:
    """The objects of DATASET written as a Zarr store by xarray and zarr-python: {key: bytes}."""
    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder) / "store.zarr"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # zarr-python: consolidated metadata is not in v3's spec yet
            DATASET.to_zarr(store, **to_zarr)
        files = {str(f.relative_to(store)): f.read_bytes() for f in sorted(store.rglob("*")) if f.is_file()}
    # the store is the format the case names
    assert (".zgroup" if to_zarr["zarr_format"] == 2 else "zarr.json") in files
    assert (".zmetadata" in files) == (to_zarr["zarr_format"] == 2 and to_zarr["consolidated"])
    return files


def gcs_zarr(**to_zarr):
    """Uploads the store object by object through fake-gcs-server's JSON API."""

    def write(bucket, key):
        for name, data in zarr_files(**to_zarr).items():
            gcs_put(bucket, f"{key}/{name}", data)

    return write


def s3_put(bucket, key, data, public=False):
    extra = {"ACL": "public-read"} if public else {}  # moto honours the ACL, as scripts/seed.py does
    s3_client().put_object(Bucket=bucket, Key=key, Body=data, **extra)


def s3_zarr(public=False, **to_zarr):
    def write(bucket, key):
        for name, data in zarr_files(**to_zarr).items():
            s3_put(bucket, f"{key}/{name}", data, public)

    return write


def icechunk_files() -> dict:
    """The objects of an Icechunk repository holding DATASET, written by icechunk to a
    local folder (its own S3 storage is what the snippet reads with)."""
    icechunk = pytest.importorskip("icechunk")
    with tempfile.TemporaryDirectory() as folder:
        repo = icechunk.Repository.create(icechunk.local_filesystem_storage(folder))
        session = repo.writable_session("main")
        DATASET.to_zarr(session.store, zarr_format=3, consolidated=False)
        session.commit("DATASET")
        return {str(f.relative_to(folder)): f.read_bytes() for f in sorted(Path(folder).rglob("*")) if f.is_file()}


def icechunk_repo(put):
    def write(bucket, key):
        for name, data in icechunk_files().items():
            put(bucket, f"{key}/{name}", data)

    return write


def references(put, scheme):
    """kerchunk's JSON references to a netCDF file of DATASET written beside them."""

    def write(bucket, key):
        from kerchunk.hdf import SingleHdf5ToZarr

        target = f"{key}.target.nc"  # under `key` as a prefix, so remove() takes it too
        data = netcdf_bytes()
        put(bucket, target, data)
        refs = SingleHdf5ToZarr(io.BytesIO(data), f"{scheme}://{bucket}/{target}").translate()
        put(bucket, key, json.dumps(refs).encode())

    return write


def parquet_references(put, scheme):
    """kerchunk's Parquet references (a folder, written with fastparquet) to a netCDF file
    of DATASET written inside it."""

    def write(bucket, key):
        from kerchunk.df import refs_to_dataframe
        from kerchunk.hdf import SingleHdf5ToZarr

        target = f"{key}/target.nc"
        data = netcdf_bytes()
        put(bucket, target, data)
        refs = SingleHdf5ToZarr(io.BytesIO(data), f"{scheme}://{bucket}/{target}").translate()
        with tempfile.TemporaryDirectory() as folder:
            refs_to_dataframe(refs, f"{folder}/refs", record_size=10)
            for path in sorted(Path(folder, "refs").rglob("*")):
                if path.is_file():
                    put(bucket, f"{key}/{path.relative_to(Path(folder, 'refs'))}", path.read_bytes())

    return write


def remove(bucket, prefix):
    if bucket.startswith("leap-pangeo"):
        s3 = s3_client()
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                s3.delete_object(Bucket=bucket, Key=item["Key"])
        return
    listing = requests.get(f"{GCS}/storage/v1/b/{bucket}/o", params={"prefix": prefix}, timeout=30).json()
    for item in listing.get("items", []):
        quoted = urllib.parse.quote(item["name"], safe="")
        requests.delete(f"{GCS}/storage/v1/b/{bucket}/o/{quoted}", timeout=30)


# id: (root, path inside the bucket, entry type, writer, check, expected). The writers get
# (bucket, key); the GCS paths are inside demo/, the username of both configurations.
CASES = {
    "gcs-zarr-v2": (
        "scratch",
        f"demo/snippets-{RUN}/v2.zarr/",
        "zarr",
        # xarray's default for v2: consolidated .zmetadata at the root
        gcs_zarr(zarr_format=2, consolidated=True),
        DATASET_CHECK,
        DATASET_EXPECTED,
    ),
    "gcs-zarr-v3": (
        "scratch",
        f"demo/snippets-{RUN}/v3.zarr/",
        "zarr",
        # zarr.json per node and nothing consolidated: what zarr-python 3 writes by itself
        gcs_zarr(zarr_format=3, consolidated=False),
        DATASET_CHECK,
        DATASET_EXPECTED,
    ),
    "gcs-netcdf": (
        "scratch",
        f"demo/snippets-{RUN}/tas.nc",
        "file",
        lambda b, k: gcs_put(b, k, netcdf_bytes()),
        DATASET_CHECK,
        DATASET_EXPECTED,
    ),
    "gcs-csv": (
        "persistent",
        f"demo/snippets-{RUN}/stations.csv",
        "file",
        lambda b, k: gcs_put(b, k, csv_bytes()),
        TABLE_CHECK,
        TABLE_EXPECTED,
    ),
    "osn-zarr": (
        "osn-inbox",
        f"snippets-{RUN}/from-hpc.zarr/",
        "zarr",
        s3_zarr(zarr_format=2, consolidated=True),
        DATASET_CHECK,
        DATASET_EXPECTED,
    ),
    "osn-netcdf": (
        "osn-inbox",
        f"snippets-{RUN}/tas.nc",
        "file",
        lambda b, k: s3_put(b, k, netcdf_bytes()),
        DATASET_CHECK,
        DATASET_EXPECTED,
    ),
    "osn-csv": (
        "osn-inbox",
        f"snippets-{RUN}/stations.csv",
        "file",
        lambda b, k: s3_put(b, k, csv_bytes()),
        TABLE_CHECK,
        TABLE_EXPECTED,
    ),
    "osn-public-zarr-v3": (
        # read anonymously, as everyone reads OSN's public buckets
        "osn-manual",
        f"snippets-{RUN}/public.zarr/",
        "zarr",
        s3_zarr(public=True, zarr_format=3, consolidated=True),
        DATASET_CHECK,
        DATASET_EXPECTED,
    ),
    # Icechunk's GCS storage cannot be pointed at fake-gcs-server (object_store takes no
    # endpoint for GCS), so the Icechunk snippets run against the S3 servers only.
    "osn-icechunk": (
        "osn-inbox",
        f"snippets-{RUN}/repo/",
        "icechunk",
        icechunk_repo(s3_put),
        DATASET_CHECK,
        DATASET_EXPECTED,
    ),
    "osn-public-icechunk": (
        "osn-manual",
        f"snippets-{RUN}/public-repo/",
        "icechunk",
        icechunk_repo(lambda b, k, d: s3_put(b, k, d, public=True)),
        DATASET_CHECK,
        DATASET_EXPECTED,
    ),
    "gcs-references": (
        "scratch",
        f"demo/snippets-{RUN}/refs.json",
        "virtual-zarr",
        references(gcs_put, "gs"),
        DATASET_CHECK,
        DATASET_EXPECTED,
    ),
    "gcs-parquet-references": (
        "scratch",
        f"demo/snippets-{RUN}/refs.parq/",
        "virtual-zarr",
        parquet_references(gcs_put, "gs"),
        DATASET_CHECK,
        DATASET_EXPECTED,
    ),
    "osn-references": (
        "osn-inbox",
        f"snippets-{RUN}/refs.json",
        "virtual-zarr",
        references(s3_put, "s3"),
        DATASET_CHECK,
        DATASET_EXPECTED,
    ),
}
HUB_CASES = ["gcs-zarr-v2", "gcs-zarr-v3", "gcs-netcdf", "gcs-csv"]
BUCKETS = {
    "scratch": "leap-scratch",
    "persistent": "leap-persistent",
    "osn-inbox": "leap-pangeo-inbox",
    "osn-manual": "leap-pangeo-manual",
}


def snippet_texts(requests: list) -> list:
    """What lib/snippets.js's pythonSnippet returns for each {"root", "item"}."""
    if shutil.which("node") is None:
        pytest.fail("node is not on PATH: the snippets come from the compiled frontend", pytrace=False)
    if not COMPILED.exists():
        pytest.fail(f"{COMPILED} is missing: run `jlpm build:lib` (scripts/setup does)", pytrace=False)
    out = subprocess.run(
        ["node", str(SNIPPET_TEXT)], input=json.dumps(requests), capture_output=True, text=True, timeout=60
    )
    if out.returncode:
        pytest.fail(f"snippet_text.mjs failed: {out.stderr}", pytrace=False)
    return json.loads(out.stdout)


@pytest.fixture(scope="module")
def written(emulators):
    """Every case's data, written once under this run's fresh keys; removed afterwards."""
    for root, key, _, write, _, _ in CASES.values():
        write(BUCKETS[root], key.rstrip("/"))
    yield
    for root, key, *_ in CASES.values():
        remove(BUCKETS[root], key)


class Kernel:
    """A python kernel of this environment, started with its own environment variables."""

    def __init__(self, env: dict):
        self.manager = KernelManager(kernel_name="python3")
        # the .venv's own python, whatever kernelspec the machine has
        self.manager.kernel_spec.argv[0] = sys.executable
        self.manager.start_kernel(env=env)
        self.client = self.manager.client()
        self.client.start_channels()

    def ready(self):
        self.client.wait_for_ready(timeout=120)

    def run(self, code: str, check: str):
        """Runs `code`, then evaluates `check` in the same namespace: its value, or fails
        with the kernel's traceback and output."""
        output = []

        def collect(msg):
            content = msg["content"]
            if msg["msg_type"] == "stream":
                output.append(content["text"])
            elif msg["msg_type"] == "error":
                output.append(ANSI.sub("", "\n".join(content["traceback"])))

        reply = self.client.execute_interactive(
            code, user_expressions={"check": check}, timeout=TIMEOUT, output_hook=collect
        )["content"]
        said = "".join(output)
        assert reply["status"] == "ok", (
            f"the snippet failed:\n{code}\n{reply.get('ename')}: {reply.get('evalue')}\n{said}"
        )
        value = reply["user_expressions"]["check"]
        assert value["status"] == "ok", f"the check {check!r} failed after:\n{code}\n{value.get('evalue')}\n{said}"
        return ast.literal_eval(value["data"]["text/plain"])

    def stop(self):
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)


@pytest.fixture(scope="module")
def kernels(tmp_path_factory):
    """The "demo" and "hub" kernels (see the module's docstring)."""
    home = tmp_path_factory.mktemp("kernel-home")  # no credentials of this machine
    base = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AWS_", "GOOGLE_", "GCE_", "STORAGE_EMULATOR", "GCSFS_", "JPY_"))
    }
    base.update(
        HOME=str(home),
        GCSFS_EXPERIMENTAL_ZB_HNS_SUPPORT="false",
        # no metadata server: Application Default Credentials are not found, quickly
        GCE_METADATA_HOST="127.0.0.1:9",
        GCE_METADATA_IP="127.0.0.1:9",
    )
    started = {
        "demo": Kernel({**base, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}),
        "hub": Kernel({**base, "STORAGE_EMULATOR_HOST": GCS}),
    }
    try:
        for kernel in started.values():
            kernel.ready()
        yield started
    finally:
        for kernel in started.values():
            kernel.stop()


def check_case(kernels, variant, roots, case):
    root_id, key, entry_type, _, check, expected = CASES[case]
    root = next(r for r in roots if r["id"] == root_id)
    (code,) = snippet_texts([{"root": root, "item": {"path": key, "type": entry_type}}])
    assert kernels[variant].run(code, check) == expected, code
    return code


@pytest.mark.parametrize("case", list(CASES))
async def test_copied_python_opens_the_data(case, api, written, kernels):
    status, body = await api("roots")
    assert status == 200
    check_case(kernels, "demo", body["roots"], case)


class TestOnTheHub:
    """LEAP's configuration: no GCS endpoint, so the snippets carry no storage options."""

    @pytest.fixture
    def jp_server_config(self, tmp_path, monkeypatch):
        monkeypatch.delenv("STORAGE_EMULATOR_HOST", raising=False)
        return extension_config(gcs_endpoint=None, state_dir=str(tmp_path / "leap-state"))

    @pytest.mark.parametrize("case", HUB_CASES)
    async def test_copied_python_opens_the_data(self, case, api, written, kernels):
        status, body = await api("roots")
        assert status == 200
        code = check_case(kernels, "hub", body["roots"], case)
        assert "storage_options" not in code and "127.0.0.1" not in code


def test_snippet_text_is_the_compiled_frontend():
    """The helper really runs lib/snippets.js: the OSN snippet names the root's endpoint."""
    root = {
        "id": "osn-inbox",
        "provider": "s3",
        "bucket": "leap-pangeo-inbox",
        "url": "s3://leap-pangeo-inbox/",
        "endpoint": "https://nyu1.osn.mghpcc.org",
        "anonymous": False,
    }
    (code,) = snippet_texts([{"root": root, "item": {"path": "a/b.csv", "type": "file"}}])
    assert 'pd.read_csv("s3://leap-pangeo-inbox/a/b.csv", storage_options=storage_options)' in code
    assert '"endpoint_url": "https://nyu1.osn.mghpcc.org"' in code
