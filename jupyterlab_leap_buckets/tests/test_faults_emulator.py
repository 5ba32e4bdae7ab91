"""The storage service itself killed (SIGKILL) and started again in the middle of a job:
a folder transfer (GCS to S3, S3 to GCS, a bucket to the disk; copies and moves), a
delete (GCS and S3), and a listing page (GCS and S3). Each test starts emulators of its
module's own, on free ports (never the stack's: killing those would break the other
tests), points the in-process Jupyter server at them, kills one when the job is under
way and starts it again on the same port and data, then checks with clients other than
ours (requests on the JSON API, boto3, the disk) what the job says against what is in the buckets.

- fake-gcs-server's filesystem backend keeps its objects across the restart (an object is
  written to a temporary file and renamed), but not its resumable upload sessions.
- moto keeps nothing: after its restart the test creates the bucket again. Where moto is
  the source it puts back the source objects the job still needed (those without a whole
  copy at the target; for a delete, every planned object: as new objects, written after
  the plan, none of which the delete may remove). Where moto is the target, what it lost
  is known from the job's `completed` read after moto is up again and before its bucket
  exists (nothing can land then): those objects were verified before the kill and lost
  by the emulator, not by the job.
- The kill lands in the middle by polling the job (transfers, a few objects at a time) or
  20 ms after a bulk delete request is sent (deletes), so it cuts a request the emulator
  is working through.
"""

import asyncio
import json
import os
import subprocess
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3
import pytest
import requests

from jupyterlab_leap_buckets import deletes as deletes_module
from jupyterlab_leap_buckets import transfers as transfers_module

from .conftest import REPO, extension_config
from .faults import (
    Process,
    ended,
    free_port,
    plan_all,
    wait_job,
    wait_until,
)

SCRATCH, PERSISTENT, INBOX = "leap-scratch", "leap-persistent", "leap-pangeo-inbox"
KiB, MiB = 1024, 1024 * 1024
FAKE_GCS = REPO / ".stack" / "bin" / "fake-gcs-server"
MOTO = REPO / ".venv" / "bin" / "moto_server"


class Emulator(Process):
    """One emulator process of this module's own: `start` (again on the same port and, for
    fake-gcs-server, the same data folder), `kill` (SIGKILL: nothing is flushed or told)."""

    def __init__(self, kind: str, folder: Path):
        self.kind, self.port = kind, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data = folder / f"{kind}-data"
        self.log = folder / f"{kind}-{self.port}.log"
        self.proc = None

    def command(self) -> list:
        if self.kind == "gcs":
            return [
                str(FAKE_GCS),
                "-scheme",
                "http",
                "-host",
                "127.0.0.1",
                "-port",
                str(self.port),
                "-public-host",
                f"127.0.0.1:{self.port}",
                "-backend",
                "filesystem",
                "-filesystem-root",
                str(self.data),
                "-log-level",
                "warn",
            ]
        return [str(MOTO), "-H", "127.0.0.1", "-p", str(self.port)]

    def answers(self) -> bool:
        probe = f"{self.url}/storage/v1/b" if self.kind == "gcs" else self.url
        return requests.get(probe, timeout=2).status_code < 500

    def launch(self):
        """The process, (again) on the same port and data; it makes no bucket."""
        self.data.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                self.command(), stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "GOMEMLIMIT": "1GiB"}
            )
        wait_until(self.answers, 30, f"{self.kind} emulator on {self.port} did not answer (log: {self.log})", step=0.05)

    def start(self):
        self.launch()
        if self.kind == "gcs":
            for bucket in (SCRATCH, PERSISTENT):
                requests.post(f"{self.url}/storage/v1/b?project=leap", json={"name": bucket}, timeout=10)
        else:
            self.client().create_bucket(Bucket=INBOX)

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            region_name="us-east-1",
        )


@pytest.fixture(scope="module")
def own(tmp_path_factory):
    """fake-gcs-server and moto of this module's own, on free ports."""
    folder = tmp_path_factory.mktemp("own-emulators")
    gcs, s3 = Emulator("gcs", folder), Emulator("s3", folder)
    try:
        gcs.start()
        s3.start()
        yield {"gcs": gcs, "s3": s3}
    finally:
        gcs.stop()
        s3.stop()


@pytest.fixture
def jp_server_config(tmp_path, own):
    return extension_config(
        gcs_endpoint=own["gcs"].url,
        s3_endpoint=own["s3"].url,
        state_dir=str(tmp_path / "leap-state"),
        root_overrides={"osn-inbox": {"deletable": "{username}/"}},
    )


# -- independent clients of the own emulators ------------------------------------------


class Side:
    """A folder in a bucket of the own emulators, or on the disk, read and written without
    our server: GCS through its JSON API with requests, S3 with boto3."""

    def __init__(self, kind: str, own: dict, prefix: str, disk: Path = None, bucket: str = None):
        self.kind, self.prefix, self.disk = kind, prefix, disk
        self.gcs_url = own["gcs"].url
        self.s3 = own["s3"].client()
        self.bucket = bucket or (SCRATCH if kind == "gcs" else INBOX)

    def place(self) -> dict:
        if self.kind == "disk":
            return {"local": self.prefix}
        root = {SCRATCH: "scratch", PERSISTENT: "persistent", INBOX: "osn-inbox"}[self.bucket]
        return {"root": root, "path": self.prefix}

    def put(self, data: dict, prefix: str = None):
        prefix = self.prefix if prefix is None else prefix

        def one(item):
            name, body = item
            if self.kind == "gcs":
                quoted = urllib.parse.quote(prefix + name, safe="")
                requests.post(
                    f"{self.gcs_url}/upload/storage/v1/b/{self.bucket}/o?uploadType=media&name={quoted}",
                    data=body,
                    timeout=30,
                ).raise_for_status()
            else:
                self.s3.put_object(Bucket=self.bucket, Key=prefix + name, Body=body)

        with ThreadPoolExecutor(8) as pool:
            list(pool.map(one, data.items()))

    def names(self, prefix: str = None) -> list:
        """Every object's name under the prefix (relative to it)."""
        prefix = self.prefix if prefix is None else prefix
        if self.kind == "gcs":
            names, token = [], None
            while True:
                params = {"prefix": prefix, "maxResults": 1000, **({"pageToken": token} if token else {})}
                response = requests.get(f"{self.gcs_url}/storage/v1/b/{self.bucket}/o", params=params, timeout=30)
                response.raise_for_status()
                body = response.json()
                names += [item["name"][len(prefix) :] for item in body.get("items", [])]
                token = body.get("nextPageToken")
                if not token:
                    return sorted(names)
        if self.kind == "s3":
            keys = []
            for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix):
                keys += [item["Key"][len(prefix) :] for item in page.get("Contents", [])]
            return sorted(keys)
        root = self.disk / prefix
        return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []

    def get(self, name: str, prefix: str = None) -> bytes:
        key = (self.prefix if prefix is None else prefix) + name
        if self.kind == "gcs":
            quoted = urllib.parse.quote(key, safe="")
            response = requests.get(f"{self.gcs_url}/storage/v1/b/{self.bucket}/o/{quoted}?alt=media", timeout=30)
            response.raise_for_status()
            return response.content
        if self.kind == "s3":
            return self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        return (self.disk / key).read_bytes()

    def unfinished_uploads(self) -> list:
        if self.kind == "s3":
            return self.s3.list_multipart_uploads(Bucket=self.bucket, Prefix=self.prefix).get("Uploads", [])
        return []

    def whole(self, data: dict, prefix_in_data: str = "") -> set:
        """Names (of `data`) whose object here is whole; asserts nothing else is here."""
        here = self.names()
        extra = [n for n in here if not (n.startswith(prefix_in_data) and n[len(prefix_in_data) :] in data)]
        assert not extra, f"at {self.kind}:{self.prefix} but no source object's copy (partial?): {extra}"
        for n in here:
            assert self.get(n) == data[n[len(prefix_in_data) :]], f"{self.kind}:{self.prefix}{n} is not whole"
        return {n[len(prefix_in_data) :] for n in here}


# -- transfers -----------------------------------------------------------------------


def transfer_data() -> dict:
    """Small objects (one request each) and one above a chunk (S3 multipart, GCS resumable)."""
    data = {f"small-{i:02d}.bin": os.urandom(128 * KiB) for i in range(30)}
    data["large-0.bin"] = os.urandom(12 * MiB)
    return data


CASES = [
    # (source, target, mode, the emulator killed)
    ("gcs", "s3", "copy", "s3"),
    ("gcs", "s3", "move", "gcs"),
    ("gcs", "s3", "move", "s3"),
    ("s3", "gcs", "copy", "gcs"),
    ("s3", "gcs", "move", "gcs"),
    ("s3", "gcs", "move", "s3"),
    ("gcs", "disk", "copy", "gcs"),
    ("gcs", "disk", "move", "gcs"),
]


@pytest.mark.parametrize("case", CASES, ids=[f"{a}-to-{b}-{m}-kill-{k}" for a, b, m, k in CASES])
async def test_emulator_killed_and_restarted_in_the_middle_of_a_transfer(
    case, own, api, send, fault_case, jp_root_dir, monkeypatch
):
    src, dst, mode, victim = case
    record = fault_case(
        "emulator killed", f"{src} to {dst} {mode}: the {victim} emulator SIGKILLed and restarted in the middle"
    )
    # A few objects at a time, so that the kill finds the job in the middle on fast loopback.
    monkeypatch.setattr(transfers_module, "CONCURRENCY", 3)
    monkeypatch.setattr(transfers_module, "LARGE_CONCURRENCY", 1)
    run = uuid.uuid4().hex[:6]
    data, name = transfer_data(), f"folder-{run}"
    source = Side(src, own, f"demo/emu-src-{run}/{name}/")
    target = Side(
        dst,
        own,
        f"demo/emu-dst-{run}/" if dst != "disk" else f"emu-dst-{run}/",
        disk=Path(jp_root_dir),
        bucket=PERSISTENT if dst == "gcs" else None,
    )
    inner = f"{name}/"  # the source folder arrives under its own name
    siblings = {f"{name}-sibling.bin": b"sibling", f"{name}2/x.bin": b"neighbour"}  # outside the source folder
    await asyncio.to_thread(source.put, data)
    await asyncio.to_thread(source.put, siblings, f"demo/emu-src-{run}/")
    if dst == "disk":
        (Path(jp_root_dir) / target.prefix).mkdir(parents=True)

    status, job = await send(
        "transfers", {"source": source.place(), "target": target.place(), "mode": mode, "conflict": "fail"}
    )
    assert status == 202, job
    job = await wait_job(api, job, lambda j: j["objectsDone"] >= 4 or ended(j))
    assert not ended(job), f"the transfer ended before the kill: {job}"
    emulator = own[victim]
    emulator.kill()
    record.check(f"the {victim} emulator killed after {job['objectsDone']} of {len(data)} objects")
    await asyncio.to_thread(emulator.launch)
    lost = set()
    if victim == "s3":
        # moto is up again, empty, without the bucket: nothing can land or be read until
        # it exists. What the job verified until now is what moto lost at the target.
        status, snapshot = await api(f"jobs/{job['id']}")
        assert status == 200
        if dst == "s3":
            lost = {path[len(target.prefix + inner) :] for path in snapshot["completed"]}
        await asyncio.to_thread(emulator.client().create_bucket, Bucket=INBOX)
        if src == "s3":
            # Put back what the source must still hold: each object without a whole copy
            # at the target (the others may have been moved already), and the neighbours.
            landed = await asyncio.to_thread(target.whole, data, inner)
            await asyncio.to_thread(source.put, {n: b for n, b in data.items() if n not in landed})
            await asyncio.to_thread(source.put, siblings, f"demo/emu-src-{run}/")
            record.check(
                f"moto restarted empty: the bucket made again, {len(data) - len(landed)} source objects without a "
                "copy put back"
            )
        else:
            record.check(
                f"moto restarted empty: the bucket made again; {len(lost)} objects verified before the kill were "
                "lost with it"
            )
    else:
        record.check("fake-gcs-server restarted on its data folder")
    job = await wait_job(api, job, ended)
    record.check(
        f"the job ended {job['state']}: {job['objectsDone']} done, {job['objectsFailed']} failed of "
        f"{job['objectsTotal']}; error {(job['error'] or {}).get('code')}"
    )

    # What is at the target is whole (read back independently); no unfinished upload.
    landed = target.whole(data, inner)
    assert not target.unfinished_uploads()
    record.check(f"all {len(landed)} objects at the target whole, nothing partial, no unfinished multipart upload")
    left = set(source.whole(data))
    assert sorted(Side(src, own, f"demo/emu-src-{run}/").names()) == sorted(
        [inner + n for n in left] + list(siblings)
    ), "an object outside the source folder was touched"
    record.check("the objects next to the source folder are still there")
    # The job's state says what happened.
    if job["state"] == "done":
        assert job["objectsFailed"] == 0 and job["objectsDone"] == job["objectsTotal"] == len(data), job
        assert landed | lost == set(data), (sorted(set(data) - landed - lost), job)
        record.check("done: every object landed (or was verified before moto lost it)")
    else:
        assert job["state"] == "failed", job
        assert job["error"] and job["error"]["message"], job
        assert job["objectsFailed"] > 0 or job["objectsDone"] < len(data), job
        assert all(f["message"] for f in job["failed"]), job["failed"]
        if job["objectsTotal"] == len(data):
            assert job["objectsDone"] + job["objectsFailed"] == len(data), job
        record.check("failed, with counts that add up and a reason for each failed object")
        if job["failed"]:
            first = job["failed"][0]
            record.check(f"e.g. {first['path'].rsplit('/', 1)[-1]}: {first['code']}: {first['message'][:160]}")
    completed = {path[len(target.prefix + inner) :] for path in job["completed"]}
    assert completed <= landed | lost, f"counted done but not at the target: {sorted(completed - landed - lost)}"
    record.check("each object the job counts done is at the target, whole")
    if mode == "move":
        gone = set(data) - left
        assert gone <= landed | lost, f"a source was deleted without its verified copy: {sorted(gone - landed - lost)}"
        assert left | landed | lost == set(data), "an object is in neither place"
        record.check(
            f"move: every object in one verified place or both ({len(gone)} moved, "
            f"{len(left & landed)} in both, {len(left - landed)} only at the source)"
        )
    else:
        assert left == set(data), sorted(set(data) - left)
        record.check("copy: every source object is still there")
    record.passed()


# -- deletes -------------------------------------------------------------------------


def kill_during(
    monkeypatch, cls, method_name: str, matches, emulator: Emulator, nth: int, delay: float
) -> asyncio.Event:
    """Wrap the library's request method `cls.method_name` so that `delay` seconds after the
    `nth` request that `matches` is sent, the emulator is SIGKILLed: the bulk request is on
    its way (the emulator is working through it) when the process dies. The returned
    event is set once it has."""
    original, seen, killed = getattr(cls, method_name), [], asyncio.Event()

    def kill():
        emulator.kill()
        killed.set()

    async def wrapper(self, *args, **kwargs):
        if matches(self, *args, **kwargs):
            seen.append(1)
            if len(seen) == nth:
                asyncio.get_running_loop().call_later(delay, kill)
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(cls, method_name, wrapper)
    return killed


def audit_lines(tmp_path, job_id) -> list:
    path = tmp_path / "leap-state" / "deletes.jsonl"
    lines = [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []
    return [line for line in lines if line["job"] == job_id]


def check_delete_report(job: dict, planned: int, record):
    """What a delete job must say, whatever happened: failed with counts that add up to the
    plan and an error that says what to do, or done only when each planned object was
    deleted or skipped on purpose."""
    handled = job["objectsDone"] + job["objectsSkipped"] + job["objectsFailed"]
    if job["state"] == "done":
        assert handled == planned and job["objectsFailed"] == 0, job
        record.check(f"done: {job['objectsDone']} deleted + {job['objectsSkipped']} skipped = {planned} planned")
    else:
        assert job["state"] == "failed", job
        assert handled == planned and job["objectsFailed"] > 0, job
        assert "plan the delete again" in job["error"]["message"], job["error"]
        assert all(f["message"] for f in job["failed"]), job["failed"]
        record.check(
            f"failed: {job['objectsDone']} deleted + {job['objectsSkipped']} skipped + "
            f"{job['objectsFailed']} failed = {planned} planned; error {job['error']['code']}"
        )
    note = job.get("note") or ""
    assert "created or changed after the plan" not in note, note


async def test_gcs_emulator_killed_and_restarted_in_the_middle_of_a_delete(
    own, api, send, fault_case, tmp_path, monkeypatch
):
    """fake-gcs-server killed while it works through the third batch request of 100 deletes,
    and started again on its data: the objects it kept are the planned ones not deleted,
    an object rewritten after the plan and one written after it under the same path."""
    from jupyterlab_leap_buckets.storage import bulk_delete

    record = fault_case("emulator killed", "delete on GCS: fake-gcs-server SIGKILLed in a batch request and restarted")
    monkeypatch.setattr(deletes_module, "PARALLEL_BATCHES", 1)
    run = uuid.uuid4().hex[:6]
    prefix = f"demo/emu-del-{run}/"
    side = Side("gcs", own, prefix)
    n = 800
    planned = {f"obj-{i:05d}": f"planned {i}".encode() for i in range(n)}
    outside = {
        f"demo/emu-del-{run}-sibling/a": b"sibling",
        f"demo/emu-del-{run}x": b"prefix-sharing",
        f"demo/keep-{run}.txt": b"home",
    }
    await asyncio.to_thread(side.put, planned)
    await asyncio.to_thread(side.put, outside, "")
    plan = await plan_all(send, api, "scratch", prefix)
    assert plan["objects"] == n, plan
    # After the plan: one planned object rewritten (a new generation), one new object.
    later = {"obj-00750": b"rewritten after the plan", "newer.bin": b"written after the plan"}
    await asyncio.to_thread(side.put, later)
    gcs = own["gcs"]
    # Batch requests go out through bulk_delete._post_batch (their own retries, not gcsfs's).
    killed = kill_during(monkeypatch, bulk_delete, "_post_batch", lambda store, body: True, gcs, nth=3, delay=0.02)
    status, job = await send("delete", {"plan": plan["plan"], "confirm": prefix.split("/")[-2]})
    assert status == 202, job
    await asyncio.wait_for(killed.wait(), 60)
    status, at_kill = await api(f"jobs/{job['id']}")
    record.check(f"fake-gcs-server killed 20 ms into the third batch request ({at_kill['objectsDone']} of {n} deleted)")
    await asyncio.to_thread(gcs.launch)
    job = await wait_job(api, job, ended)
    record.check(
        f"restarted on its data; the job ended {job['state']} ({job['objectsDone']} deleted, "
        f"{job['objectsSkipped']} skipped, {job['objectsFailed']} failed)"
    )
    check_delete_report(job, n, record)

    left = set(side.names())
    assert left <= set(planned) | set(later), sorted(left - set(planned) - set(later))
    for name in later:
        assert name in left and side.get(name) == later[name], name
    for key, body in outside.items():
        assert side.get(key, "") == body, key
    record.check(
        "the object rewritten after the plan, the one written after it and those outside the path are all there, whole"
    )
    assert not {c[len(prefix) :] for c in job["completed"]} & left, "an object counted deleted is there"
    left_planned = left & set(planned) - {"obj-00750"}
    assert len(left_planned) <= n - job["objectsDone"], (len(left_planned), job)
    for name in sorted(left_planned)[:100]:
        assert side.get(name) == planned[name], name
    record.check(f"{len(left_planned)} planned objects remain, whole; none of those counted deleted")
    gone = n - 1 - len(left_planned)  # planned objects deleted (the rewritten one stays)
    assert job["objectsDone"] <= gone, (job, gone)
    # The cut batch request is sent again by gcsfs's retries: what the emulator deleted
    # before it died answers 404 then, and is counted skipped ("changed or removed since
    # the plan"), never deleted twice and never counted deleted when it was not.
    record.check(
        f"objectsDone ({job['objectsDone']}) is no more than the planned objects gone ({gone}); "
        f"{gone - job['objectsDone']} deleted by the cut request before the kill are counted skipped"
    )
    if job["state"] == "done":
        assert left == set(later), sorted(left)
        record.check("done: nothing planned remains but the rewritten object")
    audit = audit_lines(tmp_path, job["id"])
    assert len(audit) == 1 and audit[0]["state"] == job["state"] and audit[0]["deleted"] == job["objectsDone"], audit
    record.check("the audit line has the job's state and count")
    record.passed()


async def test_s3_emulator_killed_and_restarted_in_the_middle_of_a_delete(
    own, api, send, fault_case, tmp_path, monkeypatch
):
    """moto killed 20 ms into the first DeleteObjects (1,000 keys), and started again: it
    comes back empty. The test makes the bucket again and puts back, as new objects
    written after the plan, 100 keys of the cut request, the 200 keys of the next batch and
    the neighbours. The delete may remove none of them: each differs from its plan (its
    modification time). The delete's next try (which lists its keys again first, the
    DeleteObjects itself being sent once: storage/bulk_delete.s3_batch) is held until moto
    is back and the objects are put back: the order of events a back-off gives on any S3
    service whose connection breaks after the request arrived; here it does not depend
    on how fast moto restarts."""
    import s3fs

    record = fault_case(
        "emulator killed", "delete on S3: moto SIGKILLed in a DeleteObjects and restarted empty, objects put back"
    )
    monkeypatch.setattr(deletes_module, "PARALLEL_BATCHES", 1)
    run = uuid.uuid4().hex[:6]
    prefix = f"demo/emu-del-{run}/"
    side = Side("s3", own, prefix)
    n = 1200  # one DeleteObjects of 1,000 keys, then one of 200
    planned = {f"obj-{i:05d}": f"planned {i}".encode() for i in range(n)}
    outside = {f"demo/emu-del-{run}-sibling/a": b"sibling", f"demo/emu-del-{run}x": b"prefix-sharing"}
    await asyncio.to_thread(side.put, planned)
    await asyncio.to_thread(side.put, outside, "")
    await asyncio.sleep(1.1)  # moto's times have seconds only: a plan leaves out its own second
    plan = await plan_all(send, api, "osn-inbox", prefix)
    assert plan["objects"] == n, plan
    moto = own["s3"]
    restored, held = asyncio.Event(), []
    from jupyterlab_leap_buckets.storage import bulk_delete

    real_unchanged = bulk_delete._unchanged

    async def held_recheck(store, prefix, after, batch, results, only=None):
        # The delete's next try (its keys listed again first) waits until the objects
        # are back: a retry that did not look again would now delete them.
        if only is not None and killed.is_set() and not restored.is_set():
            held.append(len(only))
            await restored.wait()
        return await real_unchanged(store, prefix, after, batch, results, only)

    monkeypatch.setattr(bulk_delete, "_unchanged", held_recheck)
    killed = kill_during(
        monkeypatch,
        s3fs.S3FileSystem,
        "_call_s3",
        lambda fs, method, *a, **k: method == "delete_objects",
        moto,
        nth=1,
        delay=0.02,
    )
    status, job = await send("delete", {"plan": plan["plan"], "confirm": prefix.split("/")[-2]})
    assert status == 202, job
    await asyncio.wait_for(killed.wait(), 60)
    await asyncio.to_thread(moto.launch)
    status, at_restart = await api(f"jobs/{job['id']}")
    record.check(
        f"moto killed 20 ms into the first DeleteObjects ({at_restart['objectsDone']} of {n} counted deleted then)"
    )
    await asyncio.to_thread(moto.client().create_bucket, Bucket=INBOX)
    keys = sorted(planned)
    put_back = {k: planned[k] for k in keys[:100] + keys[1000:]}
    await asyncio.to_thread(side.put, put_back)
    await asyncio.to_thread(side.put, outside, "")
    restored.set()
    record.check(
        f"moto restarted empty: the bucket made again; {len(put_back)} planned keys (100 of the cut request, "
        "the next batch's 200) and the neighbours put back as new objects"
    )
    job = await wait_job(api, job, ended)
    # On a loaded machine the kill can come after moto answered the DeleteObjects: then no
    # second try was needed, and what follows must hold all the same.
    how = (
        "the next try listed the keys again after the connection broke"
        if held
        else "the kill came after moto had answered the DeleteObjects (no second try)"
    )
    record.check(
        f"the job ended {job['state']} ({job['objectsDone']} deleted, {job['objectsSkipped']} skipped, "
        f"{job['objectsFailed']} failed); {how}"
    )
    check_delete_report(job, n, record)
    for key, body in outside.items():
        assert side.get(key, "") == body, key
    record.check("the neighbours outside the path are there")
    left = set(side.names())
    lost = set(put_back) - left
    # botocore re-sent the cut DeleteObjects once by itself ("max_attempts: 1" counts
    # retries), after moto was back: 34 objects put back were deleted in one run.
    assert not lost, (
        f"{len(lost)} objects written after the plan were deleted (e.g. {sorted(lost)[:3]}); "
        f"the job counts {job['objectsDone']} deleted"
    )
    assert left == set(put_back), sorted(left - set(put_back))[:5]
    record.check("none of the objects written after the plan was deleted")
    audit = audit_lines(tmp_path, job["id"])
    assert len(audit) == 1 and audit[0]["state"] == job["state"] and audit[0]["deleted"] == job["objectsDone"], audit
    record.check("the audit line has the job's state and count")
    record.passed()


# -- listings ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["gcs", "s3"])
async def test_emulator_killed_and_restarted_during_a_listing(kind, own, api, fault_case, monkeypatch):
    """The service killed 5 ms after `GET list` asked it for a page: the answer is the
    whole page or a 502 that says what to do, never a 500 nor part of a page; once the
    service is back (moto: empty, its objects put back), the same request lists it all."""
    import gcsfs
    import s3fs

    record = fault_case("emulator killed", f"listing on {kind}: the emulator SIGKILLed while it answers GET list")
    root, bucket = ("scratch", SCRATCH) if kind == "gcs" else ("osn-inbox", INBOX)
    prefix = f"demo/emu-list-{uuid.uuid4().hex[:6]}/"
    names = [f"{prefix}obj-{i:05d}" for i in range(1500)]
    side = Side(kind, own, prefix, bucket=bucket)
    await asyncio.to_thread(side.put, {name[len(prefix) :]: b"x" for name in names})
    if kind == "gcs":
        matches = lambda fs, method, path, *a, **k: method == "GET" and path == "b/{}/o"  # noqa: E731
        killed = kill_during(monkeypatch, gcsfs.core.GCSFileSystem, "_call", matches, own["gcs"], nth=1, delay=0.005)
    else:
        matches = lambda fs, method, *a, **k: method == "list_objects_v2"  # noqa: E731
        killed = kill_during(monkeypatch, s3fs.S3FileSystem, "_call_s3", matches, own["s3"], nth=1, delay=0.005)
    status, body = await api("list", root=root, path=prefix, limit="1000")
    await asyncio.wait_for(killed.wait(), 10)  # the page may have come back first
    if status == 200:
        assert [e["path"] for e in body["entries"]] == names[:1000] and body["cursor"], "a partial page"
        record.check("the page was answered whole before the kill")
    else:
        assert (status, body["error"]["code"]) in ((502, "storage-unreachable"), (502, "storage-error")), (status, body)
        assert "try again" in body["error"]["message"] or "failed" in body["error"]["message"], body
        record.check(f"answered {status} {body['error']['code']}: {body['error']['message']}")
    await asyncio.to_thread(own[kind].start if kind == "s3" else own[kind].launch)
    if kind == "s3":
        await asyncio.to_thread(side.put, {name[len(prefix) :]: b"x" for name in names})
    listed, cursor = [], None
    while True:
        status, body = await api("list", root=root, path=prefix, limit="1000", cursor=cursor)
        assert status == 200, body
        listed += [e["path"] for e in body["entries"]]
        cursor = body["cursor"]
        if cursor is None:
            break
    assert listed == names
    record.check("after the restart the same listing is whole, every object once, in order")
    record.passed()
