"""GCS to GCS moves no bytes through the server, at any size (issue #18): a copy or a move
between Google buckets is the rewrite API, whatever the object's size. Objects of 150 MiB
and more take other paths elsewhere (sliced downloads, parallel composite uploads), so one
object above that is among those moved. A proxy between our server and fake-gcs-server
records every request: no media download, no upload; the bytes are checked at the target
and the sources' absence after a move, straight from the emulator."""

import os
import uuid

import pytest

from ..sliced import SLICED_FROM
from ..storage.gcs_composite import COMPOSITE_FROM
from .conftest import GCS, extension_config, gcs_get, gcs_independent_keys, gcs_put
from .recording_proxy import RecordingProxy

BIG = max(SLICED_FROM, COMPOSITE_FROM) + 1024 * 1024


@pytest.fixture
def proxy(emulators):
    with RecordingProxy(GCS) as proxy:
        yield proxy


@pytest.fixture
def jp_server_config(tmp_path, proxy):
    return extension_config(state_dir=str(tmp_path / "leap-state"), gcs_endpoint=proxy.url)


@pytest.fixture
def folder():
    """A folder in scratch: three small objects and one of BIG bytes, written directly."""
    prefix = f"demo/nobytes-{uuid.uuid4().hex[:8]}/data/"
    data = {f"small-{n}.bin": os.urandom(1000 + n) for n in range(3)}
    data["big.bin"] = os.urandom(BIG)
    for name, body in data.items():
        gcs_put("leap-scratch", prefix + name, body)
    return prefix, data


def bytes_through(proxy) -> list:
    """Requests that carried an object's bytes through our server: media downloads and
    uploads of any kind."""
    return [s for s in proxy.seen if "alt=media" in s.query or s.path.startswith("/upload/")]


@pytest.mark.parametrize(
    "mode, root, bucket", [("copy", "persistent", "leap-persistent"), ("move", "scratch", "leap-scratch")]
)
async def test_gcs_to_gcs_moves_no_bytes_through_the_server(send, finish, proxy, folder, mode, root, bucket):
    prefix, data = folder
    dest = f"demo/nobytes-{uuid.uuid4().hex[:8]}/"
    proxy.seen.clear()
    status, job = await send(
        "transfers",
        {
            "source": {"root": "scratch", "path": prefix},
            "target": {"root": root, "path": dest},
            "mode": mode,
            "conflict": "fail",
        },
    )
    assert status == 202, job
    job = await finish(job, timeout=300)
    assert job["state"] == "done" and job["objectsDone"] == len(data), job
    assert bytes_through(proxy) == [], bytes_through(proxy)
    rewrites = [s for s in proxy.seen if "/rewriteTo/" in s.path]
    assert len(rewrites) >= len(data), proxy.seen
    landed = {key[len(dest + "data/") :]: gcs_get(bucket, key) for key in gcs_independent_keys(bucket, dest)}
    assert landed == data
    if mode == "move":
        assert gcs_independent_keys("leap-scratch", prefix) == []
