"""A child process that writes small files for the server's downloads to its disk.

Run as `python -I -S disk_writer_process.py ROOT [THREADS]` (by disk_writer.DiskWriter).
It reads requests from stdin and answers on stdout as each file is done (in order of
arrival with one thread):

    request: id (u32), size (u32), len(partial) (u16), len(path) (u16), partial, path, bytes
    answer:  id (u32), errno (i32: 0 when written), written (i64), len(message) (u16), message

Each file is created at `partial` (O_EXCL: never through anything already there), written,
and renamed to `path`. The paths are absolute and were checked by the server against its
root folder; folders this process makes are checked again (their real path must lie in
ROOT) before a file is made in them.

Why a process: creating a file costs the kernel 0.1-0.2 ms on this machine's disk, several
milliseconds right after many deletions, and a network round trip or more on a network
filesystem; made in the server's event loop, that time stalls every download and every
other request the server answers meanwhile. A thread does not help: it needs the server's
GIL back after each system call. This process writes on the other core while the server
goes on receiving. It imports nothing beyond the standard library, and holds at most the
files it was sent and not yet answered (the server has at most 16 in flight)"""

import os
import struct
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

REQUEST = struct.Struct("<IIHH")
ANSWER = struct.Struct("<IiqH")
OUTSIDE = -1  # the answer's errno when a folder made for the file led outside the root
NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC


class Outside(Exception):
    """A folder made for the file led outside the root."""


def write(root: str, partial: str, path: str, data: memoryview) -> int:
    try:
        fd = os.open(partial, NEW_FILE, 0o666)
    except FileNotFoundError:
        folder = os.path.dirname(path)
        os.makedirs(folder, exist_ok=True)
        real = os.path.realpath(folder)
        if real != root and not real.startswith(root + os.sep):
            raise Outside()
        fd = os.open(partial, NEW_FILE, 0o666)
    try:
        try:
            while data:
                data = data[os.write(fd, data):]
            written = os.fstat(fd).st_size
        finally:
            os.close(fd)
        os.replace(partial, path)
        return written
    except BaseException:
        try:
            os.unlink(partial)
        except OSError:
            pass
        raise


def handle(root: str, ident: int, partial: str, path: str, data: bytes, answer):
    try:
        written, code, message = write(root, partial, path, memoryview(data)), 0, b""
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
                view = view[os.write(1, view):]

    serve(root, requests, answer, threads)


if __name__ == "__main__":
    main()
