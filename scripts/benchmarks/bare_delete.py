"""A bare client for deletes (`bare` in deletes.py): the fewest requests that delete a
store. It lists the store page by page (1,000 names a page) and, behind the listing,
deletes each page's names at once, IN_FLIGHT requests at most: on GCS in JSON API
batches of 100 (as Google's batch endpoint takes), on S3 with DeleteObjects of the page.
No check that an object is as listed, no retry, no report: not a tool anyone should use
on shared data. It is no floor: its listing and its deletes compete for the emulator,
where ours paces the listing behind the deletes (on GCS ours was faster). Prints JSON
like the other tools of deletes.py.

Usage: bare_delete.py gcs|s3 <endpoint> <bucket> <prefix>"""

import asyncio
import json
import sys
import time
import urllib.parse

import aiohttp

IN_FLIGHT = 8  # as many batches as ours keeps (deletes.PARALLEL_BATCHES)
BOUNDARY = "bare-delete"
STATS = {"requests": 0, "first_delete": None, "inflight": 0, "most": 0}
STARTED = 0.0


async def counted(request, deleting: bool):
    if deleting and STATS["first_delete"] is None:
        STATS["first_delete"] = time.perf_counter() - STARTED
    STATS["requests"] += 1
    STATS["inflight"] += 1
    STATS["most"] = max(STATS["most"], STATS["inflight"])
    try:
        return await request
    finally:
        STATS["inflight"] -= 1


def batch_body(bucket: str, names: list) -> str:
    parts = [
        f"--{BOUNDARY}\r\nContent-Type: application/http\r\nContent-ID: <{i}>\r\n\r\n"
        f"DELETE /storage/v1/b/{bucket}/o/{urllib.parse.quote(name, safe='')} HTTP/1.1\r\n\r\n\r\n"
        for i, name in enumerate(names)
    ]
    return "".join(parts) + f"--{BOUNDARY}--\r\n"


async def gcs(endpoint: str, bucket: str, prefix: str):
    gate, tasks = asyncio.Semaphore(IN_FLIGHT), []
    async with aiohttp.ClientSession() as session:

        async def post(names):
            async with gate:
                headers = {"Content-Type": f"multipart/mixed; boundary={BOUNDARY}"}
                answer = await counted(
                    session.post(f"{endpoint}/batch/storage/v1", data=batch_body(bucket, names), headers=headers), True
                )
                async with answer:
                    answer.raise_for_status()
                    await answer.read()

        token = None
        while True:
            params = {"prefix": prefix, "fields": "items(name),nextPageToken", "maxResults": "1000"}
            if token:
                params["pageToken"] = token
            answer = await counted(session.get(f"{endpoint}/storage/v1/b/{bucket}/o", params=params), False)
            async with answer:
                page = await answer.json()
            names = [item["name"] for item in page.get("items", [])]
            tasks += [asyncio.ensure_future(post(names[i : i + 100])) for i in range(0, len(names), 100)]
            token = page.get("nextPageToken")
            if not token:
                break
        await asyncio.gather(*tasks)


async def s3(endpoint: str, bucket: str, prefix: str):
    from aiobotocore.session import get_session

    gate, tasks = asyncio.Semaphore(IN_FLIGHT), []
    config = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "us-east-1"}
    async with get_session().create_client("s3", endpoint_url=endpoint, **config) as client:

        async def delete(keys):
            async with gate:
                objects = [{"Key": key} for key in keys]
                await counted(client.delete_objects(Bucket=bucket, Delete={"Objects": objects, "Quiet": True}), True)

        kwargs = {"Bucket": bucket, "Prefix": prefix, "MaxKeys": 1000}
        while True:
            page = await counted(client.list_objects_v2(**kwargs), False)
            keys = [item["Key"] for item in page.get("Contents", [])]
            if keys:
                tasks.append(asyncio.ensure_future(delete(keys)))
            if not page.get("IsTruncated"):
                break
            kwargs["ContinuationToken"] = page["NextContinuationToken"]
        await asyncio.gather(*tasks)


if __name__ == "__main__":
    kind, endpoint, bucket, prefix = sys.argv[1:5]
    STARTED = time.perf_counter()
    asyncio.run({"gcs": gcs, "s3": s3}[kind](endpoint, bucket, prefix))
    seconds = time.perf_counter() - STARTED
    print(
        json.dumps(
            {
                "seconds": seconds,
                "requests": STATS["requests"],
                "first_delete": STATS["first_delete"],
                "inflight": STATS["most"],
            }
        )
    )
