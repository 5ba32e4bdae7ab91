"""The Jupyter server's own disk as a place for transfers, confined to its root directory.

Keys are paths relative to the root directory, with "/" between folders. Nothing outside
the root is reachable: absolute paths, ".." segments and symlinks that lead out are
refused with `outside-home`."""

import asyncio
import os
import stat
import time
import uuid
from pathlib import Path
from typing import Optional

from . import disk_writer_process
from .disk_writer import DiskWriter
from .errors import ApiError, bad_request
from .guard import DiskRules
from .storage.base import ObjectInfo
from .storage.errors import Exists, SourceChanged

CHUNK = 8 * 1024 * 1024
SMALL = 256 * 1024  # files written whole at once: by the writer process, or in the event loop
# Seconds a folder found inside the root is trusted before its path is resolved again:
# resolving costs an lstat per segment, twice per file, a large share of a small file's
# download (docs/benchmarks.md, "Third run"); a transfer writes many files into few folders.
FOLDER_TRUST = 1.0
# Small files downloaded to the disk are written by a child process (disk_writer.py) on
# the other core; "0" writes them in the event loop instead (for comparing the two).
USE_WRITER = os.environ.get("LEAP_BUCKETS_DISK_WRITER", "1") != "0"
ANSWER_WAIT = 10.0  # seconds a cancelled download waits for the writer's answer on its file


def outside(path: str) -> ApiError:
    return ApiError(
        403,
        "outside-home",
        f"{path!r} is outside the Jupyter server's root folder; use a path relative to it.",
    )


class LocalStore:
    provider = "local"
    endpoint = None

    def __init__(self, root_dir: str, forbidden=(), allow_hidden: bool = False):
        self.root = Path(root_dir).resolve()
        self.bucket = str(self.root)
        # guard.py's rules for the disk: never the extension's state, hidden names only
        # where JupyterLab shows them.
        self.rules = DiskRules(self.root, forbidden, allow_hidden)
        self._trusted: dict = {}  # folder -> time.monotonic() when found inside the root
        self.writer = DiskWriter(str(self.root)) if USE_WRITER else None

    def resolve(self, key: str, named: bool = False) -> Path:
        """The file for `key`, refusing anything that would leave the root directory or
        reach the extension's state: its folder must resolve (symlinks followed) inside
        the root, and so must the file itself if it is a symlink. `named`: a path the
        request itself names, which must not be hidden (names inside a folder being
        transferred may be, as a Zarr store's `.zarray` is)."""
        if key is None or "\x00" in key or "\\" in key:
            raise bad_request("A local path is relative to the server's root folder, with '/' between folders.")
        if key.startswith("/") or any(part == ".." for part in key.split("/")):
            raise outside(key)
        if named:
            self.rules.check_name(key)
        path = self.root / key
        if path == self.root:
            return path
        self._check_folder(path.parent, key)
        try:
            link = stat.S_ISLNK(os.lstat(path).st_mode)
        except OSError:
            return path  # not there (yet)
        if link:
            real = Path(os.path.realpath(path))
            if not self._inside(real):
                raise outside(key)
            self.rules.check_real(real, key)
        elif named and stat.S_ISDIR(os.lstat(path).st_mode):
            self.rules.check_real(Path(os.path.realpath(path)), key)
        return path

    def _inside(self, real: Path) -> bool:
        return real == self.root or self.root in real.parents

    def _check_folder(self, folder: Path, key: str):
        now = time.monotonic()
        if now - self._trusted.get(folder, -FOLDER_TRUST) < FOLDER_TRUST:
            return
        real = os.path.realpath(folder)
        if not self._inside(Path(real)):
            raise outside(key)
        self.rules.check_real(Path(real), key)
        if not os.path.isdir(real):
            return  # not there yet: checked again once made (disk_writer_process.open_new)
        if len(self._trusted) > 10_000:
            self._trusted.clear()
        self._trusted[folder] = now

    async def head(self, key) -> Optional[ObjectInfo]:
        path = self.resolve(key)
        if not path.is_file():
            return None
        found = path.stat()
        return ObjectInfo(key, found.st_size, None, None, generation=identity(found))

    async def is_folder(self, key) -> bool:
        return self.resolve(key).is_dir()

    async def walk(self, prefix):
        base = self.resolve(prefix)
        if base.is_file():
            yield await self.head(prefix)
            return
        files = await asyncio.to_thread(_files_under, base)
        for path in files:
            key = path.relative_to(self.root).as_posix()
            if path.is_symlink() and path.is_dir():
                # Never followed (a link can loop, or lead to what is moved twice): named.
                yield ObjectInfo(
                    key, 0, None, None, refused="it is a symbolic link to a folder, which transfers do not follow"
                )
                continue
            try:
                info = await self.head(key)
            except ApiError as err:
                yield ObjectInfo(key, 0, None, None, refused=err.message)  # a link out of the root, or into the state
                continue
            if info:
                yield info

    async def stream(self, key, size, chunk, version=None):
        """The file's bytes in pieces of `chunk`, read through one open file: a file saved
        meanwhile is never read half old, half new. With `version` (its `identity` when
        listed), SourceChanged when the file is not that version when opened, or was
        changed while it was read."""
        path = self.resolve(key)
        handle = await in_thread(open, path, "rb", undo=lambda opened: opened.close())
        try:
            before = identity(os.fstat(handle.fileno()))
            if version and before != version:
                raise SourceChanged(f"{key} was changed since it was listed")
            left = size
            while left > 0:
                piece = await asyncio.to_thread(handle.read, min(chunk, left)) if left > SMALL else handle.read(left)
                if not piece:
                    raise SourceChanged(f"{key} became shorter while it was read")
                left -= len(piece)
                yield piece
            if handle.read(1) or identity(os.fstat(handle.fileno())) != before:
                raise SourceChanged(f"{key} was changed while it was read")
        finally:
            handle.close()

    async def make_folder(self, key) -> None:
        """The folder `key` (ending in "/"), with its parents; an existing file there is
        NotADirectoryError."""
        path = self.resolve(key)
        if path.exists() and not path.is_dir():
            raise NotADirectoryError(key)
        await asyncio.to_thread(os.makedirs, path, exist_ok=True)
        self._check_folder(path / "_", key)  # what was made lies inside the root

    async def abort_uploads(self, started) -> int:
        return 0  # a file on the disk is named only once whole: nothing unfinished shows

    async def read(self, key, start, end) -> bytes:
        path = self.resolve(key)

        def read_range():
            with open(path, "rb") as handle:
                handle.seek(start)
                return handle.read(end - start)

        return await asyncio.to_thread(read_range)

    async def upload(self, key, size, chunks, if_absent=False, started=None) -> ObjectInfo:
        """Write the file; answers its size as the filesystem reports it once written.
        `if_absent`: Exists when a file is there already (checked before writing: the
        disk is this user's alone, unlike a bucket)."""
        if size > SMALL:
            # Written as its pieces arrive: what was received is let go at once, so a
            # download holds a few buffers, not whole files. Holding 64 files of 2 MiB
            # made the kernel map fresh memory for each (page faults, zeroing), system
            # time that left such downloads slower than gcsfs's, which writes as it
            # receives (docs/benchmarks.md, "Downloads without joining"). A small piece is
            # written here (the page cache takes 64 KiB in microseconds); a large one in
            # a worker thread.
            async def fill(fd: int):
                async for data in chunks:
                    if len(data) <= SMALL:
                        disk_writer_process.write_all(fd, [data])
                    else:
                        await in_thread(disk_writer_process.write_all, fd, [data])

            return await self.receive(key, size, fill, if_absent=if_absent)
        path, partial = self._new_file(key, if_absent)
        # Written whole, its pieces as they came (one writev, never joined first).
        parts = [chunk async for chunk in chunks]
        if self.writer is not None and self.writer.available:
            written = await self._write_elsewhere(key, path, partial, parts)
        else:  # cheaper written at once than handed to a worker thread
            written = self._write_whole(key, path, partial, parts)
        return ObjectInfo(key, written, None, None)

    async def receive(self, key, size, fill, if_absent=False) -> ObjectInfo:
        """Make the file for `key`, written by the coroutine `fill(fd)` wherever it likes
        (sliced.py writes several ranges at their offsets at once), and name it only once
        `fill` has ended: a failure or cancel leaves nothing. Checked as `upload` is; its
        size as the filesystem reports it (never set beforehand: a range left unwritten
        at the end shows as a short file)."""
        path, partial = self._new_file(key, if_absent)

        def never_mind(opened: tuple):  # opened after a cancel: closed, and its name removed
            os.close(opened[0])
            if opened[1]:
                partial.unlink(missing_ok=True)

        fd, named = await in_thread(self._open_new, key, path, partial, undo=never_mind)
        handle = os.fdopen(fd, "wb", buffering=0)  # closing it twice closes the file once
        try:
            await fill(fd)
            written = await in_thread(_finish, handle, named, str(partial), str(path))
        except BaseException:
            handle.close()  # an unnamed file goes with it
            if named:
                partial.unlink(missing_ok=True)
            raise
        return ObjectInfo(key, written, None, None)

    def _new_file(self, key, if_absent: bool) -> tuple:
        """The checked path for `key` and the partial name beside it. The file gets its
        name only once whole: made unnamed, or beside the target under a name no one
        opens and renamed (disk_writer_process.UNNAMED). A failed or cancelled download
        leaves no file that looks complete."""
        path = self.resolve(key)
        if if_absent and os.path.lexists(path):
            raise Exists(key)
        return path, path.with_name(f".{path.name}.leap-partial-{uuid.uuid4().hex[:8]}")

    async def _write_elsewhere(self, key, path: Path, partial: Path, data: list) -> int:
        """Have the writer process write the file. A cancel arriving meanwhile waits for
        the writer's answer (a few milliseconds), so the file ends as it would have in
        the event loop: it lands whole and is counted, or it does not land."""
        try:
            answer = self.writer.write(os.fsencode(partial), os.fsencode(path), data)
        except OSError:
            if self.writer.available:
                raise
            return self._write_whole(key, path, partial, data)  # no process to be had
        try:
            try:
                code, written, message = await asyncio.shield(answer)
            except asyncio.CancelledError:
                await asyncio.wait([answer], timeout=ANSWER_WAIT)
                if not answer.done() or answer.exception() is not None:
                    raise
                code, written, message = answer.result()
        except BaseException:
            if not answer.done() or answer.exception() is not None:
                # The writer ended or is stuck: whatever it began under the partial name goes.
                partial.unlink(missing_ok=True)
            raise
        if code == disk_writer_process.OUTSIDE:
            raise outside(key)
        if code:
            raise OSError(code, message, str(path))
        return written

    def _open_new(self, key, path: Path, partial: Path) -> tuple:
        """A new file for `path` (disk_writer_process.open_new: unnamed, or at the
        partial name) and whether it is named; its folders made if missing."""
        try:
            return disk_writer_process.open_new(str(self.root), str(partial), str(path))
        except disk_writer_process.Outside:
            raise outside(key) from None

    def _write_whole(self, key, path: Path, partial: Path, data: list):
        """Write the pieces `data` in this process as the writer process does (five system
        calls for a file whose folder exists, which `resolve` has checked)."""
        try:
            return disk_writer_process.write(str(self.root), str(partial), str(path), data)
        except disk_writer_process.Outside:
            raise outside(key) from None

    def can_copy_to(self, target) -> bool:
        return False

    async def delete(self, key, version=None) -> None:
        """Remove the file; with `version`, only if it is still that version (a file
        saved after it was copied is kept: SourceChanged)."""
        path = self.resolve(key)
        if version and identity(os.stat(path)) != version:
            raise SourceChanged(f"{key} was changed after it was copied")
        await asyncio.to_thread(path.unlink)

    def remove_emptied_folders(self, prefix: str) -> int:
        """After a folder's files were all moved away: remove the folders under `prefix`
        (and `prefix` itself) that are now empty, deepest first, as `mv` leaves nothing
        behind. Only empty folders go (os.rmdir refuses any other, atomically, so a file
        written meanwhile keeps its folder); links are never followed nor removed; the
        root folder itself never goes. Returns how many were removed."""
        base = self.resolve(prefix)
        if base == self.root or base.is_symlink() or not base.is_dir():
            return 0
        removed = 0
        for folder, dirs, _files in os.walk(base, topdown=False, followlinks=False):
            for name in dirs:
                path = os.path.join(folder, name)
                if not os.path.islink(path):
                    removed += _rmdir_if_empty(path)
        return removed + _rmdir_if_empty(str(base))


async def in_thread(function, *args, undo=None):
    """Run `function` in a worker thread; a cancel waits for it to end, and then, if it
    succeeded, `undo(result)` is called. For writes to a file that `receive` closes on a
    cancel: closed while a thread still wrote to it, its descriptor could be reused by
    another file meanwhile; and for opening it: a file opened after its caller was
    cancelled is closed (and removed) rather than left open."""
    work = asyncio.ensure_future(asyncio.to_thread(function, *args))
    try:
        return await asyncio.shield(work)
    except asyncio.CancelledError:
        await asyncio.wait([work])
        if undo is not None and not work.cancelled() and work.exception() is None:
            undo(work.result())
        raise


def _finish(handle, named: bool, partial: str, path: str) -> int:
    """Name the written file and close it (ext4 may write it out on a close after a
    replace: a worker thread's work); its size as the filesystem reports it."""
    written = os.fstat(handle.fileno()).st_size
    disk_writer_process.give_name(handle.fileno(), named, partial, path)
    handle.close()
    return written


def _rmdir_if_empty(path: str) -> int:
    try:
        os.rmdir(path)
        return 1
    except OSError:  # not empty (a file kept or written meanwhile), or gone already
        return 0


def identity(found: os.stat_result) -> str:
    """A file's version: which file (device, inode) and its content's last change."""
    return f"{found.st_dev}:{found.st_ino}:{found.st_size}:{found.st_mtime_ns}"


def _files_under(base: Path) -> list:
    """The files under `base`, and the symbolic links to folders (which are not walked)."""
    out = []
    for folder, dirs, files in os.walk(base, followlinks=False):
        dirs.sort()
        links = [name for name in dirs if os.path.islink(os.path.join(folder, name))]
        out.extend(Path(folder) / name for name in sorted(files + links))
    return out
