"""Deleting a batch of planned objects with the providers' bulk calls, each object only
in the state it had when planned (see deletes.py for why and how). Called through the
stores' `delete_batch` (gcs.py, s3.py): nothing outside storage/ speaks to a provider."""

import asyncio
import re
import urllib.parse
from datetime import datetime
from typing import Optional

GCS_BATCH = 100  # the JSON API's limit per batch request
S3_BATCH = 1000  # DeleteObjects' limit
RETRIES = 5
RETRY_STATUSES = (429, 500, 502, 503, 504)

_BOUNDARY = "leap-buckets-batch-7d1f0c"
_STATUS = re.compile(r"HTTP/[0-9.]+ (\d{3})")
_CONTENT_ID = re.compile(r"Content-ID:\s*<response-item-(\d+)>", re.IGNORECASE)


async def gcs_batch(store, batch: list) -> list:
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
            "POST",
            store.fs.batch_url_base,
            headers={"Content-Type": f"multipart/mixed; boundary={_BOUNDARY}"},
            data=body,
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
        await asyncio.sleep(0.5 * 2**attempt)
    return results


async def s3_batch(store, prefix: str, after: Optional[str], batch: list, check: bool = True) -> list:
    """Delete up to 1,000 objects with one DeleteObjects, after one listing of their key
    range shows each unchanged since the plan (unless `check` is false: the caller's own
    listing is that recent). A DeleteObjects is sent once (store.once: no retries by the
    libraries); before any other try the keys are listed again, since the request may
    have been applied, and an object written at a key meanwhile must survive.
    Returns (status, reason) per entry."""
    results = [None] * len(batch)
    keys = await _unchanged(store, prefix, after, batch, results) if check else list(range(len(batch)))
    for attempt in range(RETRIES):
        if not keys:
            break
        if attempt:
            await asyncio.sleep(0.5 * 2 ** (attempt - 1))
            keys = await _unchanged(store, prefix, after, batch, results, keys)
            if not keys:
                break
        try:
            out = await store.once._call_s3(
                "delete_objects",
                Bucket=store.bucket,
                Delete={"Objects": [{"Key": batch[i]["key"]} for i in keys], "Quiet": True},
            )
        except Exception:
            if attempt == RETRIES - 1:
                raise
            continue  # listed again first
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
    return results


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
