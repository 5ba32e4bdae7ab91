"""Following a handed-off job by its name (handoff_records.py, handoff_status.py). Google
cannot be reached from these machines, and the server never had Google credentials in
tests, so this is the closest honest check: the status requests are compared with Google's
published API descriptions (the discovery documents google-api-python-client ships:
method, path, parameters), and the answers the mapping reads are built as those documents'
response schemas describe them (each checked against its schema). Through the HTTP API a
stand-in for Google on this machine (LeapBuckets.handoff_api_root) records what the server
asked and answers as Google would; no request ever goes to Google."""

import json
import re
import socket
import uuid

import pytest
from aiohttp import web

from jupyterlab_leap_buckets import handoff_status
from jupyterlab_leap_buckets.errors import ApiError
from jupyterlab_leap_buckets.handoff_records import Handoffs

from .conftest import extension_config, gcs_put
from .test_handoff import conforms, discovery, method

TRANSFER = {
    "id": "leap-buckets-demo-20261130-210500-abcdef",
    "name": "transferJobs/leap-buckets-demo-20261130-210500-abcdef",
    "kind": "transfer",
    "project": "leap-pangeo",
    "follow": "gcloud transfer operations list --job-names=transferJobs/leap-buckets-demo-20261130-210500-abcdef",
}
BATCH = {
    "id": "leap-buckets-demo-20261130-210500-123456",
    "name": "projects/leap-pangeo/locations/global/jobs/leap-buckets-demo-20261130-210500-123456",
    "kind": "delete",
    "project": "leap-pangeo",
    "follow": "gcloud storage batch-operations jobs describe leap-buckets-demo-20261130-210500-123456",
}


def described(doc: dict, m: dict, values: dict) -> tuple:
    """The URL `m` (a discovery method) has for path parameters `values`, each checked
    against its pattern, and the names of its query parameters (required ones apart)."""
    path = m["path"]
    for name, value in values.items():
        spec = m["parameters"][name]
        assert spec["location"] == "path" and re.fullmatch(spec["pattern"], value), (name, value)
        path = path.replace("{+" + name + "}", value)
    query = {n for n, p in m["parameters"].items() if p["location"] == "query"}
    required = {n for n, p in m["parameters"].items() if p["location"] == "query" and p.get("required")}
    return doc["rootUrl"] + doc["servicePath"] + path, query, required


def test_the_status_requests_are_what_the_api_descriptions_describe():
    doc = discovery("storagetransfer.v1")
    job, operations = handoff_status.requests_for(TRANSFER)
    get = method(doc, "transferJobs", "get")
    url, query, required = described(doc, get, {"jobName": TRANSFER["name"]})
    assert get["httpMethod"] == "GET" and job["url"] == url
    assert required <= set(job["query"]) <= query and job["query"]["projectId"] == "leap-pangeo"
    listing = method(doc, "transferOperations", "list")
    url, query, required = described(doc, listing, {"name": "transferOperations"})
    assert listing["httpMethod"] == "GET" and operations["url"] == url
    assert required <= set(operations["query"]) <= query
    # The filter is the JSON the description spells out: the project, and the job by name.
    assert json.loads(operations["query"]["filter"]) == {"projectId": "leap-pangeo", "jobNames": [TRANSFER["name"]]}

    doc = discovery("storagebatchoperations.v1")
    (job,) = handoff_status.requests_for(BATCH)
    get = method(doc, "projects", "locations", "jobs", "get")
    url, query, required = described(doc, get, {"name": BATCH["name"]})
    assert get["httpMethod"] == "GET" and job["url"] == url and job["query"] == {} and not required
    # A configured API root replaces Google's host, nothing else.
    (job,) = handoff_status.requests_for(BATCH, "http://proxy.example/")
    assert job["url"] == "http://proxy.example/v1/" + BATCH["name"]


def operation(status: str, counters: dict, start="2026-11-30T21:06:00Z", errors=None) -> dict:
    """A transferOperations.list operation as the description shapes it, checked against it."""
    doc = discovery("storagetransfer.v1")
    meta = {
        "name": "transferOperations/op",
        "projectId": "leap-pangeo",
        "transferJobName": TRANSFER["name"],
        "status": status,
        "startTime": start,
        "counters": counters,
        **({"errorBreakdowns": errors} if errors else {}),
    }
    assert conforms(meta, {"$ref": "TransferOperation"}, doc["schemas"], output=True) == []
    op = {"name": "transferOperations/op", "done": status in ("SUCCESS", "FAILED", "ABORTED"), "metadata": meta}
    assert conforms({"operations": [op]}, {"$ref": "ListOperationsResponse"}, doc["schemas"], output=True) == []
    op["metadata"] = {"@type": "type.googleapis.com/google.storagetransfer.v1.TransferOperation", **meta}
    return op


def test_a_transfer_operation_is_mapped_to_the_pane():
    running = operation(
        "IN_PROGRESS",
        {
            "objectsFoundFromSource": "2000000",
            "bytesFoundFromSource": "5000",
            "objectsCopiedToSink": "1500",
            "bytesCopiedToSink": "40",
        },
    )
    older = operation("FAILED", {"objectsCopiedToSink": "1"}, start="2026-11-29T00:00:00Z")
    status = handoff_status.transfer_status({"name": TRANSFER["name"]}, [older, running])
    assert status["state"] == "running"  # the newest run, counts read from int64 strings
    assert (status["objectsDone"], status["objectsTotal"], status["bytesDone"], status["bytesTotal"]) == (
        1500,
        2000000,
        40,
        5000,
    )
    failed = operation(
        "FAILED",
        {"objectsCopiedToSink": "7", "objectsFromSourceFailed": "3"},
        errors=[
            {
                "errorCode": "PERMISSION_DENIED",
                "errorCount": "3",
                "errorLogEntries": [{"url": "gs://leap-scratch/demo/a.nc", "errorDetails": ["403 Forbidden"]}],
            }
        ],
    )
    status = handoff_status.transfer_status({}, [failed])
    assert status["state"] == "failed" and status["objectsFailed"] == 3 and status["objectsTotal"] is None
    assert status["error"]["code"] == "PERMISSION_DENIED"
    assert (
        "3 object(s)" in status["error"]["message"]
        and "gs://leap-scratch/demo/a.nc: 403 Forbidden" in (status["error"]["message"])
    )
    assert handoff_status.transfer_status({}, [operation("SUCCESS", {})])["state"] == "done"
    assert handoff_status.transfer_status({}, [operation("ABORTED", {})])["state"] == "cancelled"
    assert handoff_status.transfer_status({}, [])["state"] == "queued"  # created, no run yet
    assert handoff_status.transfer_status(None, [])["state"] == "not-started"  # 404: never created


def test_a_batch_job_is_mapped_to_the_pane():
    doc = discovery("storagebatchoperations.v1")
    job = {
        "name": BATCH["name"],
        "state": "FAILED",
        "createTime": "2026-11-30T21:06:00Z",
        "counters": {"totalObjectCount": "1200000", "succeededObjectCount": "1199990", "failedObjectCount": "10"},
        "errorSummaries": [
            {
                "errorCode": "FAILED_PRECONDITION",
                "errorCount": "10",
                "errorLogEntries": [{"objectUri": "gs://leap-scratch/demo/x", "errorDetails": ["generation mismatch"]}],
            }
        ],
    }
    assert conforms(job, {"$ref": "Job"}, doc["schemas"], output=True) == []
    status = handoff_status.batch_status(job)
    assert (status["state"], status["objectsDone"], status["objectsFailed"], status["objectsTotal"]) == (
        "failed",
        1199990,
        10,
        1200000,
    )
    assert "gs://leap-scratch/demo/x: generation mismatch" in status["error"]["message"]
    for state, shown in (
        ("SUCCEEDED", "done"),
        ("RUNNING", "running"),
        ("CANCELED", "cancelled"),
        ("QUEUED", "queued"),
    ):
        assert handoff_status.batch_status({**job, "state": state, "errorSummaries": []})["state"] == shown
    assert handoff_status.batch_status(None)["state"] == "not-started"


def test_followed_hand_offs_survive_a_restart_and_an_unreadable_file_is_kept(tmp_path):
    path = tmp_path / "handoffs.json"
    store = Handoffs(path)
    store.prepared({**TRANSFER, "followedAt": None})
    with pytest.raises(Exception, match="prepared no hand-off"):
        store.follow({"name": "leap-buckets-someone-else"})
    assert store.follow({"name": TRANSFER["name"]})["followedAt"]
    assert [item["id"] for item in Handoffs(path).list()] == [TRANSFER["id"]]
    path.write_text("{not json")
    assert Handoffs(path).list() == []
    path.write_text('{"written": "by another version"}')
    assert Handoffs(path).list() == []
    aside = sorted(p.read_text() for p in tmp_path.glob("handoffs.json.unreadable-*"))
    assert aside == sorted(["{not json", '{"written": "by another version"}'])  # both kept


# -- through the HTTP API, with a stand-in for Google ------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def google_port():
    return _free_port()


@pytest.fixture
def jp_server_config(tmp_path, google_port):
    return extension_config(state_dir=str(tmp_path / "leap-state"), handoff_api_root=f"http://127.0.0.1:{google_port}/")


@pytest.fixture
def credentials(monkeypatch):
    """Application Default Credentials with a token (the server's own, on a hub)."""
    import google.auth
    from google.oauth2.credentials import Credentials

    monkeypatch.setattr(google.auth, "default", lambda scopes=None: (Credentials(token="test-token"), "leap-pangeo"))


async def stand_in(port: int, answers: dict, seen: list):
    """A stand-in for Google's API hosts: records each request, answers `answers[path]`."""

    async def answer(request):
        seen.append((request.method, request.path, dict(request.query), request.headers.get("Authorization")))
        status, body = answers.get(request.path, (404, {"error": {"code": 404, "message": "not found"}}))
        return web.json_response(body, status=status)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", answer)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner


async def _prepared(send) -> dict:
    folder = f"demo/follow-{uuid.uuid4().hex[:8]}/"
    gcs_put("leap-scratch", f"{folder}a.nc", b"x")
    body = {"source": {"root": "scratch", "path": folder}, "target": {"root": "persistent", "path": "demo/"}}
    status, answer = await send("handoff/transfer", body)
    assert status == 200, answer
    return answer


async def test_a_followed_transfer_is_listed_and_asked_about_by_its_name(send, api, jp_fetch, google_port, credentials):
    answer = await _prepared(send)
    assert (await api("handoff"))[1] == {"handoffs": []}  # prepared is not run: nothing followed yet
    status, item = await send("handoff/follow", {"name": answer["name"]})
    assert status == 201 and item["name"] == answer["name"] and item["kind"] == "transfer"
    assert item["source"] == answer["source"] and item["follow"] == answer["follow"]
    assert (await api("handoff"))[1]["handoffs"] == [item]

    seen = []
    ops = [operation("IN_PROGRESS", {"objectsFoundFromSource": "10", "objectsCopiedToSink": "4"})]
    answers = {
        f"/v1/{answer['name']}": (200, answer["request"]["body"]),
        "/v1/transferOperations": (200, {"operations": ops}),
    }
    runner = await stand_in(google_port, answers, seen)
    try:
        status, followed = await api(f"handoff/{item['id']}")
    finally:
        await runner.cleanup()
    assert status == 200, followed
    assert followed["status"]["state"] == "running" and followed["status"]["objectsDone"] == 4
    assert [(m, p) for m, p, _, _ in seen] == [("GET", f"/v1/{answer['name']}"), ("GET", "/v1/transferOperations")]
    assert {auth for *_, auth in seen} == {"Bearer test-token"}
    assert seen[0][2] == {"projectId": "leap-pangeo"}
    assert json.loads(seen[1][2]["filter"])["jobNames"] == [answer["name"]]

    # Google down (nothing listens): what to run instead, not a 500.
    status, error = await api(f"handoff/{item['id']}")
    assert (status, error["error"]["code"]) == (502, "google-unreachable")
    assert answer["follow"] in error["error"]["message"]

    response = await jp_fetch("leap-buckets", "api", "handoff", item["id"], method="DELETE", raise_error=False)
    assert response.code == 204 and (await api("handoff"))[1] == {"handoffs": []}
    status, error = await api(f"handoff/{item['id']}")
    assert (status, error["error"]["code"]) == (404, "not-found")


async def test_without_credentials_the_answer_says_what_to_run(send, api, monkeypatch):
    import google.auth
    import google.auth.exceptions

    def none(scopes=None):
        raise google.auth.exceptions.DefaultCredentialsError("no credentials")

    monkeypatch.setattr(google.auth, "default", none)
    answer = await _prepared(send)
    status, item = await send("handoff/follow", {"name": answer["name"]})
    assert status == 201
    status, error = await api(f"handoff/{item['id']}")
    assert (status, error["error"]["code"]) == (403, "no-credentials")
    assert f"run `{answer['follow']}`" in error["error"]["message"]


async def test_only_what_this_server_prepared_can_be_followed(send):
    for body, code in (({"name": "transferJobs/leap-buckets-x-1"}, 404), ({"name": 3}, 400), ({}, 400)):
        status, error = await send("handoff/follow", body)
        assert status == code, error


async def test_a_batch_job_is_asked_for_by_its_name_and_googles_refusals_say_what_to_run(google_port, credentials):
    doc = discovery("storagebatchoperations.v1")
    job = {
        "name": BATCH["name"],
        "state": "SUCCEEDED",
        "counters": {"totalObjectCount": "12", "succeededObjectCount": "12"},
    }
    assert conforms(job, {"$ref": "Job"}, doc["schemas"], output=True) == []
    seen, root, path = [], f"http://127.0.0.1:{google_port}/", f"/v1/{BATCH['name']}"
    runner = await stand_in(google_port, {path: (200, job)}, seen)
    try:
        status = await handoff_status.status(BATCH, root)
    finally:
        await runner.cleanup()
    assert (status["state"], status["objectsDone"], status["objectsTotal"]) == ("done", 12, 12)
    assert seen == [("GET", path, {}, "Bearer test-token")]
    denied = {"error": {"code": 403, "message": "Permission 'storagebatchoperations.jobs.get' denied"}}
    for code, body, error, said in (
        (403, denied, "no-credentials", "jobs.get' denied"),
        (500, {"error": {"message": "backend error"}}, "google-error", "answered 500 (backend error)"),
    ):
        runner = await stand_in(google_port, {path: (code, body)}, seen)
        try:
            with pytest.raises(ApiError) as raised:
                await handoff_status.status(BATCH, root)
        finally:
            await runner.cleanup()
        assert raised.value.code == error and said in raised.value.message
        assert f"run `{BATCH['follow']}`" in raised.value.message
