"""Every route asks jupyter_server's authorizer (c.ServerApp.authorizer_class): "read" on
the resource "leap-buckets" for GET, "write" for POST, PUT and DELETE. With an
authorizer that allows reading only, listing works and every write is refused with 403
`forbidden` in the API's error format, before anything reaches a bucket (checked with
the emulators' own APIs)."""

import json
import uuid

import pytest
from jupyter_server.auth import Authorizer

from .conftest import extension_config, gcs_independent_keys, gcs_put, s3_client

ASKED = []  # (action, resource) the authorizer was asked, in order


class ReadOnlyAuthorizer(Authorizer):
    def is_authorized(self, handler, user, action, resource):
        ASKED.append((action, resource))
        return action == "read" and resource == "leap-buckets"


@pytest.fixture
def jp_server_config(tmp_path):
    config = extension_config(state_dir=str(tmp_path / "leap-state"))
    config["ServerApp"]["authorizer_class"] = f"{__name__}.ReadOnlyAuthorizer"
    return config


@pytest.fixture
def prefix():
    ASKED.clear()
    return f"demo/authz-{uuid.uuid4().hex[:8]}/"


async def call(jp_fetch, method, route, body=None, **params):
    response = await jp_fetch(
        "leap-buckets",
        "api",
        *route.split("/"),
        method=method,
        params=params,
        body=None if body is None else (body if isinstance(body, bytes) else json.dumps(body)),
        allow_nonstandard_methods=True,
        raise_error=False,
    )
    return response.code, json.loads(response.body) if response.body else None


async def test_reading_is_allowed(emulators, jp_fetch, prefix):
    status, roots = await call(jp_fetch, "GET", "roots")
    assert status == 200 and roots["user"] == "demo"
    status, page = await call(jp_fetch, "GET", "list", root="scratch", path="demo/")
    assert status == 200 and any(e["name"] == "README.md" for e in page["entries"])
    status, jobs = await call(jp_fetch, "GET", "jobs")
    assert status == 200
    assert ("read", "leap-buckets") in ASKED


def writes(prefix):
    name = prefix.rstrip("/").rsplit("/", 1)[-1]
    return [
        (
            "POST",
            "transfers",
            {"source": {"root": "scratch", "path": "demo/README.md"}, "target": {"root": "scratch", "path": prefix}},
            {},
        ),
        (
            "POST",
            "transfers",
            {"source": {"root": "scratch", "path": "demo/README.md"}, "target": {"root": "osn-inbox", "path": prefix}},
            {},
        ),
        ("POST", "folders", {"root": "scratch", "path": prefix}, {}),
        ("POST", "uploads", {"target": {"root": "scratch", "path": prefix}, "name": "empty.txt", "size": 0}, {}),
        ("PUT", f"uploads/{uuid.uuid4().hex[:12]}", b"data", {"offset": "0"}),
        ("POST", "delete/plan", {"root": "scratch", "path": "demo/README.md"}, {}),
        ("POST", "delete", {"plan": "a-token", "confirm": name}, {}),
        ("DELETE", "delete/plan/a-token", None, {}),
        ("DELETE", "jobs/x", None, {}),
        ("DELETE", f"jobs/{uuid.uuid4().hex[:12]}", None, {}),
    ]


@pytest.mark.parametrize("case", range(10))
async def test_writing_is_refused_and_writes_nothing(emulators, jp_fetch, prefix, case):
    method, route, body, params = writes(prefix)[case]
    status, answer = await call(jp_fetch, method, route, body, **params)
    assert status == 403, answer
    assert answer["error"]["code"] == "forbidden", answer
    assert "leap-buckets" in answer["error"]["message"]
    assert ("write", "leap-buckets") in ASKED
    # Nothing was written, in either emulator, and the seeded file is still there.
    assert gcs_independent_keys("leap-scratch", prefix) == []
    assert s3_client().list_objects_v2(Bucket="leap-pangeo-inbox", Prefix=prefix).get("KeyCount", 0) == 0
    assert gcs_independent_keys("leap-scratch", "demo/README.md") == ["demo/README.md"]


async def test_a_refused_delete_leaves_the_object(emulators, jp_fetch, prefix):
    gcs_put("leap-scratch", prefix + "keep.txt", b"keep")
    status, answer = await call(jp_fetch, "POST", "delete/plan", {"root": "scratch", "path": prefix})
    assert status == 403 and answer["error"]["code"] == "forbidden"
    assert gcs_independent_keys("leap-scratch", prefix) == [prefix + "keep.txt"]
