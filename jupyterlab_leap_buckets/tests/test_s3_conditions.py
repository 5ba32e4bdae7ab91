"""What the S3 store makes of a refused condition (HTTP 412), against moto, checked with
boto3. s3fs turns PreconditionFailed into an OSError whose text is the service's ("At
least one of the pre-conditions you specified did not hold", on AWS, Ceph and moto), so
a test of the text ("Precondition") missed it: a source changed since its listing then
failed as a plain storage error instead of `source-changed`.

moto ignores x-amz-copy-source-if-match (CopyObject and UploadPartCopy), which AWS and
Ceph honour, so a server-side copy of a changed source cannot be tried here; a move
still keeps such a source, since its delete re-reads the ETag (S3Store.delete)."""

import uuid

import pytest

from jupyterlab_leap_buckets.storage.errors import Exists, SourceChanged
from jupyterlab_leap_buckets.storage.s3 import S3Store

from .conftest import S3, s3_client

INBOX = "leap-pangeo-inbox"


@pytest.fixture
def store(emulators):
    return S3Store(INBOX, S3, False, "testing", "testing")


@pytest.fixture
def key():
    return f"demo/conditions-{uuid.uuid4().hex[:8]}"


async def _pieces(data: bytes):
    yield data


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


async def test_a_copy_onto_a_taken_name_is_exists_and_keeps_it(store, key):
    client = s3_client()
    etag = client.put_object(Bucket=INBOX, Key=key, Body=b"source")["ETag"]
    client.put_object(Bucket=INBOX, Key=f"{key}-taken", Body=b"someone's")
    with pytest.raises(Exists):
        await store.server_copy(key, store, f"{key}-taken", version=etag, if_absent=True, size=6)
    assert client.get_object(Bucket=INBOX, Key=f"{key}-taken")["Body"].read() == b"someone's"
    with pytest.raises(Exists):
        await store.upload(f"{key}-taken", 5, _pieces(b"mine!"), if_absent=True)
    assert client.get_object(Bucket=INBOX, Key=f"{key}-taken")["Body"].read() == b"someone's"
