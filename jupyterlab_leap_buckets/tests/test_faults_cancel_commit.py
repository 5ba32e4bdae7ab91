"""A write of many requests cancelled while its last request is on its way: that request
(S3's CompleteMultipartUpload, GCS's last compose, a resumable upload's last chunk) makes
the object whole at the service, and cannot be taken back once sent. The write waits for
its answer and says the object was written (storage.base.committed); before, it said
"cancelled" while the object was there, so a job counted one object fewer than had
landed (a move then kept that source; a resume copied it again).

The answer is late for real: when the last request starts, a Toxiproxy `latency` toxic
holds everything the emulator sends back for LATE ms. The test cancels only once the
object is at the emulator (asked directly, not through the proxy), so the request had
landed: a write that then says "cancelled" is wrong."""

import asyncio
import json
import os
import time
import uuid

import pytest
import s3fs

from ..storage import gcs as gcs_module
from ..storage import gcs_composite
from ..storage import s3 as s3_module
from ..storage.gcs import GcsStore
from ..storage.s3 import S3Store
from .conftest import GCS, S3, gcs_get, gcs_independent_keys, gcs_put, s3_client
from .faults import GCS_PROXY, S3_PROXY, ended, wait_job
from .test_faults_lost_answers import INBOX, exists

BUCKET = "leap-scratch"
KiB, MiB = 1024, 1024 * 1024
LATE = 2000  # ms the answers are held once the last request starts


async def chunks(data: bytes, size: int = 64 * KiB):
    for start in range(0, len(data), size):
        yield data[start : start + size]


def s3_there(key: str) -> bool:
    return bool(s3_client().list_objects_v2(Bucket=INBOX, Prefix=key).get("Contents"))


async def hold_answers(toxi, proxy: str, last_sent: asyncio.Event):
    """Called as the last request starts: the proxy's answers come LATE ms late from now."""
    await toxi.add(proxy, "latency", latency=LATE)
    last_sent.set()


async def landed(last_sent: asyncio.Event, there):
    """Once the last request has started, wait until `there()` sees the object at the
    emulator, within the first three quarters of the answer's delay."""
    await asyncio.wait_for(last_sent.wait(), 60)
    deadline = time.monotonic() + LATE / 1000 * 0.75
    while not await asyncio.to_thread(there):
        assert time.monotonic() < deadline, "the object never landed while its answer was held"
        await asyncio.sleep(0.02)


async def cancel_once_there(write, last_sent: asyncio.Event, there) -> asyncio.Task:
    """Start `write`; when its last request has started (`last_sent`) and the object is at
    the emulator, cancel it. The task, once it has ended."""
    task = asyncio.ensure_future(write)
    await landed(last_sent, there)
    assert not task.done(), "the write ended before its answer could have come"
    task.cancel()
    await asyncio.wait([task], timeout=60)
    assert task.done()
    return task


def s3_case(monkeypatch, endpoint: str, name: str) -> tuple:
    """An S3 upload in parts of any size (SINGLE_REQUEST 0): its key, a store reaching
    S3 at `endpoint`, and that store's own call, for a test to wrap."""
    monkeypatch.setattr(s3_module, "SINGLE_REQUEST", 0)
    store = S3Store(INBOX, endpoint, False, "testing", "testing")
    return f"demo/cancel-{uuid.uuid4().hex[:8]}/{name}", store, store.fs._call_s3


async def test_a_multipart_upload_cancelled_during_its_completion_says_it_landed(toxi, fault_case, monkeypatch):
    record = fault_case("cancel", "S3 multipart upload cancelled while CompleteMultipartUpload is answered late")
    key, proxied, real_call = s3_case(monkeypatch, S3_PROXY, "parts.bin")
    data = b"completed " * 20000
    last_sent = asyncio.Event()

    async def call(method, *args, **kwargs):
        if method == "complete_multipart_upload":
            await hold_answers(toxi, "s3", last_sent)
        return await real_call(method, *args, **kwargs)

    monkeypatch.setattr(proxied.fs, "_call_s3", call)
    # One part (S3 wants 5 MiB a part but the last).
    write = proxied.upload(key, len(data), chunks(data, len(data)), if_absent=True, started=[])
    task = await cancel_once_there(write, last_sent, lambda: s3_there(key))
    assert not task.cancelled(), "the upload said it was cancelled although its object is there"
    task.result()
    assert s3_client().get_object(Bucket=INBOX, Key=key)["Body"].read() == data
    assert not s3_client().list_multipart_uploads(Bucket=INBOX, Prefix=key).get("Uploads")
    record.check("the completion was waited for; the upload said written, and the object is whole")
    record.passed()


async def test_a_multipart_upload_cancelled_while_its_lost_completion_is_checked_says_it_landed(
    fault_case, monkeypatch
):
    """The completion lands but its answer is lost: the library's next try is refused
    (412: the create-only condition met the object the first try made), and the upload
    asks `holding` whether that object is its own. A cancel in between waits for that
    answer too: the object is the upload's, so it says written. (Before, the check ran
    outside `committed`, and the cancel skipped it: the upload said cancelled while its
    object was there.) The lost answer is played by the call: the completion is sent
    for real, and its outcome replaced by the refusal a second try would get."""
    record = fault_case("cancel", "S3 multipart upload cancelled while a lost completion's answer is checked")
    key, store, real_call = s3_case(monkeypatch, S3, "lost.bin")
    data = b"lost answer " * 20000
    landed_now = asyncio.Event()

    async def call(method, *args, **kwargs):
        out = await real_call(method, *args, **kwargs)
        if method == "complete_multipart_upload":
            landed_now.set()
            await asyncio.sleep(LATE / 1000)  # the answer is lost; the library tries again
            raise FileExistsError(f"412 Precondition Failed: {kwargs['Key']} exists")
        return out

    monkeypatch.setattr(store.fs, "_call_s3", call)
    started: list = []
    task = asyncio.ensure_future(store.upload(key, len(data), chunks(data, len(data)), if_absent=True, started=started))
    await asyncio.wait_for(landed_now.wait(), 60)
    assert s3_there(key)
    task.cancel()
    await asyncio.wait([task], timeout=60)
    assert not task.cancelled(), "the upload said it was cancelled although its object is there"
    task.result()
    assert started == []
    assert s3_client().get_object(Bucket=INBOX, Key=key)["Body"].read() == data
    record.check("the lost completion's check was waited for; the upload said written")
    record.passed()


async def test_a_composite_upload_cancelled_during_its_last_compose_says_it_landed(toxi, fault_case, monkeypatch):
    record = fault_case("cancel", "GCS composite upload cancelled while its last compose is answered late")
    monkeypatch.setattr(gcs_composite, "PART", 256 * KiB)
    folder = f"demo/cancel-{uuid.uuid4().hex[:8]}/"
    key = folder + "joined.bin"
    data = bytes(range(256)) * (3 * KiB)  # three parts of 256 KiB
    proxied = GcsStore(BUCKET, GCS_PROXY, "anon")
    last_sent = asyncio.Event()
    real_call = proxied.fs._call

    async def call(method, path, *args, **kwargs):
        if method == "POST" and path.endswith("/compose"):
            await hold_answers(toxi, "gcs", last_sent)
        return await real_call(method, path, *args, **kwargs)

    monkeypatch.setattr(proxied.fs, "_call", call)
    write = gcs_composite.composite_upload(proxied, key, chunks(data), if_absent=True)
    task = await cancel_once_there(write, last_sent, lambda: exists(key))
    assert not task.cancelled(), "the upload said it was cancelled although its object is there"
    assert int(task.result()["size"]) == len(data)
    await toxi.clear()
    assert gcs_get(BUCKET, key) == data
    leftover = [info.key async for info in GcsStore(BUCKET, GCS, "anon").walk(folder) if info.key != key]
    assert leftover == [], leftover  # the parts went as after any compose
    record.check("the compose was waited for; the upload said written, the object is whole, its parts gone")
    record.passed()


async def test_a_resumable_upload_cancelled_during_its_last_chunk_says_it_landed(toxi, fault_case, monkeypatch):
    record = fault_case("cancel", "GCS resumable upload cancelled while its last chunk is answered late")
    monkeypatch.setattr(gcs_module, "SINGLE_REQUEST", 0)
    monkeypatch.setattr(gcs_module, "UPLOAD_CHUNK", 256 * KiB)
    key = f"demo/cancel-{uuid.uuid4().hex[:8]}/resumable.bin"
    data = b"resumable " * 30000  # 300,000 bytes: a chunk of 256 KiB, then the last
    proxied = GcsStore(BUCKET, GCS_PROXY, "anon")
    last_sent = asyncio.Event()
    real_chunk = gcs_module.upload_chunk

    async def upload_chunk(fs, location, piece, offset, size, content_type):
        if offset + len(piece) == size:
            await hold_answers(toxi, "gcs", last_sent)
        return await real_chunk(fs, location, piece, offset, size, content_type)

    monkeypatch.setattr(gcs_module, "upload_chunk", upload_chunk)
    write = proxied.upload(key, len(data), chunks(data), if_absent=True)
    task = await cancel_once_there(write, last_sent, lambda: exists(key))
    assert not task.cancelled(), "the upload said it was cancelled although its object is there"
    assert task.result().size == len(data)
    assert gcs_get(BUCKET, key) == data
    record.check("the last chunk was waited for; the upload said written, and the object is whole")
    record.passed()


async def test_a_composite_upload_cancelled_while_its_parts_are_on_their_way_leaves_no_part(
    toxi, fault_case, monkeypatch
):
    """The parts' requests are sent whole, but reach the emulator LATE ms later (a latency
    toxic on the requests, through the proxy; the rest of the upload goes direct). A
    cancel meanwhile cannot take them back: they land after it. The upload lets them end
    before it deletes its parts, so none is left behind, now or once the late ones would
    have landed. (Before, the clean-up deleted and swept the parts folder while the parts
    were still on their way, and they landed after it.)"""
    record = fault_case("cancel", "GCS composite upload cancelled while its parts' requests are on their way")
    monkeypatch.setattr(gcs_composite, "PART", 256 * KiB)
    folder = f"demo/cancel-{uuid.uuid4().hex[:8]}/"
    data = os.urandom(3 * 256 * KiB)  # three parts, all in flight at once
    store = GcsStore(BUCKET, GCS, "anon")
    proxied = GcsStore(BUCKET, GCS_PROXY, "anon")
    await toxi.add("gcs", "latency", stream="upstream", latency=LATE)
    first_sent = asyncio.Event()

    async def media_upload(name, part):
        first_sent.set()
        return await proxied.media_upload(name, part)

    monkeypatch.setattr(store, "media_upload", media_upload)
    task = asyncio.ensure_future(gcs_composite.composite_upload(store, folder + "joined.bin", chunks(data)))
    await asyncio.wait_for(first_sent.wait(), 60)
    await asyncio.sleep(LATE / 1000 / 4)  # the bodies have gone into the proxy; none has arrived
    assert gcs_independent_keys(BUCKET, folder) == [], "a part arrived before its requests were held"
    task.cancel()
    await asyncio.wait([task], timeout=60)
    assert task.cancelled()
    assert gcs_independent_keys(BUCKET, folder) == [], "the upload ended with parts left"
    await asyncio.sleep(LATE / 1000 + 1)  # past when a held request would have landed
    assert gcs_independent_keys(BUCKET, folder) == [], "a part landed after the upload's clean-up"
    record.check("the parts in flight were let end, then deleted: nothing left, then or later")
    record.passed()


async def test_a_multipart_upload_cancelled_while_its_parts_are_on_their_way_leaves_no_upload(
    toxi, fault_case, monkeypatch
):
    """As above on S3: parts held on their way to the emulator when the upload is
    cancelled. It lets them end, then aborts: no object, and no upload left open. (AWS
    says a part stored after an abort can keep an upload's storage until it is aborted
    again, hence the wait; moto and versitygw refuse such a part, so the race cannot
    show here: this checks that the parts were let end, and the cancel's clean end.)"""
    # Shorter than LATE: botocore waits for "100 Continue" before a part's body, and the
    # proxy holds each piece of a request in turn, so a part takes several HELD to arrive.
    HELD = 500
    record = fault_case("cancel", "S3 multipart upload cancelled while its parts' requests are on their way")
    key, store, real_call = s3_case(monkeypatch, S3_PROXY, "parts.bin")
    data = os.urandom(3 * 256 * KiB)  # three parts (never completed: S3's 5 MiB least is not asked)
    first_sent = asyncio.Event()

    cut = []  # parts whose requests were cancelled rather than let end

    async def call(method, *args, **kwargs):
        if method == "upload_part" and not first_sent.is_set():
            await toxi.add("s3", "latency", stream="upstream", latency=HELD)
            first_sent.set()
        try:
            return await real_call(method, *args, **kwargs)
        except asyncio.CancelledError:
            cut.append(kwargs.get("PartNumber"))
            raise

    monkeypatch.setattr(store.fs, "_call_s3", call)
    started: list = []
    task = asyncio.ensure_future(store.upload(key, len(data), chunks(data, 256 * KiB), started=started))
    await asyncio.wait_for(first_sent.wait(), 60)
    await asyncio.sleep(HELD / 1000 / 4)
    task.cancel()
    await asyncio.wait([task], timeout=60)
    assert task.cancelled()
    assert cut == [], f"parts {cut} were cut on their way, not let end"
    await toxi.clear()
    await asyncio.sleep(HELD / 1000 + 1)  # past when a held request would have been stored
    assert not s3_there(key)
    assert not s3_client().list_multipart_uploads(Bucket=INBOX, Prefix=key).get("Uploads"), "an upload was left open"
    assert started == []
    record.check("the parts in flight were let end, then the upload aborted: nothing left")
    record.passed()


@pytest.fixture
def jp_server_config(proxied_server_config):
    return proxied_server_config


async def test_a_move_cancelled_during_a_completion_counts_the_object_and_deletes_its_source(
    api, jp_fetch, toxi, fault_case, monkeypatch
):
    """Through the API: a move of one object above a chunk (a multipart upload), GCS to
    the OSN inbox, cancelled once the object is there but its completion's answer is not.
    The job ends cancelled, counting the object as moved: its source is deleted (under
    the same rules as a delete), and nothing is at either place that the job did not say."""
    record = fault_case("cancel", "a move GCS to S3 cancelled while the completion of its multipart upload is late")
    run = uuid.uuid4().hex[:6]
    source, target = f"demo/cancel-src-{run}/", f"demo/cancel-dst-{run}/"
    data = os.urandom(9 * MiB)
    gcs_put(BUCKET, source + "big.bin", data)
    last_sent = asyncio.Event()
    real_call = s3fs.S3FileSystem._call_s3

    async def call(self, method, *args, **kwargs):
        if method == "complete_multipart_upload":
            await hold_answers(toxi, "s3", last_sent)
        return await real_call(self, method, *args, **kwargs)

    monkeypatch.setattr(s3fs.S3FileSystem, "_call_s3", call)
    body = {
        "source": {"root": "scratch", "path": source},
        "target": {"root": "osn-inbox", "path": target},
        "mode": "move",
        "conflict": "fail",
    }
    response = await jp_fetch("leap-buckets", "api", "transfers", method="POST", body=json.dumps(body))
    job = json.loads(response.body)
    key = f"{target}cancel-src-{run}/big.bin"
    await landed(last_sent, lambda: s3_there(key))
    await jp_fetch("leap-buckets", "api", "jobs", job["id"], method="DELETE")
    job = await wait_job(api, job, ended)
    assert job["state"] == "cancelled", job
    assert s3_client().get_object(Bucket=INBOX, Key=key)["Body"].read() == data
    assert job["objectsDone"] == 1 and job["objectsFailed"] == 0, job
    assert gcs_independent_keys(BUCKET, source) == [], "the moved object's source was kept"
    assert not s3_client().list_multipart_uploads(Bucket=INBOX, Prefix=target).get("Uploads")
    record.check("cancelled, with the object that landed counted moved and its source deleted")
    record.passed()
