"""A create-only write (GCS: ifGenerationMatch=0; S3: If-None-Match: *) whose answer is
lost after it landed: the library sends it again, and the second try meets the object the
first one wrote (412). That is the user's own write, not someone else's object (`holding`
in storage/gcs.py and storage/s3.py); another writer's different object is still refused.

The answer is lost for real: a Toxiproxy `limit_data` toxic (0 bytes) on the way back
from fake-gcs-server closes the connection after the request has reached it. A thread
watching the emulator directly removes the toxic as soon as the object is there, so
gcsfs's next try (after its 1 to 2 s back-off) gets through.

Why: CI once failed a 1 GiB upload. Its final compose took fake-gcs-server longer than a
try waited for an answer (15 s); each try cut short was tried again while the service
still composed the one before. Compose and rewrite now wait longer (gcs_fs.patient), and
a create-only write tried again after it had landed is not called a conflict."""

import asyncio
import threading
import time
import urllib.parse
import uuid

import botocore.exceptions
import pytest
import requests
from botocore.handlers import add_expect_header

from ..storage import gcs as gcs_module
from ..storage import gcs_composite, gcs_fs
from ..storage import s3 as s3_module
from ..storage.errors import Exists
from ..storage.gcs import GcsStore
from ..storage.s3 import S3Store
from .conftest import GCS, S3, gcs_get, gcs_put, s3_client
from .faults import GCS_PROXY, S3_PROXY

BUCKET = "leap-scratch"
INBOX = "leap-pangeo-inbox"


def exists(name: str) -> bool:
    quoted = urllib.parse.quote(name, safe="")
    return requests.get(f"{GCS}/storage/v1/b/{BUCKET}/o/{quoted}", timeout=10).status_code == 200


class AnswerLost:
    """Answers from a proxy cut (the request still arrives) until `name` exists at the
    emulator, then let through again. `start` adds the toxic (from any thread)."""

    def __init__(self, toxi, name: str, proxy: str = "gcs", start_now: bool = True):
        self.toxi, self.name, self.proxy, self.start_now = toxi, name, proxy, start_now
        self.cut_at = None
        self.added = threading.Event()

    def start(self):
        if not self.added.is_set():
            self.toxic = self.toxi.client.add(self.proxy, "limit_data", bytes=0)
            self.added.set()

    async def __aenter__(self):
        if self.start_now:
            await asyncio.to_thread(self.start)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()
        return self

    def _there(self) -> bool:
        if self.proxy == "gcs":
            return exists(self.name)
        try:
            s3_client().head_object(Bucket=INBOX, Key=self.name)
            return True
        except botocore.exceptions.ClientError:
            return False

    def _watch(self):
        while not self.stop.is_set():
            if self.added.is_set() and self._there():
                self.cut_at = time.monotonic()
                self.toxi.client.remove(self.proxy, self.toxic)
                return
            time.sleep(0.02)

    async def __aexit__(self, *exc):
        self.stop.set()
        await asyncio.to_thread(self.thread.join, 30)


def gcs_resource(name: str) -> dict:
    quoted = urllib.parse.quote(name, safe="")
    return requests.get(f"{GCS}/storage/v1/b/{BUCKET}/o/{quoted}", timeout=10).json()


def stores():
    """A store straight to the emulator (to set things up) and one through the proxy."""
    return GcsStore(BUCKET, GCS, "anon"), GcsStore(BUCKET, GCS_PROXY, "anon")


async def chunks(data: bytes):
    yield data


async def test_a_create_only_upload_whose_answer_was_lost_lands_once(toxi, fault_case):
    record = fault_case("answer lost", "create-only media upload to GCS: the answer cut after it landed")
    key = f"demo/lost-{uuid.uuid4().hex[:8]}/small.bin"
    data = b"one request " * 1000
    _, proxied = stores()
    async with AnswerLost(toxi, key) as lost:
        landed = await proxied.upload(key, len(data), chunks(data), if_absent=True)
    assert lost.cut_at is not None, "the toxic never cut an answer: the test tried nothing"
    assert landed.size == len(data) and gcs_get(BUCKET, key) == data
    record.check("the retried upload met its own object and said it was written, with its size")
    record.passed()


async def test_a_create_only_compose_whose_answer_was_lost_lands_once(toxi, fault_case):
    record = fault_case("answer lost", "create-only compose on GCS: the answer cut after it joined the parts")
    folder = f"demo/lost-{uuid.uuid4().hex[:8]}/"
    key = folder + "joined.bin"
    direct, proxied = stores()
    pieces = [bytes([n]) * (256 * 1024 + n) for n in range(3)]
    names = [f"{folder}part-{n}" for n in range(3)]
    parts = [await direct.media_upload(name, piece) for name, piece in zip(names, pieces)]
    whole = gcs_composite._joined(parts)
    async with AnswerLost(toxi, key) as lost:
        out = await gcs_composite._compose_one(proxied, names, key, whole)
    assert lost.cut_at is not None, "the toxic never cut an answer: the test tried nothing"
    assert gcs_get(BUCKET, key) == b"".join(pieces)
    # fake-gcs-server ignores ifGenerationMatch on compose (the retry composes again rather
    # than answering 412), so what is checked of `holding` here is what it compares: the
    # size and CRC32C combined from the parts are those the service reports for the whole.
    assert whole == (int(out["size"]), out["crc32c"]) == (sum(map(len, pieces)), gcs_resource(key)["crc32c"])
    record.check(
        "the compose tried again landed the parts joined once; their combined size and CRC32C are the service's"
    )
    record.passed()


async def test_a_create_only_rewrite_whose_answer_was_lost_lands_once(toxi, fault_case):
    record = fault_case("answer lost", "create-only rewrite (server-side copy) on GCS: the answer cut after it copied")
    folder = f"demo/lost-{uuid.uuid4().hex[:8]}/"
    direct, proxied = stores()
    gcs_put(BUCKET, folder + "source.bin", b"copied once" * 100)
    async with AnswerLost(toxi, folder + "copy.bin") as lost:
        await proxied.server_copy(folder + "source.bin", proxied, folder + "copy.bin", if_absent=True)
    assert lost.cut_at is not None, "the toxic never cut an answer: the test tried nothing"
    # fake-gcs-server ignores ifGenerationMatch on rewrite: the retry copies again rather
    # than answering 412; what `_copied` decides then is tested below.
    assert gcs_get(BUCKET, folder + "copy.bin") == b"copied once" * 100
    record.check("the rewrite tried again left one whole copy and said it was copied")
    record.passed()


async def test_another_writers_object_is_still_refused(emulators):
    """Without a lost answer: an object already at the name with other bytes is refused by
    a create-only upload and left as it was; `_copied` (what a rewrite answered 412 asks)
    tells a copy of the source from anything else. (fake-gcs-server ignores ifGenerationMatch
    on compose and rewrite, so only the upload is refused by the service here.)"""
    folder = f"demo/lost-{uuid.uuid4().hex[:8]}/"
    direct, _ = stores()
    theirs, ours = b"someone else's bytes", b"our bytes, not theirs"
    gcs_put(BUCKET, folder + "upload.bin", theirs)
    with pytest.raises(Exists):
        await direct.upload(folder + "upload.bin", len(ours), chunks(ours), if_absent=True)
    assert gcs_get(BUCKET, folder + "upload.bin") == theirs
    gcs_put(BUCKET, folder + "source.bin", ours)
    gcs_put(BUCKET, folder + "same.bin", ours)
    assert await direct._copied(folder + "source.bin", None, direct, folder + "same.bin")
    assert not await direct._copied(folder + "source.bin", None, direct, folder + "upload.bin")
    assert not await direct._copied(folder + "source.bin", None, direct, folder + "absent.bin")
    source_generation = (await direct.head(folder + "source.bin")).generation
    gcs_put(BUCKET, folder + "source.bin", theirs)  # the source changed since: no longer a copy of that generation
    assert not await direct._copied(folder + "source.bin", source_generation, direct, folder + "same.bin")


def test_compose_and_rewrite_wait_longer_for_an_answer_than_other_requests():
    _, proxied = stores()
    assert proxied.fs.requests_timeout.sock_read == gcs_fs.STALL
    with gcs_fs.patient():
        assert proxied.fs.requests_timeout.sock_read == gcs_fs.SLOW_STALL
    assert proxied.fs.requests_timeout.sock_read == gcs_fs.STALL


async def test_a_batch_of_deletes_slower_than_a_try_is_waited_for(toxi, fault_case, monkeypatch):
    """A batch whose answer comes after STALL (fake-gcs-server, loaded, took over 15 s for
    some batches of 100) is waited for, not cut and sent again: a second try would find
    the parts the first deleted gone (404) and count them as skipped. STALL is made 1 s
    here and the answers 3 s late, so the test takes seconds, not minutes."""
    record = fault_case("slow answer", "batch of deletes on GCS answered after a try's usual wait")
    monkeypatch.setattr(gcs_module, "STALL", 1.0)
    folder = f"demo/slow-batch-{uuid.uuid4().hex[:8]}/"
    direct, proxied = stores()
    assert proxied.fs.requests_timeout.sock_read == 1.0
    batch = []
    for n in range(5):
        key = f"{folder}c/{n}"
        gcs_put(BUCKET, key, b"chunk %d" % n)
        batch.append({"key": key, "generation": str((await direct.head(key)).generation)})
    await toxi.add("gcs", "latency", latency=3000)
    results = await proxied.delete_batch(batch)
    await toxi.clear()
    assert results == [("deleted", None)] * len(batch), results
    assert not any(exists(entry["key"]) for entry in batch)
    record.check("every part of the slow batch counted as deleted, and each object is gone")
    record.passed()


def s3_read(key: str) -> bytes:
    return s3_client().get_object(Bucket=INBOX, Key=key)["Body"].read()


async def test_a_create_only_put_object_whose_answer_was_lost_lands_once(toxi, fault_case):
    record = fault_case("answer lost", "create-only PutObject to S3 (moto): the answer cut after it landed")
    key = f"demo/lost-{uuid.uuid4().hex[:8]}/small.bin"
    data = b"one put " * 1000
    proxied = S3Store(INBOX, S3_PROXY, False, "testing", "testing")
    # botocore asks for "100 Continue" before a PutObject's body; the toxic would cut that
    # and the body would never go. Sent at once, the request arrives whole.
    await proxied.fs.set_session()
    proxied.fs.s3.meta.events.unregister("before-call.s3", add_expect_header)
    async with AnswerLost(toxi, key, proxy="s3") as lost:
        landed = await proxied.upload(key, len(data), chunks(data), if_absent=True)
    assert lost.cut_at is not None, "the toxic never cut an answer: the test tried nothing"
    assert landed.size == len(data) and s3_read(key) == data
    record.check("the retried PutObject met its own object (size and MD5) and said it was written")
    record.passed()


async def test_a_create_only_multipart_upload_whose_completion_answer_was_lost_lands_once(
    toxi, fault_case, monkeypatch
):
    record = fault_case(
        "answer lost", "create-only multipart upload to S3 (moto): CompleteMultipartUpload's answer cut"
    )
    monkeypatch.setattr(s3_module, "SINGLE_REQUEST", 0)
    key = f"demo/lost-{uuid.uuid4().hex[:8]}/parts.bin"
    data = b"two parts " * 1000
    proxied = S3Store(INBOX, S3_PROXY, False, "testing", "testing")
    lost = AnswerLost(toxi, key, proxy="s3", start_now=False)
    real_call = proxied.fs._call_s3

    async def call(method, *args, **kwargs):
        if method == "complete_multipart_upload":  # only this answer is cut
            await asyncio.to_thread(lost.start)
        return await real_call(method, *args, **kwargs)

    monkeypatch.setattr(proxied.fs, "_call_s3", call)
    async with lost:
        await proxied.upload(key, len(data), chunks(data), if_absent=True)
    assert lost.cut_at is not None, "the toxic never cut an answer: the test tried nothing"
    # moto answers a completion tried again with 200, not 412 or NoSuchUpload: what is
    # checked here is the end (one whole object, no upload left); what `holding` decides
    # for a multipart object is tested below.
    assert s3_read(key) == data
    assert not s3_client().list_multipart_uploads(Bucket=INBOX, Prefix=key).get("Uploads")
    record.check("the retried completion met its own object (size and multipart ETag) and said it was written")
    record.passed()


async def test_s3_holding_tells_a_multipart_upload_from_other_bytes(emulators, monkeypatch):
    """The multipart ETag computed from the parts is the one the service gives the object."""
    monkeypatch.setattr(s3_module, "SINGLE_REQUEST", 0)
    key = f"demo/lost-{uuid.uuid4().hex[:8]}/parts.bin"
    store = S3Store(INBOX, S3, False, "testing", "testing")
    sent = []
    real_call = store.fs._call_s3

    async def call(method, *args, **kwargs):
        out = await real_call(method, *args, **kwargs)
        if method == "complete_multipart_upload":
            sent.append(kwargs["MultipartUpload"]["Parts"])
        return out

    monkeypatch.setattr(store.fs, "_call_s3", call)
    data = b"mine " * 100
    await store.upload(key, len(data), chunks(data), if_absent=True)
    etag = s3_module._multipart_etag(sent[0])
    assert s3_client().head_object(Bucket=INBOX, Key=key)["ETag"].strip('"') == etag
    assert await store.holding(key, len(data), etag)
    assert not await store.holding(key, len(data) + 1, etag)
    s3_client().put_object(Bucket=INBOX, Key=key, Body=b"other bytes")
    assert not await store.holding(key, len(data), etag)
