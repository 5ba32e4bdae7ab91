"""The server's side of the process that writes small downloaded files to the disk
(disk_writer_process.py, which says why it exists)."""

import asyncio
import fcntl
import os
import subprocess
import sys

from . import disk_writer_process as protocol

# Files the process writes side by side: one, since on a local disk, where writing is the
# kernel's CPU time, four were no faster (docs/benchmarks.md, "Sixth session"); a network
# filesystem, where each create waits on the network, may want more.
THREADS = int(os.environ.get("LEAP_BUCKETS_DISK_WRITER_THREADS", "1"))
MAX_PIECES = 256  # pieces of one file sent in one writev (with its head; below IOV_MAX)
IDLE = 30.0  # seconds with nothing to write before the process is stopped
PIPE_SIZE = 1024 * 1024  # Linux's default limit for an unprivileged process
_F_SETPIPE_SZ = 1031  # fcntl.F_SETPIPE_SZ, which Python 3.11 does not name


class DiskWriter:
    """The writer process, started when first needed (in the event loop that needs it)
    and stopped after IDLE seconds with nothing to write. Each request's future gets
    (errno, bytes written, message) when the process answers it."""

    def __init__(self, root: str):
        self.root = root
        self.available = True  # False once the process could not be started
        self._proc = None
        self._loop = None
        self._waiting: dict = {}  # request id -> future
        self._next = 0
        self._last = 0.0  # loop time of the last request
        self._idle = None

    def write(self, partial: bytes, path: bytes, data) -> asyncio.Future:
        """Have the file written from `data`, its bytes or a list of its pieces."""
        pieces = [data] if isinstance(data, (bytes, bytearray, memoryview)) else list(data)
        if len(pieces) > MAX_PIECES:
            pieces = [b"".join(pieces)]  # one writev takes at most IOV_MAX pieces
        size = sum(len(piece) for piece in pieces)
        loop = asyncio.get_running_loop()
        if self._proc is None or self._loop is not loop:
            self._start(loop)
        self._next = (self._next + 1) & 0xFFFFFFFF
        answer = loop.create_future()
        self._waiting[self._next] = answer
        self._last = loop.time()
        head = protocol.REQUEST.pack(self._next, size, len(partial), len(path))
        self._pipe.write(head + partial + path, *pieces)
        return answer

    @property
    def pid(self):
        return self._proc.pid if self._proc else None

    def _start(self, loop):
        self.stop()
        try:
            # Started with Popen, not asyncio's subprocess support, which would want a
            # child watcher in this thread; the pipes are then watched by the loop.
            proc = subprocess.Popen(
                [sys.executable, "-I", "-S", protocol.__file__, self.root, str(THREADS)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                close_fds=True,
            )
        except OSError:
            self.available = False  # the event loop writes the files instead
            raise
        try:
            fcntl.fcntl(proc.stdin.fileno(), _F_SETPIPE_SZ, PIPE_SIZE)
        except OSError:
            pass  # a smaller pipe only means more wake-ups
        self._proc, self._loop = proc, loop
        self._pipe = _PipeWriter(loop, proc.stdin)
        self._waiting = {}  # this process's own: what it leaves unanswered fails when it ends
        # Answers are read in a reader callback, several at a time, without a task or a
        # stream in between (the cheapest way to learn of 16 files' ends).
        os.set_blocking(proc.stdout.fileno(), False)
        loop.add_reader(proc.stdout.fileno(), self._read_answers, loop, proc, self._waiting, bytearray())
        self._idle = loop.call_later(IDLE, self._check_idle)

    def _read_answers(self, loop, proc, waiting: dict, buffer: bytearray):
        try:
            data = os.read(proc.stdout.fileno(), 1 << 16)
        except BlockingIOError:
            return
        except OSError as exc:
            return self._ended(loop, proc, waiting, exc)
        if not data:
            return self._ended(
                loop, proc, waiting, OSError("the process writing downloaded files to the disk ended; try again")
            )
        buffer += data
        size, start = protocol.ANSWER.size, 0
        while len(buffer) - start >= size:
            ident, code, written, length = protocol.ANSWER.unpack_from(buffer, start)
            if len(buffer) - start < size + length:
                break
            message = bytes(buffer[start + size : start + size + length]).decode(errors="replace")
            start += size + length
            answer = waiting.pop(ident, None)
            if answer is not None and not answer.done():
                answer.set_result((code, written, message))
        del buffer[:start]

    def _ended(self, loop, proc, waiting: dict, error: OSError):
        """The process closed its output: what it left unanswered fails."""
        if not loop.is_closed():
            loop.remove_reader(proc.stdout.fileno())
        proc.stdout.close()
        if self._proc is proc:
            self._proc = None
        for answer in waiting.values():
            if not answer.done():
                answer.set_exception(error)
        waiting.clear()
        # It is ending: reaped here if it has, else by the subprocess module when the
        # next process starts (a thread started to wait for it could hang an interpreter
        # that is shutting down).
        proc.poll()

    def _check_idle(self):
        self._idle = None
        if self._proc is None:
            return
        quiet = self._loop.time() - self._last
        if self._waiting or quiet < IDLE:
            self._idle = self._loop.call_later(IDLE - quiet if not self._waiting else IDLE, self._check_idle)
        else:
            self.stop()

    def stop(self):
        """Close the process's input: it finishes what it was sent, answers, and exits.
        Returns the process (None if none ran), for a caller that waits for its end."""
        if self._idle is not None:
            self._idle.cancel()
            self._idle = None
        proc, self._proc = self._proc, None
        if proc is not None:
            self._pipe.close()
        return proc


class _PipeWriter:
    """The non-blocking write end of a pipe on the event loop: writes what the pipe takes
    at once (one writev for a request's pieces) and keeps the rest until it drains."""

    def __init__(self, loop, pipe):
        self._loop = loop
        self._pipe = pipe
        self._fd = pipe.fileno()
        os.set_blocking(self._fd, False)
        self._pending = bytearray()
        self._broken = False

    def write(self, *pieces: bytes):
        if self._broken:
            return  # the process ended: its reader fails what waits for an answer
        if not self._pending:
            try:
                sent = os.writev(self._fd, pieces)
            except BlockingIOError:
                sent = 0
            except OSError:
                self._broken = True
                return
            total = sum(len(piece) for piece in pieces)
            if sent == total:
                return
            self._loop.add_writer(self._fd, self._flush)
            joined = b"".join(pieces)
            self._pending += memoryview(joined)[sent:]
            return
        for piece in pieces:
            self._pending += piece

    def _flush(self):
        try:
            sent = os.write(self._fd, self._pending)
        except BlockingIOError:
            return
        except OSError:
            self._broken = True
            sent = len(self._pending)
        del self._pending[:sent]
        if not self._pending:
            self._loop.remove_writer(self._fd)

    def close(self):
        if self._pending and not self._loop.is_closed():
            self._loop.remove_writer(self._fd)
        self._pending.clear()
        self._broken = True
        self._pipe.close()
