"""`POST jobs/<id>/resume`: a failed, cancelled or interrupted transfer started again as a
new job with the same source, target and mode and conflict "update" (update.py), so
what is already at the target, with the same size and checksum, is skipped and counted
in `objectsSkipped`. The places are asked of the guard again, as for a new transfer; a
resumed move moves what is left at its source."""

from .errors import ApiError
from .jobs import Job
from .places import parse_place
from .transfer_start import allowed_source, allowed_target, exists
from .transfers import run

RESUMABLE = ("failed", "cancelled")  # an interrupted job is failed, code `interrupted`


def resumable(jobs, job_id: str) -> Job:
    """The job to resume, or the ApiError that says why it cannot be (404, 409)."""
    job = jobs.get(job_id)
    if job.kind != "transfer" or not job.source or "upload" in job.source:
        what = "a delete" if job.kind == "delete" else "an upload from the desktop"
        hint = "plan the delete again" if job.kind == "delete" else "upload the file again"
        raise ApiError(409, "not-resumable", f"Job {job_id} is {what}, which cannot be resumed; {hint}.")
    if job.state not in RESUMABLE:
        hint = (
            "wait for it to end, or cancel it first"
            if job.state in ("queued", "running")
            else "start a transfer with conflict 'update' to copy what changed since"
        )
        raise ApiError(409, "not-resumable", f"Job {job_id} is {job.state}, so there is nothing to resume; {hint}.")
    for other in jobs.list():
        if other.resumedFrom == job_id and other.state in ("queued", "running"):
            raise ApiError(
                409, "not-resumable", f"Job {other.id} resumes job {job_id} already; wait for it or cancel it."
            )
    return job


async def start_resume(service, jobs, job_id: str) -> Job:
    """A new job (202) for the source, target and mode of `job_id`, with conflict update;
    every place asked of the guard again, as for a new transfer."""
    old = resumable(jobs, job_id)
    source = parse_place(service, old.source, "source")
    target = parse_place(service, old.target, "target")
    folder = source.path.endswith("/")
    allowed_target(target)
    if old.mode == "move":
        allowed_source(source)
    if not await exists(source, folder):
        if old.mode == "move":
            raise ApiError(
                409,
                "not-resumable",
                f"Nothing is left at {source.url}: every object was moved. Look at {target.url}.",
            )
        raise ApiError(404, "not-found", f"There is nothing at {source.url} any more; it cannot be copied again.")
    label = f"Resume: {'Move' if old.mode == 'move' else 'Copy'} {source.url} to {target.url}"
    return jobs.start(
        "transfer",
        label,
        lambda job: run(jobs, job, source, target, old.mode, "update"),
        source=source.to_api(),
        target=target.to_api(),
        mode=old.mode,
        conflict="update",
        note=old.note,
        resumedFrom=old.id,
        targetCreated=old.targetCreated,
    )
