"""What a delete job reports when it ends: the error when planned objects were not
deleted, one sentence on what remains under the path and why, and the job's line in the
audit log. Split from deletes.py, which runs the plan; this only describes the outcome."""

import json
import logging
from pathlib import Path

from .delete_plan import Plan, keys_in_plan
from .errors import ApiError
from .jobs import SAMPLE, Job, now_iso

log = logging.getLogger(__name__)


async def finish(job: Job, plan: Plan, store, audit_path: Path, started: str, state: str, error, identity):
    """Say what remains under the path, and why as far as it is known, and append the
    job's line to the audit log with its true state."""
    remaining, listed = [], True
    try:
        if plan.path.endswith("/"):
            async for info in store.walk(plan.path):  # one page's request at most
                remaining.append(info.key)
                if len(remaining) >= SAMPLE:
                    break
        elif await store.head(plan.path):
            remaining = [plan.path]
    except Exception:  # noqa: BLE001 - the report is best effort, and says so
        listed = False
        log.warning("leap-buckets: could not list what remains under %s", plan.url)
    job.remaining = remaining
    handled = job.objectsDone + job.objectsSkipped + job.objectsFailed
    unreached = max(0, plan.objects - handled)
    planned = (
        await keys_in_plan(plan, remaining)
        if remaining and (job.objectsSkipped or job.objectsFailed or unreached)
        else set()
    )
    if not job.note:
        job.note = remaining_note(job, plan, state, remaining, listed, planned, unreached)
    record = {
        "job": job.id,
        "user": identity,
        "owner": plan.user,
        "root": plan.root.id,
        "url": plan.url,
        "path": plan.path,
        "planned": plan.objects,
        "plannedBytes": plan.bytes,
        "deleted": job.objectsDone,
        "skipped": job.objectsSkipped,
        "failed": job.objectsFailed,
        "unreached": unreached,
        "remaining": len(remaining) if listed else None,
        "state": state,
        "error": error.code if error else None,
        "start": started,
        "end": now_iso(),
    }
    audit_path.parent.mkdir(parents=True, exist_ok=True)
    with open(audit_path, "a", encoding="utf-8") as log_file:
        log_file.write(json.dumps(record) + "\n")


def failure(job: Job, plan: Plan, errors: list, handled: int) -> ApiError:
    """The job's error when planned objects were not deleted: what happened, what to do."""
    failed, unreached = job.objectsFailed, max(0, plan.objects - handled)
    what = f"{failed:,} of {plan.objects:,} planned object(s) could not be deleted"
    if unreached:
        what = (
            f"{failed + unreached:,} of {plan.objects:,} planned object(s) were not deleted "
            f"({unreached:,} never reached)"
        )
    cause = errors[0] if errors else None
    why = f": {cause.message.rstrip('.')}" if cause else " (see `failed` for each object's reason)"
    return ApiError(
        502,
        cause.code if cause else "delete-failed",
        f"{what}{why}. {job.objectsDone:,} were deleted; nothing outside the plan was touched. "
        f"Those not deleted are still under {plan.url}: plan the delete again to remove them.",
    )


def remaining_note(job: Job, plan: Plan, state: str, remaining: list, listed: bool, planned: set, unreached: int):
    """One sentence on what remains under the path. Reasons are given only where known:
    objects of the plan not deleted are counted by what happened to them; only objects
    the plan does not list are said to be newer than it."""
    parts = []
    if job.objectsFailed:
        parts.append(f"{job.objectsFailed:,} planned object(s) whose delete failed (see `failed`)")
    if unreached:
        why = "the delete was cancelled" if state == "cancelled" else "the job stopped"
        parts.append(f"{unreached:,} planned object(s) not reached: {why} before deleting them")
    if job.objectsSkipped:
        parts.append(
            f"{job.objectsSkipped:,} planned object(s) skipped: changed or removed since the plan (see `skipped`)"
        )
    if not listed:
        return (
            f"What remains under {plan.url} could not be listed afterwards. Not deleted: " + "; ".join(parts) + "."
            if parts
            else None
        )
    if not remaining:
        return None
    newer = [key for key in remaining if key not in planned]
    if newer:
        if plan.complete:
            parts.append(
                f"{len(newer)}{'+' if len(remaining) >= SAMPLE else ''} object(s) not in the plan: written after its "
                "listing, so they were kept"
            )
        else:
            parts.append(
                f"{len(newer)}{'+' if len(remaining) >= SAMPLE else ''} object(s) not in the plan: its listing "
                "stopped before them, or they are newer"
            )
    more = "+" if len(remaining) >= SAMPLE else ""
    return f"{len(remaining)}{more} object(s) remain under {plan.url}. " + "; ".join(parts) + "."
