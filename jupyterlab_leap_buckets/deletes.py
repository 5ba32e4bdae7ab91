"""Guarded recursive deletion: plan, confirm, delete exactly what was planned.

On LEAP, Google lets any user delete anyone's objects, so this guard is the only one:

- `check_delete_path` takes paths literally and refuses anything doubtful (see its list)
  before any request reaches a bucket. Deletes happen only strictly inside the root's
  deletable prefix (`<username>/` on scratch and persistent; none on OSN by default).
- `POST delete/plan` lists what lies under the path and writes each object's key and
  generation (GCS) or ETag, size and modification time (S3) to a spool file on disk,
  so a plan of a million objects costs no memory. It answers with counts, bytes, whether
  the path is a Zarr store, a sample of keys and a token that belongs to this user, root
  and path, lasts PLAN_TTL seconds and can be used once.
- `POST delete` needs the token and `confirm` equal to the path's last segment. The job
  reads the spool back in batches and deletes only those objects, each only in its
  planned state:
  - GCS: JSON API batches of GCS_BATCH deletes, each with `generation=G` and
    `ifGenerationMatch=G`: an object rewritten since the plan has another generation and
    is refused by Google itself (412, or 404), so it survives. Exact.
  - S3 (OSN's Ceph, moto): S3 has no precondition on DeleteObject that these endpoints
    honour, so the closest equivalent: for each batch of S3_BATCH keys, one listing of
    that key range right before one DeleteObjects; keys whose ETag, size or modification
    time differ from the plan are left alone. The window between that listing and the
    delete is milliseconds, not the minutes between plan and confirm.
  PARALLEL_BATCHES batches run at once; 429/503 answers are retried with backoff. Objects
  created under the path after the plan are not in it, so they survive; the job ends by
  listing what remains and reports it.
- Every delete job appends one JSON line to the audit log.

Requests per deleted object: GCS 1/1000 (plan listing) + 1/100 (batches) = 0.011; S3
1/1000 (plan) + 2/1000 (range listing and DeleteObjects) = 0.003.
"""

import asyncio
import json
import logging
import re
import secrets
import time
import unicodedata
import urllib.parse
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Optional

from .errors import ApiError, bad_request
from .jobs import SAMPLE, Job, now_iso
from .listing import ZARR_MARKERS
from .paths import MAX_KEY_BYTES
from .roots import Root
from .storage.errors import translate

log = logging.getLogger(__name__)

PLAN_TTL = 15 * 60  # seconds a plan's token stays valid
PLAN_WAIT = 1.5  # seconds a plan request waits for the listing before answering with counts so far
SAMPLE_KEYS = 20  # keys a plan shows
GCS_BATCH = 100  # the JSON API's limit per batch request
S3_BATCH = 1000  # DeleteObjects' limit
PARALLEL_BATCHES = 8
RETRIES = 5
RETRY_STATUSES = (429, 500, 502, 503, 504)

# gsutil / gcloud wildcards and shell braces: literal paths never need them here.
_WILDCARDS = set("*?[]{}")
_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")


def check_delete_path(root: Root, path) -> str:
    """The path, if deleting it is allowed; else the error that says why.

    Refused as doubtful (400 bad-request): not a string, empty, longer than 1024 bytes,
    a leading "/", "//", "." or ".." segments, backslashes, NUL and other control
    characters, percent-escapes such as %2e or %2f, wildcards, leading or trailing
    spaces in a segment, invisible or private-use characters, and any character that
    Unicode compatibility-normalises to something else (fullwidth "／", "．", ligatures:
    look-alikes). Refused as outside (403 outside-home): anything not strictly inside
    the deletable prefix, which is compared literally ("alice/" never admits
    "alice-old/", and never the prefix itself)."""
    if root.deletable is None:
        raise ApiError(
            403, "read-only",
            f"Deleting is off for {root.label} ({root.url})"
            + ("; OSN deletions are coordinated with LEAP's Data and Compute team." if root.provider == "s3" else "."),
        )
    if not isinstance(path, str) or not path:
        raise bad_request("Name the file, folder or store to delete in 'path'.")
    problem = _doubtful(path)
    if problem:
        raise bad_request(f"Refusing to delete {path!r}: {problem}. Give the object's exact key as the panel shows it.")
    prefix = root.deletable
    if not path.startswith(prefix) or len(path) <= len(prefix) or path.rstrip("/") + "/" == prefix:
        raise ApiError(
            403, "outside-home",
            f"You can delete only inside {root.url}{prefix}, and never that folder itself; {root.url}{path} is not.",
        )
    return path


def _doubtful(path: str) -> Optional[str]:
    if len(path.encode("utf-8", "surrogatepass")) > MAX_KEY_BYTES:
        return f"it is longer than {MAX_KEY_BYTES} bytes"
    if path.startswith("/"):
        return "it starts with '/'"
    if "//" in path:
        return "it holds '//'"
    if "\\" in path:
        return "it holds a backslash"
    if any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in path):
        return "it holds a control character"
    segments = path[:-1].split("/") if path.endswith("/") else path.split("/")
    if any(seg in (".", "..") for seg in segments):
        return "it holds a '.' or '..' segment"
    if any(seg != seg.strip() for seg in segments):
        return "a segment starts or ends with white space"
    if _PERCENT.search(path):
        return "it holds a percent-escape (such as %2e)"
    if _WILDCARDS & set(path):
        return "it holds a wildcard character"
    for ch in path:
        category = unicodedata.category(ch)
        if category in ("Cf", "Co", "Cs", "Cn", "Zl", "Zp") or (category == "Zs" and ch != " "):
            return f"it holds an invisible or unusual character (U+{ord(ch):04X})"
    if unicodedata.normalize("NFKC", path) != path:
        return "it holds characters that look like others (Unicode compatibility forms)"
    return None


@dataclass
class Plan:
    token: str
    user: Optional[str]
    root: Root
    path: str
    kind: str  # file | folder | zarr
    objects: int
    bytes: int
    spool: Path
    deadline: float
    earliest_expiry: Optional[str] = None
    sample: list = field(default_factory=list)
    used: bool = False
    complete: bool = False  # every object under the path has been listed
    started: Optional[datetime] = None  # objects created after this are not planned
    newer: int = 0  # objects listed but left out: created after the plan started
    task: Optional[asyncio.Task] = None  # the listing, while it runs
    error: Optional[ApiError] = None  # why the listing stopped, if it failed
    progressed: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def url(self) -> str:
        return self.root.url + self.path

    def to_api(self) -> dict:
        return {
            "plan": self.token,
            "root": self.root.id,
            "path": self.path,
            "url": self.url,
            "type": self.kind,
            "zarr": self.kind == "zarr",
            "objects": self.objects,
            "bytes": self.bytes,
            "sample": self.sample,
            "earliestExpiry": self.earliest_expiry,
            "expiresIn": max(0, int(self.deadline - time.monotonic())),
            "complete": self.complete,
        }


class Deletes:
    def __init__(self, service, jobs, state_dir: Path, audit_path: Path):
        self.service = service
        self.jobs = jobs
        self.spool_dir = state_dir / "plans"
        self.audit_path = audit_path
        self.plans: dict = {}

    # -- plan -------------------------------------------------------------------------

    async def plan(self, body: dict) -> Plan:
        """List what lies under the path into a spool file. Answers when the listing is
        done, or after PLAN_WAIT seconds with what it has counted so far (`complete`
        false): the listing goes on, GET delete/plan/<token> follows it, and a delete
        confirmed meanwhile starts at once and follows the listing."""
        self._forget_expired()
        if not self.service.username:
            raise ApiError(403, "read-only", "Deleting is off because your username is unknown; see the panel's notice.")
        root = self.service.root(body.get("root"))
        path = check_delete_path(root, body.get("path"))
        store = self.service.store(root)
        if not path.endswith("/") and await store.head(path) is None:
            path += "/"  # a folder named without its slash: narrower, never wider
            check_delete_path(root, path)
        token = secrets.token_urlsafe(24)
        self.spool_dir.mkdir(parents=True, exist_ok=True)
        plan = Plan(
            token, self.service.username, root, path, "file", 0, 0, self.spool_dir / f"{token}.jsonl",
            time.monotonic() + PLAN_TTL, started=datetime.now(timezone.utc),
        )
        if path.endswith("/"):
            plan.kind = "zarr" if await _is_zarr(store, path) else "folder"
        plan.spool.touch()
        plan.task = asyncio.ensure_future(self._enumerate(plan, store))
        await asyncio.wait([plan.task], timeout=PLAN_WAIT)
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
            raise ApiError(410, "plan-expired", "This delete plan has expired or was used already; plan the delete again.")
        if plan.user != self.service.username:
            raise ApiError(403, "outside-home", "This delete plan belongs to another user.")
        return plan

    def drop(self, token):
        """Forget a plan the user cancelled: its listing stops and its spool goes."""
        plan = self.get(token)
        if not plan.used:
            self._discard(plan)
            self.plans.pop(token, None)

    async def _enumerate(self, plan: Plan, store):
        """Write each object under the plan's path (created before the plan started) to
        the spool, flushing every page so a running delete can follow."""
        path, earliest = plan.path, None
        try:
            with open(plan.spool, "a", encoding="utf-8") as out:
                infos = store.walk(path) if path.endswith("/") else _one(store, path)
                written = 0
                async for info in infos:
                    if info.created and info.created > plan.started:
                        plan.newer += 1  # written after the user asked: not part of the plan
                        continue
                    out.write(json.dumps(_entry(info)) + "\n")
                    plan.objects += 1
                    plan.bytes += info.size
                    if len(plan.sample) < SAMPLE_KEYS:
                        plan.sample.append(info.key)
                    if info.created and (earliest is None or info.created < earliest):
                        earliest = info.created
                        if plan.root.expiry_days:
                            expiry = earliest + timedelta(days=plan.root.expiry_days)
                            plan.earliest_expiry = expiry.isoformat().replace("+00:00", "Z")
                    written += 1
                    if written % 1000 == 0:
                        out.flush()
                        plan.progressed.set()
                        plan.progressed = asyncio.Event()
        except asyncio.CancelledError:
            plan.error = ApiError(410, "plan-expired", "The listing of this plan was stopped; plan the delete again.")
            raise
        except ApiError as err:
            plan.error = err
        except Exception as exc:  # noqa: BLE001 - reported to whoever waits on the plan
            plan.error = translate(exc, plan.root, "Listing what to delete")
        else:
            plan.complete = True
        finally:
            plan.progressed.set()

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

    def start(self, body: dict) -> Job:
        token, confirm = body.get("plan"), body.get("confirm")
        if not isinstance(token, str) or not token:
            raise bad_request("Send the 'plan' token from POST delete/plan, and 'confirm'.")
        plan = self.plans.get(token)
        if plan is None or plan.used or plan.deadline < time.monotonic():
            self._forget_expired()
            raise ApiError(410, "plan-expired", "This delete plan has expired or was used already; plan the delete again.")
        if plan.user != self.service.username:
            raise ApiError(403, "outside-home", "This delete plan belongs to another user; plan your own delete.")
        name = plan.path.rstrip("/").rsplit("/", 1)[-1]
        if confirm != name:
            raise ApiError(400, "confirm-mismatch", f"Type the name {name!r} exactly to confirm deleting {plan.url}.")
        check_delete_path(plan.root, plan.path)  # the configuration may have changed
        plan.used = True
        job = self.jobs.start(
            "delete", f"Delete {plan.url}", lambda job: self._run(job, plan),
            source={"root": plan.root.id, "path": plan.path},
        )
        job.objectsTotal, job.bytesTotal = plan.objects, plan.bytes
        if not plan.complete:
            job.note = "Deleting while the listing of what to delete goes on."
        return job

    async def _run(self, job: Job, plan: Plan):
        store = self.service.store(plan.root)
        gcs = plan.root.provider == "gcs"
        size = GCS_BATCH if gcs else S3_BATCH
        in_flight: set = set()
        started, cancelled = now_iso(), False
        try:
            after = None
            async for batch in _batches(plan, size):
                while len(in_flight) >= PARALLEL_BATCHES:
                    done, _ = await asyncio.wait(in_flight, return_when=asyncio.FIRST_COMPLETED)
                    in_flight -= done
                if gcs:
                    task = _gcs_batch(store, batch)
                else:
                    task = _s3_batch(store, plan.path, after, batch)
                after = batch[-1]["key"]
                in_flight.add(asyncio.ensure_future(self._account(job, plan, batch, task)))
            if in_flight:
                await asyncio.wait(in_flight)
            if plan.error:
                raise plan.error  # the listing failed: what it found was deleted, the rest stays
            if job.note == "Deleting while the listing of what to delete goes on.":
                job.note = None
        except asyncio.CancelledError:
            # Stop starting batches; let those in flight finish, so the report is exact.
            cancelled = True
            if in_flight:
                await asyncio.shield(asyncio.wait(in_flight))
            raise
        finally:
            self._discard(plan)
            try:
                await asyncio.shield(self._finish(job, plan, store, started, cancelled))
            except Exception:  # noqa: BLE001 - the audit must not hide the job's outcome
                log.exception("leap-buckets: could not finish delete job %s", job.id)

    async def _account(self, job: Job, plan: Plan, batch: list, outcome):
        results = await outcome
        job.objectsTotal, job.bytesTotal = plan.objects, plan.bytes
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
                    job.failed.append({"path": entry["key"], "code": "delete-failed", "message": reason})
        self.jobs.progress(job)

    async def _finish(self, job: Job, plan: Plan, store, started: str, cancelled: bool):
        remaining = []
        try:
            if plan.path.endswith("/"):
                async for info in store.walk(plan.path):  # one page's request at most
                    remaining.append(info.key)
                    if len(remaining) >= SAMPLE:
                        break
            elif await store.head(plan.path):
                remaining = [plan.path]
        except Exception:  # noqa: BLE001 - the report is best effort
            log.warning("leap-buckets: could not list what remains under %s", plan.url)
        job.remaining = remaining
        if remaining and not job.note:
            job.note = (
                f"{len(remaining)}{'+' if len(remaining) >= SAMPLE else ''} object(s) remain under {plan.url}: "
                "created or changed after the plan, so they were kept."
            )
        state = "cancelled" if cancelled else ("failed" if job.objectsFailed else "done")
        record = {
            "job": job.id, "user": plan.user, "root": plan.root.id, "url": plan.url, "path": plan.path,
            "planned": plan.objects, "plannedBytes": plan.bytes, "deleted": job.objectsDone,
            "skipped": job.objectsSkipped, "failed": job.objectsFailed, "remaining": len(remaining),
            "state": state, "start": started, "end": now_iso(),
        }
        self.audit_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.audit_path, "a", encoding="utf-8") as log_file:
            log_file.write(json.dumps(record) + "\n")


async def _one(store, key):
    info = await store.head(key)
    if info is not None:
        yield info


def _entry(info) -> dict:
    return {
        "key": info.key, "size": info.size, "generation": info.generation, "etag": info.etag,
        "modified": info.modified.isoformat() if info.modified else None,
    }


async def _batches(plan: Plan, size: int):
    """The plan's entries, `size` at a time, read from the spool as they are needed and,
    while the listing still runs, as it writes them."""
    batch, partial = [], ""
    with open(plan.spool, encoding="utf-8") as lines:
        while True:
            waiting = plan.progressed
            finished = plan.complete or plan.error is not None
            line = lines.readline()
            if line.endswith("\n"):
                batch.append(json.loads(partial + line))
                partial = ""
                if len(batch) == size:
                    yield batch
                    batch = []
                continue
            partial += line
            if finished:
                break
            if batch:
                yield batch  # delete what is known while the listing goes on
                batch = []
            await waiting.wait()
    if batch:
        yield batch


_BOUNDARY = "leap-buckets-batch-7d1f0c"
_STATUS = re.compile(r"HTTP/[0-9.]+ (\d{3})")
_CONTENT_ID = re.compile(r"Content-ID:\s*<response-item-(\d+)>", re.IGNORECASE)


async def _gcs_batch(store, batch: list) -> list:
    """Delete up to 100 objects in one JSON API batch request, each in its planned
    generation only. Returns (status, reason) per entry."""
    results = [None] * len(batch)
    pending = list(range(len(batch)))
    for attempt in range(RETRIES):
        parts = []
        for i in pending:
            entry = batch[i]
            key = urllib.parse.quote(entry["key"], safe="")
            generation = entry["generation"]
            query = f"?generation={generation}&ifGenerationMatch={generation}" if generation else ""
            parts.append(
                f"--{_BOUNDARY}\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n"
                f"Content-ID: <item-{i}>\r\n\r\n"
                f"DELETE /storage/v1/b/{urllib.parse.quote(store.bucket, safe='')}/o/{key}{query} HTTP/1.1\r\n"
                # The CRLF before the next boundary belongs to the boundary: one more
                # ends this request's (empty) headers.
                "Content-Length: 0\r\n\r\n\r\n"
            )
        body = "".join(parts) + f"--{_BOUNDARY}--\r\n"
        headers, content = await store.fs._call(
            "POST", store.fs.batch_url_base,
            headers={"Content-Type": f"multipart/mixed; boundary={_BOUNDARY}"}, data=body,
        )
        boundary = headers["Content-Type"].split("boundary=", 1)[1].strip('"')
        answered = {}
        for part in content.decode("utf-8", "replace").split(f"--{boundary}"):
            found_id, found_status = _CONTENT_ID.search(part), _STATUS.search(part)
            if found_id and found_status:
                answered[int(found_id.group(1))] = int(found_status.group(1))
        retry = []
        for i in pending:
            status = answered.get(i)
            if status in (200, 204):
                results[i] = ("deleted", None)
            elif status in (404, 412):
                results[i] = ("skipped", "changed or removed since the plan")
            elif (status in RETRY_STATUSES or status is None) and attempt < RETRIES - 1:
                retry.append(i)
            else:
                results[i] = ("failed", f"the service answered {status}")
        pending = retry
        if not pending:
            break
        await asyncio.sleep(0.5 * 2 ** attempt)
    return results


async def _s3_batch(store, prefix: str, after: Optional[str], batch: list) -> list:
    """Delete up to 1,000 objects with one DeleteObjects, after one listing of their key
    range shows each unchanged since the plan. Returns (status, reason) per entry."""
    call = store.fs._call_s3
    last = batch[-1]["key"]
    current = {}
    kwargs = {"Bucket": store.bucket, "Prefix": prefix, "MaxKeys": 1000}
    if after:
        kwargs["StartAfter"] = after
    while True:
        out = await call("list_objects_v2", **kwargs)
        contents = out.get("Contents", [])
        for item in contents:
            current[item["Key"]] = item
        if not out.get("IsTruncated") or not contents or contents[-1]["Key"] >= last:
            break
        kwargs["ContinuationToken"] = out["NextContinuationToken"]
    results, keys = [None] * len(batch), []
    for i, entry in enumerate(batch):
        now = current.get(entry["key"])
        if now is None:
            results[i] = ("skipped", "removed since the plan")
        elif now.get("ETag") != entry["etag"] or int(now["Size"]) != entry["size"] or not _same_second(
            now["LastModified"], entry["modified"]
        ):
            results[i] = ("skipped", "changed since the plan")
        else:
            keys.append(i)
    for attempt in range(RETRIES):
        if not keys:
            break
        out = await call(
            "delete_objects", Bucket=store.bucket,
            Delete={"Objects": [{"Key": batch[i]["key"]} for i in keys], "Quiet": True},
        )
        errors = {e["Key"]: e for e in out.get("Errors", [])}
        retry = []
        for i in keys:
            error = errors.get(batch[i]["key"])
            if error is None:
                results[i] = ("deleted", None)
            elif error.get("Code") in ("SlowDown", "InternalError", "ServiceUnavailable") and attempt < RETRIES - 1:
                retry.append(i)
            else:
                results[i] = ("failed", f"{error.get('Code')}: {error.get('Message')}")
        keys = retry
        if keys:
            await asyncio.sleep(0.5 * 2 ** attempt)
    return results


def _same_second(listed, planned: Optional[str]) -> bool:
    """Modification times agree (to the second: HEAD's Last-Modified has no finer one)."""
    if not planned:
        return True
    return listed.replace(microsecond=0) == datetime.fromisoformat(planned).replace(microsecond=0)


async def _is_zarr(store, path: str) -> bool:
    """Whether the folder's root holds Zarr metadata (at most four lookups)."""
    found = await asyncio.gather(*(store.head(path + marker) for marker in ZARR_MARKERS))
    return any(found)
