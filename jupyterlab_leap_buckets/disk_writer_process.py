"""A child process that writes small files for the server's downloads to its disk.

Run as `python -I -S disk_writer_process.py ROOT [THREADS]` (by disk_writer.DiskWriter).
It reads requests from stdin and answers on stdout as each file is done (in order of
arrival with one thread):

    request: id (u32), size (u32), len(partial) (u16), len(path) (u16), partial, path, bytes
    answer:  id (u32), errno (i32: 0 when written), written (i64), len(message) (u16), message

Each file is made without a name (O_TMPFILE) where the filesystem allows, else at
`partial` (O_EXCL: never through anything already there); it is written, then given its
name `path` (see `UNNAMED`). The paths are absolute and were checked by the server against its
root folder; folders this process makes are checked again (their real path must lie in
ROOT) before a file is made in them.

Why a process: creating a file costs the kernel 0.1-0.2 ms on this machine's disk, several
milliseconds right after many deletions, and a network round trip or more on a network
filesystem; made in the server's event loop, that time stalls every download and every
other request the server answers meanwhile. A thread does not help: it needs the server's
GIL back after each system call. This process writes on the other core while the server
goes on receiving. It imports nothing beyond the standard library, and holds at most the
files it was sent and not yet answered (the server has at most 16 in flight)"""

import errno
import os
import struct
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

REQUEST = struct.Struct("<IIHH")
IOV_MAX = os.sysconf("SC_IOV_MAX") if hasattr(os, "sysconf") else 16
ANSWER = struct.Struct("<IiqH")
OUTSIDE = -1  # the answer's errno when a folder made for the file led outside the root
NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
# Files are first made without a name (O_TMPFILE) and named once whole: a file that is
# never finished, even by a process killed in the middle, leaves nothing behind (the
# kernel frees it), and a new file costs one change to its folder instead of three
# (create, then rename's two). Where the filesystem has no unnamed files (NFS among
# others) or /proc is missing, files are written under a partial name and renamed.
# LEAP_BUCKETS_UNNAMED_FILES=0 turns unnamed files off (for tests of the other way).
UNNAMED = (
    hasattr(os, "O_TMPFILE")
    and os.path.isdir("/proc/self/fd")
    and os.environ.get("LEAP_BUCKETS_UNNAMED_FILES", "1") != "0"
)
_UNNAMED_FILE = os.O_WRONLY | getattr(os, "O_TMPFILE", 0) | os.O_CLOEXEC
# What open() answers where unnamed files are not to be had: EOPNOTSUPP from a filesystem
# without them, EISDIR or EINVAL from a kernel older than O_TMPFILE.
_NO_UNNAMED = {errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL}


class Outside(Exception):
    """A folder made for the file led outside the root."""


def write(root: str, partial: str, path: str, data: list) -> int:
    """Write the pieces `data` as the file `path`, which appears only once whole; the
    bytes written."""
    fd, named = open_new(root, partial, path)
    try:
        try:
            write_all(fd, data)
            written = os.fstat(fd).st_size
            give_name(fd, named, partial, path)
        finally:
            os.close(fd)
        return written
    except BaseException:
        if named:
            try:
                os.unlink(partial)
            except OSError:
                pass
        raise


def write_all(fd: int, pieces: list):
    """Write every piece, in order, with as few system calls as the kernel allows (writev
    of up to IOV_MAX pieces; a short write goes on where it stopped)."""
    views = [memoryview(piece) for piece in pieces if len(piece)]
    while views:
        sent = os.writev(fd, views[:IOV_MAX])
        while sent:
            if sent >= len(views[0]):
                sent -= len(views.pop(0))
            else:
                views[0], sent = views[0][sent:], 0


def open_new(root: str, partial: str, path: str) -> tuple:
    """A new file for `path` and whether it has a name yet: an unnamed file in its folder
    where the filesystem offers them (Linux's O_TMPFILE), else a new file at `partial`
    (O_EXCL: never through anything already at that name, a symlink included). A missing
    folder is made, and checked to lie inside `root`."""
    folder = os.path.dirname(path)
    try:
        return _open_new(folder, partial)
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)
        real = os.path.realpath(folder)
        if real != root and not real.startswith(root + os.sep):
            raise Outside() from None
        return _open_new(folder, partial)


def _open_new(folder: str, partial: str) -> tuple:
    if UNNAMED:
        try:
            return os.open(folder, _UNNAMED_FILE, 0o666), False
        except OSError as exc:
            if exc.errno not in _NO_UNNAMED:
                raise
    return os.open(partial, NEW_FILE, 0o666), True


def give_name(fd: int, named: bool, partial: str, path: str):
    """Put the written file in place at `path`, replacing what is there."""
    if named:
        os.replace(partial, path)
        return
    # linkat with AT_SYMLINK_FOLLOW through /proc gives an unnamed file a name (unlike
    # AT_EMPTY_PATH, it needs no privilege). os.link calls linkat only when given a
    # directory fd; the source path is absolute, so the one given is never used.
    source = f"/proc/self/fd/{fd}"
    try:
        os.link(source, path, src_dir_fd=fd, follow_symlinks=True)
        return
    except FileExistsError:
        pass
    # Something is at `path` already (an overwrite): the file is named at `partial`
    # first, then renamed over it, which replaces it in one step.
    os.link(source, partial, src_dir_fd=fd, follow_symlinks=True)
    try:
        os.replace(partial, path)
    except BaseException:
        os.unlink(partial)
        raise


def handle(root: str, ident: int, partial: str, path: str, data: bytes, answer):
    try:
        written, code, message = write(root, partial, path, [data]), 0, b""
    except Outside:
        written, code, message = -1, OUTSIDE, b""
    except OSError as exc:
        written, code, message = -1, exc.errno or -1, str(exc.strerror or exc).encode()[:1000]
    answer(ANSWER.pack(ident, code, written, len(message)) + message)


def serve(root: str, requests, answer, threads: int = 1):
    """Read requests until the server closes the pipe; with `threads` above one, files
    are written side by side (their system calls release the GIL), answered as each ends."""
    pool = ThreadPoolExecutor(threads) if threads > 1 else None
    try:
        while True:
            head = requests.read(REQUEST.size)
            if len(head) < REQUEST.size:
                return  # the server closed the pipe
            ident, size, partial_len, path_len = REQUEST.unpack(head)
            names = requests.read(partial_len + path_len)
            data = requests.read(size)
            if len(names) < partial_len + path_len or len(data) < size:
                return
            partial, path = os.fsdecode(names[:partial_len]), os.fsdecode(names[partial_len:])
            if pool is None:
                handle(root, ident, partial, path, data, answer)
            else:
                pool.submit(handle, root, ident, partial, path, data, answer)
    finally:
        if pool is not None:
            pool.shutdown(wait=True)  # what was received is written and answered


def main():
    root = os.path.realpath(sys.argv[1])
    requests = os.fdopen(0, "rb", buffering=1024 * 1024)

    threads = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    lock = threading.Lock()

    def answer(data: bytes):
        with lock:
            view = memoryview(data)
            while view:
                view = view[os.write(1, view) :]

    serve(root, requests, answer, threads)


if __name__ == "__main__":
    main()
