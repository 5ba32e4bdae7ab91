"""Small downloaded files are written by a child process (disk_writer.py): they land whole
under their own names, never through a link or a planted partial name, never outside the
root; if the process ends or is stopped, the files it had fail clearly and leave nothing
half-written; a cancel lets the file being written end whole and counted; an idle process
goes away; without one the event loop writes the files itself."""

import asyncio
import gc
import os
import signal
import time

import pytest

from .. import disk_writer, disk_writer_process, local
from ..errors import ApiError
from ..local import LocalStore


async def _write(store, key, data=b"x"):
    async def chunks():
        yield data

    return await store.upload(key, len(data), chunks())


def _alive(pid) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split(") ")[1][0] != "Z"


async def _until(check, seconds=5.0):
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def _store_with_a_stopped_writer(root):
    """A store whose writer process is running but stopped (SIGSTOP): it answers nothing
    until continued."""
    store = LocalStore(str(root))
    await _write(store, "first.bin")
    os.kill(store.writer.pid, signal.SIGSTOP)
    return store, store.writer.pid


@pytest.mark.parametrize("threads", [1, 4])
async def test_many_files_at_once_land_whole_from_another_process(tmp_path, monkeypatch, threads):
    monkeypatch.setattr(disk_writer, "THREADS", threads)
    root = tmp_path / "root"
    root.mkdir()
    store = LocalStore(str(root))
    files = {f"a/b/f{i:03d}.bin": os.urandom(1000 + i * 97) for i in range(200)}
    infos = await asyncio.gather(*(_write(store, key, data) for key, data in files.items()))
    assert [info.size for info in infos] == [len(data) for data in files.values()]
    for key, data in files.items():
        assert (root / key).read_bytes() == data
    assert sorted(p.name for p in (root / "a" / "b").iterdir()) == sorted(k.split("/")[-1] for k in files)
    pid = store.writer.pid
    assert pid not in (None, os.getpid()) and _alive(pid)
    # Answers are still read after a garbage collection (a reader task held by no one
    # was once collected, failing the writes that waited, in a benchmark's download).
    gc.collect()
    await asyncio.sleep(0)
    more = await asyncio.gather(*(_write(store, f"c/{i}.bin", b"c" * i) for i in range(1, 50)))
    assert [info.size for info in more] == list(range(1, 50)) and store.writer.pid == pid
    store.writer.stop()


async def test_the_process_never_writes_through_a_planted_partial_name(tmp_path, monkeypatch, new_files):
    root, elsewhere = tmp_path / "root", tmp_path / "elsewhere"
    (root / "data").mkdir(parents=True)
    elsewhere.mkdir()
    monkeypatch.setattr(local.uuid, "uuid4", lambda: type("U", (), {"hex": "planted0" * 4})())
    partial = root / "data" / ".two.bin.leap-partial-planted0"
    partial.symlink_to(elsewhere / "stolen.bin")
    (root / "data" / "one.bin").write_bytes(b"old")
    store = LocalStore(str(root))
    # A file already there is replaced whole, either way.
    assert (await _write(store, "data/one.bin", b"new")).size == 3
    assert (root / "data" / "one.bin").read_bytes() == b"new"
    if new_files == "named":
        with pytest.raises(FileExistsError):
            await _write(store, "data/two.bin", b"secret")
        assert not (root / "data" / "two.bin").exists()
    else:  # the partial name is never used
        assert (await _write(store, "data/two.bin", b"secret")).size == 6
    assert list(elsewhere.iterdir()) == [] and partial.is_symlink()
    assert len(list((root / "data").iterdir())) == (2 if new_files == "named" else 3)
    store.writer.stop()


async def test_a_folder_the_process_makes_that_leads_out_is_refused(tmp_path):
    root, elsewhere = tmp_path / "root", tmp_path / "elsewhere"
    root.mkdir()
    elsewhere.mkdir()
    (root / "away").symlink_to(elsewhere)
    # The store refuses such a path before the process sees it; the process checks again
    # for a link made in between (here: asked directly).
    writer = disk_writer.DiskWriter(str(root))
    path = root / "away" / "new" / "file.bin"
    partial = path.with_name(".file.bin.leap-partial-x")
    code, written, _ = await writer.write(os.fsencode(partial), os.fsencode(path), b"data")
    assert code == disk_writer_process.OUTSIDE and written == -1
    assert not (elsewhere / "new" / "file.bin").exists()
    assert not (elsewhere / "new" / ".file.bin.leap-partial-x").exists()
    # Through the store, the same path is refused as outside the root.
    store = LocalStore(str(root))
    with pytest.raises(ApiError) as caught:
        await _write(store, "away/new/other.bin")
    assert caught.value.code == "outside-home"
    writer.stop()
    store.writer.stop()


async def test_a_process_that_dies_fails_its_files_clearly_and_a_new_one_takes_over(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    store, pid = await _store_with_a_stopped_writer(root)
    pending = asyncio.ensure_future(_write(store, "data/second.bin", b"y" * 5000))
    await asyncio.sleep(0.1)
    assert not pending.done()
    os.kill(pid, signal.SIGKILL)
    with pytest.raises(OSError, match="ended"):
        await asyncio.wait_for(pending, 5)
    assert not (root / "data").exists() or list((root / "data").iterdir()) == []  # nothing half-written
    assert (await _write(store, "data/third.bin", b"z" * 10)).size == 10
    assert store.writer.pid != pid and (root / "data" / "third.bin").read_bytes() == b"z" * 10
    store.writer.stop()


async def test_a_cancel_while_the_process_writes_lets_that_file_land_whole(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    store, pid = await _store_with_a_stopped_writer(root)
    data = os.urandom(200_000)
    task = asyncio.ensure_future(_write(store, "late.bin", data))
    await asyncio.sleep(0.1)
    task.cancel()
    await asyncio.sleep(0.1)
    assert not task.done()  # waiting for the writer's answer, not abandoning the file
    os.kill(pid, signal.SIGCONT)
    info = await asyncio.wait_for(task, 5)
    assert info.size == len(data) and (root / "late.bin").read_bytes() == data
    assert sorted(p.name for p in root.iterdir()) == ["first.bin", "late.bin"]
    store.writer.stop()


async def test_an_idle_process_is_stopped_and_a_later_file_starts_another(tmp_path, monkeypatch):
    monkeypatch.setattr(disk_writer, "IDLE", 0.2)
    root = tmp_path / "root"
    root.mkdir()
    store = LocalStore(str(root))
    await _write(store, "one.bin")
    pid = store.writer.pid
    await _until(lambda: not _alive(pid))
    assert store.writer.pid is None
    await _write(store, "two.bin")
    assert store.writer.pid not in (None, pid) and (root / "two.bin").exists()
    store.writer.stop()


async def test_without_a_process_the_event_loop_writes_the_files(tmp_path, monkeypatch):
    monkeypatch.setattr(disk_writer.sys, "executable", str(tmp_path / "no-python-here"))
    root = tmp_path / "root"
    root.mkdir()
    store = LocalStore(str(root))
    assert (await _write(store, "a/one.bin", b"12345")).size == 5
    assert (await _write(store, "a/two.bin", b"678")).size == 3
    assert not store.writer.available and store.writer.pid is None
    assert (root / "a" / "one.bin").read_bytes() == b"12345" and (root / "a" / "two.bin").read_bytes() == b"678"


async def test_every_transfer_to_the_disk_shares_one_store_and_one_process(tmp_path):
    from ..build import build
    from ..config import LeapBuckets
    from ..places import parse_place

    service = build(LeapBuckets(username="demo"), state_dir=tmp_path / "state", local_root=str(tmp_path)).service
    first = parse_place(service, {"local": "x/"}, "target")
    second = parse_place(service, {"local": "y/"}, "target")
    assert first.store is second.store
    await _write(first.store, "x/a.bin")
    pid = first.store.writer.pid
    await _write(second.store, "y/b.bin")
    assert second.store.writer.pid == pid and (tmp_path / "y" / "b.bin").exists()
    first.store.writer.stop()


def test_pieces_are_written_whole_and_in_order_through_short_writes(tmp_path, monkeypatch):
    """write_all goes on where a short writev stopped, mid-piece or between pieces."""
    real_writev, calls = os.writev, []

    def short_writev(fd, views):
        calls.append(len(views))
        first = bytes(views[0])[:3]  # at most 3 bytes a call
        return real_writev(fd, [first])

    monkeypatch.setattr(disk_writer_process.os, "writev", short_writev)
    pieces = [b"abcdefg", b"", b"h", b"ijklmnopqrstu"]
    fd = os.open(tmp_path / "f", os.O_WRONLY | os.O_CREAT)
    try:
        disk_writer_process.write_all(fd, pieces)
    finally:
        os.close(fd)
    assert (tmp_path / "f").read_bytes() == b"".join(pieces)
    assert len(calls) == 9  # 7 bytes in 3 calls, 1 in 1, 13 in 5


async def test_a_file_of_many_pieces_lands_whole_from_the_process_and_from_the_loop(tmp_path, monkeypatch):
    """A small file's pieces as received go to the writer process in one request (or are
    written by the loop without it); a larger one is written piece by piece as it comes."""
    pieces = [bytes([i]) * (1000 + i) for i in range(40)]  # 41,780 bytes in 40 pieces
    big = [bytes([i]) * 65536 for i in range(8)]  # 512 KiB: above local.SMALL

    async def upload(store, key, parts):
        async def chunks():
            for part in parts:
                yield part

        return await store.upload(key, sum(map(len, parts)), chunks())

    store = LocalStore(str(tmp_path))
    for key, parts in (("a/small.bin", pieces), ("a/big.bin", big)):
        landed = await upload(store, key, parts)
        assert landed.size == sum(map(len, parts))
        assert (tmp_path / key).read_bytes() == b"".join(parts)
    monkeypatch.setattr(local, "USE_WRITER", False)
    store = LocalStore(str(tmp_path))
    await upload(store, "b/small.bin", pieces)
    assert (tmp_path / "b/small.bin").read_bytes() == b"".join(pieces)
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["big.bin", "small.bin", "small.bin"]
    if store.writer is not None:
        store.writer.stop()
