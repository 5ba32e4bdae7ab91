"""Deletes under faults (Toxiproxy between our server and the emulators): the storage
service unreachable after the confirmation, connections reset and answers cut in the
middle of the bulk requests, a cancel in the middle. Each job's report is checked against
the bucket as independent clients see it, and against the audit log."""

import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from jupyterlab_leap_buckets import deletes as deletes_module

from .conftest import gcs_independent_keys, gcs_put, s3_client
from .faults import (
    ended,
    plan_all,
    wait_job,
)

INBOX = "leap-pangeo-inbox"


@pytest.fixture
def jp_server_config(proxied_server_config):
    return proxied_server_config


def make_gcs(prefix: str, n: int) -> list:
    keys = [f"{prefix}obj-{i:05d}" for i in range(n)]
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda key: gcs_put("leap-scratch", key, b"x" * 10), keys))
    return keys


def make_s3(prefix: str, n: int) -> list:
    client = s3_client()
    keys = [f"{prefix}obj-{i:05d}" for i in range(n)]
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda key: client.put_object(Bucket=INBOX, Key=key, Body=b"x" * 10), keys))
    time.sleep(1.1)  # moto's times have seconds only: a plan leaves out its own second
    return keys


def s3_keys(prefix: str) -> list:
    client, keys = s3_client(), []
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=INBOX, Prefix=prefix):
        keys += [item["Key"] for item in page.get("Contents", [])]
    return sorted(keys)


def remaining(root: str, prefix: str) -> list:
    """What is under the prefix now, as a client other than ours sees it."""
    return gcs_independent_keys("leap-scratch", prefix) if root == "scratch" else s3_keys(prefix)


def audit_lines(tmp_path) -> list:
    path = tmp_path / "leap-state" / "deletes.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def check_honest_report(job: dict, planned: int, left: list, note_record):
    """What every delete job must say, whatever went wrong: its counts add up to the plan,
    every object it counts deleted is gone, nothing it did not count is claimed gone, and
    its note gives no reason it cannot know."""
    assert job["objectsDone"] + job["objectsSkipped"] + job["objectsFailed"] <= planned
    assert not set(job["completed"]) & set(left), "an object counted deleted is still there"
    assert len(left) <= planned - job["objectsDone"]
    note_record.check("objects counted deleted are gone (independent listing)")
    note = job.get("note") or ""
    assert "created or changed after the plan" not in note, note
    note_record.check("the note claims no reason it does not know")


@pytest.mark.parametrize("root", ["scratch", "osn-inbox"])
async def test_service_unreachable_after_confirmation_fails_the_job_with_counts(
    root, api, send, toxi, quick_retries, fault_case, tmp_path, monkeypatch
):
    """Issue 16, failure 3: the service went away after the confirmation; the job said
    `done`, 200 of 2,600 deleted, objectsFailed 0, and a false note."""
    record = fault_case("delete", f"{root}: service unreachable after the confirmation")
    proxy = "gcs" if root == "scratch" else "s3"
    prefix = f"demo/unreachable-{uuid.uuid4().hex[:6]}/"
    n = 1000 if root == "scratch" else 2600  # 10 GCS batches, 3 S3 batches
    # One batch at a time: the service goes away after the first, before the second.
    monkeypatch.setattr(deletes_module, "PARALLEL_BATCHES", 1)
    keys = make_gcs(prefix, n) if root == "scratch" else make_s3(prefix, n)
    plan = await plan_all(send, api, root, prefix)
    assert plan["objects"] == n
    # Requests reach the service late, so that it can go away after the first batches,
    # taking those on their way with it.
    slow = await toxi.add(proxy, "latency", stream="upstream", latency=300 if root == "scratch" else 1000)
    status, job = await send("delete", {"plan": plan["plan"], "confirm": prefix.split("/")[-2]})
    assert status == 202, job
    job = await wait_job(api, job, lambda j: j["objectsDone"] > 0 or ended(j))
    await toxi.disable(proxy)
    await toxi.remove(proxy, slow)
    job = await wait_job(api, job, ended)
    await toxi.enable(proxy)
    left = remaining(root, prefix)
    assert 0 < job["objectsDone"] < n and left, (job, len(left))
    record.check(f"the service went away after {job['objectsDone']} of {n} deletes")
    assert job["state"] == "failed", job
    assert job["objectsFailed"] > 0 and job["objectsDone"] + job["objectsSkipped"] + job["objectsFailed"] == n, job
    record.check("job failed; done + skipped + failed = planned")
    assert job["error"] and job["error"]["code"] in ("storage-unreachable", "delete-failed"), job["error"]
    assert "plan the delete again" in job["error"]["message"], job["error"]
    assert all(f["message"] for f in job["failed"])
    record.check("an error that says what happened and what to do; each failed object has its reason")
    check_honest_report(job, n, left, record)
    assert set(left) <= set(keys)
    audit = [line for line in audit_lines(tmp_path) if line["job"] == job["id"]]
    assert len(audit) == 1 and audit[0]["state"] == "failed" and audit[0]["failed"] == job["objectsFailed"], audit
    assert audit[0]["owner"] == "demo", audit
    record.check("the audit line says failed, with the counts and the owner")
    record.passed()


@pytest.mark.parametrize(
    "root, toxic, attributes",
    [
        ("scratch", "reset_peer", {"timeout": 0}),
        ("scratch", "limit_data", {"bytes": 2000}),
        ("osn-inbox", "reset_peer", {"timeout": 0}),
        # limit_data on S3 held too (49 s: s3fs's 15 s read timeouts); left out for time.
    ],
)
async def test_bulk_requests_reset_or_cut_in_the_middle_of_a_delete(
    root, toxic, attributes, api, send, toxi, quick_retries, fault_case, tmp_path, monkeypatch
):
    record = fault_case("delete", f"{root}: {toxic} from the second batch on")
    proxy = "gcs" if root == "scratch" else "s3"
    prefix = f"demo/cut-{uuid.uuid4().hex[:6]}/"
    n = 500 if root == "scratch" else 2100
    keys = make_gcs(prefix, n) if root == "scratch" else make_s3(prefix, n)
    plan = await plan_all(send, api, root, prefix)
    monkeypatch.setattr(deletes_module, "PARALLEL_BATCHES", 1)
    slow = await toxi.add(proxy, "latency", stream="upstream", latency=300)
    status, job = await send("delete", {"plan": plan["plan"], "confirm": prefix.split("/")[-2]})
    assert status == 202, job
    job = await wait_job(api, job, lambda j: j["objectsDone"] > 0 or ended(j))
    await toxi.add(proxy, toxic, **attributes)
    await toxi.remove(proxy, slow)
    job = await wait_job(api, job, ended)
    await toxi.clear()
    left = remaining(root, prefix)
    assert set(left) <= set(keys)
    record.check(f"{job['objectsDone']} deleted before the fault; job ended {job['state']}")
    check_honest_report(job, n, left, record)
    if job["state"] == "done":
        assert not left and job["objectsDone"] + job["objectsSkipped"] == n, job
        record.check("done: nothing planned remains")
    else:
        assert job["state"] == "failed" and job["objectsFailed"] > 0, job
        assert job["objectsDone"] + job["objectsSkipped"] + job["objectsFailed"] == n, job
        assert "plan the delete again" in job["error"]["message"], job["error"]
        record.check("failed: done + skipped + failed = planned, with an error saying what to do")
    audit = [line for line in audit_lines(tmp_path) if line["job"] == job["id"]]
    assert len(audit) == 1 and audit[0]["state"] == job["state"], (audit, job["state"])
    record.check("the audit line's state is the job's")
    record.passed()


async def test_a_delete_cancelled_in_the_middle_ends_cancelled_with_exact_counts(
    api, send, jp_fetch, toxi, fault_case, tmp_path, monkeypatch
):
    record = fault_case("delete", "scratch: cancelled in the middle")
    prefix = f"demo/cancel-{uuid.uuid4().hex[:6]}/"
    n = 1000
    keys = make_gcs(prefix, n)
    plan = await plan_all(send, api, "scratch", prefix)
    monkeypatch.setattr(deletes_module, "PARALLEL_BATCHES", 2)
    await toxi.add("gcs", "latency", stream="upstream", latency=200)
    status, job = await send("delete", {"plan": plan["plan"], "confirm": prefix.split("/")[-2]})
    assert status == 202, job
    job = await wait_job(api, job, lambda j: j["objectsDone"] >= 200 or ended(j))
    response = await jp_fetch("leap-buckets", "api", "jobs", job["id"], method="DELETE", raise_error=False)
    assert response.code == 200, response.body
    job = await wait_job(api, job, ended)
    await toxi.clear()
    left = remaining("scratch", prefix)
    assert job["state"] == "cancelled", job
    assert 0 < job["objectsDone"] < n and job["objectsFailed"] == 0, job
    assert job["objectsDone"] + job["objectsSkipped"] == n - len(left), (job, len(left))
    assert set(left) <= set(keys)
    record.check(
        f"cancelled after {job['objectsDone']} of {n}: objectsDone is exactly what is gone (independent listing)"
    )
    assert "cancelled" in job["note"] and "created or changed after the plan" not in job["note"], job["note"]
    record.check("the note says the rest were not reached because of the cancel")
    audit = [line for line in audit_lines(tmp_path) if line["job"] == job["id"]]
    assert len(audit) == 1 and audit[0]["state"] == "cancelled" and audit[0]["deleted"] == job["objectsDone"], audit
    record.check("the audit line says cancelled, with the count deleted")
    record.passed()
