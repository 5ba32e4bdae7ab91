"""Deleting a batch of planned objects with the providers' bulk calls, each object only
in the state it had when planned (see deletes.py for why and how). Called through the
stores' `delete_batch` (gcs.py, s3.py): nothing outside storage/ speaks to a provider."""

import asyncio
import logging
import re
import urllib.parse
from datetime import datetime
from typing import Optional

import aiohttp
from gcsfs.retry import validate_response

from . import backoff
from .gcs_fs import patient
from .s3_answers import answer

log = logging.getLogger(__name__)

GCS_BATCH = 100  # the JSON API's limit per batch request
S3_BATCH = 1000  # DeleteObjects' limit
# Tries of a batch (whole, or the parts the service refused), waits between them from
# backoff.py: about a minute and a half in all, so a bucket's write-rate limit (GCS
# answers 429 rateLimitExceeded beyond about 1,000 writes/s) is waited out, and the
# requests stay at most RETRIES per batch (docs/benchmarks.md, "GCS's own rate limit").
RETRIES = 8
RETRY_STATUSES = (408, 429, 500, 502, 503, 504)

_BOUNDARY = "leap-buckets-batch-7d1f0c"
_STATUS = re.compile(r"HTTP/[0-9.]+ (\d{3})")
_CONTENT_ID = re.compile(r"Content-ID:\s*<response-item-(\d+)>", re.IGNORECASE)
_RETRY_AFTER = re.compile(r"^Retry-After:\s*(.+?)\s*$", re.IGNORECASE | re.MULTILINE)


async def gcs_batch(store, batch: list) -> list:
    """Delete up to 100 objects in one JSON API batch request, each in its planned
    generation only. Returns (status, reason) per entry.

    The request is sent here, not through gcsfs's `_call`, whose own six tries would
    multiply with ours and never read Retry-After: a batch answered 429 or 5xx as a
    whole, or whose parts are (GCS counts each part against the bucket's write rate),
    is sent again, with only the parts still to do, after backoff.delay and in its turn
    of the bucket's pace (pacer.py)."""
    results = [None] * len(batch)
    pending = list(range(len(batch)))
    for attempt in range(RETRIES):
        last = attempt == RETRIES - 1
        # The bucket's pace (pacer.py), which uploads and rewrites keep too: once batches
        # are refused, they go one at a time at the rate the bucket takes.
        writes = len(pending)
        given = await store.fs.pacer.wait(writes)
        try:
            # The service deletes every part before it answers (fake-gcs-server one after
            # another): a try cut short at STALL is applied anyway, and its parts would come
            # back 404 on the next try and be counted as skipped, not deleted.
            with patient():
                status, headers, content = await _post_batch(store, _batch_body(store, batch, pending))
        except (aiohttp.ClientError, asyncio.TimeoutError):
            # Not answered: it may have been applied, which the generation preconditions
            # make harmless (a part deleted already is then counted as skipped).
            if last:
                raise
            await asyncio.sleep(backoff.delay(attempt))
            continue
        if status in (429, 503):
            store.fs.pacer.refused(given, writes)
        if status != 200:
            if status in RETRY_STATUSES and not last:
                await asyncio.sleep(backoff.delay(attempt, backoff.retry_after(headers.get("Retry-After"))))
                continue
            validate_response(status, content, store.fs.batch_url_base)  # raises, as gcsfs would
            raise RuntimeError(f"the batch request was answered {status}")  # validate_response let it by
        boundary = headers["Content-Type"].split("boundary=", 1)[1].strip('"')
        answered, wait_at_least = {}, None
        for part in content.decode("utf-8", "replace").split(f"--{boundary}"):
            found_id, found_status = _CONTENT_ID.search(part), _STATUS.search(part)
            if found_id and found_status:
                answered[int(found_id.group(1))] = int(found_status.group(1))
                found_wait = _RETRY_AFTER.search(part)
                wait = backoff.retry_after(found_wait.group(1)) if found_wait else None
                if wait is not None:
                    wait_at_least = max(wait_at_least or 0.0, wait)
        if any(answered.get(i) in (429, 503) for i in pending):
            store.fs.pacer.refused(given, writes)  # parts refused for the bucket's rate
        else:
            store.fs.pacer.accepted()
        retry = []
        for i in pending:
            status = answered.get(i)
            if status in (200, 204):
                results[i] = ("deleted", None)
            elif status in (404, 412):
                results[i] = ("skipped", "changed or removed since the plan")
            elif (status in RETRY_STATUSES or status is None) and not last:
                retry.append(i)
            else:
                results[i] = ("failed", f"the service answered {status}")
        pending = retry
        if not pending:
            break
        await asyncio.sleep(backoff.delay(attempt, wait_at_least))
    return results


def _batch_body(store, batch: list, pending: list) -> str:
    """The multipart body of one batch request: a DELETE of each pending entry, in its
    planned generation only."""
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
    return "".join(parts) + f"--{_BOUNDARY}--\r\n"


async def _post_batch(store, body: str):
    """One try of a batch request on gcsfs's session, with its credentials and timeouts:
    (status, headers, body)."""
    fs = store.fs
    await fs._set_session()
    headers = fs._get_headers({"Content-Type": f"multipart/mixed; boundary={_BOUNDARY}"})
    async with fs.session.post(fs.batch_url_base, headers=headers, data=body, timeout=fs.requests_timeout) as r:
        return r.status, r.headers, await r.read()


async def s3_batch(store, prefix: str, after: Optional[str], batch: list, check: bool = True) -> list:
    """Delete up to 1,000 objects with one DeleteObjects, after one listing of their key
    range shows each unchanged since the plan (unless `check` is false: the caller's own
    listing is that recent). A DeleteObjects is sent once (store.once: no retries by the
    libraries); before any other try the keys are listed again, since the request may
    have been applied, and an object written at a key meanwhile must survive.

    Each key goes with its planned ETag, S3's condition for a bulk delete (AWS since
    2025-09, Ceph's gateway since ceph#63348): where the service honours it, an object
    rewritten between the listing and the delete is refused by the service itself and
    counted as skipped, which closes the window the listing leaves. moto and versitygw
    ignore it (docs/s3-servers.md), and there the listing alone guards. A service that
    refuses the element (MalformedXML, or any 400 or 501) is sent keys alone from then on.
    Returns (status, reason) per entry."""
    results = [None] * len(batch)
    keys = await _unchanged(store, prefix, after, batch, results) if check else list(range(len(batch)))
    for attempt in range(RETRIES):
        if not keys:
            break
        if attempt:
            await asyncio.sleep(backoff.delay(attempt - 1))
            keys = await _unchanged(store, prefix, after, batch, results, keys)
            if not keys:
                break
        with_etags = await _takes_etags(store)
        try:
            out = await store.once._call_s3(
                "delete_objects",
                Bucket=store.bucket,
                Delete={"Objects": [_identifier(batch[i], with_etags) for i in keys], "Quiet": True},
            )
        except Exception as exc:
            if with_etags and _refused_etags(exc):
                # Refused whole, so nothing was deleted; the next try sends keys alone.
                store.delete_etags = False
                log.warning("leap-buckets: %s refuses ETags in DeleteObjects (%s); keys alone now", store.endpoint, exc)
            if attempt == RETRIES - 1:
                raise
            continue  # listed again first
        errors = {e["Key"]: e for e in out.get("Errors", [])}
        retry = []
        for i in keys:
            error = errors.get(batch[i]["key"])
            if error is None:
                results[i] = ("deleted", None)
            elif _condition_failed(error):
                results[i] = ("skipped", "changed since the plan")  # the service compared the ETag
            elif error.get("Code") in ("SlowDown", "InternalError", "ServiceUnavailable") and attempt < RETRIES - 1:
                retry.append(i)
            else:
                results[i] = ("failed", f"{error.get('Code')}: {error.get('Message')}")
        keys = retry
    return results


async def _takes_etags(store) -> bool:
    """Whether DeleteObjects carries ETags: unless the service refused them, when the
    installed botocore knows the element (an older one would refuse the parameter)."""
    if store.delete_etags is None:
        client = await store.once.set_session()
        shape = client.meta.service_model.shape_for("ObjectIdentifier")
        store.delete_etags = "ETag" in shape.members
    return store.delete_etags


def _identifier(entry: dict, with_etag: bool) -> dict:
    """One key of a DeleteObjects, with its planned ETag (unquoted, as AWS documents it)."""
    if with_etag and entry.get("etag"):
        return {"Key": entry["key"], "ETag": entry["etag"].strip('"')}
    return {"Key": entry["key"]}


def _condition_failed(error: dict) -> bool:
    """A key of a DeleteObjects refused for its ETag: `PreconditionFailed` on AWS's general
    purpose buckets and Ceph, `412 Precondition Failed` on AWS's directory buckets."""
    code = str(error.get("Code", ""))
    return code == "PreconditionFailed" or code.startswith("412")


def _refused_etags(exc: BaseException) -> bool:
    """A DeleteObjects refused whole for its form, as a service that does not know the
    ETag element may (MalformedXML, or any 400 or 501)."""
    return answer(exc)[0] in (400, 501)


async def _unchanged(store, prefix: str, after: Optional[str], batch: list, results: list, only=None) -> list:
    """One listing of the batch's key range: the indices of entries (of `only`, if given)
    still as planned; the others are marked skipped in `results`."""
    call = store.fs._call_s3
    last = batch[-1]["key"]
    current, keys = {}, []
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
    for i in range(len(batch)) if only is None else only:
        entry = batch[i]
        now = current.get(entry["key"])
        if now is None:
            # After a cut request this may be this job's own delete: counted as skipped,
            # since which it was cannot be known.
            results[i] = ("skipped", "removed since the plan")
        elif (
            now.get("ETag") != entry["etag"]
            or int(now["Size"]) != entry["size"]
            or not _same_second(now["LastModified"], entry["modified"])
        ):
            results[i] = ("skipped", "changed since the plan")
        else:
            keys.append(i)
    return keys


def _same_second(listed, planned: Optional[str]) -> bool:
    """Modification times agree (to the second: HEAD's Last-Modified has no finer one)."""
    if not planned:
        return True
    return listed.replace(microsecond=0) == datetime.fromisoformat(planned).replace(microsecond=0)
