"""Guarded recursive deletion: plan, confirm, delete exactly what was planned.

On LEAP, Google lets any user delete anyone's objects, so this guard is the only one:

- guard.py takes paths literally and refuses anything doubtful (see `guard.doubtful`)
  before any request reaches a bucket. Deletes happen only strictly inside the root's
  deletable prefix (`<username>/` on scratch and persistent; none on OSN by default).
- `POST delete/plan` lists what lies under the path and writes each object's key and
  generation (GCS) or ETag, size and modification time (S3) to a spool file on disk,
  so a plan of a million objects costs no memory (on S3 it lists key ranges side by side,
  storage/key_ranges.py). It answers with counts, bytes, whether
  the path is a Zarr store, a sample of keys and a token that belongs to this user, root
  and path, lasts PLAN_TTL seconds and can be used once. It answers when the listing is
  done, or when its first page of 1,000 is in and more follow, or after PLAN_WAIT,
  whichever comes first: the dialog opens with what is known and follows the count (as
  file managers count what a delete will remove while their dialog is open).
- `POST delete` needs the token and `confirm` equal to the path's last segment. The job
  reads the spool back in batches and deletes only those objects, each only in its
  planned state:
  - GCS: JSON API batches of GCS_BATCH deletes, each with `generation=G` and
    `ifGenerationMatch=G`: an object rewritten since the plan has another generation and
    is refused by Google itself (412, or 404), so it survives. Exact.
  - S3 (OSN's Ceph, moto, versitygw): for each batch of up to S3_BATCH keys listed one
    after another, one listing of that key range (from the `prev` of its first entry,
    delete_plan.batches) right before one DeleteObjects; keys whose ETag, size or modification
    time differ from the plan are left alone. The window between that listing and the
    delete is milliseconds, not the minutes between plan and confirm. Each key is sent
    with its planned ETag, which AWS and Ceph's gateway (since ceph#63348) compare
    themselves, closing that window where honoured; moto and versitygw ignore it
    (docs/s3-servers.md). A batch whose
    keys the plan's own listing returned after the confirmation and less than FRESH_S3
    seconds ago (a large store, confirmed while its listing goes on) skips that second
    listing: no one saw those keys before, the listing left out every object modified
    since the plan started, and it is about as recent as the check would be (a window
    of up to FRESH_S3 seconds instead of one listing's time).
  PARALLEL_BATCHES batches run at once; 429/503 answers are retried with backoff. Objects
  created under the path after the plan are not in it, so they survive; the job ends by
  listing what remains and reports it.
- Every delete job appends one JSON line to the audit log (delete_report.py, with the
  job's closing note on what remains).

Requests per deleted object: GCS 1/1000 (plan listing) + 1/100 (batches) = 0.011; S3
1/1000 (plan) + 2/1000 (range listing and DeleteObjects) = 0.003, or 0.002 for batches
deleted as they are listed.
"""

import asyncio
import logging
import secrets
import time
from datetime import datetime, timezone
from pathlib import Path

from . import guard
from .delete_plan import Plan, batches, is_zarr, list_into_spool
from .delete_report import failure, finish
from .errors import ApiError, bad_request
from .jobs import SAMPLE, Job, now_iso
from .translate import translate

log = logging.getLogger(__name__)

PLAN_TTL = 15 * 60  # seconds a plan's token stays valid
MAX_PLANS = 16  # plans open at once (each holds a listing task and a spool file)
PLAN_WAIT = 1.0  # seconds at most a plan request waits for its first page before answering
# (the project's rule: anything slower than a second shows that it is working)
PARALLEL_BATCHES = 8
FIRST_PAGE = 1000  # objects counted before the plan answers while its listing goes on
FRESH_S3 = 1.0  # seconds since its listing within which an S3 batch needs no second one


class Deletes:
    def __init__(self, service, jobs, state_dir: Path, audit_path: Path):
        self.service = service
        self.jobs = jobs
        self.spool_dir = state_dir / "plans"
        self.audit_path = audit_path
        self.plans: dict = {}
        # Plans live in memory: the spools of a server that stopped belong to no plan.
        for stale in self.spool_dir.glob("*.jsonl") if self.spool_dir.is_dir() else ():
            stale.unlink(missing_ok=True)

    # -- plan -------------------------------------------------------------------------

    async def plan(self, body: dict) -> Plan:
        """List what lies under the path into a spool file. Answers when the listing is
        done, or with what it has counted so far (`complete` false) once its first page
        is in or PLAN_WAIT seconds have passed: the listing goes on, GET
        delete/plan/<token> follows it, and a delete confirmed meanwhile starts at once
        and follows the listing."""
        self._forget_expired()
        if len(self.plans) >= MAX_PLANS:
            raise ApiError(
                429,
                "too-many-jobs",
                f"{MAX_PLANS} delete plans are open; confirm or cancel one (or wait {PLAN_TTL // 60} minutes for "
                "them to expire), then plan again.",
            )
        if not self.service.username:
            raise ApiError(
                403, "read-only", "Deleting is off because your username is unknown; see the panel's notice."
            )
        root = self.service.root(body.get("root"))
        path = guard.check(guard.DELETE, root, body.get("path"), named=True)
        store = self.service.store(root)
        if not path.endswith("/") and await store.head(path) is None:
            path += "/"  # a folder named without its slash: narrower, never wider
            guard.check(guard.DELETE, root, path, named=True)
        token = secrets.token_urlsafe(24)
        self.spool_dir.mkdir(parents=True, exist_ok=True)
        plan = Plan(
            token,
            self.service.username,
            root,
            path,
            "file",
            0,
            0,
            self.spool_dir / f"{token}.jsonl",
            time.monotonic() + PLAN_TTL,
            started=datetime.now(timezone.utc),
        )
        plan.spool.touch()
        plan.task = asyncio.ensure_future(list_into_spool(plan, store))
        if path.endswith("/"):  # looked up while the listing's first page is on its way
            try:
                plan.kind = "zarr" if await is_zarr(store, path) else "folder"
            except BaseException:
                self._discard(plan)
                raise
        first_page = asyncio.ensure_future(counted(plan, FIRST_PAGE))
        await asyncio.wait([plan.task, first_page], timeout=PLAN_WAIT, return_when=asyncio.FIRST_COMPLETED)
        first_page.cancel()
        if plan.error:
            plan.spool.unlink(missing_ok=True)
            raise plan.error
        if plan.complete and plan.objects == 0:
            plan.spool.unlink(missing_ok=True)
            what = "nothing" if not plan.newer else "nothing that existed when you asked"
            raise ApiError(404, "not-found", f"There is {what} at {root.url}{path}; refresh the listing.")
        self.plans[token] = plan
        return plan

    def get(self, token) -> Plan:
        """A plan of this user's that is still good (for following its listing)."""
        plan = self.plans.get(token)
        if plan is None or plan.deadline < time.monotonic():
            raise ApiError(
                410, "plan-expired", "This delete plan has expired or was used already; plan the delete again."
            )
        if plan.user != self.service.username:
            raise ApiError(403, "outside-home", "This delete plan belongs to another user.")
        return plan

    def drop(self, token):
        """Forget a plan the user cancelled: its listing stops and its spool goes."""
        plan = self.get(token)
        if not plan.used:
            self._discard(plan)
            self.plans.pop(token, None)

    def _discard(self, plan: Plan):
        if plan.task and not plan.task.done():
            plan.task.cancel()
        plan.spool.unlink(missing_ok=True)

    def _forget_expired(self):
        now = time.monotonic()
        for token, plan in list(self.plans.items()):
            if plan.deadline < now or plan.used:
                if not plan.used:
                    self._discard(plan)
                del self.plans[token]

    # -- delete -----------------------------------------------------------------------

    def take(self, body: dict, purpose: str = "delete") -> Plan:
        """The confirmed plan `body` names, used up: POST delete runs it, POST handoff/delete
        writes it as a manifest. Refused unless it is this user's, unexpired, unused, and
        confirmed with the last segment of its path."""
        token, confirm = body.get("plan"), body.get("confirm")
        if not isinstance(token, str) or not token:
            raise bad_request("Send the 'plan' token from POST delete/plan, and 'confirm'.")
        plan = self.plans.get(token)
        if plan is None or plan.used or plan.deadline < time.monotonic():
            self._forget_expired()
            raise ApiError(
                410, "plan-expired", "This delete plan has expired or was used already; plan the delete again."
            )
        if plan.user != self.service.username:
            raise ApiError(403, "outside-home", "This delete plan belongs to another user; plan your own delete.")
        name = plan.path.rstrip("/").rsplit("/", 1)[-1]
        if confirm != name:
            raise ApiError(400, "confirm-mismatch", f"Type the name {name!r} exactly to confirm deleting {plan.url}.")
        guard.check(guard.DELETE, plan.root, plan.path, named=True)  # the configuration may have changed
        if purpose == "delete":
            self.jobs.check_room()  # a refused job must not use up the plan
        plan.used, plan.confirmed = True, time.monotonic()
        return plan

    def release(self, plan: Plan):
        """Forget a plan used for something other than a delete job (its spool goes)."""
        self._discard(plan)
        self.plans.pop(plan.token, None)

    def start(self, body: dict, identity=None) -> Job:
        """Run a confirmed plan as a job. `identity`: who asked (the Jupyter user),
        written to the audit log beside the plan's owner (the hub username)."""
        plan = self.take(body)
        job = self.jobs.start(
            "delete",
            f"Delete {plan.url}",
            lambda job: self._run(job, plan, identity),
            source={"root": plan.root.id, "path": plan.path},
        )
        job.objectsTotal, job.bytesTotal = plan.objects, plan.bytes
        job.listing = not plan.complete  # the transfers view says "still listing"
        return job

    async def _run(self, job: Job, plan: Plan, identity=None):
        """Delete the plan's batches, PARALLEL_BATCHES at a time. The job's state comes
        from what every planned object did: `done` only when each was deleted or skipped
        on purpose; a batch whose request failed fails each of its objects."""
        store = self.service.store(plan.root)
        gcs = plan.root.provider == "gcs"
        size = store.batch_size
        in_flight: set = set()
        errors: list = []  # ApiErrors of the batches whose requests failed
        started, state, error = now_iso(), "failed", None
        try:
            try:
                async for batch in batches(plan, size):
                    while len(in_flight) >= PARALLEL_BATCHES:
                        done, in_flight = await asyncio.wait(in_flight, return_when=asyncio.FIRST_COMPLETED)
                        _collect(done)
                    # GCS checks each object's generation itself; S3 lists the batch's
                    # key range first, unless the plan's own listing is that recent.
                    listed = batch[0]["listed"]  # its oldest entry
                    fresh = not gcs and listed >= plan.confirmed and time.monotonic() - listed < FRESH_S3
                    # The batch's keys lie in (its first entry's `prev`, its last key]:
                    # the range S3 lists again (delete_plan.batches).
                    task = store.delete_batch(batch, prefix=plan.path, after=batch[0]["prev"], check=not fresh)
                    in_flight.add(asyncio.ensure_future(self._account(job, plan, batch, task, errors)))
            finally:
                # Whatever stopped the loop (the end, a cancel, a plan that cannot be read),
                # the batches on their way end and are counted before the job does.
                if in_flight:
                    done, _ = await asyncio.shield(asyncio.wait(in_flight))
                    _collect(done)
            if plan.error:
                raise plan.error  # the listing failed: what it found was deleted, the rest stays
            job.listing = False
            handled = job.objectsDone + job.objectsSkipped + job.objectsFailed
            if job.objectsFailed or handled < plan.objects:
                raise failure(job, plan, errors, handled)
            state = "done"
        except asyncio.CancelledError:
            state = "cancelled"
            raise
        except ApiError as err:
            error = err
            raise
        except Exception as exc:
            error = translate(exc, plan.root, f"Deleting under {plan.path}")
            raise error from exc
        finally:
            if plan.task and not plan.task.done():
                plan.task.cancel()  # the listing stops; its spool is read by finish (delete_report.py)
            try:
                await asyncio.shield(finish(job, plan, store, self.audit_path, started, state, error, identity))
            except Exception:  # noqa: BLE001 - the audit must not hide the job's outcome
                log.exception("leap-buckets: could not finish delete job %s", job.id)
            self._discard(plan)

    async def _account(self, job: Job, plan: Plan, batch: list, outcome, errors: list):
        """Count one batch's objects. A batch whose request failed (after the libraries'
        and storage/bulk_delete.py's retries) fails each of its objects, with the reason."""
        try:
            results = await outcome
        except Exception as exc:  # noqa: BLE001 - counted below, reported by _run
            err = translate(exc, plan.root, f"Deleting a batch of {len(batch)} object(s) under {plan.path}")
            errors.append(err)
            results = [("failed", err.message)] * len(batch)
            code = err.code
        else:
            code = "delete-failed"
        job.objectsTotal, job.bytesTotal, job.listing = plan.objects, plan.bytes, not plan.complete
        for entry, (status, reason) in zip(batch, results):
            if status == "deleted":
                job.objectsDone += 1
                job.bytesDone += entry["size"]
                if len(job.completed) < SAMPLE:
                    job.completed.append(entry["key"])
            elif status == "skipped":
                job.objectsSkipped += 1
                if len(job.skipped) < SAMPLE:
                    job.skipped.append({"path": entry["key"], "reason": reason})
            else:
                job.objectsFailed += 1
                if len(job.failed) < SAMPLE:
                    job.failed.append({"path": entry["key"], "code": code, "message": reason})
        self.jobs.progress(job)


async def counted(plan: Plan, objects: int):
    """Return once the plan's listing has counted `objects` objects (or has ended)."""
    while plan.objects < objects and not plan.complete and plan.error is None:
        await plan.progressed.wait()  # set at each page, then replaced


def _collect(done):
    """Raise nothing, lose nothing: a batch task that failed in its own accounting (not in
    its requests, which _account counts) is logged; its objects stay uncounted, so the job
    cannot end `done` (see _run's `handled`)."""
    for task in done:
        if not task.cancelled() and task.exception() is not None:
            log.error("leap-buckets: a delete batch could not be counted", exc_info=task.exception())
