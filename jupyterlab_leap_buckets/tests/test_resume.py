"""Resume (`POST jobs/<id>/resume`) and `"conflict": "update"`: what is at the target with
the same size and checksum is skipped without a request of its own, the rest is copied,
and the result is read back by clients other than ours (the emulators' own JSON API,
@google-cloud/storage, boto3, the disk). Requests are counted where aiohttp sends them
(gcsfs and s3fs both speak through it)."""

import asyncio
import json
import os
import uuid

import aiohttp
import pytest

from .. import transfers
from ..storage.gcs import GcsStore
from .conftest import gcs_get, gcs_independent_keys, gcs_put, s3_client
from .faults import GCS_PROXY, S3_PROXY, JupyterProcess, wait_until

INBOX = "leap-pangeo-inbox"
KiB = 1024


@pytest.fixture
def requests_seen(monkeypatch):
    """The URL of every HTTP request this process sends to a bucket from now on."""
    seen = []
    original = aiohttp.ClientSession._request

    async def counted(self, method, url, *args, **kwargs):
        seen.append(f"{method} {url}")
        return await original(self, method, url, *args, **kwargs)

    monkeypatch.setattr(aiohttp.ClientSession, "_request", counted)
    return seen


@pytest.fixture
def cancel(emulators, jp_fetch):
    async def call(job_id):
        response = await jp_fetch("leap-buckets", "api", "jobs", job_id, method="DELETE", raise_error=False)
        return response.code, json.loads(response.body)

    return call


def naming(seen: list, name: str) -> list:
    return [url for url in seen if name in url]


async def started(send, body):
    status, job = await send("transfers", body)
    assert status == 202, job
    return job


async def resumed(send, job_id):
    status, job = await send(f"jobs/{job_id}/resume", {})
    assert status == 202, job
    assert job["resumedFrom"] == job_id and job["conflict"] == "update", job
    return job


async def cancelled_midway(send, api, cancel, monkeypatch, data: dict, body: dict, at_least: int):
    """Put `data` under the source folder of `body` in scratch, start `body` with each GCS
    server-side copy slowed down, and cancel it once `at_least` objects are done. Answers
    the job as started and as cancelled; copies run at full speed again afterwards.
    16 objects move at once (transfers.CONCURRENCY is 64, more than the tests' 64
    objects), so a cancel after the first round always leaves some behind."""
    monkeypatch.setattr(transfers, "CONCURRENCY", 16)
    src = body["source"]["path"]
    for name, blob in data.items():
        gcs_put("leap-scratch", src + name, blob)
    slow = GcsStore.server_copy

    async def slowly(self, *args, **kwargs):
        await asyncio.sleep(0.3)
        return await slow(self, *args, **kwargs)

    monkeypatch.setattr(GcsStore, "server_copy", slowly)
    first = job = await started(send, body)
    for _ in range(200):
        status, job = await api(f"jobs/{job['id']}")
        if job["objectsDone"] >= at_least:
            break
        await asyncio.sleep(0.05)
    status, job = await cancel(job["id"])
    monkeypatch.setattr(GcsStore, "server_copy", slow)
    assert status == 200 and job["state"] == "cancelled", job
    return first, job


def place_of(kind: str, path: str) -> dict:
    return {"local": path} if kind == "disk" else {"root": kind, "path": path}


def put(kind: str, path: str, data: bytes, root_dir):
    """Write through anything but our server."""
    if kind == "disk":
        (root_dir / path).parent.mkdir(parents=True, exist_ok=True)
        (root_dir / path).write_bytes(data)
    elif kind == "osn-inbox":
        s3_client().put_object(Bucket=INBOX, Key=path, Body=data)
    else:
        gcs_put(f"leap-{kind}", path, data)


def get(kind: str, path: str, root_dir) -> bytes:
    if kind == "disk":
        return (root_dir / path).read_bytes()
    if kind == "osn-inbox":
        return s3_client().get_object(Bucket=INBOX, Key=path)["Body"].read()
    return gcs_get(f"leap-{kind}", path)


DIRECTIONS = [
    ("scratch", "persistent"),  # GCS -> GCS, the service copies
    ("scratch", "osn-inbox"),  # GCS -> S3, MD5 against the ETag
    ("disk", "scratch"),  # disk -> GCS, the file's CRC32C computed here
    ("scratch", "disk"),  # GCS -> disk
]


@pytest.mark.parametrize("source_kind,target_kind", DIRECTIONS)
async def test_update_skips_the_same_and_replaces_the_rest(
    send, finish, jp_root_dir, requests_seen, source_kind, target_kind
):
    run = uuid.uuid4().hex[:6]
    src, dst = f"demo/upd-{run}/", f"demo/upd-out-{run}/"
    data = {name: os.urandom(3 * KiB) for name in ("same", "differs", "absent")}
    data["longer"] = os.urandom(5 * KiB)
    for name, blob in data.items():
        put(source_kind, f"{src}{name}-{run}.bin", blob, jp_root_dir)
    theirs = {"same": data["same"], "differs": os.urandom(3 * KiB), "longer": os.urandom(4 * KiB)}
    for name, blob in theirs.items():
        put(target_kind, f"{dst}upd-{run}/{name}-{run}.bin", blob, jp_root_dir)
    requests_seen.clear()
    job = await finish(
        await started(
            send,
            {"source": place_of(source_kind, src), "target": place_of(target_kind, dst), "conflict": "update"},
        )
    )
    assert job["objectsSkipped"] == 1 and job["skipped"][0]["path"].endswith(f"same-{run}.bin"), job
    assert not naming(requests_seen, f"same-{run}"), "a skipped object had a request of its own"
    replaceable = target_kind != "osn-inbox"  # OSN's inbox may not be overwritten (the guard's delete rule)
    for name, blob in data.items():
        at_target = get(target_kind, f"{dst}upd-{run}/{name}-{run}.bin", jp_root_dir)
        expected = blob if replaceable or name not in theirs else theirs[name]
        assert at_target == expected, f"{name} at the target"
    if replaceable:
        assert job["state"] == "done" and job["objectsDone"] == 4, job
    else:
        assert job["state"] == "failed" and job["objectsFailed"] == 2, job
        assert {f["code"] for f in job["failed"]} == {"outside-home"}, job["failed"]


async def test_resume_after_a_cancel_copies_only_what_is_missing(send, api, finish, cancel, requests_seen, monkeypatch):
    run = uuid.uuid4().hex[:6]
    src, dst = f"demo/res-{run}/", "demo/"
    data = {f"f-{i:02d}-{run}.bin": os.urandom(2 * KiB) for i in range(64)}
    body = {"source": {"root": "scratch", "path": src}, "target": {"root": "persistent", "path": dst}}
    first, job = await cancelled_midway(send, api, cancel, monkeypatch, data, body, at_least=16)
    assert first["targetCreated"] is True, first
    out = f"demo/res-{run}/"
    landed = {key[len(out) :] for key in gcs_independent_keys("leap-persistent", out)}
    assert 0 < len(landed) < len(data), "the cancel did not land in the middle"
    assert len(landed) == job["objectsDone"], (landed, job)
    requests_seen.clear()
    again = await finish(await resumed(send, job["id"]))
    assert again["state"] == "done" and again["objectsSkipped"] == len(landed), again
    assert again["objectsDone"] == len(data) and again["source"] == job["source"], again
    for name in landed:
        assert not naming(requests_seen, name), f"{name} was at the target already, yet requested"
    for name in set(data) - landed:
        assert naming(requests_seen, name), f"{name} was missing, yet not copied"
    assert {key[len(out) :] for key in gcs_independent_keys("leap-persistent", out)} == set(data)
    for name, blob in data.items():
        assert gcs_get("leap-persistent", out + name) == blob, name


async def test_resume_of_a_move_moves_the_rest(send, api, finish, cancel, monkeypatch):
    run = uuid.uuid4().hex[:6]
    src, dst = f"demo/mv-{run}/", f"demo/mv-out-{run}/"
    data = {f"f-{i:02d}.bin": os.urandom(2 * KiB) for i in range(64)}  # four rounds of 16 in flight
    body = {"source": {"root": "scratch", "path": src}, "target": {"root": "scratch", "path": dst}, "mode": "move"}
    _, job = await cancelled_midway(send, api, cancel, monkeypatch, data, body, at_least=8)
    out = f"{dst}mv-{run}/"
    moved = {key[len(out) :] for key in gcs_independent_keys("leap-scratch", out)}
    left = {key[len(src) :] for key in gcs_independent_keys("leap-scratch", src)}
    assert moved - left and left - moved, (moved, left)
    # Objects copied whose source is still there (a cancel or kill between the two): one
    # at least, made so where the cancel left none.
    both = moved & left
    if not both:
        both = {sorted(moved)[0]}
        gcs_put("leap-scratch", src + sorted(moved)[0], data[sorted(moved)[0]])
    again = await finish(await resumed(send, job["id"]))
    assert again["state"] == "done" and again["mode"] == "move" and again["objectsSkipped"] == len(both), again
    assert not gcs_independent_keys("leap-scratch", src), "the source should be empty"
    for name, blob in data.items():
        assert gcs_get("leap-scratch", out + name) == blob, name


async def test_resume_errors(send, api, finish):
    status, body = await send("jobs/0123456789ab/resume", {})
    assert status == 404 and body["error"]["code"] == "not-found", body
    run = uuid.uuid4().hex[:6]
    gcs_put("leap-scratch", f"demo/err-{run}/a.txt", b"a")
    done = await finish(
        await started(
            send,
            {
                "source": {"root": "scratch", "path": f"demo/err-{run}/a.txt"},
                "target": {"root": "scratch", "path": f"demo/err-out-{run}/"},
            },
        )
    )
    assert done["state"] == "done", done
    status, body = await send(f"jobs/{done['id']}/resume", {})
    assert status == 409 and body["error"]["code"] == "not-resumable", body
    assert "update" in body["error"]["message"], body
    status, plan = await send("delete/plan", {"root": "scratch", "path": f"demo/err-{run}/"})
    assert status == 200, plan
    for _ in range(100):
        if plan.get("complete", True):
            break
        await asyncio.sleep(0.1)
        status, plan = await api(f"delete/plan/{plan['plan']}")
    status, deleting = await send("delete", {"plan": plan["plan"], "confirm": f"err-{run}"})
    assert status == 202, deleting
    await finish(deleting)
    status, body = await send(f"jobs/{deleting['id']}/resume", {})
    assert status == 409 and body["error"]["code"] == "not-resumable", body
    assert "plan the delete again" in body["error"]["message"], body


def test_resume_after_a_server_restart(tmp_path, toxi):
    """The server killed in the middle of a copy GCS -> S3, started again: the job is
    interrupted, and its resume skips exactly what had landed, as boto3 sees it."""
    run = uuid.uuid4().hex[:6]
    src, dst = f"demo/kill-res-{run}/", f"demo/kill-res-out-{run}/"
    # More objects than transfers.CONCURRENCY (64) move at once: the kill lands mid-job.
    data = {f"f-{i:03d}.bin": os.urandom(50 * KiB) for i in range(160)}
    for name, blob in data.items():
        gcs_put("leap-scratch", src + name, blob)
    toxi.client.add("s3", "latency", stream="upstream", latency=300)
    (tmp_path / "root").mkdir()
    jupyter = JupyterProcess(tmp_path / "root", tmp_path / "state", gcs_endpoint=GCS_PROXY, s3_endpoint=S3_PROXY)
    jupyter.start()
    s3 = s3_client()
    out = f"{dst}kill-res-{run}/"

    def landed() -> set:
        return {o["Key"][len(out) :] for o in s3.list_objects_v2(Bucket=INBOX, Prefix=out).get("Contents", [])}

    try:
        status, job = jupyter.api(
            "POST",
            "transfers",
            {"source": {"root": "scratch", "path": src}, "target": {"root": "osn-inbox", "path": dst}},
        )
        assert status == 202, job
        wait_until(lambda: len(landed()) >= 3, 60, "nothing landed", step=0.02)
        jupyter.kill()
        toxi.client.clear()
        before = landed()
        assert 0 < len(before) < len(data), "the kill did not land in the middle"
        jupyter.start()
        status, old = jupyter.api("GET", f"jobs/{job['id']}")
        assert old["state"] == "failed" and old["error"]["code"] == "interrupted", old
        status, again = jupyter.api("POST", f"jobs/{job['id']}/resume", {})
        assert status == 202, again
        wait_until(lambda: jupyter.api("GET", f"jobs/{again['id']}")[1]["state"] == "done", 60, "no end")
        status, again = jupyter.api("GET", f"jobs/{again['id']}")
    finally:
        jupyter.stop()
    assert again["objectsSkipped"] == len(before) and again["objectsDone"] == len(data), (again, before)
    assert landed() == set(data)
    for name, blob in data.items():
        assert s3.get_object(Bucket=INBOX, Key=out + name)["Body"].read() == blob, name
