"""Issue 16's failures, each reproduced through the HTTP API as a careless or hostile
user would, and checked afterwards with a client that is not ours (the emulators' own
API, boto3, the disk)."""

import asyncio
import json
import os

import pytest

from .conftest import altering, extension_config, gcs_independent_keys, gcs_put, s3_client
from .test_items import unique

INBOX = "leap-pangeo-inbox"


async def test_keep_both_never_writes_outside_the_home(post, send):
    """Failure 1: 'keep both' renamed the target after the check, to the bucket's top."""
    before = gcs_independent_keys("leap-scratch", "demo (")
    status, body = await post(
        {
            "source": {"root": "persistent", "path": "demo/"},
            "target": {"root": "scratch", "path": ""},
            "mode": "copy",
            "conflict": "rename",
        }
    )
    assert (status, body["error"]["code"]) == (403, "outside-home")
    status, body = await send(
        "uploads", {"target": {"root": "scratch", "path": ""}, "name": "demo", "size": 1, "conflict": "rename"}
    )
    assert (status, body["error"]["code"]) == (403, "outside-home")
    assert gcs_independent_keys("leap-scratch", "demo (") == before == []


async def test_keep_both_inside_the_home_checks_the_final_name(post, finish):
    folder = unique()
    gcs_put("leap-scratch", folder + "a.txt", b"a")
    gcs_put("leap-persistent", folder + "a.txt", b"other a")
    status, job = await post(
        {
            "source": {"root": "persistent", "path": folder + "a.txt"},
            "target": {"root": "scratch", "path": folder},
            "conflict": "rename",
        }
    )
    assert status == 202 and job["target"]["path"] == folder + "a (1).txt"
    assert (await finish(job))["state"] == "done"
    assert gcs_independent_keys("leap-scratch", folder) == [folder + "a (1).txt", folder + "a.txt"]


@pytest.mark.parametrize(
    "source, target",
    [
        ({"local": "c3a/notes/"}, {"local": "./c3a/"}),  # another spelling of the same folder
        ({"local": "c3a/notes/"}, {"local": "c3a/"}),  # onto itself
        ({"local": "c3a/notes/"}, {"local": "alias/"}),  # a symlink to c3a/
        ({"local": "c3a/notes/"}, {"local": "c3a/notes/deeper/"}),  # into itself
        ({"local": "alias/notes/"}, {"local": "c3a/"}),
    ],
)
async def test_local_moves_onto_themselves_are_refused_and_keep_the_files(post, jp_root_dir, source, target):
    """Failure 2: local paths were compared as strings and resolved by pathlib."""
    notes = jp_root_dir / "c3a" / "notes"
    notes.mkdir(parents=True, exist_ok=True)
    (notes / "ideas.md").write_text("the only copy")
    if not (jp_root_dir / "alias").exists():
        os.symlink(jp_root_dir / "c3a", jp_root_dir / "alias")
    status, body = await post({"source": source, "target": target, "mode": "move", "conflict": "overwrite"})
    assert status == 400, body
    assert (notes / "ideas.md").read_text() == "the only copy"


async def test_empty_segments_in_a_local_source_are_refused(post, jp_root_dir):
    """Failure 2: 'd//' turned files d/ab and d/cb into one object demo/t-c3/d/b."""
    (jp_root_dir / "d").mkdir()
    (jp_root_dir / "d" / "ab").write_text("ab")
    (jp_root_dir / "d" / "cb").write_text("cb")
    dest = unique()
    for spelling in ("d//", "./d/", "d/./", "d/../d/"):
        status, body = await post(
            {
                "source": {"local": spelling},
                "target": {"root": "scratch", "path": dest},
                "mode": "move",
                "conflict": "overwrite",
            }
        )
        assert status in (400, 403), (spelling, body)
    assert sorted(os.listdir(jp_root_dir / "d")) == ["ab", "cb"]
    assert gcs_independent_keys("leap-scratch", dest) == []


async def test_a_missing_folder_is_404_not_a_job_of_nothing(post):
    """Failure 9: a missing source folder answered 202 and ended done with 0 objects."""
    for source in ({"root": "scratch", "path": "demo/no-such-folder/"}, {"local": "no-such-folder/"}):
        status, body = await post({"source": source, "target": {"root": "persistent", "path": "demo/"}})
        assert (status, body["error"]["code"]) == (404, "not-found"), source


async def test_skipped_objects_are_named(post, finish):
    """Failure 9: with conflict skip the job counted objectsSkipped but named none."""
    folder = unique()
    for name in ("a.txt", "b.txt"):
        gcs_put("leap-scratch", folder + "src/" + name, name.encode())
    gcs_put("leap-scratch", folder + "dst/src/a.txt", b"already here")
    status, job = await post(
        {
            "source": {"root": "scratch", "path": folder + "src/"},
            "target": {"root": "scratch", "path": folder + "dst/"},
            "conflict": "skip",
        }
    )
    job = await finish(job)
    assert job["state"] == "done" and job["objectsSkipped"] == 1
    assert job["skipped"] == [{"path": folder + "dst/src/a.txt", "reason": "exists at the target"}]


async def test_the_inbox_replaces_no_one_s_object(post, finish):
    """Failure 7: in the OSN inbox (writable everywhere) overwrite replaced anyone's object."""
    theirs = unique("someone-else/") + "theirs.txt"
    s3 = s3_client()
    s3.put_object(Bucket=INBOX, Key=theirs, Body=b"theirs")
    status, body = await post(
        {
            "source": {"root": "scratch", "path": "demo/README.md"},
            "target": {"root": "osn-inbox", "path": theirs},
            "conflict": "overwrite",
        }
    )
    assert (status, body["error"]["code"]) == (403, "outside-home"), body
    # A folder copy meeting it object by object: that object fails, the new one lands.
    folder = theirs.rsplit("/", 1)[0] + "/"
    gcs_put("leap-scratch", "demo/t-inbox/theirs.txt", b"mine")
    gcs_put("leap-scratch", "demo/t-inbox/new.txt", b"new")
    s3.put_object(Bucket=INBOX, Key=folder + "t-inbox/theirs.txt", Body=b"theirs")
    status, job = await post(
        {
            "source": {"root": "scratch", "path": "demo/t-inbox/"},
            "target": {"root": "osn-inbox", "path": folder},
            "conflict": "overwrite",
        }
    )
    assert status == 202, job
    job = await finish(job)
    assert job["state"] == "failed" and job["objectsFailed"] == 1
    assert job["failed"][0]["code"] == "outside-home"
    assert s3.get_object(Bucket=INBOX, Key=theirs)["Body"].read() == b"theirs"
    assert s3.get_object(Bucket=INBOX, Key=folder + "t-inbox/theirs.txt")["Body"].read() == b"theirs"
    assert s3.get_object(Bucket=INBOX, Key=folder + "t-inbox/new.txt")["Body"].read() == b"new"


async def test_a_cancelled_transfer_to_s3_aborts_only_its_own_uploads(post, api, jp_fetch, jp_root_dir):
    """Failure 6: the clean-up aborted every upload whose key began with the target's."""
    folder = unique("someone-else/")
    s3 = s3_client()
    theirs = s3.create_multipart_upload(Bucket=INBOX, Key=folder + "big.bin")["UploadId"]
    (jp_root_dir / "b").write_bytes(os.urandom(96 * 1024 * 1024))
    status, job = await post({"source": {"local": "b"}, "target": {"root": "osn-inbox", "path": folder + "b"}})
    assert status == 202, job
    for _ in range(600):
        _, job = await api(f"jobs/{job['id']}")
        if job["bytesDone"] > 0 or job["state"] != "running":
            break
        await asyncio.sleep(0.02)
    response = await jp_fetch("leap-buckets", "api", "jobs", job["id"], method="DELETE")
    assert json.loads(response.body)["state"] == "cancelled"
    uploads = s3.list_multipart_uploads(Bucket=INBOX, Prefix=folder).get("Uploads", [])
    assert [(u["Key"], u["UploadId"]) for u in uploads] == [(folder + "big.bin", theirs)]
    assert not s3.list_objects_v2(Bucket=INBOX, Prefix=folder + "b").get("Contents")


async def test_a_file_saved_during_its_move_is_kept(post, finish, jp_root_dir, monkeypatch):
    """Failure 5: a local source re-opened for every piece was uploaded half old, half new,
    passed verification and was unlinked."""
    from jupyterlab_leap_buckets import local

    path = jp_root_dir / "saved-during-move.bin"
    path.write_bytes(b"a" * (20 * 1024 * 1024))
    real_stream = local.LocalStore.stream

    async def saved_meanwhile(self, key, size, chunk, version=None):
        first = True
        async for piece in real_stream(self, key, size, chunk, version):
            yield piece
            if first:
                first = False
                with open(path, "r+b") as handle:  # the user saves the file: new bytes in place
                    handle.seek(size - 10)
                    handle.write(b"b" * 10)

    monkeypatch.setattr(local.LocalStore, "stream", saved_meanwhile)
    dest = unique()
    status, job = await post(
        {"source": {"local": path.name}, "target": {"root": "scratch", "path": dest}, "mode": "move"}
    )
    job = await finish(job)
    assert job["state"] == "failed" and job["failed"][0]["code"] == "source-changed", job
    assert path.read_bytes().endswith(b"b" * 10)  # kept, with the user's save
    assert gcs_independent_keys("leap-scratch", dest) == []


async def test_a_file_changed_after_its_copy_is_not_deleted(post, finish, jp_root_dir, monkeypatch):
    from jupyterlab_leap_buckets import transfers

    path = jp_root_dir / "changed-after-copy.txt"
    path.write_text("version one")
    real_verify = transfers.verify

    async def then_saved(*args, **kwargs):
        await real_verify(*args, **kwargs)
        path.write_text("version two, saved after the copy was verified")

    monkeypatch.setattr(transfers, "verify", then_saved)
    dest = unique()
    status, job = await post(
        {"source": {"local": path.name}, "target": {"root": "scratch", "path": dest}, "mode": "move"}
    )
    job = await finish(job)
    assert job["state"] == "failed" and job["failed"][0]["code"] == "source-changed", job
    assert path.read_text().startswith("version two")


class TestStateInsideTheHome:
    """Failure 4 and item 10: with Jupyter's data folder in the home, a local place
    reached the extension's own state (its plans' spools, the audit log)."""

    @pytest.fixture
    def jp_server_config(self, jp_root_dir):
        return extension_config(state_dir=str(jp_root_dir / ".local" / "share" / "jupyter" / "leap_buckets"))

    async def test_local_places_never_reach_the_state(self, post, send, jp_root_dir):
        state = ".local/share/jupyter/leap_buckets/"
        (jp_root_dir / state / "plans").mkdir(parents=True, exist_ok=True)
        (jp_root_dir / "elsewhere").mkdir()
        os.symlink(jp_root_dir / state, jp_root_dir / "elsewhere" / "state")
        for target in (state + "plans/", "elsewhere/state/plans/", "elsewhere/state/"):
            status, body = await post(
                {
                    "source": {"root": "scratch", "path": "demo/README.md"},
                    "target": {"local": target},
                    "conflict": "overwrite",
                }
            )
            assert status == 403 and body["error"]["code"] in ("outside-home", "hidden"), (target, body)
            status, body = await send(
                "uploads", {"target": {"local": target}, "name": "x.jsonl", "size": 1, "conflict": "overwrite"}
            )
            assert status == 403, (target, body)
        assert os.listdir(jp_root_dir / state / "plans") == []

    async def test_an_altered_spool_deletes_nothing_it_did_not_list(self, send, finish, jp_root_dir):
        folder = unique()
        for name in ("a", "b", "c"):
            gcs_put("leap-scratch", folder + name, name.encode())
        status, plan = await send("delete/plan", {"root": "scratch", "path": folder})
        assert status == 200 and plan["objects"] == 3
        spool = jp_root_dir / ".local/share/jupyter/leap_buckets/plans" / f"{plan['plan']}.jsonl"
        victim = unique("other-user/") + "hello.txt"
        gcs_put("leap-scratch", victim, b"someone else's")
        lines = spool.read_text().splitlines()
        entry = json.loads(lines[0].split("\t")[0])
        entry["key"], entry["generation"] = victim, None
        spool.write_text("\n".join([json.dumps(entry)] + lines[1:]) + "\n")  # a forged first line
        status, job = await send("delete", {"plan": plan["plan"], "confirm": folder.rstrip("/").rsplit("/", 1)[1]})
        assert status == 202
        job = await finish(job)
        assert job["state"] == "failed" and job["error"]["code"] == "plan-altered", job
        assert gcs_independent_keys("leap-scratch", victim) == [victim]
        assert len(gcs_independent_keys("leap-scratch", folder)) == 3


async def test_folder_markers_and_odd_keys_on_the_way_to_the_disk(post, finish, jp_root_dir):
    """Failure 8: S3 folder markers (`name/`, zero bytes) became empty files, and what lay
    inside them failed with a raw NotADirectoryError."""
    folder = unique("")
    s3 = s3_client()
    for key, data in [
        ("placeholder/", b""),
        ("placeholder/inside.txt", b"inside"),
        ("only-marker/", b""),
        ("x", b"file x"),
        ("x/y", b"under x"),
        ("back\\slash", b"b"),
        ("dot/./seg", b"d"),
        ("dbl//slash", b"s"),
        ("fine.txt", b"fine"),
    ]:
        s3.put_object(Bucket=INBOX, Key=folder + key, Body=data)
    status, job = await post({"source": {"root": "osn-inbox", "path": folder}, "target": {"local": ""}})
    job = await finish(job)
    base = jp_root_dir / folder.rstrip("/")
    assert (base / "placeholder").is_dir() and (base / "placeholder" / "inside.txt").read_bytes() == b"inside"
    assert (base / "only-marker").is_dir() and os.listdir(base / "only-marker") == []
    assert (base / "fine.txt").read_bytes() == b"fine"
    failed = {f["path"][len(folder) :]: f for f in job["failed"]}
    # `x` and `x/y` cannot both be on a disk: whichever came second fails, named.
    assert ("x" in failed) != ("x/y" in failed), failed
    assert {"back\\slash", "dot/./seg", "dbl//slash"} <= set(failed), failed
    for key, failure in failed.items():
        assert (
            failure["code"] == "bad-key"
            and (folder + key) in failure["message"]
            or repr(folder + key) in failure["message"]
        ), failure
        assert "Error" not in failure["message"].split(":")[0]
    assert job["state"] == "failed" and job["objectsFailed"] == len(failed) == 4
    # Another try would fail the same way: the job does not suggest one.
    assert "bad-key" in job["error"]["message"] and "again" not in job["error"]["message"], job["error"]
    assert not (base / "back\\slash").exists() and not (base / "dbl").exists()


class TestPlansAreBounded:
    """Item 10: plans were unlimited, and the spools of unconfirmed plans stayed for ever."""

    @pytest.fixture
    def jp_server_config(self, tmp_path):
        plans = tmp_path / "leap-state" / "plans"
        plans.mkdir(parents=True)
        (plans / "left-by-a-stopped-server.jsonl").write_text('{"key": "demo/x"}\n')
        return extension_config(state_dir=str(tmp_path / "leap-state"))

    async def test_stale_spools_go_and_open_plans_are_limited(self, send, tmp_path, monkeypatch):
        from jupyterlab_leap_buckets import deletes

        await send("delete/plan", {"root": "scratch", "path": "demo/README.md"})  # the server is up
        assert not (tmp_path / "leap-state" / "plans" / "left-by-a-stopped-server.jsonl").exists()
        monkeypatch.setattr(deletes, "MAX_PLANS", 2)
        status, _ = await send("delete/plan", {"root": "scratch", "path": "demo/README.md"})
        assert status == 200
        status, body = await send("delete/plan", {"root": "scratch", "path": "demo/README.md"})
        assert (status, body["error"]["code"]) == (429, "too-many-jobs"), body


@pytest.mark.parametrize("target_root, bucket", [("scratch", "leap-scratch"), ("osn-inbox", INBOX)])
async def test_a_bad_copy_never_costs_the_object_it_was_to_replace(target_root, bucket, monkeypatch, jp_root_dir):
    """Item 10: a failed verification after an overwrite deleted the target, losing the
    old object too. The new bytes are verified at a hidden name before they replace it."""
    from jupyterlab_leap_buckets import transfers
    from jupyterlab_leap_buckets.build import build
    from jupyterlab_leap_buckets.config import LeapBuckets
    from jupyterlab_leap_buckets.errors import ApiError
    from jupyterlab_leap_buckets.jobs import Job
    from jupyterlab_leap_buckets.places import Place

    from .conftest import GCS, S3, gcs_get

    service = build(
        LeapBuckets(
            username="demo",
            gcs_endpoint=GCS,
            s3_endpoint=S3,
            s3_key="testing",
            s3_secret="testing",
            root_overrides={"osn-inbox": {"deletable": "{username}/"}},  # so it may replace under demo/
        ),
        local_root=str(jp_root_dir),
    ).service
    key = unique()
    (jp_root_dir / "new.bin").write_bytes(b"the new bytes")
    if target_root == "scratch":
        gcs_put(bucket, key + "old.bin", b"the old object")
    else:
        s3_client().put_object(Bucket=bucket, Key=key + "old.bin", Body=b"the old object")
    local, root = service.local, service.root(target_root)
    source = Place(local, None, "new.bin")
    target = Place(service.store(root), root, key + "old.bin", [])
    info = await local.head("new.bin")
    real_upload = target.store.upload

    class Progress:
        def progress(self, job):
            pass

    monkeypatch.setattr(target.store, "upload", altering(real_upload, b"new", b"NEW"))
    job = Job(id="replace", kind="transfer", label="replace")
    with pytest.raises(ApiError) as caught:
        await transfers._transfer_object(Progress(), job, source, info, target, key + "old.bin", "overwrite")
    assert caught.value.code == "verify-failed"
    if target_root == "scratch":
        assert gcs_get(bucket, key + "old.bin") == b"the old object"
        assert gcs_independent_keys(bucket, key) == [key + "old.bin"]  # no hidden copy left
    else:
        assert s3_client().get_object(Bucket=bucket, Key=key + "old.bin")["Body"].read() == b"the old object"
        assert [o["Key"] for o in s3_client().list_objects_v2(Bucket=bucket, Prefix=key)["Contents"]] == [
            key + "old.bin"
        ]
    # And a good copy replaces it.
    monkeypatch.setattr(target.store, "upload", real_upload)
    assert await transfers._transfer_object(Progress(), job, source, info, target, key + "old.bin", "overwrite")
    if target_root == "scratch":
        assert gcs_get(bucket, key + "old.bin") == b"the new bytes"
        assert gcs_independent_keys(bucket, key) == [key + "old.bin"]
    else:
        assert s3_client().get_object(Bucket=bucket, Key=key + "old.bin")["Body"].read() == b"the new bytes"


class TestTwoRootsOnOneBucket:
    """Item 10: two roots on one bucket defeated the 'onto itself' check (it compared
    stores, one per root)."""

    @pytest.fixture
    def jp_server_config(self, tmp_path):
        from jupyterlab_leap_buckets.config import LEAP_ROOTS

        alias = {**LEAP_ROOTS[0], "id": "scratch-again", "label": "Scratch again"}
        return extension_config(state_dir=str(tmp_path / "leap-state"), roots=[*LEAP_ROOTS, alias])

    async def test_a_folder_is_not_moved_into_itself_through_another_root(self, post):
        folder = unique()
        gcs_put("leap-scratch", folder + "a.txt", b"a")
        status, body = await post(
            {
                "source": {"root": "scratch", "path": folder},
                "target": {"root": "scratch-again", "path": folder + "inner/"},
                "mode": "move",
            }
        )
        assert status == 400, body
        assert gcs_independent_keys("leap-scratch", folder) == [folder + "a.txt"]


@pytest.mark.parametrize("name", ["a\nb", "x\x00", "..", "a/b", "\ud800"])
async def test_upload_names_are_checked_like_keys(send, name):
    """Item 10: upload names skipped the key checks."""
    before = gcs_independent_keys("leap-scratch", "demo/")
    status, body = await send("uploads", {"target": {"root": "scratch", "path": "demo/"}, "name": name, "size": 1})
    assert status == 400, body
    assert gcs_independent_keys("leap-scratch", "demo/") == before
