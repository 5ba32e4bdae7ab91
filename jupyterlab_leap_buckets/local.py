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
from .storage.base import ObjectInfo

CHUNK = 8 * 1024 * 1024
SMALL = 256 * 1024  # files written whole at once: by the writer process, or in the event loop
# Seconds a folder found inside the root is trusted before its path is resolved again.
# Resolving a path costs an lstat per segment (a third of our own time per small file
# downloaded, twice per file, measured with cProfile); a transfer writes many files into few folders.
FOLDER_TRUST = 1.0
# Small files downloaded to the disk are written by a child process (disk_writer.py) on
# the other core; "0" writes them in the event loop instead (for comparing the two).
USE_WRITER = os.environ.get("LEAP_BUCKETS_DISK_WRITER", "1") != "0"
ANSWER_WAIT = 10.0  # seconds a cancelled download waits for the writer's answer on its file


def outside(path: str) -> ApiError:
    return ApiError(
        403, "outside-home",
        f"{path!r} is outside the Jupyter server's root folder; use a path relative to it.",
    )


class LocalStore:
    provider = "local"
    endpoint = None

    def __init__(self, root_dir: str):
        self.root = Path(root_dir).resolve()
        self.bucket = str(self.root)
        self._trusted: dict = {}  # folder -> time.monotonic() when found inside the root
        self.writer = DiskWriter(str(self.root)) if USE_WRITER else None

    def resolve(self, key: str) -> Path:
        """The file for `key`, refusing anything that would leave the root directory: its
        folder must resolve (symlinks followed) inside the root, and so must the file
        itself if it is a symlink."""
        if key is None or "\x00" in key or "\\" in key:
            raise bad_request("A local path is relative to the server's root folder, with '/' between folders.")
        if key.startswith("/") or any(part == ".." for part in key.split("/")):
            raise outside(key)
        path = self.root / key
        if path == self.root:
            return path
        self._check_folder(path.parent, key)
        try:
            link = stat.S_ISLNK(os.lstat(path).st_mode)
        except OSError:
            return path  # not there (yet)
        if link and not self._inside(Path(os.path.realpath(path))):
            raise outside(key)
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
        if not os.path.isdir(real):
            return  # not there yet: checked again once made (disk_writer_process.open_new)
        if len(self._trusted) > 10_000:
            self._trusted.clear()
        self._trusted[folder] = now

    async def head(self, key) -> Optional[ObjectInfo]:
        path = self.resolve(key)
        if not path.is_file():
            return None
        stat = path.stat()
        return ObjectInfo(key, stat.st_size, None, None)

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
            try:
                info = await self.head(key)
            except ApiError:
                continue  # a symlink out of the root: never followed
            if info:
                yield info

    async def read(self, key, start, end) -> bytes:
        path = self.resolve(key)

        def read_range():
            with open(path, "rb") as handle:
                handle.seek(start)
                return handle.read(end - start)

        return await asyncio.to_thread(read_range)

    async def upload(self, key, size, chunks) -> ObjectInfo:
        """Write the file; answers its size as the filesystem reports it once written."""
        path = self.resolve(key)
        # The file gets its name only once whole: made unnamed, or beside the target
        # under a name no one opens and renamed (disk_writer_process.UNNAMED). A failed or
        # cancelled download leaves no file that looks complete.
        partial = path.with_name(f".{path.name}.leap-partial-{uuid.uuid4().hex[:8]}")
        if size <= CHUNK:
            # One chunk: one trip to a worker thread for the whole file.
            data = b"".join([chunk async for chunk in chunks])
            if size <= SMALL and self.writer is not None and self.writer.available:
                written = await self._write_elsewhere(key, path, partial, data)
            elif size <= SMALL:  # cheaper written at once than handed to a worker thread
                written = self._write_whole(key, path, partial, data)
            else:
                written = await asyncio.to_thread(self._write_whole, key, path, partial, data)
            return ObjectInfo(key, written, None, None)
        fd, named = await asyncio.to_thread(self._open_new, key, path, partial)
        handle = os.fdopen(fd, "wb")
        try:
            async for data in chunks:
                await asyncio.to_thread(handle.write, data)
            await asyncio.to_thread(handle.flush)
            written = os.fstat(fd).st_size
            await asyncio.to_thread(disk_writer_process.give_name, fd, named, str(partial), str(path))
            await asyncio.to_thread(handle.close)
        except BaseException:
            handle.close()  # an unnamed file goes with it
            if named:
                partial.unlink(missing_ok=True)
            raise
        return ObjectInfo(key, written, None, None)

    async def _write_elsewhere(self, key, path: Path, partial: Path, data: bytes) -> int:
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

    def _write_whole(self, key, path: Path, partial: Path, data: bytes):
        """Write `data` in this process as the writer process does (five system calls for
        a file whose folder exists, which `resolve` has checked)."""
        try:
            return disk_writer_process.write(str(self.root), str(partial), str(path), memoryview(data))
        except disk_writer_process.Outside:
            raise outside(key) from None

    def can_copy_to(self, target) -> bool:
        return False

    async def delete(self, key) -> None:
        path = self.resolve(key)
        await asyncio.to_thread(path.unlink)


def _files_under(base: Path) -> list:
    out = []
    for folder, dirs, files in os.walk(base, followlinks=False):
        dirs.sort()
        out.extend(Path(folder) / name for name in sorted(files))
    return out
