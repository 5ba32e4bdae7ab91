"""Jobs survive a server restart, and those that were running come back as interrupted."""

import asyncio
import json

from jupyterlab_leap_buckets.jobs import JobStore


def test_running_jobs_come_back_interrupted_never_done(tmp_path):
    path = tmp_path / "jobs.json"
    saved = [
        {"id": "a1", "kind": "transfer", "label": "Copy x", "state": "running", "objectsDone": 3, "objectsTotal": 10},
        {"id": "b2", "kind": "transfer", "label": "Copy y", "state": "done", "objectsDone": 1, "objectsTotal": 1},
        {"id": "c3", "kind": "transfer", "label": "Copy z", "state": "queued"},
    ]
    path.write_text(json.dumps(saved))
    store = JobStore(path)
    assert store.get("a1").state == "failed" and store.get("a1").error["code"] == "interrupted"
    assert store.get("c3").state == "failed"
    assert store.get("b2").state == "done"
    # and that is what is on disk now
    again = {job["id"]: job for job in json.loads(path.read_text())}
    assert again["a1"]["state"] == "failed" and again["a1"]["objectsDone"] == 3


def test_finished_jobs_are_saved(tmp_path):
    path = tmp_path / "jobs.json"

    async def scenario():
        store = JobStore(path)

        async def work(job):
            job.objectsTotal = 2
            job.objectsDone = 2

        job = store.start("transfer", "Copy", work)
        await store.wait(job.id)
        return job.id

    job_id = asyncio.run(scenario())
    reloaded = JobStore(path).get(job_id)
    assert reloaded.state == "done" and reloaded.objectsDone == 2 and reloaded.endedAt
