"""The disk as a transfer place never reaches outside the server's root folder: symlinked
files and folders that lead out are refused, for reading and for writing, including a
folder that became such a link after it was last checked."""

import pytest

from .. import local
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


async def test_a_small_file_is_written_whole_and_never_through_what_is_at_its_partial_name(tmp_path):
    root, elsewhere = tmp_path / "root", tmp_path / "elsewhere"
    (root / "data").mkdir(parents=True)
    elsewhere.mkdir()
    store = LocalStore(str(root))
    data = bytes(range(256)) * 300
    assert (await _write(store, "data/one.bin", data)).size == len(data)
    assert (root / "data" / "one.bin").read_bytes() == data
    assert [p.name for p in (root / "data").iterdir()] == ["one.bin"]  # no partial left
    # Something already at the partial name (a link out, planted): refused, not followed.
    partial = root / "data" / ".two.bin.leap-partial-planted"
    partial.symlink_to(elsewhere / "stolen.bin")
    with pytest.raises(FileExistsError):
        store._write_whole("data/two.bin", root / "data" / "two.bin", partial, b"secret")
    assert list(elsewhere.iterdir()) == [] and partial.is_symlink()
    assert not (root / "data" / "two.bin").exists()


async def test_a_large_file_is_never_written_through_what_is_at_its_partial_name(tmp_path, monkeypatch):
    root, elsewhere = tmp_path / "root", tmp_path / "elsewhere"
    (root / "data").mkdir(parents=True)
    elsewhere.mkdir()
    monkeypatch.setattr(local.uuid, "uuid4", lambda: type("U", (), {"hex": "planted0" * 4})())
    partial = root / "data" / ".big.bin.leap-partial-planted0"
    partial.symlink_to(elsewhere / "stolen.bin")
    store = LocalStore(str(root))
    with pytest.raises(FileExistsError):
        await _write(store, "data/big.bin", b"x" * (local.CHUNK + 1))
    assert list(elsewhere.iterdir()) == [] and partial.is_symlink()
    partial.unlink()
    assert (await _write(store, "new/big.bin", b"y" * (local.CHUNK + 1))).size == local.CHUNK + 1
    assert [p.name for p in (root / "new").iterdir()] == ["big.bin"]
