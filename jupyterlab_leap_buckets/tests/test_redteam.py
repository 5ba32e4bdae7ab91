"""Red team: attacks on the guard through the HTTP API only, as a careless or hostile user
`demo` would make them. Each bucket is compared before and after with clients that are not
ours (the fake-gcs-server JSON API through requests, boto3 for S3) and the disk.

Attacks that succeeded were marked xfail(strict=True) with the hole they showed until the
hole was closed; a comment above each says what it was. Every test asserts the refusal
and that nothing changed outside `demo/` (nor any object of the OSN inbox)."""

import asyncio
import os
import uuid

import pytest
import requests

from .conftest import GCS, extension_config, gcs_get, gcs_independent_keys, gcs_put, s3_client

INBOX = "leap-pangeo-inbox"
SCRATCH, PERSISTENT = "leap-scratch", "leap-persistent"


def unique(prefix="demo/"):
    return f"{prefix}rt-{uuid.uuid4().hex[:8]}/"


# -- independent views of the buckets ------------------------------------------------------


def gcs_state(bucket: str) -> dict:
    """Every object of a bucket, name -> (generation, size), from the emulator's own JSON API."""
    out, token = {}, None
    while True:
        params = {"maxResults": 1000, **({"pageToken": token} if token else {})}
        body = requests.get(f"{GCS}/storage/v1/b/{bucket}/o", params=params, timeout=60).json()
        for item in body.get("items", []):
            out[item["name"]] = (item.get("generation"), item.get("size"))
        token = body.get("nextPageToken")
        if not token:
            return out


def outside_demo(state: dict) -> dict:
    return {key: value for key, value in state.items() if not key.startswith("demo/")}


def s3_state(bucket: str = INBOX) -> dict:
    """Every object of an S3 bucket, key -> (ETag, LastModified), from boto3."""
    client, out = s3_client(), {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            out[item["Key"]] = (item["ETag"], item["LastModified"].isoformat())
    return out


def replaced(before: dict, after: dict) -> dict:
    """Objects that were there before and are gone or another version now."""
    return {key: (value, after.get(key)) for key, value in before.items() if after.get(key) != value}


def s3_body(key: str, bucket: str = INBOX) -> bytes:
    return s3_client().get_object(Bucket=bucket, Key=key)["Body"].read()


class Snapshot:
    """What must not change: scratch and persistent outside demo/, the whole OSN inbox
    (new objects may appear there, none may be replaced or go)."""

    def __init__(self):
        self.scratch = outside_demo(gcs_state(SCRATCH))
        self.persistent = outside_demo(gcs_state(PERSISTENT))
        self.inbox = s3_state()

    def assert_unchanged(self):
        assert outside_demo(gcs_state(SCRATCH)) == self.scratch
        assert outside_demo(gcs_state(PERSISTENT)) == self.persistent
        assert replaced(self.inbox, s3_state()) == {}


async def upload(send, body: dict, data: bytes):
    """POST uploads, then the bytes in one PUT: (status, job)."""
    status, job = await send("uploads", {**body, "size": len(data)})
    if status != 202:
        return status, job
    return await send(f"uploads/{job['id']}", data, method="PUT", offset="0")


# == holes found, and closed ==================================================================================


# A hole until issue 16 closed it:  uploads.py Uploads.start: conflict 'overwrite' is never asked of guard.OVERWRITE and
# Uploads._run uploads without if_absent, so an upload into the OSN inbox (writable '',  deletable None) replaces
# anyone's object
async def test_upload_overwrite_replaces_someone_elses_inbox_object(send, finish):
    theirs = unique("someone-else/") + "results.csv"
    s3_client().put_object(Bucket=INBOX, Key=theirs, Body=b"their only copy")
    before = s3_state()
    folder = theirs.rsplit("/", 1)[0] + "/"
    status, job = await upload(
        send,
        {"target": {"root": "osn-inbox", "path": folder}, "name": "results.csv", "conflict": "overwrite"},
        b"demo's bytes",
    )
    if status in (200, 202):
        await finish(job)
    assert s3_body(theirs) == b"their only copy"
    assert status == 403 and job["error"]["code"] == "outside-home", job
    assert replaced(before, s3_state()) == {}


# A hole until issue 16 closed it:  uploads.py: 'fail' (and 'skip', 'rename') are checked only when the upload starts;
# Uploads._run then writes unconditionally (no If-None-Match / ifGenerationMatch=0), so  an object someone puts at that
# inbox key before the user's last PUT is replaced. The  window is as long as the user wants: the PUTs are theirs to
# time
@pytest.mark.parametrize("conflict", ["fail", "rename"])
async def test_upload_replaces_an_inbox_object_written_after_it_started(s3_server, send, finish, conflict):
    folder = unique("someone-else/")
    s3 = s3_client()
    if conflict == "rename":
        s3.put_object(Bucket=INBOX, Key=folder + "data.nc", Body=b"first")
    status, job = await send(
        "uploads", {"target": {"root": "osn-inbox", "path": folder}, "name": "data.nc", "size": 5, "conflict": conflict}
    )
    assert status == 202, job
    key = job["target"]["path"]
    assert key == folder + ("data (1).nc" if conflict == "rename" else "data.nc")
    s3.put_object(Bucket=INBOX, Key=key, Body=b"someone else's, written meanwhile")  # another OSN user
    before = s3_state()
    status, job = await send(f"uploads/{job['id']}", b"demo!", method="PUT", offset="0")
    job = await finish(job)
    assert s3_body(key) == b"someone else's, written meanwhile"
    assert job["state"] == "failed", job
    assert replaced(before, s3_state()) == {}


# A hole until issue 16 closed it:  storage/s3.py S3Store.server_copy relies on If-None-Match: * on CopyObject for
# 'write only  if absent'; the S3 service here (moto) ignores it on CopyObject (it honours it on PutObject  and
# CompleteMultipartUpload), so a copy S3 -> inbox with conflict 'overwrite' on a folder  replaces someone else's objects
# in it. Fix: head the target before CopyObject is not  enough (race); copy to a temporary key and use a conditional
# PutObject/multipart complete,  or refuse S3-side copies into prefixes without deletes unless the service is known to
# honour the header
async def test_s3_server_copy_into_the_inbox_replaces_someone_elses_object(s3_server, post, finish):
    s3 = s3_client()
    source = unique("demo/")
    s3.put_object(Bucket=INBOX, Key=source + "table.csv", Body=b"demo's table")
    theirs_folder = unique("someone-else/")
    name = source.rstrip("/").rsplit("/", 1)[1]
    theirs = theirs_folder + name + "/table.csv"
    s3.put_object(Bucket=INBOX, Key=theirs, Body=b"their table")
    before = s3_state()
    status, job = await post(
        {
            "source": {"root": "osn-inbox", "path": source},
            "target": {"root": "osn-inbox", "path": theirs_folder},
            "conflict": "overwrite",
        }
    )
    assert status == 202, job
    job = await finish(job)
    assert s3_body(theirs) == b"their table", job
    assert job["state"] == "failed" and job["failed"][0]["code"] in ("outside-home", "conflict"), job
    assert replaced(before, s3_state()) == {}


# == refused: odd paths =====================================================================

ODD_WRITE_PATHS = [
    "",
    "demo",
    "Demo/",
    "DEMO/x",
    "demo-old/",
    "demo /",
    " demo/",
    "demo\t/",
    "dem/",
    "other-user/",
    "./demo/",
    "/demo/",
    "demo//",
    "demo/./",
    "demo/../",
    "demo/../other-user/",
    "demo/x/../../other-user/",
    "demo\\..\\other-user/",
    "%64emo/",
    "demo%2F",
    "demo%2f..%2fother-user/",
    "\uff44\uff45\uff4d\uff4f/",  # fullwidth "demo"
    "d\u0435mo/",  # Cyrillic e
    "demo\u2215x/",
    "demo\u2044x/",
    "demo\uff0fx/",  # division slash, fraction slash, fullwidth solidus
    "demo\u200b/",
    "\u200bdemo/",
    "demo\u00a0/",
    "de\u0301mo/",
    "demo/" + "a" * 1100 + "/",
    "demo/\x00/",
    "demo/\n/",
    "demo/\x7f/",
]


async def test_odd_target_paths_never_write_outside_demo(post, send):
    snap = Snapshot()
    for root in ("scratch", "persistent"):
        for path in ODD_WRITE_PATHS:
            for conflict in ("fail", "overwrite", "rename"):
                status, body = await post(
                    {
                        "source": {"root": "persistent", "path": "demo/environment.yml"},
                        "target": {"root": root, "path": path},
                        "conflict": conflict,
                    }
                )
                assert status in (400, 403), (root, path, conflict, status, body)
            status, body = await send(
                "uploads", {"target": {"root": root, "path": path}, "name": "x.txt", "size": 1, "conflict": "overwrite"}
            )
            assert status in (400, 403), (root, path, status, body)
            status, body = await send("folders", {"root": root, "path": path + "new/"})
            assert status in (400, 403), (root, path, status, body)
    snap.assert_unchanged()


async def test_a_lone_surrogate_in_a_path_is_refused(emulators, jp_fetch):
    snap = Snapshot()
    raw = (
        b'{"source": {"root": "persistent", "path": "demo/environment.yml"}, '
        b'"target": {"root": "scratch", "path": "demo/\\ud800/"}}'
    )
    response = await jp_fetch("leap-buckets", "api", "transfers", method="POST", body=raw, raise_error=False)
    assert response.code == 400, response.body
    raw = b'{"root": "scratch", "path": "demo/\\udc80x/"}'
    for route in ("folders", "delete/plan"):
        response = await jp_fetch("leap-buckets", "api", *route.split("/"), method="POST", body=raw, raise_error=False)
        assert response.code == 400, (route, response.body)
    snap.assert_unchanged()


async def test_percent_and_dot_spellings_inside_demo_stay_literal(post, finish):
    """A key that reads as an escape to other tools ("%2e%2e") is written literally, inside demo/."""
    folder = unique()
    status, job = await post(
        {
            "source": {"root": "persistent", "path": "demo/environment.yml"},
            "target": {"root": "scratch", "path": folder + "%2e%2e/%2e%2e/other-user/"},
        }
    )
    assert status == 202, job
    assert (await finish(job))["state"] == "done"
    assert gcs_independent_keys(SCRATCH, folder) == [folder + "%2e%2e/%2e%2e/other-user/environment.yml"]


async def test_a_folder_target_named_without_its_slash_is_not_the_home_itself(post):
    snap = Snapshot()
    for target in ({"root": "scratch", "path": "demo"}, {"root": "persistent", "path": "demo"}):
        status, body = await post(
            {"source": {"root": "persistent", "path": "demo/"}, "target": target, "conflict": "overwrite"}
        )
        assert status in (400, 403), (target, body)
    snap.assert_unchanged()


# == refused: moves =========================================================================


async def test_moves_of_what_demo_may_not_delete_are_refused(post):
    snap = Snapshot()
    other = unique("other-user/")
    gcs_put(SCRATCH, other + "theirs.txt", b"theirs")
    snap = Snapshot()
    sources = [
        {"root": "scratch", "path": other + "theirs.txt"},
        {"root": "scratch", "path": other},
        {"root": "scratch", "path": other.rstrip("/")},
        {"root": "scratch", "path": "other-user/"},
        {"root": "scratch", "path": "demo/"},
        {"root": "scratch", "path": "demo"},
        {"root": "persistent", "path": "demo/"},
        {"root": "scratch", "path": "demo/../" + other},
        {"root": "scratch", "path": "demo/%2e%2e/" + other},
        {"root": "scratch", "path": "Demo/"},
        {"root": "osn-inbox", "path": "demo/"},
        {"root": "osn-pipeline", "path": "era5/"},
    ]
    for source in sources:
        status, body = await post(
            {"source": source, "target": {"root": "persistent", "path": "demo/"}, "mode": "move", "conflict": "rename"}
        )
        assert status in (400, 403, 404), (source, body)
    snap.assert_unchanged()
    assert gcs_get(SCRATCH, other + "theirs.txt") == b"theirs"


async def test_moves_onto_or_into_themselves_are_refused(post):
    folder = unique()
    gcs_put(SCRATCH, folder + "a.txt", b"a")
    snap, mine = Snapshot(), gcs_state(SCRATCH)
    for source, target in [
        ({"root": "scratch", "path": folder + "a.txt"}, {"root": "scratch", "path": folder + "a.txt"}),
        ({"root": "scratch", "path": folder + "a.txt"}, {"root": "scratch", "path": folder}),
        ({"root": "scratch", "path": folder}, {"root": "scratch", "path": folder}),
        ({"root": "scratch", "path": folder}, {"root": "scratch", "path": folder + "deeper/"}),
        ({"root": "scratch", "path": folder.rstrip("/")}, {"root": "scratch", "path": folder + "x"}),
    ]:
        for conflict in ("overwrite", "rename", "skip", "fail"):
            status, body = await post({"source": source, "target": target, "mode": "move", "conflict": conflict})
            assert status in (400, 409), (source, target, conflict, body)
    snap.assert_unchanged()
    assert gcs_state(SCRATCH) == mine


class TestTwoRootsOnOneBucket:
    """A second root on the same bucket (an admin's alias): a move between them onto itself."""

    @pytest.fixture
    def jp_server_config(self, tmp_path):
        from jupyterlab_leap_buckets.config import LEAP_ROOTS

        alias = {**[r for r in LEAP_ROOTS if r["id"] == "scratch"][0], "id": "scratch-too", "label": "Scratch too"}
        config = extension_config(state_dir=str(tmp_path / "leap-state"))
        config["LeapBuckets"]["roots"] = [*LEAP_ROOTS, alias]
        return config

    async def test_a_move_onto_itself_through_another_root_is_refused(self, post):
        folder = unique()
        gcs_put(SCRATCH, folder + "a.txt", b"the only copy")
        for target in (
            {"root": "scratch-too", "path": folder + "a.txt"},
            {"root": "scratch-too", "path": folder},
            {"root": "scratch-too", "path": folder + "in/"},
        ):
            status, body = await post(
                {
                    "source": {"root": "scratch", "path": folder},
                    "target": target,
                    "mode": "move",
                    "conflict": "overwrite",
                }
            )
            assert status == 400, (target, body)
        status, body = await post(
            {
                "source": {"root": "scratch", "path": folder + "a.txt"},
                "target": {"root": "scratch-too", "path": folder + "a.txt"},
                "mode": "move",
                "conflict": "overwrite",
            }
        )
        assert status == 400, body
        assert gcs_independent_keys(SCRATCH, folder) == [folder + "a.txt"]
        assert gcs_get(SCRATCH, folder + "a.txt") == b"the only copy"


# == refused: new folders ===================================================================


async def test_new_folders_never_replace_an_inbox_object(send):
    """POST folders writes `<path>.keep` without a condition: it must never meet one."""
    s3 = s3_client()
    folder = unique("someone-else/")
    s3.put_object(Bucket=INBOX, Key=folder + "only-keep/.keep", Body=b"their marker")
    s3.put_object(Bucket=INBOX, Key=folder + "a-file", Body=b"their file")
    before = s3_state()
    for path in (folder + "only-keep/", folder + "a-file/", folder):
        status, body = await send("folders", {"root": "osn-inbox", "path": path})
        assert (status, body["error"]["code"]) == (409, "conflict"), (path, body)
    for path in (
        folder + "x/../only-keep/",
        folder + "only-keep//",
        folder + "./only-keep/",
        folder[:-1] + "%2Fonly-keep/",
    ):
        status, body = await send("folders", {"root": "osn-inbox", "path": path})
        assert status in (400, 403) or status == 201 and path.endswith("%2Fonly-keep/"), (path, body)
    assert replaced(before, s3_state()) == {}
    assert s3_body(folder + "only-keep/.keep") == b"their marker"


# A hole until issue 16 closed it:  items.py create_folder: the `.keep` marker is written with store.upload(...) without
# if_absent, after  a listing that found the folder empty; an inbox object written at <folder>/.keep in between (another
# OSN user) is replaced. Fix: upload the marker with if_absent=True (If-None-Match / ifGenerationMatch=0)  and answer
# 409 on Exists
async def test_a_new_inbox_folder_replaces_a_marker_written_meanwhile(send, monkeypatch):
    from jupyterlab_leap_buckets.storage import s3 as s3_module

    folder = unique("someone-else/")
    s3 = s3_client()
    real_list_dir = s3_module.S3Store.list_dir

    async def then_someone_writes(self, prefix, after, limit):
        page = await real_list_dir(self, prefix, after, limit)
        if prefix == folder:
            s3.put_object(Bucket=INBOX, Key=folder + ".keep", Body=b"their marker")  # another OSN user, meanwhile
        return page

    monkeypatch.setattr(s3_module.S3Store, "list_dir", then_someone_writes)
    status, body = await send("folders", {"root": "osn-inbox", "path": folder})
    assert s3_body(folder + ".keep") == b"their marker"
    assert (status, body["error"]["code"]) == (409, "conflict"), body


# == refused: delete plans and confirmations =================================================


async def test_hostile_delete_plans_are_refused(send):
    other = unique("other-user/")
    gcs_put(SCRATCH, other + "x.txt", b"theirs")
    snap = Snapshot()
    paths = [
        "demo/",
        "demo",
        "",
        "/",
        "demo//",
        "demo/.",
        "demo/..",
        "demo/../other-user/",
        other,
        other.rstrip("/"),
        "demo/%2e%2e/other-user/",
        "Demo/",
        "demo-old/",
        "demo/*",
        "demo/**",
        "demo/[a-z]*",
        "demo/?",
        "\uff44\uff45\uff4d\uff4f/x",
        "demo\u2215x",
        "demo/\u200b",
        "demo /README.md",
        "demo/README.md ",
        "demo/README.md\n",
        "demo\\..\\other-user\\",
        "demo/" + "a" * 1100,
    ]
    for root in ("scratch", "persistent", "osn-inbox", "osn-pipeline", "osn-manual"):
        for path in paths:
            status, body = await send("delete/plan", {"root": root, "path": path})
            assert 400 <= status < 500 and "plan" not in body, (root, path, body)
    snap.assert_unchanged()


async def test_confirming_twice_at_once_runs_one_job_and_changed_objects_survive(send, finish):
    folder = unique()
    for name in ("a", "b", "c", "d"):
        gcs_put(SCRATCH, folder + name, name.encode())
    status, plan = await send("delete/plan", {"root": "scratch", "path": folder})
    assert status == 200 and plan["objects"] == 4, plan
    await asyncio.sleep(0.01)
    gcs_put(SCRATCH, folder + "a", b"a, saved again after the plan")  # a new generation
    gcs_put(SCRATCH, folder + "new", b"written after the plan")
    name = folder.rstrip("/").rsplit("/", 1)[1]
    answers = await asyncio.gather(*(send("delete", {"plan": plan["plan"], "confirm": name}) for _ in range(4)))
    statuses = sorted(status for status, _ in answers)
    assert statuses == [202, 410, 410, 410], answers
    job = next(body for status, body in answers if status == 202)
    job = await finish(job)
    assert job["state"] == "done" and job["objectsDone"] == 3 and job["objectsSkipped"] == 1, job
    assert gcs_independent_keys(SCRATCH, folder) == [folder + "a", folder + "new"]
    assert gcs_get(SCRATCH, folder + "a") == b"a, saved again after the plan"
    status, body = await send("delete", {"plan": plan["plan"], "confirm": name})
    assert (status, body["error"]["code"]) == (410, "plan-expired")


async def test_a_plan_for_a_file_deletes_only_that_file(send, finish):
    folder = unique()
    for key in ("x", "xx/inside", "xy", "x.bak"):
        gcs_put(SCRATCH, folder + key, b"k")
    status, plan = await send("delete/plan", {"root": "scratch", "path": folder + "x"})
    assert status == 200 and plan["objects"] == 1 and plan["type"] == "file", plan
    for confirm in ("x/", "X", " x", "x ", folder + "x", "*"):
        status, body = await send("delete", {"plan": plan["plan"], "confirm": confirm})
        assert (status, body["error"]["code"]) == (400, "confirm-mismatch"), confirm
    status, job = await send("delete", {"plan": plan["plan"], "confirm": "x"})
    assert (await finish(job))["state"] == "done"
    assert gcs_independent_keys(SCRATCH, folder) == [folder + "x.bak", folder + "xx/inside", folder + "xy"]


# == races between transfers =================================================================


@pytest.mark.parametrize("conflict", ["fail", "skip", "rename"])
async def test_concurrent_copies_to_one_inbox_key_replace_nothing_and_report_truly(s3_server, post, finish, conflict):
    """Two copies (GCS -> S3, streamed) to the same new inbox key at once."""
    folder = unique()
    gcs_put(SCRATCH, folder + "one/data.bin", b"1" * 100_000)
    gcs_put(SCRATCH, folder + "two/data.bin", b"2" * 100_000)
    target = {"root": "osn-inbox", "path": unique("someone-else/")}
    answers = await asyncio.gather(
        *(
            post(
                {
                    "source": {"root": "scratch", "path": folder + which + "/data.bin"},
                    "target": target,
                    "conflict": conflict,
                }
            )
            for which in ("one", "two")
        )
    )
    jobs = [await finish(job) for status, job in answers if status == 202]
    keys = sorted(s3_state())
    landed = [key for key in keys if key.startswith(target["path"])]
    done = [job for job in jobs if job["state"] == "done" and job["objectsDone"] - job["objectsSkipped"] == 1]
    # Every job that says it wrote an object wrote one that is still there, with its bytes.
    assert len(landed) == len(done), (landed, jobs)
    for job in done:
        assert s3_body(job["target"]["path"]) in (b"1" * 100_000, b"2" * 100_000)
        digit = b"1" if "/one/" in job["source"]["path"] else b"2"
        assert s3_body(job["target"]["path"]) == digit * 100_000, job


# == the server's disk ======================================================================


class TestDisk:
    """The state folder inside the server's root, not hidden, and symlinks made on the disk."""

    @pytest.fixture
    def jp_server_config(self, jp_root_dir):
        return extension_config(state_dir=str(jp_root_dir / "work" / "state"))

    async def test_symlinks_and_spellings_never_leave_the_root_nor_reach_the_state(
        self, post, send, finish, jp_root_dir, tmp_path
    ):
        outside = tmp_path / "outside"
        outside.mkdir()
        (outside / "secret.txt").write_text("outside the root")
        state = jp_root_dir / "work" / "state"
        # A plan, so that the state holds a spool.
        mine = unique()
        gcs_put(SCRATCH, mine + "plan-me.txt", b"planned")
        status, plan = await send("delete/plan", {"root": "scratch", "path": mine + "plan-me.txt"})
        assert status == 200
        (jp_root_dir / "work" / "mine.txt").write_text("mine")
        os.symlink(outside, jp_root_dir / "out-dir")
        os.symlink(outside / "secret.txt", jp_root_dir / "out-file")
        os.symlink(state, jp_root_dir / "state-link")
        os.symlink(state / "plans", jp_root_dir / "work" / "plans-link")
        spool = state / "plans" / (plan["plan"] + ".jsonl")
        before_spool = spool.read_bytes()
        dest = unique()
        sources = [
            "out-dir/",
            "out-dir",
            "out-file",
            "out-dir/secret.txt",
            "state-link/",
            "state-link",
            "work/state/plans/",
            "work/plans-link/",
            "state-link/plans/" + plan["plan"] + ".jsonl",
            "../outside/secret.txt",
            "/etc/hostname",
            str(outside / "secret.txt"),
            "work//state/",
            "work/./state/",
            "work/state/../state/",
            "work\\state",
        ]
        for source in sources:
            for mode in ("copy", "move"):
                status, body = await post(
                    {"source": {"local": source}, "target": {"root": "scratch", "path": dest}, "mode": mode}
                )
                assert status in (400, 403, 404), (source, mode, body)
        targets = [
            "out-dir/",
            "out-dir",
            "out-file",
            "out-dir/new.txt",
            "state-link/",
            "state-link/plans/",
            "work/state/",
            "work/state/plans/",
            "work/plans-link/",
            "work/state/jobs.json",
            "../outside/",
            "/tmp/",
            "work//state/",
            "work/state/../state/",
        ]
        for target in targets:
            for conflict in ("overwrite", "rename"):
                status, body = await post(
                    {
                        "source": {"root": "scratch", "path": "demo/README.md"},
                        "target": {"local": target},
                        "conflict": conflict,
                    }
                )
                assert status in (400, 403), (target, conflict, body)
            if target.endswith("/"):
                status, body = await send(
                    "uploads", {"target": {"local": target}, "name": "x.jsonl", "size": 1, "conflict": "overwrite"}
                )
                assert status in (400, 403), (target, body)
        # A folder holding the state: copied and moved, the state is neither read nor deleted.
        for mode in ("copy", "move"):
            status, job = await post(
                {
                    "source": {"local": "work/"},
                    "target": {"root": "scratch", "path": dest},
                    "mode": mode,
                    "conflict": "rename",
                }
            )
            assert status == 202, job
            await finish(job)
        assert [k for k in gcs_independent_keys(SCRATCH, dest) if "state" in k or "plans" in k] == []
        assert spool.read_bytes() == before_spool
        assert sorted(p.name for p in (state / "plans").iterdir()) == [spool.name]
        assert os.listdir(outside) == ["secret.txt"] and (outside / "secret.txt").read_text() == "outside the root"
        status, job = await send("delete", {"plan": plan["plan"], "confirm": "plan-me.txt"})
        assert status == 202  # the plan still works: its spool was not touched
        assert (await finish(job))["state"] == "done"

    async def test_a_download_onto_the_state_folder_is_refused_file_by_file(self, post, finish, jp_root_dir):
        (jp_root_dir / "work" / "state").mkdir(parents=True, exist_ok=True)
        source = unique("demo/")
        s3_client().put_object(Bucket=INBOX, Key=source + "work/state/jobs.json", Body=b'{"jobs": ["forged"]}')
        s3_client().put_object(Bucket=INBOX, Key=source + "work/state/plans/x.jsonl", Body=b"forged")
        s3_client().put_object(Bucket=INBOX, Key=source + "work/fine.txt", Body=b"fine")
        # The bucket folder "work/" copied into the root lands on work/state/: never written there.
        status, job = await post(
            {
                "source": {"root": "osn-inbox", "path": source + "work/"},
                "target": {"local": ""},
                "conflict": "overwrite",
            }
        )
        assert status == 202, job
        job = await finish(job)
        assert job["state"] == "failed" and job["objectsFailed"] == 2, job
        assert {f["code"] for f in job["failed"]} == {"outside-home"}
        assert (jp_root_dir / "work" / "fine.txt").read_bytes() == b"fine"
        assert (
            b"forged" not in (jp_root_dir / "work" / "state" / "jobs.json").read_bytes()
            if (jp_root_dir / "work" / "state" / "jobs.json").exists()
            else True
        )
        assert not (jp_root_dir / "work" / "state" / "plans" / "x.jsonl").exists()

    # A hole until issue 16 closed it:  transfers.py parse_place/LocalStore.resolve: a copy naming the state folder
    # itself is not refused  (resolve checks a named folder's real path only with named=True, which only moves pass);
    # the job  then lists nothing (LocalStore.walk drops every file with `except ApiError: continue`) and ends  `done`
    # with 0 objects, as if the folder were empty
    async def test_a_copy_of_the_state_folder_is_refused(self, post, finish, send, jp_root_dir):
        status, plan = await send("delete/plan", {"root": "scratch", "path": "demo/README.md"})
        assert status == 200  # never confirmed: a spool in the state
        dest = unique()
        status, job = await post({"source": {"local": "work/state/"}, "target": {"root": "scratch", "path": dest}})
        if status == 202:
            job = await finish(job)
        assert gcs_independent_keys(SCRATCH, dest) == []
        assert status == 403 and job["error"]["code"] == "outside-home", job


# A hole until issue 16 closed it:  local.py LocalStore.walk: os.walk(followlinks=False) never lists a symlinked folder,
# and files whose  head() raises (a symlink out of the root) are dropped with `except ApiError: continue`; neither is
# counted in objectsFailed nor named in `failed`, so a move or copy of such a folder ends `done` while  part of it
# stayed behind. Fix: yield these as failures (code outside-home / not-followed) so the job  ends failed and names them
async def test_a_folder_with_symlinks_is_not_reported_done_when_part_of_it_was_left(
    post, finish, jp_root_dir, tmp_path
):
    outside = tmp_path / "outside-data"
    outside.mkdir()
    (outside / "big.nc").write_bytes(b"outside")
    (jp_root_dir / "bigdata").mkdir()
    (jp_root_dir / "bigdata" / "inside.nc").write_bytes(b"inside, linked")
    proj = jp_root_dir / "proj"
    proj.mkdir()
    (proj / "a.txt").write_text("a")
    os.symlink(outside / "big.nc", proj / "big.nc")
    os.symlink(jp_root_dir / "bigdata", proj / "data")
    dest = unique()
    status, job = await post(
        {"source": {"local": "proj/"}, "target": {"root": "scratch", "path": dest}, "mode": "move"}
    )
    assert status == 202, job
    job = await finish(job)
    assert (outside / "big.nc").read_bytes() == b"outside"  # never read nor deleted
    assert (jp_root_dir / "bigdata" / "inside.nc").exists()
    copied = gcs_independent_keys(SCRATCH, dest)
    assert copied == [dest + "proj/a.txt"]
    assert job["state"] != "done", job  # two of its three entries were left behind, unnamed


# == a storage outage (Toxiproxy) ===========================================================


class TestOutage:
    """The service goes away in the middle: no job says `done` for what did not land, and a
    move keeps its source."""

    @pytest.fixture
    def jp_server_config(self, proxied_server_config):
        return proxied_server_config

    @pytest.mark.parametrize("root, proxy", [("scratch", "gcs"), ("osn-inbox", "s3")])
    async def test_an_upload_whose_service_goes_away_is_not_done(self, send, finish, toxi, quick_retries, root, proxy):
        folder = unique() if root == "scratch" else unique("demo/")
        status, job = await send(
            "uploads", {"target": {"root": root, "path": folder}, "name": "f.bin", "size": 3 * 1024 * 1024}
        )
        assert status == 202, job
        await toxi.disable(proxy)
        try:
            status, answer = await send(f"uploads/{job['id']}", b"z" * (3 * 1024 * 1024), method="PUT", offset="0")
            job = await finish(job, timeout=100)
        finally:
            await toxi.enable(proxy)
        assert job["state"] == "failed" and job["objectsDone"] == 0, job
        if root == "scratch":
            assert gcs_independent_keys(SCRATCH, folder) == []
        else:
            assert [k for k in s3_state() if k.startswith(folder)] == []

    async def test_a_move_whose_target_goes_away_keeps_its_source(self, post, finish, toxi, quick_retries, jp_root_dir):
        src = jp_root_dir / "to-move"
        src.mkdir()
        for i in range(20):
            (src / f"f{i:02d}.bin").write_bytes(os.urandom(64 * 1024))
        dest = unique()
        slow = await toxi.add("gcs", "latency", stream="upstream", latency=400)
        status, job = await post(
            {"source": {"local": "to-move/"}, "target": {"root": "scratch", "path": dest}, "mode": "move"}
        )
        assert status == 202, job
        await asyncio.sleep(0.5)
        # Every connection to GCS is reset from now on (disabling the proxy waits for its
        # connections to drain, which the latency makes slower than Toxiproxy's answer).
        cut = await toxi.add("gcs", "reset_peer", stream="upstream", timeout=0)
        try:
            job = await finish(job, timeout=100)
        finally:
            await toxi.remove("gcs", cut)
            await toxi.remove("gcs", slow)
        landed = {k.rsplit("/", 1)[1] for k in gcs_independent_keys(SCRATCH, dest)}
        kept = set(os.listdir(src))
        assert landed | kept == {f"f{i:02d}.bin" for i in range(20)}, (landed, kept)
        assert job["objectsDone"] == 20 - len(kept), job  # counted moved = gone from the disk
        assert job["state"] == ("done" if not kept else "failed"), job
