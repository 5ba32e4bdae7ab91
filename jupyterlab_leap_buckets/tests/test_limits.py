"""Limits a user meets through the API: jobs queued or running and uploads open at once.
Beyond them POST transfers and POST uploads answer 429 `too-many-jobs` with what to do,
start nothing, and there is room again once a job ends."""

import uuid

from jupyterlab_leap_buckets import jobs as jobs_module
from jupyterlab_leap_buckets import uploads as uploads_module

from .conftest import gcs_get, gcs_independent_keys


def unique():
    return f"demo/limits-{uuid.uuid4().hex[:8]}/"


def upload_body(folder, name, size=10):
    return {"target": {"root": "scratch", "path": folder}, "name": name, "size": size}


async def test_jobs_beyond_the_limit_get_429_and_start_nothing(send, post, api, finish, jp_fetch, monkeypatch):
    monkeypatch.setattr(jobs_module, "MAX_ACTIVE", 2)
    folder = unique()
    # Two uploads waiting for their bytes: two running jobs.
    waiting = []
    for name in ("a.txt", "b.txt"):
        status, job = await send("uploads", upload_body(folder, name))
        assert status == 202, job
        waiting.append(job)
    copy = {
        "source": {"root": "scratch", "path": "demo/results/tiny.txt"},
        "target": {"root": "scratch", "path": folder},
    }
    status, body = await post(copy)
    assert (status, body["error"]["code"]) == (429, "too-many-jobs"), body
    message = body["error"]["message"]
    assert "2 jobs" in message and "wait" in message and "cancel" in message, message
    status, body = await send("uploads", upload_body(folder, "c.txt"))
    assert (status, body["error"]["code"]) == (429, "too-many-jobs"), body
    status, listed = await api("jobs")
    assert len(listed["jobs"]) == 2, "a refused request started no job"

    await jp_fetch("leap-buckets", "api", "jobs", waiting[0]["id"], method="DELETE")
    status, job = await post(copy)
    assert status == 202, job
    assert (await finish(job))["state"] == "done"
    status, body = await send(f"uploads/{waiting[1]['id']}", b"0123456789", method="PUT", offset="0")
    assert status == 200, body
    assert (await finish(waiting[1]))["state"] == "done"
    assert sorted(gcs_independent_keys("leap-scratch", folder)) == [folder + "b.txt", folder + "tiny.txt"]


async def test_uploads_open_beyond_the_limit_get_429(send, finish, monkeypatch):
    monkeypatch.setattr(uploads_module, "MAX_SESSIONS", 2)
    folder = unique()
    opened = []
    for name in ("a.txt", "b.txt"):
        status, job = await send("uploads", upload_body(folder, name))
        assert status == 202, job
        opened.append(job)
    status, body = await send("uploads", upload_body(folder, "c.txt"))
    assert (status, body["error"]["code"]) == (429, "too-many-jobs"), body
    assert "2 uploads open" in body["error"]["message"], body
    # One upload whole and verified: its session closes, and there is room again.
    status, body = await send(f"uploads/{opened[0]['id']}", b"0123456789", method="PUT", offset="0")
    assert status == 200, body
    assert (await finish(opened[0]))["state"] == "done"
    status, job = await send("uploads", upload_body(folder, "c.txt", 3))
    assert status == 202, job
    status, body = await send(f"uploads/{job['id']}", b"abc", method="PUT", offset="0")
    assert status == 200, body
    assert (await finish(job))["state"] == "done"
    assert gcs_get("leap-scratch", folder + "c.txt") == b"abc"


def test_the_default_limits_leave_room_for_a_busy_user():
    # The load test (test_load.py) runs 20 transfers at once; the panel uploads 3 files at a time.
    assert jobs_module.MAX_ACTIVE >= 20 and uploads_module.MAX_SESSIONS >= 3
    assert uploads_module.MAX_PUT >= 8 * 1024 * 1024  # the panel's chunk (src/uploads.ts)
