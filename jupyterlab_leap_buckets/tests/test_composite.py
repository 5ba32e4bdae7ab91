"""Large uploads to GCS in parallel parts joined by compose (storage/gcs_composite.py):
the target is whole, checked by independent clients, and no part is left behind, after
success, cancel or failure. The thresholds are lowered so that tens of MiB take the path
(and several compose rounds) that 150 MiB and more take in use."""

import asyncio
import hashlib
import json
import os
import urllib.parse
import urllib.request
import uuid

import pytest

from ..storage import gcs, gcs_composite
from .conftest import GCS, gcs_get, gcs_independent_keys, s3_client

MiB = 1024 * 1024


@pytest.fixture
def small_parts(monkeypatch):
    monkeypatch.setattr(gcs, "COMPOSITE_FROM", 16 * MiB)
    monkeypatch.setattr(gcs_composite, "PART", 8 * MiB)
    monkeypatch.setattr(gcs_composite, "COMPOSE_LIMIT", 2)  # 6 parts: three compose rounds


def gcs_resource(bucket, name):
    quoted = urllib.parse.quote(name, safe="")
    with urllib.request.urlopen(f"{GCS}/storage/v1/b/{bucket}/o/{quoted}") as reply:
        return json.loads(reply.read())


def parts_left(dest):
    return [k for k in gcs_independent_keys("leap-scratch", dest) if gcs_composite.PARTS_FOLDER in k]


@pytest.mark.parametrize("source_side", ["disk", "s3"])
async def test_a_large_upload_goes_in_parts_and_lands_whole(small_parts, post, finish, jp_root_dir, source_side):
    data = os.urandom(40 * MiB + 123)  # five full parts and a short one
    name = f"big-{uuid.uuid4().hex[:6]}.bin"
    if source_side == "disk":
        (jp_root_dir / name).write_bytes(data)
        source = {"local": name}
    else:
        s3_client().put_object(Bucket="leap-pangeo-inbox", Key=f"demo/{name}", Body=data)
        source = {"root": "osn-inbox", "path": f"demo/{name}"}
    dest = f"demo/c-{uuid.uuid4().hex[:8]}/"
    status, job = await post({"source": source, "target": {"root": "scratch", "path": dest}, "mode": "copy"})
    assert status == 202, job
    job = await finish(job)
    assert job["state"] == "done", (job.get("error"), job.get("failed"))
    assert gcs_independent_keys("leap-scratch", dest) == [dest + name]  # and no parts
    assert hashlib.sha256(gcs_get("leap-scratch", dest + name)).digest() == hashlib.sha256(data).digest()
    resource = gcs_resource("leap-scratch", dest + name)
    assert int(resource["size"]) == len(data) and resource["crc32c"]


async def test_a_cancelled_upload_in_parts_leaves_no_object_and_no_parts(small_parts, post, api, jp_fetch, jp_root_dir):
    name = f"big-{uuid.uuid4().hex[:6]}.bin"
    with open(jp_root_dir / name, "wb") as handle:
        for _ in range(30):
            handle.write(os.urandom(8 * MiB))
    dest = f"demo/c-{uuid.uuid4().hex[:8]}/"
    status, job = await post({"source": {"local": name}, "target": {"root": "scratch", "path": dest}})
    assert status == 202
    for _ in range(600):  # cancel once some parts have gone up
        _, job = await api(f"jobs/{job['id']}")
        if job["bytesDone"] >= 32 * MiB or job["state"] != "running":
            break
        await asyncio.sleep(0.05)
    assert job["state"] == "running" and job["bytesDone"] < job["bytesTotal"]
    response = await jp_fetch("leap-buckets", "api", "jobs", job["id"], method="DELETE")
    assert json.loads(response.body)["state"] == "cancelled"
    # The job ends once its parts are gone: none is there now, and none lands later.
    assert gcs_independent_keys("leap-scratch", dest) == []
    await asyncio.sleep(2)
    assert gcs_independent_keys("leap-scratch", dest) == []


async def test_a_failed_compose_leaves_no_object_and_no_parts(small_parts, post, finish, jp_root_dir, monkeypatch):
    async def refused(store, sources, key):
        raise OSError("compose refused (test)")

    monkeypatch.setattr(gcs_composite, "_compose_one", refused)
    name = f"big-{uuid.uuid4().hex[:6]}.bin"
    (jp_root_dir / name).write_bytes(os.urandom(20 * MiB))
    dest = f"demo/c-{uuid.uuid4().hex[:8]}/"
    status, job = await post({"source": {"local": name}, "target": {"root": "scratch", "path": dest}})
    job = await finish(job)
    assert job["state"] == "failed" and job["objectsFailed"] == 1
    assert gcs_independent_keys("leap-scratch", dest) == []
