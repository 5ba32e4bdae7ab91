"""Where a handed-off job is at Google (GET handoff/<id>): the requests Google's published
API descriptions define for it, sent with the server's own Google credentials (Application
Default Credentials, as gcsfs finds them), and the answer mapped to what the jobs pane
shows. tests/test_handoff_status.py checks the requests against the discovery documents
and the mapping against answers shaped as their response schemas say.

- Storage Transfer Service: transferJobs.get (404: the job was never created, so the
  command has not run), then transferOperations.list filtered by the job's name; the
  newest operation is the job's run.
- Storage batch operations: projects.locations.jobs.get.

Without credentials, or where Google cannot be reached, the answer is an error that says
to run the hand-off's own follow command instead (where gcloud is signed in)."""

import asyncio
import json
import urllib.parse

import aiohttp

from .errors import ApiError
from .handoff_records import now_iso

STS_ROOT = "https://storagetransfer.googleapis.com/"
BATCH_ROOT = "https://storagebatchoperations.googleapis.com/"
SCOPES = ["https://www.googleapis.com/auth/cloud-platform"]
TIMEOUT = aiohttp.ClientTimeout(total=20)

# TransferOperation.status and Job.state as the pane's states.
TRANSFER_STATES = {
    "QUEUED": "queued",
    "IN_PROGRESS": "running",
    "SUSPENDING": "running",
    "PAUSED": "paused",
    "SUCCESS": "done",
    "FAILED": "failed",
    "ABORTED": "cancelled",
}
BATCH_STATES = {
    "QUEUED": "queued",
    "RUNNING": "running",
    "SUCCEEDED": "done",
    "FAILED": "failed",
    "CANCELED": "cancelled",
}


def requests_for(item: dict, api_root=None) -> list:
    """The GET requests (url, query) that ask for `item`'s state, in order."""
    if item["kind"] == "transfer":
        root = api_root or STS_ROOT
        job = {"url": root + "v1/" + item["name"], "query": {"projectId": item["project"]}}
        operations = {
            "url": root + "v1/transferOperations",
            "query": {"filter": json.dumps({"projectId": item["project"], "jobNames": [item["name"]]})},
        }
        return [job, operations]
    return [{"url": (api_root or BATCH_ROOT) + "v1/" + item["name"], "query": {}}]


def _int(counters: dict, name: str):
    """int64 fields come as strings in Google's JSON; absent means none counted yet."""
    value = counters.get(name)
    return int(value) if value is not None else 0


def _first_error(summaries: list, uri_field: str):
    if not summaries:
        return None
    first = summaries[0]
    entries = first.get("errorLogEntries") or []
    detail = ""
    if entries:
        what = entries[0].get(uri_field, "")
        details = "; ".join(entries[0].get("errorDetails") or [])
        detail = f" (first: {what}{': ' if what and details else ''}{details})"
    count = _int(first, "errorCount")
    return {
        "code": first.get("errorCode", "UNKNOWN"),
        "message": f"{count:,} object(s) failed with {first.get('errorCode', 'UNKNOWN')}{detail}.",
    }


def transfer_status(job, operations: list) -> dict:
    """`job`: the TransferJob (None for a 404); `operations`: transferOperations.list's."""
    if job is None:
        return {
            "state": "not-started",
            "message": "Google has no such transfer job: the gcloud command has not been run "
            "(or ran in another project).",
        }
    if not operations:
        return {"state": "queued", "message": "Google has the job; its run has not started yet."}
    newest = max(operations, key=lambda op: (op.get("metadata") or {}).get("startTime") or "")
    meta = newest.get("metadata") or {}
    counters = meta.get("counters") or {}
    state = TRANSFER_STATES.get(meta.get("status"), "running" if not newest.get("done") else "done")
    error = _first_error(meta.get("errorBreakdowns") or [], "url")
    if newest.get("error"):
        error = {"code": str(newest["error"].get("code", "")), "message": newest["error"].get("message", "")}
    found = counters.get("objectsFoundFromSource")
    return {
        "state": state,
        "objectsDone": _int(counters, "objectsCopiedToSink"),
        "objectsSkipped": _int(counters, "objectsFromSourceSkippedBySync"),
        "objectsFailed": _int(counters, "objectsFromSourceFailed"),
        "objectsTotal": int(found) if found is not None else None,
        "bytesDone": _int(counters, "bytesCopiedToSink"),
        "bytesTotal": int(counters["bytesFoundFromSource"]) if "bytesFoundFromSource" in counters else None,
        "startedAt": meta.get("startTime"),
        "endedAt": meta.get("endTime"),
        "error": error,
    }


def batch_status(job) -> dict:
    """`job`: the batch operations Job (None for a 404)."""
    if job is None:
        return {
            "state": "not-started",
            "message": "Google has no such batch operations job: the gcloud command has not been run "
            "(or ran in another project).",
        }
    counters = job.get("counters") or {}
    total = counters.get("totalObjectCount")
    return {
        "state": BATCH_STATES.get(job.get("state"), "running"),
        "objectsDone": _int(counters, "succeededObjectCount"),
        "objectsFailed": _int(counters, "failedObjectCount"),
        "objectsTotal": int(total) if total is not None else None,
        "startedAt": job.get("createTime"),
        "endedAt": job.get("completeTime"),
        "error": _first_error(job.get("errorSummaries") or [], "objectUri"),
    }


async def token(item: dict) -> str:
    """An access token from Application Default Credentials, or 403 `no-credentials`."""
    import google.auth
    import google.auth.exceptions
    import google.auth.transport.requests

    def fetch():
        credentials, _ = google.auth.default(scopes=SCOPES)
        if not credentials.valid:
            credentials.refresh(google.auth.transport.requests.Request())
        return credentials.token

    try:
        return await asyncio.to_thread(fetch)
    except google.auth.exceptions.DefaultCredentialsError:
        why = "This server has no Google credentials to ask Google about it"
        raise _instead(item, 403, "no-credentials", why) from None
    except (google.auth.exceptions.RefreshError, google.auth.exceptions.TransportError) as exc:
        raise _instead(item, 403, "no-credentials", f"Google refused this server's credentials ({exc})") from None


def _instead(item: dict, status: int, code: str, why: str) -> ApiError:
    return ApiError(status, code, f"{why}; run `{item['follow']}` where gcloud is signed in instead.")


async def _get(session, item: dict, request: dict, bearer: str):
    """One GET: its JSON, or None for a 404."""
    url = request["url"] + ("?" + urllib.parse.urlencode(request["query"]) if request["query"] else "")
    try:
        async with session.get(url, headers={"Authorization": f"Bearer {bearer}"}) as reply:
            if reply.status == 404:
                return None
            text = await reply.text()
            if reply.status in (401, 403):
                why = f"Google refused this server's credentials ({_message(text)})"
                raise _instead(item, 403, "no-credentials", why)
            if reply.status >= 400:
                raise _instead(item, 502, "google-error", f"Google answered {reply.status} ({_message(text)})")
            return json.loads(text)
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
        why = f"Google's API could not be reached from this server ({exc!r})"
        raise _instead(item, 502, "google-unreachable", why) from None


def _message(text: str) -> str:
    try:
        return json.loads(text)["error"]["message"]
    except (ValueError, KeyError, TypeError):
        return text[:200]


async def status(item: dict, api_root=None) -> dict:
    """Ask Google where the handed-off job is; the pane's status, with when it was asked."""
    bearer = await token(item)
    requests = requests_for(item, api_root)
    async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
        job = await _get(session, item, requests[0], bearer)
        if item["kind"] != "transfer":
            answer = batch_status(job)
        else:
            operations, page = [], None
            while job is not None:
                query = {**requests[1]["query"], **({"pageToken": page} if page else {})}
                listed = await _get(session, item, {**requests[1], "query": query}, bearer) or {}
                operations += listed.get("operations") or []
                page = listed.get("nextPageToken")
                if not page:
                    break
            answer = transfer_status(job, operations)
    return {**answer, "checkedAt": now_iso()}
