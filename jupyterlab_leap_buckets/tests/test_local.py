"""The disk as a transfer place never reaches outside the server's root folder: symlinked
files and folders that lead out are refused, for reading and for writing, including a
folder that became such a link after it was last checked. Files written there appear
only once whole, and a server killed in the middle leaves nothing."""

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .. import disk_writer_process, local
from ..errors import ApiError
from ..local import LocalStore


async def _write(store, key, data=b"x"):
    async def chunks():
        yield data

    return await store.upload(key, len(data), chunks())


def refused(store, key):
    with pytest.raises(ApiError) as caught:
        store.resolve(key)
    return caught.value.code


def test_links_out_are_refused_and_links_in_allowed(tmp_path):
    root, elsewhere = tmp_path / "root", tmp_path / "elsewhere"
    (root / "data").mkdir(parents=True)
    elsewhere.mkdir()
    (elsewhere / "secret.txt").write_text("not yours")
    (root / "data" / "inside.txt").write_text("yours")
    (root / "out-file").symlink_to(elsewhere / "secret.txt")
    (root / "out-dir").symlink_to(elsewhere)
    (root / "in-file").symlink_to(root / "data" / "inside.txt")
    store = LocalStore(str(root))
    assert refused(store, "out-file") == "outside-home"
    assert refused(store, "out-dir/secret.txt") == "outside-home"
    assert refused(store, "out-dir/new/deeper.txt") == "outside-home"
    assert refused(store, "data/../out-file") == "outside-home"
    assert refused(store, "/etc/passwd") == "outside-home"
    assert refused(store, "a\\b") == "bad-request"
    assert store.resolve("in-file") == root / "in-file"
    assert store.resolve("data/not-yet.txt") == root / "data" / "not-yet.txt"
    assert store.resolve("") == root


async def test_writes_land_inside_and_never_through_a_link(tmp_path):
    root, elsewhere = tmp_path / "root", tmp_path / "elsewhere"
    root.mkdir()
    elsewhere.mkdir()
    store = LocalStore(str(root))
    info = await _write(store, "new/folder/file.bin", b"12345")
    assert info.size == 5 and (root / "new" / "folder" / "file.bin").read_bytes() == b"12345"
    (root / "away").symlink_to(elsewhere)
    with pytest.raises(ApiError):
        await _write(store, "away/file.bin")
    assert list(elsewhere.iterdir()) == []


def test_a_folder_turned_into_a_link_is_caught_once_its_trust_runs_out(tmp_path, monkeypatch):
    root, elsewhere = tmp_path / "root", tmp_path / "elsewhere"
    (root / "data").mkdir(parents=True)
    elsewhere.mkdir()
    clock = [1000.0]
    monkeypatch.setattr(local.time, "monotonic", lambda: clock[0])
    store = LocalStore(str(root))
    store.resolve("data/a.txt")  # checked and trusted
    (root / "data").rmdir()
    (root / "data").symlink_to(elsewhere)
    clock[0] += local.FOLDER_TRUST + 0.01
    assert refused(store, "data/a.txt") == "outside-home"


def test_a_folder_that_was_not_there_is_not_trusted(tmp_path):
    root, elsewhere = tmp_path / "root", tmp_path / "elsewhere"
    root.mkdir()
    elsewhere.mkdir()
    store = LocalStore(str(root))
    assert store.resolve("later/a.txt") == root / "later" / "a.txt"  # not there yet
    (root / "later").symlink_to(elsewhere)  # made a moment later, leading out
    assert refused(store, "later/a.txt") == "outside-home"


def _planted(tmp_path, name):
    """A root with a folder `data` holding, at the partial name a download of `name` there
    would use, a link out of the root (as a hostile notebook could plant)."""
    root, elsewhere = tmp_path / "root", tmp_path / "elsewhere"
    (root / "data").mkdir(parents=True)
    elsewhere.mkdir()
    partial = root / "data" / f".{name}.leap-partial-planted0"
    partial.symlink_to(elsewhere / "stolen.bin")
    return root, elsewhere, partial


@pytest.mark.parametrize("size", [300 * 256, local.CHUNK + 1], ids=["small", "large"])
async def test_a_file_is_written_whole_and_never_through_what_is_at_its_partial_name(
    tmp_path, monkeypatch, new_files, size
):
    monkeypatch.setattr(local, "USE_WRITER", False)  # this process writes (test_disk_writer: the writer)
    monkeypatch.setattr(local.uuid, "uuid4", lambda: type("U", (), {"hex": "planted0" * 4})())
    root, elsewhere, partial = _planted(tmp_path, "two.bin")
    store = LocalStore(str(root))
    data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    assert (await _write(store, "data/one.bin", data)).size == size
    assert (root / "data" / "one.bin").read_bytes() == data
    if new_files == "named":
        # The partial name is taken by the link: refused, not followed, not removed.
        with pytest.raises(FileExistsError):
            await _write(store, "data/two.bin", b"secret" * (size // 6))
        assert not (root / "data" / "two.bin").exists()
    else:
        # Unnamed until whole: the partial name is never used, so the link is never met.
        assert (await _write(store, "data/two.bin", b"secret")).size == 6
        assert (root / "data" / "two.bin").read_bytes() == b"secret"
    assert list(elsewhere.iterdir()) == [] and partial.is_symlink()
    assert sorted(p.name for p in (root / "data").iterdir() if not p.is_symlink()) == sorted(
        ["one.bin"] + (["two.bin"] if new_files == "unnamed" else [])
    )  # nothing half-written


@pytest.mark.parametrize("size", [10, local.CHUNK + 1], ids=["small", "large"])
async def test_a_file_that_is_there_already_is_replaced_whole(tmp_path, monkeypatch, new_files, size):
    monkeypatch.setattr(local, "USE_WRITER", False)
    root = tmp_path / "root"
    (root / "data").mkdir(parents=True)
    (root / "data" / "one.bin").write_bytes(b"old")
    store = LocalStore(str(root))
    assert (await _write(store, "data/one.bin", b"n" * size)).size == size
    assert (root / "data" / "one.bin").read_bytes() == b"n" * size
    assert [p.name for p in (root / "data").iterdir()] == ["one.bin"]


async def test_where_the_filesystem_has_no_unnamed_files_a_partial_name_is_used(tmp_path, monkeypatch):
    """NFS, for one, answers O_TMPFILE with EOPNOTSUPP: the file is then written under a
    partial name and renamed, and lands the same."""
    real_open, tried = os.open, []

    def no_unnamed(path, flags, mode=0o777):
        if flags & os.O_TMPFILE == os.O_TMPFILE:
            tried.append(path)
            raise OSError(errno.EOPNOTSUPP, "Operation not supported", path)
        return real_open(path, flags, mode)

    monkeypatch.setattr(local, "USE_WRITER", False)
    monkeypatch.setattr(disk_writer_process, "UNNAMED", True)
    monkeypatch.setattr(disk_writer_process.os, "open", no_unnamed)
    root = tmp_path / "root"
    root.mkdir()
    store = LocalStore(str(root))
    for key, size in [("a/small.bin", 100), ("a/large.bin", local.CHUNK + 1)]:
        assert (await _write(store, key, b"z" * size)).size == size
        assert (root / key).read_bytes() == b"z" * size
    assert len(tried) >= 2  # unnamed files were asked for, and refused
    assert sorted(p.name for p in (root / "a").iterdir()) == ["large.bin", "small.bin"]


_KILLED_IN_THE_MIDDLE = """
import asyncio, os, sys
from jupyterlab_leap_buckets import local
local.USE_WRITER = False
async def main():
    store = local.LocalStore(sys.argv[1])
    async def chunks():
        yield b"x" * local.CHUNK
        print("written", flush=True)
        os.kill(os.getpid(), 9)  # the server killed in the middle of a download
        yield b"x"
    await store.upload("data/big.bin", local.CHUNK + 1, chunks())
asyncio.run(main())
"""


def test_a_server_killed_in_the_middle_of_a_download_leaves_nothing_on_the_disk(tmp_path):
    if not disk_writer_process.UNNAMED:
        pytest.skip("this system has no unnamed files (O_TMPFILE)")
    root = tmp_path / "root"
    (root / "data").mkdir(parents=True)
    run = subprocess.run(
        [sys.executable, "-c", _KILLED_IN_THE_MIDDLE, str(root)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[2],
    )
    assert run.returncode == -9 and "written" in run.stdout, run.stderr
    assert list((root / "data").iterdir()) == []  # no file, and no partial one either


async def test_a_download_cancelled_while_its_file_is_opened_leaves_no_file_open_or_behind(tmp_path, monkeypatch):
    """A cancel that arrives while the worker thread is still making the file: once the
    thread has made it, it is closed (and, if it had a name, removed), not left open."""
    import asyncio
    import threading

    opening, may_go, opened = threading.Event(), threading.Event(), threading.Event()
    real_open_new = disk_writer_process.open_new

    def slow_open_new(*args):
        opening.set()
        may_go.wait(10)  # the cancel arrives while the file is being made
        try:
            return real_open_new(*args)
        finally:
            opened.set()

    monkeypatch.setattr(disk_writer_process, "open_new", slow_open_new)
    root = tmp_path / "root"
    (root / "d").mkdir(parents=True)
    store = LocalStore(str(root))
    filled = []

    async def fill(fd):
        filled.append(fd)

    for unnamed in (True, False):  # an unnamed file, and one under a partial name
        monkeypatch.setattr(disk_writer_process, "UNNAMED", unnamed)
        opening.clear(), may_go.clear(), opened.clear()
        before = set(os.listdir("/proc/self/fd"))
        task = asyncio.ensure_future(store.receive("d/file.bin", 10, fill))
        await asyncio.to_thread(opening.wait, 10)
        task.cancel()
        await asyncio.sleep(0.05)
        may_go.set()
        with pytest.raises(asyncio.CancelledError):
            await task
        await asyncio.to_thread(opened.wait, 10)  # the thread has made the file
        await asyncio.sleep(0.05)
        assert not filled, "the download went on after its cancel"
        assert set(os.listdir("/proc/self/fd")) <= before, f"a descriptor left open (unnamed={unnamed})"
        assert os.listdir(root / "d") == [], f"left on the disk (unnamed={unnamed})"
