"""Files dropped from the user's desktop: the browser sends each file in chunks, and the
server streams them straight into the target's upload as they arrive: resumable or, from
150 MiB, parallel composite (GCS), multipart (S3). Nothing is held whole, not even one
request's body: a PUT's bytes are handed on in CHUNK pieces as they come off the socket,
and the next are read only once the target's upload has taken them (routes.py streams the
body). An upload holds the piece being gathered and what the target's upload gathers (GCS:
a 32 MiB chunk and its copy, or the 16 MiB part being filled and four on their way; S3:
four 8 MiB parts), whatever the file's size (test_uploads.py measures it; the figures are
in docs/benchmarks.md, "Desktop uploads"). The object appears only when the last chunk
has landed and been verified; a cancel, a failure, or a browser that goes away (no chunk
for IDLE seconds) aborts the upload and leaves nothing behind.

    POST uploads {"target": Place, "name": str, "size": n, "conflict": ...} -> 202 Job
    PUT  uploads/<job id>?offset=n   (body: the next bytes, MAX_PUT at most) -> 200 Job
"""

import asyncio
import base64
import hashlib

import google_crc32c

from . import guard
from .errors import ApiError, bad_request
from .jobs import ACTIVE, Job, too_many
from .object_copy import CHUNK, verify
from .places import CONFLICTS, Place, parse_place
from .storage.errors import Exists
from .storage.gcs_composite import part_prefix
from .transfer_start import allowed_target, exists, free_name
from .translate import translate

IDLE = 120.0  # seconds without a chunk after which an upload is abandoned
MAX_SESSIONS = 16  # uploads open at once (the panel sends three files at a time)
# The largest body one PUT may carry (413 `too-large` beyond). Memory does not grow with
# it (bodies stream); it bounds how long one request holds its upload. The panel sends 8 MiB.
MAX_PUT = 256 * 1024 * 1024


class UploadSession:
    def __init__(self, size: int):
        self.size = size
        self.offset = 0  # bytes accepted from the browser so far
        self.queue: asyncio.Queue = asyncio.Queue(maxsize=1)
        self.lock = asyncio.Lock()


class Uploads:
    def __init__(self, service, jobs, max_sessions=None):
        self.service = service
        self.jobs = jobs
        self.max_sessions = max_sessions  # None: MAX_SESSIONS, read when an upload starts
        self.sessions: dict = {}

    async def start(self, body: dict) -> Job:
        limit = MAX_SESSIONS if self.max_sessions is None else self.max_sessions
        if len(self.sessions) >= limit:
            raise too_many(f"already has {limit} uploads open")
        name, size = body.get("name"), body.get("size")
        conflict = body.get("conflict", "fail")
        if (
            not isinstance(name, str)
            or not name
            or name in (".", "..")
            or "/" in name
            or "\\" in name
            or "\x00" in name
        ):
            raise bad_request(
                "'name' is the file's name, without '/' (send folders' files one by one with their path in 'target')."
            )
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise bad_request("'size' is the file's size in bytes, a whole number.")
        if conflict not in CONFLICTS:
            raise bad_request(f"'conflict' is one of {', '.join(CONFLICTS)}, not {conflict!r}.")
        target = parse_place(self.service, body.get("target"), "target")
        if not (target.path == "" or target.path.endswith("/")):
            raise bad_request("'target.path' is the folder to upload into, ending with '/'.")
        target = Place(target.store, target.root, target.path + name)
        allowed_target(target)
        replacing = await exists(target, False)
        if replacing:
            if conflict == "overwrite" and target.root is not None:
                guard.check(guard.OVERWRITE, target.root, target.path)  # may this user destroy it?
            if conflict == "fail":
                raise ApiError(
                    409, "conflict", f"{target.url} exists already; choose to overwrite, skip, or keep both."
                )
            if conflict == "skip":
                raise ApiError(409, "conflict", f"{target.url} exists already and was skipped.")
            if conflict == "rename":
                target = await free_name(target, False)
                allowed_target(target)  # the final name, asked again
                replacing = False
        session = UploadSession(size)
        job = self.jobs.start(
            "transfer",
            f"Upload {name} to {target.url}",
            lambda job: self._run(job, session, target, replacing),
            source={"upload": name},
            target=target.to_api(),
            mode="copy",
            conflict=conflict,
        )
        job.objectsTotal, job.bytesTotal = 1, size
        self.sessions[job.id] = session
        return job

    async def _run(self, job: Job, session: UploadSession, target: Place, replacing: bool):
        md5, crc = hashlib.md5(), google_crc32c.Checksum()

        async def chunks():
            # Re-cut whatever sizes the browser sends into CHUNK-sized pieces (GCS wants
            # multiples of 256 KiB, S3 parts of at least 5 MiB, except the last).
            buffer, received = bytearray(), 0
            while received < session.size:
                try:
                    data = await asyncio.wait_for(session.queue.get(), IDLE)
                except asyncio.TimeoutError:
                    raise ApiError(
                        408,
                        "upload-stalled",
                        f"No data arrived for {int(IDLE)} s (was the page closed?); nothing was kept, drop the file "
                        "again.",
                    ) from None
                received += len(data)
                md5.update(data)
                crc.update(data)
                if not buffer and len(data) == CHUNK:  # the browser's usual chunk: no copy
                    yield data
                    job.bytesDone = received
                    self.jobs.progress(job)
                    continue
                buffer += data
                while len(buffer) >= CHUNK:
                    with memoryview(buffer) as view:
                        piece = bytes(view[:CHUNK])  # one copy, not two
                    del buffer[:CHUNK]
                    yield piece
                    job.bytesDone = received - len(buffer)
                    self.jobs.progress(job)
            if buffer or session.size == 0:
                yield bytes(buffer)
            job.bytesDone = received
            self.jobs.progress(job)

        def checksums():
            return md5.hexdigest(), base64.b64encode(crc.digest()).decode()

        try:
            if replacing and target.root is not None:
                # Overwriting: the bytes are verified at a hidden name beside the object
                # before the service copies them over it (as transfers._replace does), so
                # a bad upload never costs the object it was to replace.
                staging = Place(target.store, target.root, part_prefix(target.path) + "replacing")
                guard.check(guard.WRITE, target.root, staging.path)
                try:
                    landed = await target.store.upload(staging.path, session.size, chunks(), if_absent=True)
                    await verify(staging, staging.path, session.size, *checksums(), landed=landed)
                    await target.store.server_copy(staging.path, target.store, target.path, size=session.size)
                finally:
                    await asyncio.shield(target.store.delete(staging.path))
                await verify(target, target.path, session.size, *checksums())
            else:
                # Onto a free name only, checked by the service when the upload commits:
                # an object written there meanwhile, by anyone, is never replaced.
                try:
                    landed = await target.store.upload(target.path, session.size, chunks(), if_absent=not replacing)
                except Exists:
                    raise ApiError(
                        409,
                        "conflict",
                        f"{target.url} was written by someone else while this file was sent; nothing was replaced. "
                        "Drop the file again to choose what to do.",
                    ) from None
                await verify(target, target.path, session.size, *checksums(), landed=landed)
            job.objectsDone = 1
            job.completed.append(target.path)
        except ApiError:
            raise
        except Exception as exc:
            raise translate(exc, target.root, f"Uploading {target.path}") from exc
        finally:
            self.sessions.pop(job.id, None)

    @staticmethod
    def body_limit() -> int:
        """What the HTTP server may read of one PUT: MAX_PUT and a piece more, so that a
        body sent without a Content-Length that runs over is answered 413 `too-large`
        (Receiver.check) rather than cut off by tornado's own limit."""
        return MAX_PUT + CHUNK

    async def open(self, job_id: str, offset, length) -> "Receiver":
        """Begin one PUT of `length` bytes (None: not announced) at `offset`: checked
        before a byte of the body is read. Holds the upload until the Receiver closes."""
        job = self.jobs.get(job_id)
        session = self.sessions.get(job_id)
        if session is None or job.state not in ACTIVE:
            raise ApiError(409, "upload-closed", f"This upload is {job.state}; drop the file again to start over.")
        if (
            offset is None or not (offset.isascii() and offset.isdigit()) or len(offset) > 18
        ):  # not "²", nor 4,300 digits
            raise bad_request("Send ?offset=<bytes already sent> with each chunk.")
        if length is not None and length > MAX_PUT:
            raise too_large()
        await session.lock.acquire()
        receiver = Receiver(self.jobs, job, session)
        try:
            if int(offset) != session.offset:
                raise ApiError(
                    409, "bad-offset", f"The server has {session.offset} bytes of this file; send from there."
                )
            if length is not None:
                receiver.check(length)
        except ApiError:
            receiver.close()
            raise
        return receiver


def too_large() -> ApiError:
    return ApiError(
        413,
        "too-large",
        f"One PUT carries at most {MAX_PUT // (1024 * 1024)} MiB; send the file in smaller chunks, each from the "
        "offset reached.",
    )


class Receiver:
    """One PUT's body on its way into an upload: its bytes are gathered into CHUNK pieces
    and each piece is handed on as soon as it is whole, waiting (and so reading no more
    of the body) until the upload has taken the one before. The upload's offset grows
    with what was handed on, so a PUT cut short can be resumed from the offset it says."""

    def __init__(self, jobs, job: Job, session: UploadSession):
        self.jobs, self.job, self.session = jobs, job, session
        self.buffer = bytearray()
        self.received = 0  # bytes of this PUT's body so far
        self.closed = False

    def check(self, more: int):
        if self.received + more > MAX_PUT:
            raise too_large()
        if self.session.offset + len(self.buffer) + more > self.session.size:
            raise bad_request(f"This chunk runs past the {self.session.size} bytes announced for the file.")

    async def feed(self, data: bytes):
        self.check(len(data))
        self.received += len(data)
        self.buffer += data
        while len(self.buffer) >= CHUNK:
            with memoryview(self.buffer) as view:
                piece = bytes(view[:CHUNK])
            del self.buffer[:CHUNK]
            await self._hand(piece)

    async def end(self) -> Job:
        """The body is all in: hand on what remains. After the last chunk the job commits
        and verifies in the background; the browser follows it like any other job."""
        try:
            if self.buffer:
                piece, self.buffer = bytes(self.buffer), bytearray()
                await self._hand(piece)
        finally:
            self.close()
        return self.job

    def close(self):
        """Let the upload go (the request ended, however it ended); bytes still gathered
        are dropped: the offset says where to send from again."""
        if not self.closed:
            self.closed = True
            self.buffer = bytearray()
            self.session.lock.release()

    async def _hand(self, piece: bytes):
        task = self.jobs.task(self.job.id)
        put = asyncio.ensure_future(self.session.queue.put(piece))
        await asyncio.wait([put, task], return_when=asyncio.FIRST_COMPLETED)
        if not put.done():
            put.cancel()
            job = self.job
            raise ApiError(
                409, "upload-closed", f"This upload is {job.state}: {(job.error or {}).get('message', 'it ended')}"
            )
        self.session.offset += len(piece)
