"""Background jobs (transfers, later deletes): their state, kept on disk so a page reload
or a server restart still shows them. Jobs that were running when the server stopped
are shown as failed with code `interrupted`, never as done."""

import asyncio
import json
import logging
import time
import uuid
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

from .errors import ApiError

log = logging.getLogger(__name__)

ACTIVE = ("queued", "running")
KEEP_FINISHED = 200  # finished jobs remembered, newest first (in memory and on disk)
# Jobs queued or running at once, of every kind. Each transfer moves up to 16 objects at a
# time, so 32 of them could hold hundreds of requests and, with large objects, gigabytes
# in flight: past this a new job is refused with 429 `too-many-jobs`, not queued unseen.
MAX_ACTIVE = 32
SAVE_EVERY = 1.0  # seconds between saves while a job makes progress
SAMPLE = 100  # keys a job lists of those it completed or failed


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")


@dataclass
class Job:
    id: str
    kind: str
    label: str
    state: str = "queued"
    objectsDone: int = 0
    objectsTotal: Optional[int] = None
    objectsSkipped: int = 0
    objectsFailed: int = 0
    bytesDone: int = 0
    bytesTotal: Optional[int] = None
    error: Optional[dict] = None
    source: Optional[dict] = None
    target: Optional[dict] = None
    mode: Optional[str] = None
    conflict: Optional[str] = None
    startedAt: Optional[str] = None
    endedAt: Optional[str] = None
    rate: Optional[float] = None
    note: Optional[str] = None
    listing: bool = False  # its objects are still being listed: the totals so far grow
    completed: list = field(default_factory=list)
    failed: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # deletes: {path, reason} kept on purpose
    remaining: list = field(default_factory=list)  # deletes: what is still under the path
    resumedFrom: Optional[str] = None  # transfers: the job this one resumes (resume.py)
    # Transfers: nothing was at the target when the job (or the one it resumes) began,
    # so everything under it is what the job wrote (the panel offers to delete it).
    targetCreated: bool = False

    def to_api(self) -> dict:
        return asdict(self)


def too_many(what: str) -> ApiError:
    """429 `too-many-jobs`: `what` says what the server is full of."""
    return ApiError(
        429,
        "too-many-jobs",
        f"This server {what}, its limit; wait for some to finish or cancel some in the transfers list, then try again.",
    )


class JobStore:
    def __init__(self, path: Optional[Path], max_active: Optional[int] = None):
        self.path = path
        self.max_active = max_active  # None: MAX_ACTIVE, read when a job starts
        self.jobs: dict = {}
        self._tasks: dict = {}
        self._started: dict = {}
        self._last_save = 0.0
        self._load()

    def _load(self):
        if not self.path or not self.path.exists():
            return
        try:
            saved = json.loads(self.path.read_text())
        except (OSError, ValueError):
            log.warning("leap-buckets: could not read %s; starting with no jobs", self.path)
            return
        known = {f.name for f in fields(Job)}
        for data in saved:
            # A record written by another version of the extension (fields this one does not
            # know, or lacks) is read for what it shares, never a reason to fail loading.
            try:
                job = Job(**{k: v for k, v in data.items() if k in known})
            except (TypeError, AttributeError):
                log.warning("leap-buckets: a job record in %s could not be read; it is left out", self.path)
                continue
            if job.state in ACTIVE:
                job.state = "failed"
                job.endedAt = job.endedAt or now_iso()
                job.error = {
                    "code": "interrupted",
                    "message": "The Jupyter server stopped while this job ran; objects listed "
                    "as completed are in place; resume the job for the rest.",
                }
            self.jobs[job.id] = job
        self._prune()
        self.save(force=True)

    def save(self, force=False):
        if not self.path:
            return
        now = time.monotonic()
        if not force and now - self._last_save < SAVE_EVERY:
            return
        self._last_save = now
        kept = self.list()  # pruned as each job ends: KEEP_FINISHED finished at most
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps([j.to_api() for j in kept]))
        tmp.replace(self.path)

    def list(self) -> list:
        return sorted(self.jobs.values(), key=lambda j: j.startedAt or "", reverse=True)

    def get(self, job_id) -> Job:
        job = self.jobs.get(job_id)
        if job is None:
            raise ApiError(404, "not-found", f"There is no job {job_id!r}; GET jobs lists them.")
        return job

    def _prune(self):
        """Forget the oldest finished jobs beyond KEEP_FINISHED, so a server that runs for
        months holds a few hundred jobs, not every job it ever ran."""
        finished = [j for j in self.jobs.values() if j.state not in ACTIVE]
        # The latest to end are kept: a long job that just ended is shown ending.
        finished.sort(key=lambda j: j.endedAt or j.startedAt or "", reverse=True)
        for job in finished[KEEP_FINISHED:]:
            del self.jobs[job.id]
            self._started.pop(job.id, None)

    def active(self) -> int:
        return sum(1 for job in self.jobs.values() if job.state in ACTIVE)

    def check_room(self):
        """Raise 429 `too-many-jobs` when no other job may start now; callers that spend
        something before starting (a delete plan's token) ask first."""
        limit = MAX_ACTIVE if self.max_active is None else self.max_active
        if self.active() >= limit:
            raise too_many(f"already runs {limit} jobs (queued or running)")

    def start(self, kind: str, label: str, run, **fields) -> Job:
        """Make a job and run `run(job)` (a coroutine function) in the background, or
        raise 429 `too-many-jobs` when the server runs as many as it may."""
        self.check_room()
        job = Job(id=uuid.uuid4().hex[:12], kind=kind, label=label, startedAt=now_iso(), **fields)
        self.jobs[job.id] = job
        self._started[job.id] = time.monotonic()
        task = self._tasks[job.id] = asyncio.ensure_future(self._run(job, run))
        task.add_done_callback(lambda _: self._never_ran(job))
        self.save(force=True)
        return job

    async def _run(self, job: Job, run):
        job.state = "running"
        try:
            await run(job)
            job.state = "failed" if job.objectsFailed else "done"
            if job.objectsFailed and not job.error:
                job.error = {
                    "code": "objects-failed",
                    "message": f"{job.objectsFailed} object(s) could not be deleted; see `failed`, "
                    "then plan the delete again."
                    if job.kind == "delete"
                    else _transfer_failures(job),
                }
        except asyncio.CancelledError:
            job.state = "cancelled"
        except ApiError as err:
            job.state, job.error = "failed", {"code": err.code, "message": err.message}
        except Exception as exc:  # noqa: BLE001 - the job reports it; the server goes on
            log.exception("leap-buckets: job %s failed", job.id)
            job.state = "failed"
            job.error = {"code": "storage-error", "message": f"The job stopped: {exc}."}
        finally:
            job.endedAt = now_iso()
            self.progress(job)
            self._tasks.pop(job.id, None)
            self._prune()
            self.save(force=True)

    def _never_ran(self, job: Job):
        """A task cancelled before its first step never enters _run: its job would stay
        queued, and count against MAX_ACTIVE, for ever."""
        if job.state in ACTIVE:
            job.state, job.endedAt = "cancelled", now_iso()
            self._tasks.pop(job.id, None)
            self._prune()
            self.save(force=True)

    def progress(self, job: Job):
        elapsed = time.monotonic() - self._started.get(job.id, time.monotonic())
        job.rate = round(job.bytesDone / elapsed, 1) if elapsed > 0.5 else None
        self.save()

    def task(self, job_id):
        """The job's running task, or a finished future when it has ended."""
        task = self._tasks.get(job_id)
        if task is None:
            task = asyncio.get_running_loop().create_future()
            task.set_result(None)
        return task

    def cancel(self, job_id) -> Job:
        job = self.get(job_id)
        task = self._tasks.get(job_id)
        if task and not task.done():
            task.cancel()
        return job

    async def wait(self, job_id):
        task = self._tasks.get(job_id)
        if task:
            await asyncio.gather(task, return_exceptions=True)


# Per-object failures that another try cannot mend: the object must change first.
_LASTING = {"bad-key", "outside-home", "read-only", "hidden", "conflict", "source-changed", "not-followed"}


def _transfer_failures(job: Job) -> str:
    codes = sorted({failure.get("code") for failure in job.failed})
    text = f"{job.objectsFailed} object(s) could not be transferred ({', '.join(codes)}); `failed` says why for each."
    if set(codes) - _LASTING:
        text += (
            " Those that failed on the way (the network, the service) are copied by resuming the job "
            "(POST jobs/<id>/resume), which skips what arrived."
        )
    return text
