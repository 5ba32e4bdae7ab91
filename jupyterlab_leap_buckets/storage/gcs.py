"""Google Cloud Storage through gcsfs (the library LEAP users already use).

gcsfs's public file API lists whole folders; for paging with a cursor we call its
`_call` (one JSON API request, with gcsfs's session, credentials and retries)."""

from typing import Optional

# gcsfs.GCSFileSystem is, by default, an experimental subclass that asks each bucket its
# type over gRPC first (60 s of retries against an endpoint without gRPC, such as an
# emulator). The core class speaks the JSON API only, which is all this module uses.
from gcsfs.core import GCSFileSystem

from .base import ObjectInfo, RawPage, parse_time


class GcsStore:
    def __init__(self, bucket: str, endpoint: Optional[str], token):
        self.bucket = bucket
        self.fs = GCSFileSystem(
            token=token,
            endpoint_url=endpoint,
            asynchronous=True,
            skip_instance_cache=True,
        )

    async def list_dir(self, prefix, after, limit) -> RawPage:
        out = await self.fs._call(
            "GET",
            "b/{}/o",
            self.bucket,
            json_out=True,
            prefix=prefix or None,
            delimiter="/",
            maxResults=limit,
            # startOffset is inclusive; the caller drops `after` itself.
            startOffset=after,
            fields="items(name,size,updated,timeCreated,etag,generation),prefixes,nextPageToken",
        )
        files = [_info(item) for item in out.get("items", [])]
        return RawPage(files, list(out.get("prefixes", [])), bool(out.get("nextPageToken")))

    async def head(self, key) -> Optional[ObjectInfo]:
        try:
            out = await self.fs._call("GET", "b/{}/o/{}", self.bucket, key, json_out=True)
        except FileNotFoundError:
            return None
        return _info(out)

    async def read(self, key, start, end) -> bytes:
        return await self.fs._cat_file(f"{self.bucket}/{key}", start=start, end=end)


def _info(item: dict) -> ObjectInfo:
    return ObjectInfo(
        key=item["name"],
        size=int(item.get("size", 0)),
        modified=parse_time(item.get("updated")),
        created=parse_time(item.get("timeCreated")),
        etag=item.get("etag"),
        generation=item.get("generation"),
    )
