"""S3-compatible storage (OSN's Ceph pod; moto and versitygw in tests, docs/s3-servers.md)
through s3fs.

For paging with a cursor we call s3fs's `_call_s3` (one ListObjectsV2 request, with
s3fs's session, credentials and retries). Uploads are multipart: the object appears only
on CompleteMultipartUpload, and a failure or cancel aborts the upload, so nothing
half-written or orphaned is left."""

import asyncio
import contextlib
import hashlib
import logging
import re
from typing import Optional

import s3fs

from .base import ObjectInfo, RawPage, all_ended, committed, let_end, read_pieces, through_cancels
from .bulk_delete import S3_BATCH, s3_batch
from .errors import Exists, SourceChanged
from .key_ranges import ranged_pages
from .s3_answers import precondition_failed
from .s3_times import session_reading_times

SINGLE_REQUEST = 8 * 1024 * 1024  # objects up to this size are written in one request
PARTS_IN_FLIGHT = 4  # parts of one multipart upload sent at once
log = logging.getLogger(__name__)
# How long a failed or cancelled multipart upload lets its parts in flight end before
# it aborts: s3fs's own read timeout (15 s), after which it gives a try up.
PART_WAIT = float(s3fs.S3FileSystem.read_timeout)

COPY_LIMIT = 5 * 1024**3  # S3's largest CopyObject (and UploadPartCopy part)
COPY_PART = 1024**3  # parts of a conditional copy larger than COPY_LIMIT
_MD5_ETAG = re.compile(r'^"?([0-9a-f]{32})"?$')


class S3Store:
    provider = "s3"

    def __init__(self, bucket, endpoint, anonymous, key=None, secret=None):
        self.bucket = bucket
        self.endpoint = endpoint
        self.delete_etags = None  # whether DeleteObjects carries ETags (bulk_delete.s3_batch)
        options = dict(
            session=session_reading_times(),
            anon=anonymous,
            key=None if anonymous else key,
            secret=None if anonymous else secret,
            endpoint_url=endpoint,
            client_kwargs={"region_name": "us-east-1"},
            asynchronous=True,
            skip_instance_cache=True,
        )
        # botocore keeps 10 connections by default, fewer than a transfer's objects in
        # flight (transfers.CONCURRENCY): the rest would queue for a connection.
        pool = {"max_pool_connections": 64}
        # What botocore adds to every upload by default costs this process and the
        # service CPU for each object without checking anything ours does not: a SHA-256
        # of the body for the signature when the endpoint is plain http (over https it is
        # skipped already), and a CRC32 of a PutObject's body, whose ETag (the MD5 the
        # service computed) verify() compares with the source's MD5 anyway. Parts of a
        # multipart upload, whose ETag is no MD5, still send their CRC32 (_upload).
        # Under the hub profile: docs/benchmarks.md, "Transfers over the hub profile".
        pool.update(s3={"payload_signing_enabled": False}, request_checksum_calculation="when_required")
        self.fs = s3fs.S3FileSystem(**options, config_kwargs=pool)
        # DeleteObjects goes out once, never re-sent by botocore or s3fs: a request cut
        # after the service applied it, sent again seconds later, would delete objects
        # written at those keys meanwhile (test_faults_emulator). bulk_delete.s3_batch
        # lists the keys again before another try. botocore's `max_attempts` counts
        # retries (1 meant one re-send); `total_max_attempts` counts every try.
        self.once = s3fs.S3FileSystem(
            **options, config_kwargs={**pool, "retries": {"total_max_attempts": 1, "mode": "standard"}}
        )
        self.once.retries = 1

    async def list_dir(self, prefix, after, limit) -> RawPage:
        kwargs = {"Bucket": self.bucket, "Prefix": prefix, "Delimiter": "/", "MaxKeys": limit}
        if after:
            kwargs["StartAfter"] = after
        out = await self.fs._call_s3("list_objects_v2", **kwargs)
        files = [_info(o) for o in out.get("Contents", [])]
        prefixes = [p["Prefix"] for p in out.get("CommonPrefixes", [])]
        return RawPage(files, prefixes, bool(out.get("IsTruncated")))

    async def walk(self, prefix):
        kwargs = {"Bucket": self.bucket, "Prefix": prefix, "MaxKeys": 1000}
        while True:
            out = await self.fs._call_s3("list_objects_v2", **kwargs)
            for item in out.get("Contents", []):
                yield _info(item)
            if not out.get("IsTruncated"):
                return
            kwargs["ContinuationToken"] = out["NextContinuationToken"]

    async def walk_pages(self, prefix, gate=None):
        async def list_page(after, under):
            kwargs = {"Bucket": self.bucket, "Prefix": under, "MaxKeys": 1000}
            if after is not None:
                kwargs["StartAfter"] = after
            out = await self.fs._call_s3("list_objects_v2", **kwargs)
            return [_info(item) for item in out.get("Contents", [])], bool(out.get("IsTruncated"))

        # Closed with this generator: a reader that stops stops the ranges' listings.
        async with contextlib.aclosing(ranged_pages(list_page, prefix, gate)) as pages:
            async for page in pages:
                yield page

    async def head(self, key) -> Optional[ObjectInfo]:
        try:
            out = await self.fs._call_s3("head_object", Bucket=self.bucket, Key=key)
        except FileNotFoundError:
            return None
        return _info({**out, "Key": key, "Size": out["ContentLength"]})

    async def read(self, key, start, end) -> bytes:
        return await self.fs._cat_file(f"{self.bucket}/{key}", start=start, end=end)

    async def stream(self, key, size, chunk, version=None, start=None):
        """The object's bytes from one GetObject, in pieces of `chunk` bytes (s3fs's
        public API reads ranges: one request per block, 17.6 s for 300 MiB against 0.4 s
        streamed, docs/benchmarks.md); with `start`, the `size` bytes from there, as one
        ranged GetObject; with `version` (an ETag), only while the object still has it
        (SourceChanged otherwise)."""
        condition = {"IfMatch": version} if version else {}
        if start is not None:
            condition["Range"] = f"bytes={start}-{start + size - 1}"
        try:
            out = await self.fs._call_s3("get_object", Bucket=self.bucket, Key=key, **condition)
        except (OSError, FileNotFoundError) as exc:
            if version and (precondition_failed(exc) or isinstance(exc, FileNotFoundError)):
                raise SourceChanged(f"{key} no longer has ETag {version}") from None
            raise
        async with out["Body"] as body:
            async for piece in read_pieces(body.read, size, chunk):
                yield piece

    async def upload(self, key, size, chunks, if_absent=False, started=None) -> Optional[ObjectInfo]:
        """`if_absent`: only if no object is at `key` when it is committed (Exists
        otherwise), checked by the service (If-None-Match: *). Each multipart upload
        begun is added to `started` as (key, upload id) until it is completed or aborted."""
        try:
            return await self._upload(key, size, chunks, {"IfNoneMatch": "*"} if if_absent else {}, started)
        except FileExistsError:  # s3fs's name for PreconditionFailed on If-None-Match
            if if_absent:
                raise Exists(key) from None
            raise

    async def _upload(self, key, size, chunks, condition, started) -> Optional[ObjectInfo]:
        call = self.fs._call_s3
        started = started if started is not None else []
        if size <= SINGLE_REQUEST:
            # One PutObject: as atomic as a multipart upload, with a third of the requests.
            data = b"".join([chunk async for chunk in chunks])
            try:
                out = await call("put_object", Bucket=self.bucket, Key=key, Body=data, **condition)
            except FileExistsError:
                md5 = hashlib.md5(data).hexdigest()
                if condition and await self.holding(key, len(data), md5):
                    return _info({"Key": key, "Size": len(data), "ETag": f'"{md5}"'})
                raise
            # A single PutObject's ETag is the MD5 the service computed of what it stored.
            return _info({"Key": key, "Size": len(data), "ETag": out.get("ETag")})
        abort = {"Bucket": self.bucket, "Key": key}
        # Shielded: a cancel that arrives while the upload is being created must still
        # learn its id, or the upload would be orphaned (kept, and billed, by the service).
        creating = asyncio.ensure_future(call("create_multipart_upload", Bucket=self.bucket, Key=key))
        try:
            begun = await asyncio.shield(creating)
        except asyncio.CancelledError:
            begun = await creating
            await call("abort_multipart_upload", UploadId=begun["UploadId"], **abort)
            raise
        upload_id = begun["UploadId"]
        started.append((key, upload_id))
        parts, sending, sizes = [], set(), {}
        gate = asyncio.Semaphore(PARTS_IN_FLIGHT)

        async def send(number, data):
            try:
                out = await call(
                    "upload_part",
                    Bucket=self.bucket,
                    Key=key,
                    UploadId=upload_id,
                    PartNumber=number,
                    Body=data,
                    ChecksumAlgorithm="CRC32",
                )
                parts.append({"PartNumber": number, "ETag": out["ETag"]})
                sizes[number] = len(data)
            finally:
                gate.release()

        try:
            # Parts go up in parallel, at most PARTS_IN_FLIGHT at once (each holds its
            # chunk until sent); the first failure stops the rest and aborts the upload.
            number = 0
            async for data in chunks:
                await gate.acquire()
                for task in [t for t in sending if t.done()]:
                    sending.discard(task)
                    task.result()
                number += 1
                sending.add(asyncio.ensure_future(send(number, data)))
            if number == 0:  # an empty object: S3 wants at least one part
                await gate.acquire()
                await send(1, b"")
            if sending:
                await all_ended(sending)
            parts.sort(key=lambda part: part["PartNumber"])

            async def complete():
                try:
                    await call(
                        "complete_multipart_upload",
                        Bucket=self.bucket,
                        Key=key,
                        UploadId=upload_id,
                        MultipartUpload={"Parts": parts},
                        **condition,
                    )
                except (FileExistsError, FileNotFoundError):
                    # Tried again after its answer was lost: 412 (If-None-Match met the
                    # object it made) or NoSuchUpload (the upload is complete). Ours if it
                    # holds these parts (`holding`); the upload is then no longer there to
                    # abort. Asked inside `committed`, so a cancel meanwhile waits for it too.
                    if not await self.holding(key, sum(sizes.values()), _multipart_etag(parts)):
                        raise

            await committed(complete())
            started.remove((key, upload_id))
            return None  # a multipart ETag is no MD5: the caller reads the object back
        except BaseException:
            # A part sent whole may be stored after an abort that came first, and kept
            # (AWS says to abort again); so the parts in flight end first.
            await through_cancels(asyncio.ensure_future(let_end(sending, PART_WAIT)))
            try:
                await call("abort_multipart_upload", Bucket=self.bucket, Key=key, UploadId=upload_id)
                started.remove((key, upload_id))
            except Exception:  # noqa: BLE001 - left in `started`: `abort_uploads` tries again
                pass
            raise

    async def lifecycle(self) -> dict:
        """No lifecycle is read on S3 (OSN's buckets have none): the root's configuration
        applies (expiry.py)."""
        return {}

    batch_size = S3_BATCH  # keys per DeleteObjects

    async def delete_batch(self, batch: list, prefix=None, after=None, check=True) -> list:
        """Delete up to `batch_size` planned objects with one DeleteObjects, after one
        listing of their key range (from `after`, under `prefix`) shows each unchanged,
        unless `check` is false: (status, reason) per entry (bulk_delete.s3_batch)."""
        return await s3_batch(self, prefix, after, batch, check)

    async def abort_uploads(self, started) -> int:
        """Abort the unfinished multipart uploads in `started` (a transfer's own, as
        (key, upload id)); never one this server did not begin, whatever its key. A cancel
        can cut the abort request in flight, so a transfer that ends early calls this."""
        call, aborted = self.fs._call_s3, 0
        for key, upload_id in list(started or ()):
            try:
                await call("abort_multipart_upload", Bucket=self.bucket, Key=key, UploadId=upload_id)
                aborted += 1
            except FileNotFoundError:
                pass
            started.remove((key, upload_id))
        return aborted

    def can_copy_to(self, target) -> bool:
        return getattr(target, "provider", None) == "s3" and target.endpoint == self.endpoint

    async def server_copy(self, key, target, target_key, version=None, if_absent=False, size=None) -> None:
        """A copy inside the service, of the source only while it has ETag `version`
        (SourceChanged). Onto any name: one CopyObject (up to COPY_LIMIT). With
        `if_absent`, onto a free name only (Exists): CopyObject's If-None-Match is not
        honoured everywhere (moto and versitygw ignore it), so the copy is made as a multipart upload
        of parts copied by the service (UploadPartCopy) whose completion carries
        If-None-Match: *, which moto, AWS and Ceph check. Three requests instead of one."""
        if size is None or (size > COPY_LIMIT and not if_absent):
            info = await self.head(key)
            if info is None or (version and info.etag != version):
                raise SourceChanged(f"{key} changed or went since it was listed")
            size = info.size
        if if_absent:
            await self._copy_if_absent(key, target, target_key, version, size)
            return
        if size > COPY_LIMIT:
            await target.fs._cp_file(f"{self.bucket}/{key}", f"{target.bucket}/{target_key}")
            return
        conditions = {"CopySourceIfMatch": version} if version else {}
        try:
            await target.fs._call_s3(
                "copy_object",
                Bucket=target.bucket,
                Key=target_key,
                CopySource={"Bucket": self.bucket, "Key": key},
                **conditions,
            )
        except OSError as exc:
            if precondition_failed(exc):
                raise SourceChanged(str(exc)) from None
            raise

    async def holding(self, key, size: int, etag: str) -> bool:
        """Whether the object at `key` has `size` bytes and this ETag (an MD5, or a
        multipart upload's MD5 of its parts' MD5s and their count).

        For a create-only write (If-None-Match: *) answered 412: when a try's answer is
        lost, botocore sends it again, and if the first try had landed, the second meets
        the object it wrote. Refusing then would call the user's own upload someone
        else's. The same bytes count as written: if another client put exactly these
        bytes there meanwhile, nothing of theirs is replaced either; any other object
        stays refused (Exists)."""
        try:
            out = await self.fs._call_s3("head_object", Bucket=self.bucket, Key=key)
        except FileNotFoundError:
            return False
        return int(out.get("ContentLength", -1)) == size and out.get("ETag", "").strip('"') == etag

    async def _copy_if_absent(self, key, target, target_key, version, size):
        call = target.fs._call_s3
        begun = await asyncio.shield(call("create_multipart_upload", Bucket=target.bucket, Key=target_key))
        upload = {"Bucket": target.bucket, "Key": target_key, "UploadId": begun["UploadId"]}
        condition = {"CopySourceIfMatch": version} if version else {}
        completing = False  # a 412 then is If-None-Match's (the target), before it the source's
        try:
            parts = []
            ranges = (
                [(0, size - 1)]
                if size <= COPY_LIMIT
                else [(start, min(start + COPY_PART, size) - 1) for start in range(0, size, COPY_PART)]
            )
            for number, (first, last) in enumerate(ranges, start=1):
                extra = {"CopySourceRange": f"bytes={first}-{last}"} if len(ranges) > 1 else {}
                out = await call(
                    "upload_part_copy",
                    PartNumber=number,
                    CopySource={"Bucket": self.bucket, "Key": key},
                    **upload,
                    **condition,
                    **extra,
                )
                parts.append({"PartNumber": number, "ETag": out["CopyPartResult"]["ETag"]})
            completing = True
            await call("complete_multipart_upload", MultipartUpload={"Parts": parts}, IfNoneMatch="*", **upload)
        except BaseException as exc:
            await asyncio.shield(self._abort_quietly(call, upload))
            if isinstance(exc, FileExistsError) or (completing and precondition_failed(exc)):
                raise Exists(target_key) from None
            if isinstance(exc, OSError) and precondition_failed(exc):
                raise SourceChanged(str(exc)) from None
            raise

    @staticmethod
    async def _abort_quietly(call, upload):
        try:
            await call("abort_multipart_upload", **upload)
        except Exception:  # noqa: BLE001 - an unfinished upload is invisible; logged
            log.warning("leap-buckets: could not abort the copy's upload %s of %s", upload["UploadId"], upload["Key"])

    async def delete(self, key, version=None) -> None:
        """Remove one object; with `version` (an ETag), only if it still has it. The ETag
        is read first, for services that ignore If-Match on DeleteObject (Ceph before
        2025; which OSN runs is not known), and sent as If-Match too, which closes that
        one request's window where it is honoured (versitygw, moto 5.2, AWS; 412 then:
        SourceChanged). docs/s3-servers.md."""
        if version:
            info = await self.head(key)
            if info is None:
                return
            if info.etag != version:
                raise SourceChanged(f"{key} no longer has ETag {version}")
        condition = {"IfMatch": version} if version else {}
        try:
            await self.fs._call_s3("delete_object", Bucket=self.bucket, Key=key, **condition)
        except OSError as exc:
            if version and precondition_failed(exc):
                raise SourceChanged(f"{key} was changed just before its delete") from None
            raise


def _info(item: dict) -> ObjectInfo:
    etag = item.get("ETag")
    md5 = _MD5_ETAG.match(etag) if etag else None
    modified = item.get("LastModified")
    # S3 objects are immutable, so the last modification is the creation.
    return ObjectInfo(item["Key"], int(item["Size"]), modified, modified, etag, md5=md5.group(1) if md5 else None)


def _multipart_etag(parts: list) -> str:
    """The ETag S3 gives the object a multipart upload of these parts completes: the MD5
    of the parts' MD5s, a dash and their count."""
    digests = b"".join(bytes.fromhex(part["ETag"].strip('"')) for part in parts)
    return f"{hashlib.md5(digests).hexdigest()}-{len(parts)}"
