"""Transfers: every direction for a file, a folder and a Zarr store, checked object by
object with independent clients; move, conflicts, refusals, cancel."""

import asyncio
import json
import os
import uuid

import pytest

from .conftest import altering, gcs_get, gcs_independent_keys, gcs_put, s3_client


def unique(prefix="demo/"):
    return f"{prefix}t-{uuid.uuid4().hex[:8]}/"


def s3_objects(bucket, prefix):
    s3 = s3_client()
    keys = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        keys += [o["Key"] for o in page.get("Contents", [])]
    return {key: s3.get_object(Bucket=bucket, Key=key)["Body"].read() for key in keys}


def gcs_objects(bucket, prefix):
    return {key: gcs_get(bucket, key) for key in gcs_independent_keys(bucket, prefix)}


async def copy(post, finish, source, target, **extra):
    status, job = await post({"source": source, "target": target, "mode": "copy", "conflict": "fail", **extra})
    assert status == 202, job
    job = await finish(job)
    assert job["state"] == "done", (job.get("error"), job.get("failed"))
    assert job["objectsDone"] == job["objectsTotal"] and job["bytesDone"] == job["bytesTotal"]
    return job


async def test_file_bucket_to_bucket_on_gcs(post, finish):
    dest = unique()
    job = await copy(
        post, finish, {"root": "scratch", "path": "demo/results/run-001.nc"}, {"root": "persistent", "path": dest}
    )
    assert job["note"] is None  # GCS to GCS stays inside Google
    assert gcs_get("leap-persistent", dest + "run-001.nc") == gcs_get("leap-scratch", "demo/results/run-001.nc")
    assert job["objectsTotal"] == 1 and job["completed"] == [dest + "run-001.nc"]


async def test_zarr_store_gcs_to_osn(post, finish):
    dest = unique("")
    job = await copy(post, finish, {"root": "scratch", "path": "demo/ocean.zarr/"}, {"root": "osn-inbox", "path": dest})
    assert "leaves Google's network" in job["note"]
    source = gcs_objects("leap-scratch", "demo/ocean.zarr/")
    landed = s3_objects("leap-pangeo-inbox", dest + "ocean.zarr/")
    assert len(source) > 5
    assert {k.replace("demo/", dest, 1): v for k, v in source.items()} == landed


async def test_folder_osn_to_gcs_and_within_s3(s3_server, post, finish):
    dest = unique()
    await copy(post, finish, {"root": "osn-pipeline", "path": "era5/"}, {"root": "scratch", "path": dest})
    source = s3_objects("leap-pangeo-pipeline", "era5/")
    assert {k.replace("era5/", dest + "era5/", 1): v for k, v in source.items()} == gcs_objects("leap-scratch", dest)
    inbox = unique("")
    await copy(
        post, finish, {"root": "osn-pipeline", "path": "era5/surface.zarr/"}, {"root": "osn-inbox", "path": inbox}
    )
    copied = s3_objects("leap-pangeo-inbox", inbox)
    assert len(copied) == len([k for k in source if k.startswith("era5/surface.zarr/")])


async def test_workspace_disk_to_bucket_and_back(post, finish, jp_root_dir):
    data = jp_root_dir / "data"
    (data / "sub").mkdir(parents=True)
    (data / "a.bin").write_bytes(os.urandom(9 * 1024 * 1024))  # more than one chunk
    (data / "sub" / "b.txt").write_text("hello\n")
    (data / "empty.txt").write_bytes(b"")
    dest = unique()
    await copy(post, finish, {"local": "data/"}, {"root": "scratch", "path": dest})
    landed = gcs_objects("leap-scratch", dest)
    assert landed == {
        dest + "data/a.bin": (data / "a.bin").read_bytes(),
        dest + "data/empty.txt": b"",
        dest + "data/sub/b.txt": b"hello\n",
    }
    await copy(post, finish, {"root": "scratch", "path": dest + "data/"}, {"local": "back/"})
    for name in ("a.bin", "empty.txt", "sub/b.txt"):
        assert (jp_root_dir / "back" / "data" / name).read_bytes() == (data / name).read_bytes()
    assert not [p for p in (jp_root_dir / "back").rglob("*leap-partial*")]


async def test_moving_a_workspace_folder_leaves_no_emptied_folders(post, finish, jp_root_dir):
    """As `mv`: once every file of a workspace folder is moved, its folders go too; a
    folder that still holds a file (skipped: the name was taken) stays with it."""
    name = f"mv-{uuid.uuid4().hex[:6]}"
    data = jp_root_dir / name
    (data / "sub" / "deeper").mkdir(parents=True)
    (data / "sub" / "deeper" / "x.txt").write_text("x")
    (data / "a.txt").write_text("a")
    dest = unique()
    status, job = await post(
        {"source": {"local": f"{name}/"}, "target": {"root": "scratch", "path": dest}, "mode": "move"}
    )
    assert status == 202, job
    assert (await finish(job))["state"] == "done"
    assert not data.exists()
    assert gcs_objects("leap-scratch", dest) == {dest + f"{name}/a.txt": b"a", dest + f"{name}/sub/deeper/x.txt": b"x"}

    (data / "sub").mkdir(parents=True)
    (data / "sub" / "y.txt").write_text("y")
    (data / "a.txt").write_text("a, again")  # its name is taken at the target: skipped
    status, job = await post(
        {
            "source": {"local": f"{name}/"},
            "target": {"root": "scratch", "path": dest},
            "mode": "move",
            "conflict": "skip",
        }
    )
    assert status == 202, job
    job = await finish(job)
    assert job["state"] == "done" and job["objectsSkipped"] == 1, job
    assert sorted(p.relative_to(data).as_posix() for p in data.rglob("*")) == ["a.txt"]
    assert gcs_get("leap-scratch", dest + f"{name}/sub/y.txt") == b"y"


async def test_move_deletes_the_source_after_the_copy(post, finish):
    src = unique() + "moved.txt"
    gcs_put("leap-scratch", src, b"move me")
    dest = unique()
    status, job = await post(
        {"source": {"root": "scratch", "path": src}, "target": {"root": "persistent", "path": dest}, "mode": "move"}
    )
    assert status == 202
    assert (await finish(job))["state"] == "done"
    assert gcs_get("leap-persistent", dest + "moved.txt") == b"move me"
    assert gcs_independent_keys("leap-scratch", src) == []


async def test_conflict_policies(post, finish):
    dest = unique()
    gcs_put("leap-persistent", dest + "README.md", b"old")
    source = {"root": "scratch", "path": "demo/README.md"}
    target = {"root": "persistent", "path": dest}
    status, body = await post({"source": source, "target": target, "conflict": "fail"})
    assert status == 409 and body["error"]["code"] == "conflict"
    assert "skip, keep both or overwrite" in body["error"]["message"]  # a file: no update
    assert gcs_get("leap-persistent", dest + "README.md") == b"old"
    # A folder meeting a folder may also be updated, and the message says so.
    gcs_put("leap-persistent", dest + "results/old.nc", b"old")
    folder = {"root": "scratch", "path": "demo/results/"}
    status, body = await post({"source": folder, "target": target, "conflict": "fail"})
    assert status == 409 and "skip, keep both, update or overwrite" in body["error"]["message"], body

    status, job = await post({"source": source, "target": target, "conflict": "skip"})
    job = await finish(job)
    assert job["state"] == "done" and job["objectsSkipped"] == 1
    assert gcs_get("leap-persistent", dest + "README.md") == b"old"

    status, job = await post({"source": source, "target": target, "conflict": "rename"})
    job = await finish(job)
    assert job["target"]["path"] == dest + "README (1).md"
    assert gcs_get("leap-persistent", dest + "README (1).md") == gcs_get("leap-scratch", "demo/README.md")

    status, job = await post({"source": source, "target": target, "conflict": "overwrite"})
    assert (await finish(job))["state"] == "done"
    assert gcs_get("leap-persistent", dest + "README.md") == gcs_get("leap-scratch", "demo/README.md")


@pytest.mark.parametrize(
    "body, status, code",
    [
        (
            {"source": {"root": "scratch", "path": "demo/README.md"}, "target": {"root": "osn-manual", "path": ""}},
            403,
            "read-only",
        ),
        (
            {
                "source": {"root": "scratch", "path": "demo/README.md"},
                "target": {"root": "scratch", "path": "other-user/"},
            },
            403,
            "outside-home",
        ),
        (
            {
                "source": {"root": "scratch", "path": "demo/README.md"},
                "target": {"root": "scratch", "path": "demo-old/"},
            },
            403,
            "outside-home",
        ),
        (
            {
                "source": {"root": "scratch", "path": "other-user/hello.txt"},
                "target": {"root": "persistent", "path": "demo/"},
                "mode": "move",
            },
            403,
            "outside-home",
        ),
        (
            {
                "source": {"root": "osn-pipeline", "path": "era5/"},
                "target": {"root": "scratch", "path": "demo/"},
                "mode": "move",
            },
            403,
            "read-only",
        ),
        ({"source": {"local": "../etc/passwd"}, "target": {"root": "scratch", "path": "demo/"}}, 403, "outside-home"),
        ({"source": {"local": "/etc/passwd"}, "target": {"root": "scratch", "path": "demo/"}}, 403, "outside-home"),
        (
            {"source": {"root": "scratch", "path": "demo/README.md"}, "target": {"local": "../outside/"}},
            403,
            "outside-home",
        ),
        (
            {
                "source": {"root": "scratch", "path": "demo/nothing-here.txt"},
                "target": {"root": "persistent", "path": "demo/"},
            },
            404,
            "not-found",
        ),
        (
            {
                "source": {"root": "scratch", "path": "demo/notes/"},
                "target": {"root": "scratch", "path": "demo/notes/inner/"},
            },
            400,
            "bad-request",
        ),
        (
            {
                "source": {"root": "scratch", "path": "demo/README.md"},
                "target": {"root": "persistent", "path": "demo/"},
                "mode": "teleport",
            },
            400,
            "bad-request",
        ),
        ({"source": "demo/README.md", "target": {"root": "persistent", "path": "demo/"}}, 400, "bad-request"),
    ],
)
async def test_refusals(post, body, status, code):
    got, reply = await post(body)
    assert got == status, reply
    assert reply["error"]["code"] == code


async def test_symlinks_out_of_the_root_are_refused(post, jp_root_dir, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("not yours")
    (jp_root_dir / "link.txt").symlink_to(secret)
    got, reply = await post({"source": {"local": "link.txt"}, "target": {"root": "scratch", "path": unique()}})
    assert got == 403 and reply["error"]["code"] == "outside-home"


async def cancel_once_done(post, api, jp_fetch, target, done: int) -> dict:
    """Copy demo/many/ (2,600 objects) to `target`, cancel once `done` have landed (in
    the middle), and answer the cancelled job."""
    status, job = await post({"source": {"root": "scratch", "path": "demo/many/"}, "target": target})
    assert status == 202
    for _ in range(600):
        _, job = await api(f"jobs/{job['id']}")
        if job["objectsDone"] >= done:
            break
        await asyncio.sleep(0.02)
    response = await jp_fetch("leap-buckets", "api", "jobs", job["id"], method="DELETE")
    return json.loads(response.body)


async def test_cancel_stops_and_leaves_no_partial_objects(post, api, jp_fetch):
    dest = unique("")
    job = await cancel_once_done(post, api, jp_fetch, {"root": "osn-inbox", "path": dest}, 20)
    assert job["state"] == "cancelled"
    assert 0 < job["objectsDone"] < job["objectsTotal"]
    landed = s3_objects("leap-pangeo-inbox", dest)
    # what the job reports as completed is there; whatever is there is whole
    assert set(job["completed"]) <= set(landed) and len(landed) >= job["objectsDone"]
    assert len(landed) < job["objectsTotal"]
    for key, value in list(landed.items())[:100]:
        assert value == gcs_get("leap-scratch", "demo/" + key[len(dest) :])
    uploads = s3_client().list_multipart_uploads(Bucket="leap-pangeo-inbox").get("Uploads", [])
    assert [u for u in uploads if u["Key"].startswith(dest)] == []


async def test_a_cancelled_download_to_the_disk_leaves_exactly_what_it_counts(post, api, jp_fetch, jp_root_dir):
    """Small files are written by the server's writer process; a cancel must still leave
    whole files only, each counted by the job, and nothing under a partial name."""
    job = await cancel_once_done(post, api, jp_fetch, {"local": "got/"}, 50)
    assert job["state"] == "cancelled" and 0 < job["objectsDone"] < job["objectsTotal"]
    folder = jp_root_dir / "got" / "many"
    names = sorted(p.name for p in folder.iterdir())
    assert [n for n in names if n.startswith(".")] == []  # no partial file left
    assert len(names) == job["objectsDone"]  # every file there is counted, and only those
    assert {c.split("/")[-1] for c in job["completed"]} <= set(names)
    for name in names:
        i = int(name[len("part-") : -len(".txt")])
        assert (folder / name).read_bytes() == b"%d\n" % i


async def test_jobs_are_listed(post, finish, api):
    status, job = await post(
        {"source": {"root": "scratch", "path": "demo/README.md"}, "target": {"root": "persistent", "path": unique()}}
    )
    await finish(job)
    status, body = await api("jobs")
    assert status == 200 and job["id"] in [j["id"] for j in body["jobs"]]
    status, body = await api("jobs/0123456789ab")
    assert status == 404 and body["error"]["code"] == "not-found"


async def test_large_object_to_s3_goes_multipart_and_lands_whole(s3_server, post, finish):
    dest = unique("")
    await copy(
        post, finish, {"root": "scratch", "path": "demo/results/run-002.nc"}, {"root": "osn-inbox", "path": dest}
    )
    landed = s3_objects("leap-pangeo-inbox", dest)
    assert landed == {dest + "run-002.nc": gcs_get("leap-scratch", "demo/results/run-002.nc")}
    head = s3_client().head_object(Bucket="leap-pangeo-inbox", Key=dest + "run-002.nc")
    assert head["ETag"].strip('"').endswith("-2")  # two 8 MiB parts: the multipart path


# Every direction, for a file, a folder and a Zarr store, checked object by object with
# clients independent of our server (the emulator's JSON API and Node's
# @google-cloud/storage for GCS, boto3 for S3, the file system for the workspace disk).
SOURCES = {
    "gcs": {"file": "demo/results/summary.csv", "folder": "demo/not-a-store.zarr/", "zarr": "demo/atmos.zarr/"},
    "s3": {"file": "demo/from-hpc/run.log", "folder": "demo/from-hpc/", "zarr": "demo/from-hpc/output.zarr/"},
    "local": {"file": "m/one.txt", "folder": "m/folder/", "zarr": "m/atmos.zarr/"},
}
ROOT_OF = {
    "gcs": ("scratch", "leap-scratch"),
    "gcs2": ("persistent", "leap-persistent"),
    "s3": ("osn-inbox", "leap-pangeo-inbox"),
}
DIRECTIONS = [
    ("gcs", "gcs2"),
    ("s3", "s3"),
    ("gcs", "s3"),
    ("s3", "gcs"),
    ("local", "gcs"),
    ("gcs", "local"),
    ("local", "s3"),
    ("s3", "local"),
]


def objects_under(side, path, root_dir):
    """{key relative to the place's parent folder: bytes} of what lies at `path`."""
    parent = path.rstrip("/").rpartition("/")[0]
    parent = parent + "/" if parent else ""
    if side == "local":
        base = root_dir / path
        files = [base] if base.is_file() else [p for p in base.rglob("*") if p.is_file()]
        found = {p.relative_to(root_dir).as_posix(): p.read_bytes() for p in files}
    elif side == "s3":
        found = s3_objects(ROOT_OF["s3"][1], path)
    else:
        found = gcs_objects(ROOT_OF[side][1], path)
    if not path.endswith("/"):
        found = {k: v for k, v in found.items() if k == path}
    return {k[len(parent) :]: v for k, v in found.items()}


@pytest.fixture
def local_sources(jp_root_dir):
    (jp_root_dir / "m" / "folder" / "deeper").mkdir(parents=True)
    (jp_root_dir / "m" / "one.txt").write_text("one file from the workspace\n")
    (jp_root_dir / "m" / "folder" / "a.csv").write_text("x,y\n1,2\n")
    (jp_root_dir / "m" / "folder" / "deeper" / "b.bin").write_bytes(os.urandom(70000))
    for key, data in gcs_objects("leap-scratch", "demo/atmos.zarr/").items():
        target = jp_root_dir / "m" / key[len("demo/") :]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return jp_root_dir


@pytest.mark.parametrize("kind", ["file", "folder", "zarr"])
@pytest.mark.parametrize("source_side,target_side", DIRECTIONS)
async def test_every_direction(post, finish, local_sources, source_side, target_side, kind):
    path = SOURCES[source_side][kind]
    place = lambda side, p: {"local": p} if side == "local" else {"root": ROOT_OF[side][0], "path": p}  # noqa: E731
    dest = unique("demo/" if target_side != "local" else "")
    job = await copy(post, finish, place(source_side, path), place(target_side, dest))
    expected = objects_under(source_side, path, local_sources)
    assert expected, f"nothing seeded at {path}"
    name = path.rstrip("/").rpartition("/")[2] + ("/" if path.endswith("/") else "")
    landed = objects_under(target_side, dest + name, local_sources)
    assert landed == expected
    assert job["objectsTotal"] == len(expected)


async def test_a_checksum_mismatch_fails_and_removes_the_copy(emulators):
    """verify() against the real emulator: an object whose checksum differs from what was
    read from the source is removed, and the object fails with `verify-failed`."""
    from jupyterlab_leap_buckets.build import build
    from jupyterlab_leap_buckets.config import LeapBuckets
    from jupyterlab_leap_buckets.errors import ApiError
    from jupyterlab_leap_buckets.places import Place
    from jupyterlab_leap_buckets.transfers import verify

    from .conftest import GCS, S3

    service = build(
        LeapBuckets(username="demo", gcs_endpoint=GCS, s3_endpoint=S3, s3_key="testing", s3_secret="testing")
    ).service
    for root_id, put, exists in (
        (
            "scratch",
            lambda k: gcs_put("leap-scratch", k, b"landed bytes"),
            lambda k: gcs_independent_keys("leap-scratch", k),
        ),
        (
            "osn-inbox",
            lambda k: s3_client().put_object(Bucket="leap-pangeo-inbox", Key=k, Body=b"landed bytes"),
            lambda k: s3_client().list_objects_v2(Bucket="leap-pangeo-inbox", Prefix=k).get("Contents", []),
        ),
    ):
        root = service.root(root_id)
        key = unique() + "corrupt.bin"
        put(key)
        assert exists(key)
        place = Place(service.store(root), root, key)
        with pytest.raises(ApiError) as caught:
            await verify(place, key, len(b"landed bytes"), "0" * 32, None)
        assert caught.value.code == "verify-failed"
        assert not exists(key)


async def test_bytes_read_that_differ_from_the_sources_crc32c_fail_the_object(emulators, tmp_path):
    """A download checked by CRC32C alone (no MD5 is computed for GCS to disk): bytes that
    differ from the source's CRC32C fail the object and leave no file behind."""
    import base64

    import google_crc32c

    from jupyterlab_leap_buckets.errors import ApiError
    from jupyterlab_leap_buckets.local import LocalStore
    from jupyterlab_leap_buckets.places import Place
    from jupyterlab_leap_buckets.transfers import verify

    (tmp_path / "got.bin").write_bytes(b"bytes as read")
    read_crc = base64.b64encode(google_crc32c.Checksum(b"bytes as read").digest()).decode()
    source_crc = base64.b64encode(google_crc32c.Checksum(b"bytes at source").digest()).decode()
    place = Place(LocalStore(str(tmp_path)), None, "got.bin")
    await verify(place, "got.bin", 13, None, read_crc, source_crc=read_crc)  # the same: passes
    assert (tmp_path / "got.bin").exists()
    with pytest.raises(ApiError) as caught:
        await verify(place, "got.bin", 13, None, read_crc, source_crc=source_crc)
    assert caught.value.code == "verify-failed"
    assert "CRC32C" in caught.value.message
    assert not (tmp_path / "got.bin").exists()


async def test_gcs_to_s3_is_checked_end_to_end_by_the_sources_md5(emulators, monkeypatch):
    """From GCS to S3 no MD5 is computed here: the S3 copy's ETag must match the GCS
    object's own MD5. Bytes changed between the read (checked by CRC32C) and S3 are
    caught by that comparison, and the copy is removed."""
    from jupyterlab_leap_buckets import object_copy, transfers
    from jupyterlab_leap_buckets.build import build
    from jupyterlab_leap_buckets.config import LeapBuckets
    from jupyterlab_leap_buckets.errors import ApiError
    from jupyterlab_leap_buckets.jobs import Job
    from jupyterlab_leap_buckets.places import Place

    from .conftest import GCS, S3

    service = build(
        LeapBuckets(username="demo", gcs_endpoint=GCS, s3_endpoint=S3, s3_key="testing", s3_secret="testing")
    ).service
    key = unique() + "e2e.bin"
    gcs_put("leap-scratch", key, b"the bytes at the source")
    gcs_root, s3_root = service.root("scratch"), service.root("osn-inbox")
    source = Place(service.store(gcs_root), gcs_root, key)
    target = Place(service.store(s3_root), s3_root, key)
    info = await source.store.head(key)
    assert info.md5 and info.crc32c
    hashed = []
    real_md5 = object_copy.hashlib.md5
    monkeypatch.setattr(object_copy.hashlib, "md5", lambda *a: hashed.append(1) or real_md5(*a))

    class Progress:
        def progress(self, job):
            pass

    job = Job(id="e2e", kind="transfer", label="e2e")
    assert await transfers._transfer_object(Progress(), job, source, info, target, key, "overwrite")
    assert s3_client().get_object(Bucket="leap-pangeo-inbox", Key=key)["Body"].read() == b"the bytes at the source"
    assert hashed == []  # no MD5 computed
    # The same bytes as read, altered on their way to S3.
    real_upload = target.store.upload

    monkeypatch.setattr(target.store, "upload", altering(real_upload, b"source", b"SOURCE"))
    fresh = unique() + "e2e.bin"  # the inbox replaces nothing: a new key
    with pytest.raises(ApiError) as caught:
        await transfers._transfer_object(Progress(), job, source, info, target, fresh, "fail")
    assert caught.value.code == "verify-failed" and "MD5" in caught.value.message
    assert not s3_client().list_objects_v2(Bucket="leap-pangeo-inbox", Prefix=fresh).get("Contents")
