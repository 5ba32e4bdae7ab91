"""Handing work one server cannot do to Google's own services (issue #18): past what a hub
pod can move (terabytes) or delete (tens of millions of objects), a GCS-to-GCS transfer
becomes a Storage Transfer Service job and a delete a Storage batch operations job.

The server never sends these requests (it has no business holding project-level rights on
a hub): it builds the exact request and `gcloud` command, with what they cost, for the
user to run. Both are built from Google's published API descriptions (the discovery
documents storagetransfer.v1 and storagebatchoperations.v1); tests/test_handoff.py checks
every body against them. The guard decides as for our own jobs:
- a transfer hand-off is refused unless our own transfer of the same places would be
  allowed (the target prefix writable by this user, a move's source deletable). The
  service writes only under the sink path and deletes only under the source path, and
  both are prefixes the guard allowed, so every key it can touch is inside them;
- a delete hand-off takes a complete, confirmed delete plan (used up, as POST delete uses
  it) and writes its objects, each with the generation it was planned in, as the batch
  job's manifest: the service then deletes exactly what the user confirmed, and an object
  replaced since the plan (another generation) is left alone. A prefix-wide job, or a
  lifecycle rule on the prefix, would delete whatever lies there when it runs, and a
  lifecycle rule is the bucket's shared configuration, so neither is offered.
"""

import csv
import os
import re
import secrets
import shlex
from datetime import datetime, timezone

from . import guard
from .delete_plan import batches
from .errors import ApiError, bad_request
from .places import MODES, base_name, parse_place

STS_URL = "https://storagetransfer.googleapis.com/v1/transferJobs"
BATCH_URL = "https://storagebatchoperations.googleapis.com/v1/projects/{project}/locations/global/jobs"

# Our conflict choices as Storage Transfer Service's overwriteWhen. Keep both (rename) has
# no counterpart: the service never renames.
OVERWRITE_WHEN = {"fail": "NEVER", "skip": "NEVER", "update": "DIFFERENT", "overwrite": "ALWAYS"}

MANIFEST_FOLDER = "leap-buckets-handoff/"  # under the user's writable home


def job_id(user: str, now: datetime) -> str:
    """A name both services accept: letters, digits and hyphens (RFC 1123), lower case,
    under 128 characters, unique enough (a timestamp and 6 random hex digits)."""
    who = re.sub(r"[^a-z0-9-]+", "-", user.lower()).strip("-")[:40] or "user"
    return f"leap-buckets-{who}-{now:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"


# -- Storage Transfer Service ---------------------------------------------------------


def transfer_job(project: str, source: tuple, sink: tuple, move: bool, conflict: str, name: str, now: datetime):
    """The body of transferJobs.create for a one-time copy (or move) of the objects under
    `source` = (bucket, folder) into `sink` = (bucket, folder). A schedule whose start
    and end are the same day runs once, right away."""
    if conflict not in OVERWRITE_WHEN:
        raise bad_request(
            "Storage Transfer Service never keeps both copies under new names; choose skip, update or overwrite "
            "for objects that are already there."
        )
    day = {"year": now.year, "month": now.month, "day": now.day}
    return {
        "name": f"transferJobs/{name}",
        "description": f"leap-buckets: {'move' if move else 'copy'} gs://{source[0]}/{source[1]} to "
        f"gs://{sink[0]}/{sink[1]}",
        "projectId": project,
        "status": "ENABLED",
        "schedule": {"scheduleStartDate": day, "scheduleEndDate": day},
        "transferSpec": {
            "gcsDataSource": {"bucketName": source[0], "path": source[1]},
            "gcsDataSink": {"bucketName": sink[0], "path": sink[1]},
            "transferOptions": {
                "overwriteWhen": OVERWRITE_WHEN[conflict],
                # The service deletes a source object only after its copy is written and
                # checked, as our own moves do.
                "deleteObjectsFromSourceAfterTransfer": move,
            },
        },
    }


def transfer_command(project: str, body: dict) -> list:
    spec = body["transferSpec"]
    source, sink = spec["gcsDataSource"], spec["gcsDataSink"]
    argv = [
        "gcloud",
        "transfer",
        "jobs",
        "create",
        f"gs://{source['bucketName']}/{source['path']}",
        f"gs://{sink['bucketName']}/{sink['path']}",
        f"--name={body['name']}",
        f"--project={project}",
        f"--description={body['description']}",
        f"--overwrite-when={spec['transferOptions']['overwriteWhen'].lower()}",
    ]
    if spec["transferOptions"]["deleteObjectsFromSourceAfterTransfer"]:
        argv.append("--delete-from=source-after-transfer")
    return argv


# -- Storage batch operations -----------------------------------------------------------


def delete_job(bucket: str, manifest_url: str, description: str) -> dict:
    """The body of projects.locations.jobs.create: delete the manifest's objects, each in
    the generation it names. Not permanent in a versioned bucket (live objects become
    noncurrent, as a plain delete does), and soft delete still applies."""
    return {
        "description": description,
        "bucketList": {"buckets": [{"bucket": bucket, "manifest": {"manifestLocation": manifest_url}}]},
        "deleteObject": {"permanentObjectDeletionEnabled": False},
    }


def delete_command(project: str, name: str, body: dict) -> list:
    bucket = body["bucketList"]["buckets"][0]
    return [
        "gcloud",
        "storage",
        "batch-operations",
        "jobs",
        "create",
        name,
        f"--project={project}",
        f"--bucket={bucket['bucket']}",
        f"--manifest-location={bucket['manifest']['manifestLocation']}",
        "--delete-object",
        f"--description={body['description']}",
    ]


async def write_manifest(path, bucket: str, entry_batches) -> int:
    """Write the manifest CSV (bucket,name,generation) to `path` as the batches come (never
    the whole list in memory), quoted as CSV quotes (a name may hold commas, quotes or line
    breaks); its size in bytes."""
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["bucket", "name", "generation"])
        async for batch in entry_batches:
            writer.writerows([bucket, entry["key"], entry["generation"]] for entry in batch)
    return os.path.getsize(path)


async def file_chunks(path, size: int = 8 * 1024 * 1024):
    with open(path, "rb") as data:
        while chunk := data.read(size):
            yield chunk


# -- what it costs ------------------------------------------------------------------------


def transfer_cost(prices: dict, objects, size) -> dict:
    """What Google charges for a bucket-to-bucket transfer between buckets in one location:
    nothing for the service (agentless transfers), a Class A operation per object written
    and per 1,000 objects listed on each side; reads of Standard-class data are free."""
    per_a = prices.get("classAPer1000")
    lines = [{"what": "Storage Transfer Service (agentless, bucket to bucket)", "usd": 0.0}]
    if objects is None:  # a job still listing, or a folder too large to count here
        lines.append({"what": "Class A operations: the objects are not counted yet", "usd": None})
    elif per_a is not None:
        writes = objects * per_a / 1000
        lists = 2 * -(-objects // 1000) * per_a / 1000
        lines += [
            {"what": f"{objects:,} objects written (Class A operations)", "usd": round(writes, 6)},
            {"what": "listing both buckets (Class A operations)", "usd": round(lists, 6)},
        ]
    return _costs(
        lines,
        objects is not None and per_a is not None,
        "Buckets in different locations also pay network transfer per GiB; Nearline, Coldline and Archive "
        "sources pay retrieval.",
    )


def delete_cost(prices: dict, objects: int) -> dict:
    """Deletes are free operations; the batch job is billed by Storage Intelligence, whose
    price per object is configurable (unknown: not estimated, and said so)."""
    per_a = prices.get("classAPer1000")
    per_million = prices.get("batchOperationsPerMillion")
    lines = [{"what": f"{objects:,} object deletes", "usd": 0.0}]
    if per_a is not None:
        lines.append({"what": "writing the manifest (one Class A operation)", "usd": round(per_a / 1000, 6)})
    lines.append(
        {
            "what": "Storage batch operations (billed through Storage Intelligence)",
            "usd": None if per_million is None else round(objects * per_million / 1e6, 6),
        }
    )
    return _costs(
        lines,
        per_a is not None and per_million is not None,
        "Storage batch operations need Storage Intelligence on the project; objects deleted stay restorable "
        "for the bucket's soft-delete period.",
    )


def _costs(lines: list, complete: bool, note: str) -> dict:
    known = [line["usd"] for line in lines if line["usd"] is not None]
    return {"lines": lines, "totalUsd": round(sum(known), 6) if complete else None, "note": note}


# -- the two requests, checked as our own jobs are ------------------------------------------


async def handoff_transfer(service, body: dict) -> dict:
    """A transfer's hand-off: `body` as POST transfers takes it (`objects` and `bytes`, if
    known, only estimate the cost). Folder to folder between GCS roots; the source lands in
    the target folder under its own name, as our own transfers put it."""
    mode, conflict = body.get("mode", "copy"), body.get("conflict", "skip")
    if mode not in MODES:
        raise bad_request(f"'mode' is one of {', '.join(MODES)}, not {mode!r}.")
    if conflict not in ("fail", "rename", *OVERWRITE_WHEN):
        raise bad_request(f"'conflict' is one of skip, update or overwrite, not {conflict!r}.")
    source = parse_place(service, body.get("source"), "source")
    target = parse_place(service, body.get("target"), "target")
    if source.root is None or target.root is None or {source.root.provider, target.root.provider} != {"gcs"}:
        raise ApiError(
            400,
            "handoff-unsupported",
            "Only transfers between GCS buckets can be handed to Storage Transfer Service; run this one here.",
        )
    if not source.path.endswith("/"):
        if not source.path or await source.store.head(source.path) is not None:
            raise bad_request("Hand off a folder; a single object is copied here in one request.")
        source.path += "/"
    if target.path and not target.path.endswith("/"):
        raise bad_request("The target of a hand-off is a folder (a path ending in '/').")
    dest = target.path + base_name(source.path) + "/"
    if source.root.bucket == target.root.bucket and (dest.startswith(source.path) or source.path.startswith(dest)):
        raise bad_request(f"{source.url} cannot be transferred onto or into itself.")
    guard.check(guard.WRITE, target.root, dest)
    if conflict == "overwrite":
        guard.check(guard.OVERWRITE, target.root, dest)  # the service may replace anything under it
    if mode == "move":
        guard.check(guard.DELETE, source.root, source.path)
    objects, size = _count(body, "objects"), _count(body, "bytes")
    config = service.config
    now = datetime.now(timezone.utc)
    name = job_id(service.username, now)
    job = transfer_job(
        config.gcp_project,
        (source.root.bucket, source.path),
        (target.root.bucket, dest),
        mode == "move",
        conflict,
        name,
        now,
    )
    return {
        "service": "Storage Transfer Service",
        "name": job["name"],
        "request": {"method": "POST", "url": STS_URL, "body": job},
        "gcloud": shlex.join(transfer_command(config.gcp_project, job)),
        "cost": transfer_cost(config.handoff_prices, objects, size),
        "objects": objects,
        "bytes": size,
        "manifest": None,
        "source": f"gs://{source.root.bucket}/{source.path}",
        "target": f"gs://{target.root.bucket}/{dest}",
        "follow": f"gcloud transfer operations list --job-names={job['name']} --project={config.gcp_project}",
    }


async def handoff_delete(service, deletes, body: dict) -> dict:
    """A confirmed plan's hand-off: the plan is used up, its objects written as the manifest
    under the user's home (create-only), and the batch job's request built around it. A
    hand-off refused before the manifest is written leaves the plan usable."""
    plan = deletes.get(body.get("plan") if isinstance(body.get("plan"), str) else None)
    if plan.root.provider != "gcs":
        raise ApiError(
            400, "handoff-unsupported", "Only deletes in GCS buckets can be handed to Storage batch operations."
        )
    if not plan.complete:
        raise ApiError(
            409,
            "plan-incomplete",
            "This plan is still counting what lies under the path; wait until it is complete, then hand it off.",
        )
    config = service.config
    now = datetime.now(timezone.utc)
    name = job_id(service.username, now)
    key = guard.check(guard.WRITE, plan.root, f"{plan.root.writable}{MANIFEST_FOLDER}{name}.csv")
    plan = deletes.take(body, purpose="hand off")
    csv_path = plan.spool.with_suffix(".csv")
    try:
        size = await write_manifest(csv_path, plan.root.bucket, batches(plan, 1000))
        await service.store(plan.root).upload(key, size, file_chunks(csv_path), if_absent=True)
    finally:
        csv_path.unlink(missing_ok=True)
        deletes.release(plan)
    manifest = f"gs://{plan.root.bucket}/{key}"
    job = delete_job(plan.root.bucket, manifest, f"leap-buckets: delete {plan.objects:,} objects under {plan.url}")
    return {
        "service": "Storage batch operations",
        "name": f"projects/{config.gcp_project}/locations/global/jobs/{name}",
        "request": {
            "method": "POST",
            "url": BATCH_URL.format(project=config.gcp_project) + f"?jobId={name}",
            "body": job,
        },
        "gcloud": shlex.join(delete_command(config.gcp_project, name, job)),
        "cost": delete_cost(config.handoff_prices, plan.objects),
        "objects": plan.objects,
        "bytes": plan.bytes,
        "manifest": manifest,
        "source": plan.url,
        "target": None,
        "follow": f"gcloud storage batch-operations jobs describe {name} --project={config.gcp_project}",
    }


def _count(body: dict, name: str):
    if name not in body:
        return None
    value = body[name]
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise bad_request(f"'{name}' is a whole number (what the transfer's listing counted), or left out.")
    return value
