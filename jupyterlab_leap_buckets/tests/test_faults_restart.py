"""The Jupyter server killed with SIGKILL in the middle of a transfer and of a delete (run
as a process of its own, its requests slowed by Toxiproxy so that the kill lands in the
middle), then started again on the same state: `GET jobs` shows the job `failed` with code
`interrupted`, and the buckets, read by clients other than ours, hold nothing partial:
each object is in exactly one place, whole, or in both for an interrupted move."""

import os
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from .conftest import gcs_get, gcs_independent_keys, gcs_put, s3_client
from .faults import (
    GCS_PROXY,
    S3_PROXY,
    JupyterProcess,
    wait_until,
)

INBOX = "leap-pangeo-inbox"
KiB = 1024


def server(tmp_path) -> JupyterProcess:
    (tmp_path / "root").mkdir(exist_ok=True)
    return JupyterProcess(tmp_path / "root", tmp_path / "state", gcs_endpoint=GCS_PROXY, s3_endpoint=S3_PROXY)


def job_of(jupyter, job_id) -> dict:
    status, job = jupyter.api("GET", f"jobs/{job_id}")
    assert status == 200, job
    return job


def until_job(jupyter, job_id, condition, timeout=60) -> dict:
    found = {}

    def check():
        found["job"] = job_of(jupyter, job_id)
        return condition(found["job"])

    wait_until(check, timeout, f"the job did not get there: {found.get('job')}", step=0.02)
    return found["job"]


def restarted_and_interrupted(jupyter, job_id, record) -> dict:
    jupyter.start()
    status, body = jupyter.api("GET", "jobs")
    assert status == 200, body
    job = next(j for j in body["jobs"] if j["id"] == job_id)
    assert job["state"] == "failed" and job["error"]["code"] == "interrupted", job
    record.check("after the restart GET jobs shows it failed, code interrupted")
    return job


def test_server_killed_in_the_middle_of_a_move_gcs_to_s3(tmp_path, toxi, fault_case):
    record = fault_case("server killed", "SIGKILL in the middle of a move GCS to S3")
    run = uuid.uuid4().hex[:6]
    src, dst = f"demo/kill-src-{run}/folder/", f"demo/kill-dst-{run}/"
    # More objects than a job keeps in flight (transfers.CONCURRENCY, 64): the kill lands
    # while later ones still wait their turn.
    data = {f"f-{i:03d}.bin": os.urandom(100 * KiB) for i in range(160)}
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda item: gcs_put("leap-scratch", src + item[0], item[1]), data.items()))
    toxi.client.add("s3", "latency", stream="upstream", latency=300)
    jupyter = server(tmp_path).start()
    try:
        status, job = jupyter.api(
            "POST",
            "transfers",
            {
                "source": {"root": "scratch", "path": src},
                "target": {"root": "osn-inbox", "path": dst},
                "mode": "move",
            },
        )
        assert status == 202, job
        job = until_job(jupyter, job["id"], lambda j: j["objectsDone"] >= 3)
        jupyter.kill()
        record.check(f"killed after {job['objectsDone']} of {len(data)} objects")
        toxi.client.clear()
        job = restarted_and_interrupted(jupyter, job["id"], record)
    finally:
        jupyter.stop()
    s3 = s3_client()
    at_target = {
        item["Key"][len(dst + "folder/") :] for item in s3.list_objects_v2(Bucket=INBOX, Prefix=dst).get("Contents", [])
    }
    at_source = {key[len(src) :] for key in gcs_independent_keys("leap-scratch", src)}
    assert at_target <= set(data), at_target - set(data)
    for name in at_target:
        assert s3.get_object(Bucket=INBOX, Key=dst + "folder/" + name)["Body"].read() == data[name], name
    for name in at_source:
        assert gcs_get("leap-scratch", src + name) == data[name], name
    assert at_source | at_target == set(data), "an object is in neither place"
    assert 0 < len(at_target) < len(data), "the kill did not land in the middle"
    record.check(
        f"every object in exactly one place or both, whole ({len(at_source - at_target)} source only, "
        f"{len(at_source & at_target)} both, {len(at_target - at_source)} moved)"
    )
    unfinished = s3.list_multipart_uploads(Bucket=INBOX, Prefix=dst).get("Uploads", [])
    assert not unfinished, unfinished
    record.check("no unfinished multipart upload at the target")
    record.passed()


def test_server_killed_in_the_middle_of_a_delete(tmp_path, toxi, fault_case):
    record = fault_case("server killed", "SIGKILL in the middle of a delete (GCS)")
    prefix = f"demo/kill-del-{uuid.uuid4().hex[:6]}/"
    # 20 batches of 100, 8 in flight: a kill after the first leaves some never sent
    # (with 1,000, every batch could be on its way before the kill on a loaded machine).
    keys = [f"{prefix}obj-{i:05d}" for i in range(2000)]
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda key: gcs_put("leap-scratch", key, key.encode()), keys))
    jupyter = server(tmp_path).start()
    try:
        status, plan = jupyter.api("POST", "delete/plan", {"root": "scratch", "path": prefix})
        assert status == 200, plan
        wait_until(
            lambda: jupyter.api("GET", f"delete/plan/{plan['plan']}")[1]["complete"], 30, "the plan did not complete"
        )
        toxi.client.add("gcs", "latency", stream="upstream", latency=500)
        status, job = jupyter.api("POST", "delete", {"plan": plan["plan"], "confirm": prefix.split("/")[-2]})
        assert status == 202, job
        job = until_job(jupyter, job["id"], lambda j: j["objectsDone"] >= 100)
        jupyter.kill()
        record.check(f"killed after {job['objectsDone']} of 2000 deletes")
        time.sleep(0.6)  # what was on its way through the proxy arrives, or not
        toxi.client.clear()
        job = restarted_and_interrupted(jupyter, job["id"], record)
    finally:
        jupyter.stop()
    left = gcs_independent_keys("leap-scratch", prefix)
    assert set(left) <= set(keys) and 0 < len(left) < len(keys), len(left)
    assert not set(job["completed"]) & set(left), "an object the job counted deleted is there"
    for key in left[:50]:
        assert gcs_get("leap-scratch", key) == key.encode()
    record.check(f"{len(left)} of 2000 remain, each whole; none the job counted deleted")
    record.passed()
