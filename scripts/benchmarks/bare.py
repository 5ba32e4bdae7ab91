"""The floor for transfers between the disk and GCS: the least a Python client can do
against this emulator and network. One aiohttp session, IN_FLIGHT requests at once, no
checks, no job, no retries, no checksum:
- get: lists the folder (the JSON API, 1,000 names a page) and GETs every object's media,
  each written to its file in the event loop;
- put: reads each file of a folder and uploads it in one request (uploadType=media).
Not a tool anyone would use; shown beside the tools so that a gap between a tool and the
others can be told from a gap to what the emulator and the network allow. Prints JSON
like transfer_one.py.

Usage: bare.py get <endpoint> <bucket> <prefix> <folder> [in flight]
       bare.py put <endpoint> <bucket> <prefix> <folder> [in flight]"""

import asyncio
import json
import os
import resource
import sys
import time
from urllib.parse import quote

import aiohttp

IN_FLIGHT = 64  # as many as ours keeps (transfers.IN_FLIGHT)


async def put(endpoint: str, bucket: str, prefix: str, folder: str, in_flight: int):
    names = sorted(os.listdir(folder))
    gate = asyncio.Semaphore(in_flight)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=in_flight)) as session:

        async def one(name: str):
            async with gate:
                with open(os.path.join(folder, name), "rb") as handle:
                    data = handle.read()
                params = {"uploadType": "media", "name": prefix + name}
                url = f"{endpoint}/upload/storage/v1/b/{bucket}/o"
                async with session.post(url, params=params, data=data) as answer:
                    answer.raise_for_status()
                    await answer.read()

        await asyncio.gather(*(one(name) for name in names))
    return len(names), len(names)


async def get(endpoint: str, bucket: str, prefix: str, folder: str, in_flight: int):
    os.makedirs(folder, exist_ok=True)
    requests = 0
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=in_flight)) as session:
        names, token = [], None
        while True:
            params = {"prefix": prefix, "fields": "items(name),nextPageToken"}
            if token:
                params["pageToken"] = token
            async with session.get(f"{endpoint}/storage/v1/b/{bucket}/o", params=params) as answer:
                page = await answer.json()
            requests += 1
            names += [item["name"] for item in page.get("items", [])]
            token = page.get("nextPageToken")
            if not token:
                break
        gate = asyncio.Semaphore(in_flight)

        async def one(name: str):
            async with gate:
                url = f"{endpoint}/storage/v1/b/{bucket}/o/{quote(name, safe='')}?alt=media"
                async with session.get(url) as answer:
                    answer.raise_for_status()
                    with open(os.path.join(folder, name[len(prefix) :]), "wb") as handle:
                        async for piece in answer.content.iter_any():
                            handle.write(piece)

        await asyncio.gather(*(one(name) for name in names))
        return requests + len(names), len(names)


def cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


if __name__ == "__main__":
    mode, endpoint, bucket, prefix, folder = sys.argv[1:6]
    started, cpu_before = time.perf_counter(), cpu()
    in_flight = int(sys.argv[6]) if sys.argv[6:] else IN_FLIGHT
    requests, objects = asyncio.run({"get": get, "put": put}[mode](endpoint, bucket, prefix, folder, in_flight))
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "requests": requests, "objects": objects, "cpu": cpu() - cpu_before}))
