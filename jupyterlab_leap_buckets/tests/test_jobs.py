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


def test_records_of_another_version_never_stop_the_extension_from_loading(tmp_path):
    """A jobs.json written by a newer version (a field this one does not know) or a broken
    record: the rest is read, the extension loads (it used to fail with a TypeError)."""
    path = tmp_path / "jobs.json"
    saved = [
        {"id": "n1", "kind": "transfer", "label": "Copy x", "state": "done", "objectsDone": 1, "resumedFrom": "a"},
        {"id": "bad", "kind": "transfer"},  # no label or state
        {"id": "ok", "kind": "delete", "label": "Delete y", "state": "failed"},
    ]
    path.write_text(json.dumps(saved))
    store = JobStore(path)
    assert store.get("n1").state == "done" and store.get("ok").state == "failed"
    assert {job.id for job in store.list()} == {"n1", "ok"}


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


def test_jobs_beyond_the_limit_are_refused_with_429():
    """At most MAX_ACTIVE jobs queued or running, of every kind: the next is refused with
    429 `too-many-jobs` and a sentence saying what to do; a cancel makes room again."""
    from jupyterlab_leap_buckets import jobs as jobs_module
    from jupyterlab_leap_buckets.errors import ApiError

    async def scenario():
        release = asyncio.Event()

        async def work(job):
            await release.wait()

        limit = getattr(jobs_module, "MAX_ACTIVE", 32)
        assert limit >= 20  # room for the load test's 20 (test_load.py)
        store = JobStore(None)  # the default limit
        started = [store.start("transfer", f"Copy {i}", work) for i in range(limit)]
        for kind in ("transfer", "delete"):
            try:
                store.start(kind, "One more", work)
            except ApiError as err:
                refused = err
            else:
                raise AssertionError(f"a {kind} job beyond the limit was started")
            assert (refused.status, refused.code) == (429, "too-many-jobs")
            assert "wait" in refused.message and "cancel" in refused.message, refused.message
        assert len(store.jobs) == limit
        # Cancelled before its task took a step (it never entered JobStore._run), and
        # cancelled while running: both end, and make room.
        store.cancel(started[0].id)
        await store.wait(started[0].id)
        assert started[0].state == "cancelled" and started[0].endedAt
        assert started[1].state == "running"
        store.cancel(started[1].id)
        await store.wait(started[1].id)
        assert started[1].state == "cancelled"
        store.start("delete", "Now there is room", work)
        store.start("delete", "And for one more", work)
        release.set()
        for job in list(store.jobs.values()):
            await store.wait(job.id)
        assert store.active() == 0

        small = JobStore(None, max_active=2)  # configurable per store
        small.start("transfer", "a", work)
        small.start("transfer", "b", work)
        try:
            small.start("transfer", "c", work)
            raise AssertionError("a third job started with max_active=2")
        except ApiError as err:
            assert err.code == "too-many-jobs" and "2 jobs" in err.message

    asyncio.run(scenario())


def test_finished_jobs_are_pruned_in_memory_not_only_on_disk(tmp_path, monkeypatch):
    """A server that runs for months keeps KEEP_FINISHED finished jobs, the latest to end,
    in memory as on disk (it used to keep every job it ever ran in memory)."""
    from jupyterlab_leap_buckets import jobs as jobs_module

    monkeypatch.setattr(jobs_module, "KEEP_FINISHED", 5)
    path = tmp_path / "jobs.json"

    async def scenario():
        store = JobStore(path)
        release = asyncio.Event()

        async def slow(job):
            await release.wait()

        async def quick(job):
            job.objectsDone = 1

        long_one = store.start("transfer", "Copy a lot", slow)  # started first, ends last
        quick_ones = []
        for i in range(12):
            job = store.start("transfer", f"Copy {i}", quick)
            await store.wait(job.id)
            quick_ones.append(job.id)
        assert len(store.jobs) == 6  # the running one and five finished
        release.set()
        await store.wait(long_one.id)
        kept = {job.id for job in store.list()}
        assert kept == {long_one.id, *quick_ones[-4:]}, "the latest to end are kept"
        assert set(store.jobs) == kept and len(store._started) <= 5
        try:
            store.get(quick_ones[0])
            raise AssertionError("a pruned job is still served")
        except Exception as err:  # noqa: BLE001
            assert getattr(err, "status", None) == 404
        return kept

    kept = asyncio.run(scenario())
    assert {job["id"] for job in json.loads(path.read_text())} == kept

    # A saved file with more than that (an older version's, or a lowered limit) is cut on load.
    many = [
        {
            "id": f"j{i:03d}",
            "kind": "transfer",
            "label": "Copy",
            "state": "done",
            "startedAt": f"2026-01-01T00:{i // 60:02d}:{i % 60:02d}Z",
            "endedAt": f"2026-01-01T01:{i // 60:02d}:{i % 60:02d}Z",
        }
        for i in range(30)
    ]
    path.write_text(json.dumps(many))
    store = JobStore(path)
    assert sorted(store.jobs) == [f"j{i:03d}" for i in range(25, 30)]
    assert len(json.loads(path.read_text())) == 5
