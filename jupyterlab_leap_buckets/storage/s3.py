"""S3-compatible storage (OSN's Ceph pod, moto in tests) through s3fs.

For paging with a cursor we call s3fs's `_call_s3` (one ListObjectsV2 request, with
s3fs's session, credentials and retries)."""

from typing import Optional

import s3fs

from .base import ObjectInfo, RawPage


class S3Store:
    def __init__(self, bucket, endpoint, anonymous, key=None, secret=None):
        self.bucket = bucket
        self.fs = s3fs.S3FileSystem(
            anon=anonymous,
            key=None if anonymous else key,
            secret=None if anonymous else secret,
            endpoint_url=endpoint,
            client_kwargs={"region_name": "us-east-1"},
            asynchronous=True,
            skip_instance_cache=True,
        )

    async def list_dir(self, prefix, after, limit) -> RawPage:
        kwargs = {"Bucket": self.bucket, "Prefix": prefix, "Delimiter": "/", "MaxKeys": limit}
        if after:
            kwargs["StartAfter"] = after
        out = await self.fs._call_s3("list_objects_v2", **kwargs)
        files = [
            # S3 objects are immutable, so the last modification is the creation.
            ObjectInfo(o["Key"], int(o["Size"]), o["LastModified"], o["LastModified"], o.get("ETag"))
            for o in out.get("Contents", [])
        ]
        prefixes = [p["Prefix"] for p in out.get("CommonPrefixes", [])]
        return RawPage(files, prefixes, bool(out.get("IsTruncated")))

    async def head(self, key) -> Optional[ObjectInfo]:
        try:
            out = await self.fs._call_s3("head_object", Bucket=self.bucket, Key=key)
        except FileNotFoundError:
            return None
        modified = out.get("LastModified")
        return ObjectInfo(key, int(out["ContentLength"]), modified, modified, out.get("ETag"))

    async def read(self, key, start, end) -> bytes:
        return await self.fs._cat_file(f"{self.bucket}/{key}", start=start, end=end)
