"""Google Cloud Storage through gcsfs (the library LEAP users already use).

gcsfs's public file API lists whole folders; for paging with a cursor we call its
`_call` (one JSON API request, with gcsfs's session, credentials and retries). Uploads
use gcsfs's resumable-upload functions, and objects of COMPOSITE_FROM bytes or more go
up in parallel parts that one compose request joins (gcs_composite.py): either way the
object appears only when complete, so a cancelled or failed transfer leaves nothing
that looks complete."""

import asyncio
import base64
import logging
import time
from typing import Optional

import google_crc32c
from gcsfs.core import initiate_upload, quote, upload_chunk
from gcsfs.retry import is_retriable, validate_response

from .base import ObjectInfo, RawPage, committed, parse_time, read_pieces, received
from .bulk_delete import GCS_BATCH, gcs_batch
from .checksums import crc32c_b64
from .errors import Exists, SourceChanged
from .gcs_composite import COMPOSITE_FROM, composite_upload
from .gcs_fs import STALL, PacedFileSystem, patient, timeout
from .pacer import Pacer

log = logging.getLogger(__name__)

SINGLE_REQUEST = 8 * 1024 * 1024  # objects up to this size are written in one request
# Resumable-upload chunk: fewer, larger requests, with a large upload's memory at one
# chunk (docs/benchmarks.md, "GCS upload chunks and composite parts").
UPLOAD_CHUNK = 32 * 1024 * 1024
STREAM_TRIES = 4  # tries of a streamed GET before its first byte
LIST_FIELDS = "items(name,size,updated,timeCreated,etag,generation,md5Hash,crc32c),prefixes,nextPageToken"


class GcsStore:
    provider = "gcs"
    # Objects up to this size are written by one data request (a media upload, or a
    # resumable session with a single chunk): once it is sent, a cancel lets it land and
    # count, as for a small object (transfers.run); larger uploads are aborted.
    one_request_bytes = UPLOAD_CHUNK

    def __init__(self, bucket: str, endpoint: Optional[str], token):
        self.bucket = bucket
        self.endpoint = endpoint
        self.fs = PacedFileSystem(
            token=token,
            endpoint_url=endpoint,
            asynchronous=True,
            skip_instance_cache=True,
            # gcsfs sets none: a service that stops answering held a request for aiohttp's
            # 300 s a try. STALL seconds without a byte fail the try, as s3fs's 15 s read
            # timeout does, and gcsfs retries it; a long download goes on while bytes come.
            requests_timeout=timeout(STALL),
        )
        self.fs.pacer = Pacer()  # one per store: a root is one bucket

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
            fields=LIST_FIELDS,
        )
        files = [_info(item) for item in out.get("items", [])]
        return RawPage(files, list(out.get("prefixes", [])), bool(out.get("nextPageToken")))

    async def walk(self, prefix):
        async for _, infos, _ in self.walk_pages(prefix):
            for info in infos:
                yield info

    async def walk_pages(self, prefix, gate=None):
        token, after = None, None
        while True:
            if gate is not None:
                await gate()
            out = await self.fs._call(
                "GET",
                "b/{}/o",
                self.bucket,
                json_out=True,
                prefix=prefix or None,
                maxResults=1000,
                pageToken=token,
                fields=LIST_FIELDS,
            )
            infos = [_info(item) for item in out.get("items", [])]
            if infos:
                yield after, infos, time.monotonic()
                after = infos[-1].key
            token = out.get("nextPageToken")
            if not token:
                return

    async def lifecycle(self) -> dict:
        """The bucket's resource with its lifecycle configuration and default storage
        class (needs storage.buckets.get; a failure means the caller falls back)."""
        return await self.fs._call("GET", "b/{}", self.bucket, json_out=True, fields="lifecycle,storageClass")

    async def head(self, key) -> Optional[ObjectInfo]:
        try:
            out = await self.fs._call("GET", "b/{}/o/{}", self.bucket, key, json_out=True)
        except FileNotFoundError:
            return None
        return _info(out)

    async def read(self, key, start, end) -> bytes:
        return await self.fs._cat_file(f"{self.bucket}/{key}", start=start, end=end)

    async def stream(self, key, size, chunk, version=None, start=None):
        """The object's bytes from one GET, in pieces of `chunk` bytes; with `start`, the
        `size` bytes from there, as one ranged GET; with `version` (a generation), of
        that generation only (SourceChanged when it is gone).

        gcsfs's public API reads ranges (one request per block); a download of a large
        object in 8 MiB ranges ran at 0.58 of rclone's single streaming request
        (docs/benchmarks.md). gcsfs's own `_get_file_request` streams one GET on its
        session as done here; it is used for that reason only."""
        await self.fs._set_session()
        url = self.fs.url(f"{self.bucket}/{key}", generation=version)
        # Retried as gcsfs retries its own requests, but only until the first piece is
        # handed on: a connection lost or a 5xx answer before that is tried again.
        ranged = {"Range": f"bytes={start}-{start + size - 1}"} if start is not None else None
        sent = False
        for attempt in range(STREAM_TRIES):
            try:
                async with self.fs.session.get(
                    url, headers=self.fs._get_headers(ranged), timeout=self.fs.requests_timeout
                ) as r:
                    if r.status == 404 and version:
                        raise SourceChanged(f"generation {version} of {key} is gone")
                    if r.status >= 400:
                        validate_response(r.status, await r.read(), url)
                    async for piece in read_pieces(received(r.content), size, chunk):
                        sent = True
                        yield piece
                return
            except Exception as exc:  # noqa: BLE001 - raised below unless worth another try
                if sent or attempt == STREAM_TRIES - 1 or not is_retriable(exc):
                    raise
            await asyncio.sleep(min(1.0 * 2**attempt, 8.0))

    async def upload(self, key, size, chunks, if_absent=False, started=None) -> Optional[ObjectInfo]:
        """`if_absent`: only if no object is at `key` when it is committed (Exists
        otherwise), checked by Google (ifGenerationMatch=0). `started` is for S3's
        multipart uploads; a resumable session is never visible, so none is listed."""
        try:
            return await self._upload(key, size, chunks, if_absent)
        except FileExistsError:  # 412 from the precondition
            if if_absent:
                raise Exists(key) from None
            raise

    async def _upload(self, key, size, chunks, if_absent):
        if size <= SINGLE_REQUEST:
            # One media upload: atomic like a resumable one, in one request instead of two.
            data = b"".join([chunk async for chunk in chunks])
            return _info(await self.media_upload(key, data, if_absent))  # the service's own checksums
        if size >= COMPOSITE_FROM:
            return _info(await composite_upload(self, key, chunks, if_absent))
        location = await initiate_upload(self.fs, self.bucket, key, mode="create" if if_absent else "overwrite")
        offset, buffer, sending = 0, bytearray(), None
        try:
            # Gather the caller's chunks into UPLOAD_CHUNK-sized requests (multiples of
            # 256 KiB, as GCS wants for every chunk but the last). A resumable upload
            # takes its chunks in order, one at a time; while one is on its way, the next
            # is read and hashed (so at most two such chunks are held).
            async for data in chunks:
                buffer += data
                if len(buffer) >= UPLOAD_CHUNK:
                    with memoryview(buffer) as view:
                        piece = bytes(view[:UPLOAD_CHUNK])  # one copy, not two
                    del buffer[:UPLOAD_CHUNK]
                    if sending:
                        await sending
                    sending = asyncio.ensure_future(
                        upload_chunk(self.fs, location, piece, offset, size, "application/octet-stream")
                    )
                    offset += len(piece)
            if not buffer and offset == size:  # the chunk on its way is the last: it makes the object
                out = await committed(sending) if sending else None
            else:
                if sending:
                    await sending
                out = await committed(
                    upload_chunk(self.fs, location, bytes(buffer), offset, size, "application/octet-stream")
                )
            return _info(out) if out else None
        except BaseException:
            if sending and not sending.done():
                sending.cancel()
            # Abandon the resumable session: GCS never shows an unfinished upload.
            try:
                await self.fs._call("DELETE", location)
            except Exception:  # noqa: BLE001 - the session expires by itself anyway; said, not raised
                log.warning("leap-buckets: abandoning the upload session of %s failed", key, exc_info=True)
            raise

    async def media_upload(self, key, data: bytes, if_absent=False) -> dict:
        """Write `data` to `key` in one request; the JSON API's resource of what it stored."""
        condition = {"ifGenerationMatch": "0"} if if_absent else {}
        try:
            return await self.fs._call(
                "POST",
                f"{self.fs._location}/upload/storage/v1/b/{quote(self.bucket)}/o",
                uploadType="media",
                name=key,
                data=data,
                json_out=True,
                **condition,
            )
        except FileExistsError:
            same = await self.holding(key, len(data), crc32c_b64(google_crc32c.value(data))) if if_absent else None
            if same is None:
                raise
            return same

    async def holding(self, key, size: int, crc32c: Optional[str]) -> Optional[dict]:
        """The JSON API's resource of the object at `key` if it holds `size` bytes with
        this CRC32C; None otherwise.

        For a create-only write (ifGenerationMatch=0) answered 412: when a try's answer is
        lost (a timeout, a dropped connection), gcsfs sends it again, and if the first try
        had landed, the second meets the object it wrote. Refusing then would call the
        user's own upload someone else's. The same bytes count as written: if another
        client put exactly these bytes there meanwhile, nothing of theirs is replaced
        either; any other object stays refused (Exists)."""
        if not crc32c:
            return None
        try:
            out = await self.fs._call("GET", "b/{}/o/{}", self.bucket, key, json_out=True)
        except FileNotFoundError:
            return None
        return out if int(out.get("size", -1)) == size and out.get("crc32c") == crc32c else None

    def can_copy_to(self, target) -> bool:
        return getattr(target, "provider", None) == "gcs" and target.endpoint == self.endpoint

    async def server_copy(self, key, target, target_key, version=None, if_absent=False, size=None) -> None:
        """The rewrite API: Google copies the bytes, in as many calls as it needs. Of
        generation `version` only (SourceChanged when it is gone), and with `if_absent`
        only onto a free name (Exists). gcsfs's `_cp_file` makes the same calls without
        the destination's precondition, which is why they are made here."""
        conditions = {"sourceGeneration": version} if version else {}
        if if_absent:
            conditions["ifGenerationMatch"] = "0"
        token = None
        while True:
            try:
                with patient():  # a rewrite copies for a while before it answers
                    out = await self.fs._call(
                        "POST",
                        "b/{}/o/{}/rewriteTo/b/{}/o/{}",
                        self.bucket,
                        key,
                        target.bucket,
                        target_key,
                        headers={"Content-Type": "application/json"},
                        json_out=True,
                        rewriteToken=token,
                        **conditions,
                    )
            except FileExistsError:
                if if_absent and await self._copied(key, version, target, target_key):
                    return  # a try whose answer was lost had copied it (holding)
                raise Exists(target_key) from None
            except FileNotFoundError:
                if version:
                    raise SourceChanged(f"generation {version} of {key} is gone") from None
                raise
            if out.get("done"):
                return
            token = out["rewriteToken"]

    async def _copied(self, key, version, target, target_key) -> bool:
        """Whether `target_key` holds what `key` (in generation `version`) holds."""
        try:
            source = await self.fs._call("GET", "b/{}/o/{}", self.bucket, key, json_out=True, generation=version)
        except FileNotFoundError:
            return False
        return await target.holding(target_key, int(source.get("size", -1)), source.get("crc32c")) is not None

    async def delete(self, key, version=None) -> None:
        """Remove one object; with `version`, only in that generation (Google refuses
        it otherwise: SourceChanged). An object already gone is no error."""
        condition = {"ifGenerationMatch": version} if version else {}
        try:
            await self.fs._call("DELETE", "b/{}/o/{}", self.bucket, key, **condition)
        except FileExistsError:  # 412
            raise SourceChanged(f"{key} is no longer generation {version}") from None
        except FileNotFoundError:
            return

    batch_size = GCS_BATCH  # deletes per bulk request (the JSON API's limit)

    async def delete_batch(self, batch: list, prefix=None, after=None, check=True) -> list:
        """Delete up to `batch_size` planned objects ({key, generation, ...}) in one batch
        request, each only in its planned generation: (status, reason) per entry."""
        return await gcs_batch(self, batch)

    async def abort_uploads(self, started) -> int:
        """Nothing to do: an unfinished resumable upload is never visible, and expires."""
        return 0


def _info(item: dict) -> ObjectInfo:
    md5 = item.get("md5Hash")
    return ObjectInfo(
        key=item["name"],
        size=int(item.get("size", 0)),
        modified=parse_time(item.get("updated")),
        created=parse_time(item.get("timeCreated")),
        etag=item.get("etag"),
        generation=item.get("generation"),
        md5=base64.b64decode(md5).hex() if md5 else None,
        crc32c=item.get("crc32c"),
    )
