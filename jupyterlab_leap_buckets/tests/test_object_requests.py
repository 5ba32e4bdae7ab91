"""`GET object` of a large object is one GET to the service, and a `Range` one ranged
GET, on GCS and on both S3 servers: a GET per 4 MiB chunk cost a round trip each (17.6 s
for 300 MiB from moto where one GET took 0.4 s, docs/benchmarks.md). A proxy between
our server and the emulator counts the requests; the bytes are checked against what
was written."""

import os
import uuid

import pytest

from jupyterlab_leap_buckets.routes import CHUNK

from .conftest import GCS, S3_SERVERS, extension_config, gcs_put, s3_client
from .recording_proxy import RecordingProxy

SIZE = 2 * CHUNK + 12_345  # three chunks' worth: three GETs before
# (root, bucket, upstream, the extension's endpoint setting) for each service
SERVICES = {
    "gcs": ("scratch", "leap-scratch", GCS, "gcs_endpoint"),
    "moto": ("osn-inbox", "leap-pangeo-inbox", S3_SERVERS["moto"], "s3_endpoint"),
    "versitygw": ("osn-inbox", "leap-pangeo-inbox", S3_SERVERS["versitygw"], "s3_endpoint"),
}


@pytest.fixture(params=list(SERVICES))
def service(request, emulators):
    return request.param


@pytest.fixture
def proxy(service):
    with RecordingProxy(SERVICES[service][2]) as proxy:
        yield proxy


@pytest.fixture
def jp_server_config(tmp_path, service, proxy):
    return extension_config(state_dir=str(tmp_path / "leap-state"), **{SERVICES[service][3]: proxy.url})


@pytest.fixture
def large_object(service):
    """A fresh object of SIZE random bytes, written through the emulator's own API."""
    _, bucket, upstream, _ = SERVICES[service]
    key, data = f"demo/large-{uuid.uuid4().hex[:8]}.bin", os.urandom(SIZE)
    if service == "gcs":
        gcs_put(bucket, key, data)
    else:
        s3_client(upstream).put_object(Bucket=bucket, Key=key, Body=data)
    return key, data


def object_gets(proxy, service, key) -> list:
    """The Range header (None for none) of each GET of the object's bytes the proxy saw:
    GCS's media downloads, S3's GetObject (HEAD and listings are not counted)."""
    if service == "gcs":
        return [rng for method, path, query, rng in proxy.seen if method == "GET" and "alt=media" in query]
    return [rng for method, path, query, rng in proxy.seen if method == "GET" and path.endswith(key)]


async def get_object(jp_fetch, root, key, headers=None):
    return await jp_fetch(
        "leap-buckets", "api", "object", params={"root": root, "path": key}, headers=headers or {}, raise_error=False
    )


async def test_a_large_object_is_one_streamed_get(jp_fetch, service, proxy, large_object):
    key, data = large_object
    response = await get_object(jp_fetch, SERVICES[service][0], key)
    assert response.code == 200
    assert response.body == data
    assert object_gets(proxy, service, key) == [None], proxy.seen


@pytest.mark.parametrize(
    "header, start, end",
    [("bytes=1000-7000000", 1000, 7_000_001), ("bytes=5000000-", 5_000_000, SIZE), ("bytes=-100", SIZE - 100, SIZE)],
)
async def test_a_range_is_one_ranged_get(jp_fetch, service, proxy, large_object, header, start, end):
    key, data = large_object
    response = await get_object(jp_fetch, SERVICES[service][0], key, {"Range": header})
    assert response.code == 206
    assert response.headers["Content-Range"] == f"bytes {start}-{end - 1}/{SIZE}"
    assert response.body == data[start:end]
    assert object_gets(proxy, service, key) == [f"bytes={start}-{end - 1}"], proxy.seen
