"""What the S3 store makes of a refused condition (HTTP 412), and which conditions each S3
server honours, against moto and versitygw (`s3_server`), checked with boto3. Each test
here is one row of docs/s3-servers.md.

s3fs turns PreconditionFailed into an OSError whose text is the service's ("At least one
of the pre-conditions you specified did not hold", on AWS, Ceph and moto), so a test of
the text ("Precondition") missed it: a source changed since its listing then failed as a
plain storage error instead of `source-changed`."""

import uuid

import botocore.exceptions
import pytest

from jupyterlab_leap_buckets.storage import s3 as s3_module
from jupyterlab_leap_buckets.storage.base import ObjectInfo
from jupyterlab_leap_buckets.storage.errors import Exists, SourceChanged
from jupyterlab_leap_buckets.storage.s3 import S3Store

from .conftest import s3_client, s3_now

INBOX = "leap-pangeo-inbox"
# Where the servers differ: whether CopyObject and UploadPartCopy honour
# x-amz-copy-source-if-match (AWS and Ceph do; moto 5.2 copies whatever the source is).
HONOURS_COPY_SOURCE_IF_MATCH = {"moto": False, "versitygw": True}


@pytest.fixture
def store(s3_server):
    return S3Store(INBOX, s3_now(), False, "testing", "testing")


@pytest.fixture
def key():
    return f"demo/conditions-{uuid.uuid4().hex[:8]}"


async def _pieces(data: bytes):
    yield data


def _status(call) -> int:
    try:
        call()
    except botocore.exceptions.ClientError as exc:
        return exc.response["ResponseMetadata"]["HTTPStatusCode"]
    return 200


async def test_a_read_of_a_changed_object_is_source_changed(store, key):
    client = s3_client()
    old = client.put_object(Bucket=INBOX, Key=key, Body=b"listed")["ETag"]
    client.put_object(Bucket=INBOX, Key=key, Body=b"saved since")
    with pytest.raises(SourceChanged):
        async for _ in store.stream(key, 6, 1024, version=old):
            pass
    pieces = [
        piece async for piece in store.stream(key, 11, 1024, version=client.head_object(Bucket=INBOX, Key=key)["ETag"])
    ]
    assert b"".join(pieces) == b"saved since"


async def test_a_ranged_read_is_one_ranged_get_of_that_version(store, key):
    client = s3_client()
    etag = client.put_object(Bucket=INBOX, Key=key, Body=b"0123456789")["ETag"]
    pieces = [piece async for piece in store.stream(key, 4, 3, version=etag, start=5)]
    assert pieces == [b"567", b"8"]
    client.put_object(Bucket=INBOX, Key=key, Body=b"9876543210")
    with pytest.raises(SourceChanged):
        async for _ in store.stream(key, 4, 3, version=etag, start=5):
            pass


async def test_a_copy_onto_a_taken_name_is_exists_and_keeps_it(store, key):
    """If-None-Match: * on PutObject and on CompleteMultipartUpload (the copy's)."""
    client = s3_client()
    etag = client.put_object(Bucket=INBOX, Key=key, Body=b"source")["ETag"]
    client.put_object(Bucket=INBOX, Key=f"{key}-taken", Body=b"someone's")
    with pytest.raises(Exists):
        await store.server_copy(key, store, f"{key}-taken", version=etag, if_absent=True, size=6)
    assert client.get_object(Bucket=INBOX, Key=f"{key}-taken")["Body"].read() == b"someone's"
    with pytest.raises(Exists):
        await store.upload(f"{key}-taken", 5, _pieces(b"mine!"), if_absent=True)
    assert client.get_object(Bucket=INBOX, Key=f"{key}-taken")["Body"].read() == b"someone's"
    assert not client.list_multipart_uploads(Bucket=INBOX, Prefix=key).get("Uploads")  # the copy's was aborted


async def test_a_multipart_upload_onto_a_taken_name_is_exists_and_keeps_it(store, key, monkeypatch):
    """If-None-Match: * on CompleteMultipartUpload of an upload (a large object's path)."""
    monkeypatch.setattr(s3_module, "SINGLE_REQUEST", 0)
    client = s3_client()
    client.put_object(Bucket=INBOX, Key=key, Body=b"someone's")
    with pytest.raises(Exists):
        await store.upload(key, 5, _pieces(b"mine!"), if_absent=True)
    assert client.get_object(Bucket=INBOX, Key=key)["Body"].read() == b"someone's"
    assert await store.upload(f"{key}-free", 5, _pieces(b"mine!"), if_absent=True) is None  # multipart: no MD5
    assert client.get_object(Bucket=INBOX, Key=f"{key}-free")["Body"].read() == b"mine!"


async def test_a_delete_of_a_changed_object_keeps_it(store, key):
    client = s3_client()
    old = client.put_object(Bucket=INBOX, Key=key, Body=b"listed")["ETag"]
    client.put_object(Bucket=INBOX, Key=key, Body=b"saved since")
    with pytest.raises(SourceChanged):
        await store.delete(key, version=old)
    assert client.get_object(Bucket=INBOX, Key=key)["Body"].read() == b"saved since"


async def test_delete_if_match_closes_the_window_after_the_head(store, key, monkeypatch):
    """The object is saved between the store's read of its ETag and its DeleteObject:
    the If-Match sent with it keeps the new version (both servers honour it; Ceph only
    since 2025, so the ETag is read first as well)."""
    client = s3_client()
    old = client.put_object(Bucket=INBOX, Key=key, Body=b"listed")["ETag"]
    client.put_object(Bucket=INBOX, Key=key, Body=b"saved in the window")

    async def stale_head(k):
        return ObjectInfo(k, 6, None, None, etag=old)

    monkeypatch.setattr(store, "head", stale_head)
    with pytest.raises(SourceChanged):
        await store.delete(key, version=old)
    assert client.get_object(Bucket=INBOX, Key=key)["Body"].read() == b"saved in the window"
    monkeypatch.undo()  # the real head: the delete of the version now there goes through
    await store.delete(key, version=client.head_object(Bucket=INBOX, Key=key)["ETag"])
    assert client.list_objects_v2(Bucket=INBOX, Prefix=key).get("KeyCount", 0) == 0


async def test_a_server_copy_of_a_changed_source(store, key, s3_server):
    """x-amz-copy-source-if-match: versitygw refuses a changed source (SourceChanged, no
    copy), moto copies it anyway. A move then still keeps such a source, since its delete
    is conditional (the tests above)."""
    client = s3_client()
    old = client.put_object(Bucket=INBOX, Key=key, Body=b"listed")["ETag"]
    client.put_object(Bucket=INBOX, Key=key, Body=b"saved since")
    for if_absent in (False, True):  # CopyObject, then UploadPartCopy
        target = f"{key}-copy-{if_absent}"
        if HONOURS_COPY_SOURCE_IF_MATCH[s3_server]:
            with pytest.raises(SourceChanged):
                await store.server_copy(key, store, target, version=old, if_absent=if_absent, size=6)
            assert client.list_objects_v2(Bucket=INBOX, Prefix=target).get("KeyCount", 0) == 0
        else:
            await store.server_copy(key, store, target, version=old, if_absent=if_absent, size=11)
            assert client.get_object(Bucket=INBOX, Key=target)["Body"].read() == b"saved since"


async def test_delete_objects_ignores_per_key_etags(store, key):
    """DeleteObjects with a wrong ETag for a key deletes it on both servers (AWS honours
    it since 2025-09, Ceph's gateway since ceph#63348): bulk_delete.s3_batch sends each
    key's ETag for the services that honour it, and lists each batch's keys right before
    it for those that do not."""
    client = s3_client()
    client.put_object(Bucket=INBOX, Key=key, Body=b"x")
    out = client.delete_objects(Bucket=INBOX, Delete={"Objects": [{"Key": key, "ETag": '"' + "0" * 32 + '"'}]})
    assert [d["Key"] for d in out.get("Deleted", [])] == [key]
    assert client.list_objects_v2(Bucket=INBOX, Prefix=key).get("KeyCount", 0) == 0


async def test_conditional_requests_each_server_answers_412(store, key):
    """The raw answers the store relies on: 412 for If-None-Match: * on a taken name and
    for a wrong If-Match on GetObject and DeleteObject."""
    client = s3_client()
    client.put_object(Bucket=INBOX, Key=key, Body=b"x")
    wrong = '"' + "0" * 32 + '"'
    assert _status(lambda: client.put_object(Bucket=INBOX, Key=key, Body=b"y", IfNoneMatch="*")) == 412
    assert _status(lambda: client.get_object(Bucket=INBOX, Key=key, IfMatch=wrong)) == 412
    assert _status(lambda: client.delete_object(Bucket=INBOX, Key=key, IfMatch=wrong)) == 412
    assert client.get_object(Bucket=INBOX, Key=key)["Body"].read() == b"x"
