"""Handing large GCS jobs to Google (handoff.py): every request body checked against Google's
own published API descriptions (the discovery documents google-api-python-client ships, as
these machines cannot reach Google), and the routes tried through the HTTP API: what the
guard refuses, a delete plan written as a manifest that names exactly the planned objects
in their generations (read back from the emulator's own API), and buckets left as they were."""

import asyncio
import csv
import io
import json
import re
import urllib.parse
import uuid
from datetime import datetime, timezone
from pathlib import Path

import googleapiclient
import pytest
import requests

from jupyterlab_leap_buckets import handoff

from .conftest import GCS, extension_config, gcs_get, gcs_independent_keys, gcs_put, s3_client

DOCS = Path(googleapiclient.__file__).parent / "discovery_cache" / "documents"
NOW = datetime(2026, 11, 30, 21, 5, tzinfo=timezone.utc)


def discovery(name: str) -> dict:
    return json.loads((DOCS / f"{name}.json").read_text())


def method(doc: dict, *path: str) -> dict:
    node = doc
    for resource in path[:-1]:
        node = node["resources"][resource]
    return node["methods"][path[-1]]


def conforms(value, schema: dict, schemas: dict, where: str = "body", output: bool = False) -> list:
    """Every way `value` departs from `schema` (a discovery document's JSON schema): fields
    the schema lacks, wrong types, values outside an enum, output-only fields sent, and
    fields the description calls "Required." left out. `output`: `value` is an answer of
    Google's (output-only fields belong in it, and "Required." binds requests only)."""
    if "$ref" in schema:
        schema = schemas[schema["$ref"]]
    problems = []
    kind = schema.get("type")
    if "additionalProperties" in schema and "properties" not in schema:
        return []  # a map, or "any": Operation.metadata (checked on its own, as what it holds)
    if kind == "object" or "properties" in schema:
        if not isinstance(value, dict):
            return [f"{where}: {value!r} is not an object"]
        props = schema.get("properties", {})
        for name, item in value.items():
            if name not in props:
                problems.append(f"{where}.{name}: no such field in {schema.get('id', 'the schema')}")
            elif props[name].get("readOnly") and not output:
                problems.append(f"{where}.{name}: output only, never sent")
            else:
                problems += conforms(item, props[name], schemas, f"{where}.{name}", output)
        for name, item in props.items():
            if not output and item.get("description", "").startswith("Required.") and name not in value:
                problems.append(f"{where}.{name}: required by {schema.get('id')} and missing")
    elif kind == "array":
        if not isinstance(value, list):
            return [f"{where}: {value!r} is not an array"]
        for n, item in enumerate(value):
            problems += conforms(item, schema["items"], schemas, f"{where}[{n}]", output)
    elif kind == "string":
        if not isinstance(value, str):
            problems.append(f"{where}: {value!r} is not a string")
        elif "enum" in schema and value not in schema["enum"]:
            problems.append(f"{where}: {value!r} is not one of {schema['enum']}")
    elif kind == "boolean":
        if not isinstance(value, bool):
            problems.append(f"{where}: {value!r} is not a boolean")
    elif kind == "integer":
        if not isinstance(value, int) or isinstance(value, bool):
            problems.append(f"{where}: {value!r} is not an integer")
        elif schema.get("format") == "int32" and not -(2**31) <= value < 2**31:
            problems.append(f"{where}: {value} is out of int32")
    return problems


def test_the_validator_finds_what_is_wrong():
    """It must be able to fail: a misspelt field, a wrong type, a bad enum, a missing
    required field and an output-only field are each reported."""
    doc = discovery("storagetransfer.v1")
    body = handoff.transfer_job("p", ("a", "x/"), ("b", "y/"), False, "skip", "n", NOW)
    body["transferSpec"]["transferOptions"]["overwriteWhen"] = "SOMETIMES"
    body["transferSpec"]["gcsDataSink"]["bucket"] = "b"
    body["schedule"]["scheduleStartDate"]["day"] = "30"
    body["creationTime"] = "2026-11-30T00:00:00Z"
    problems = conforms(body, {"$ref": "TransferJob"}, doc["schemas"])
    text = "\n".join(problems)
    assert "overwriteWhen: 'SOMETIMES'" in text
    assert "gcsDataSink.bucket: no such field" in text
    assert "day: '30' is not an integer" in text
    assert "creationTime: output only" in text
    batch = discovery("storagebatchoperations.v1")
    job = handoff.delete_job("b", "gs://b/m.csv", "d")
    del job["deleteObject"]["permanentObjectDeletionEnabled"]
    problems = conforms(job, {"$ref": "Job"}, batch["schemas"])
    assert any("permanentObjectDeletionEnabled: required" in p for p in problems)


@pytest.mark.parametrize("conflict", ["skip", "update", "overwrite"])
@pytest.mark.parametrize("move", [False, True])
def test_a_transfer_job_is_what_storage_transfer_service_describes(conflict, move):
    doc = discovery("storagetransfer.v1")
    create = method(doc, "transferJobs", "create")
    assert (create["httpMethod"], doc["rootUrl"] + doc["servicePath"] + create["path"]) == ("POST", handoff.STS_URL)
    assert create["request"]["$ref"] == "TransferJob"
    name = handoff.job_id("Alice.Smith", NOW)
    body = handoff.transfer_job("leap-pangeo", ("leap-scratch", "alice/run/"), ("leap-persistent", "alice/run/"), move,
                                conflict, name, NOW)  # fmt: skip
    assert conforms(body, {"$ref": "TransferJob"}, doc["schemas"]) == []
    spec = body["transferSpec"]
    # GcsData.path: empty or a full path ending in "/" (as the schema's description says).
    assert spec["gcsDataSource"]["path"].endswith("/") and spec["gcsDataSink"]["path"].endswith("/")
    assert spec["transferOptions"]["deleteObjectsFromSourceAfterTransfer"] is move
    assert (
        spec["transferOptions"]["overwriteWhen"]
        == {"skip": "NEVER", "update": "DIFFERENT", "overwrite": "ALWAYS"}[conflict]
    )
    assert body["schedule"]["scheduleStartDate"] == body["schedule"]["scheduleEndDate"]  # runs once
    assert body["name"] == f"transferJobs/{name}" and re.fullmatch(r"[a-z0-9-]{1,128}", name)
    argv = handoff.transfer_command("leap-pangeo", body)
    assert argv[:6] == [
        "gcloud",
        "transfer",
        "jobs",
        "create",
        "gs://leap-scratch/alice/run/",
        "gs://leap-persistent/alice/run/",
    ]
    assert (f"--overwrite-when={spec['transferOptions']['overwriteWhen'].lower()}" in argv) and (
        ("--delete-from=source-after-transfer" in argv) is move
    )


def test_keep_both_cannot_be_handed_off():
    with pytest.raises(Exception, match="never keeps both"):
        handoff.transfer_job("p", ("a", "x/"), ("b", "y/"), False, "rename", "n", NOW)


def test_a_delete_job_is_what_storage_batch_operations_describes():
    doc = discovery("storagebatchoperations.v1")
    create = method(doc, "projects", "locations", "jobs", "create")
    assert create["httpMethod"] == "POST" and create["request"]["$ref"] == "Job"
    parent = "projects/leap-pangeo/locations/global"
    assert re.fullmatch(create["parameters"]["parent"]["pattern"], parent)
    url = doc["rootUrl"] + doc["servicePath"] + create["path"].replace("{+parent}", parent)
    assert url == handoff.BATCH_URL.format(project="leap-pangeo")
    assert create["parameters"]["jobId"]["location"] == "query"
    body = handoff.delete_job("leap-scratch", "gs://leap-scratch/alice/leap-buckets-handoff/x.csv", "delete")
    assert conforms(body, {"$ref": "Job"}, doc["schemas"]) == []
    # One bucket per job, and a manifest rather than a prefix: only the planned objects.
    assert len(body["bucketList"]["buckets"]) == 1 and "prefixList" not in body["bucketList"]["buckets"][0]
    argv = handoff.delete_command("leap-pangeo", "job-1", body)
    assert argv[:6] == ["gcloud", "storage", "batch-operations", "jobs", "create", "job-1"]
    assert "--delete-object" in argv and "--bucket=leap-scratch" in argv


def test_costs_say_what_is_not_known():
    cost = handoff.delete_cost({"classAPer1000": 0.005, "batchOperationsPerMillion": None}, 2_000_000)
    assert cost["totalUsd"] is None and cost["lines"][-1]["usd"] is None
    cost = handoff.delete_cost({"classAPer1000": 0.005, "batchOperationsPerMillion": 1.0}, 2_000_000)
    assert cost["totalUsd"] == pytest.approx(2.0 + 0.000005)
    cost = handoff.transfer_cost({"classAPer1000": 0.005}, 10_000, 1)
    assert cost["totalUsd"] == pytest.approx(0.05 + 2 * 10 * 0.000005)
    uncounted = handoff.transfer_cost({"classAPer1000": 0.005}, None, None)
    assert uncounted["totalUsd"] is None and uncounted["lines"][-1]["usd"] is None  # and says why


# -- through the HTTP API ---------------------------------------------------------------------


def _generations(bucket: str, prefix: str) -> dict:
    """name -> generation, from the emulator's own JSON API (not our server)."""
    out, token = {}, None
    while True:
        params = {"prefix": prefix, **({"pageToken": token} if token else {})}
        page = requests.get(f"{GCS}/storage/v1/b/{bucket}/o", params=params, timeout=30).json()
        out.update({item["name"]: str(item["generation"]) for item in page.get("items", [])})
        token = page.get("nextPageToken")
        if not token:
            return out


@pytest.fixture
def jp_server_config(tmp_path):
    return extension_config(state_dir=str(tmp_path / "leap-state"))


async def _plan(send, api, root, path):
    status, body = await send("delete/plan", {"root": root, "path": path})
    while status == 200 and not body["complete"]:
        await asyncio.sleep(0.2)
        status, body = await api(f"delete/plan/{body['plan']}")
    return status, body


async def test_a_delete_hand_off_writes_exactly_the_planned_objects_as_its_manifest(send, api):
    folder = f"demo/handoff-{uuid.uuid4().hex[:8]}/"
    names = [f"{folder}data.zarr/c/{i}" for i in range(30)] + [f'{folder}odd, "quoted" name.nc', f"{folder}.keep"]
    for name in names:
        gcs_put("leap-scratch", name, b"x")
    before = _generations("leap-scratch", folder)
    status, plan = await _plan(send, api, "scratch", folder)
    assert status == 200 and plan["objects"] == len(names), plan
    # Written after the plan: the manifest must not name it.
    gcs_put("leap-scratch", f"{folder}later.nc", b"y")

    name = folder.rstrip("/").rsplit("/", 1)[-1]
    status, wrong = await send("handoff/delete", {"plan": plan["plan"], "confirm": "nope"})
    assert (status, wrong["error"]["code"]) == (400, "confirm-mismatch")  # the plan stays usable
    status, answer = await send("handoff/delete", {"plan": plan["plan"], "confirm": name})
    assert status == 200, answer
    assert answer["objects"] == len(names) and answer["service"] == "Storage batch operations"
    doc = discovery("storagebatchoperations.v1")
    assert conforms(answer["request"]["body"], {"$ref": "Job"}, doc["schemas"]) == []
    manifest = answer["manifest"]
    assert manifest.startswith("gs://leap-scratch/demo/leap-buckets-handoff/") and manifest.endswith(".csv")
    job_id = urllib.parse.parse_qs(urllib.parse.urlparse(answer["request"]["url"]).query)["jobId"][0]
    assert answer["gcloud"].startswith(f"gcloud storage batch-operations jobs create {job_id} ")
    assert f"--manifest-location={manifest}" in answer["gcloud"]

    rows = list(csv.reader(io.StringIO(gcs_get("leap-scratch", manifest[len("gs://leap-scratch/") :]).decode())))
    assert rows[0] == ["bucket", "name", "generation"]
    assert {(row[1], row[2]) for row in rows[1:]} == set(before.items())  # each in its planned generation
    assert {row[0] for row in rows[1:]} == {"leap-scratch"} and len(rows) == len(names) + 1

    # The plan is used up: it can no longer run here as well.
    status, again = await send("delete", {"plan": plan["plan"], "confirm": name})
    assert (status, again["error"]["code"]) == (410, "plan-expired")
    # Nothing was deleted: the hand-off only prepares.
    assert set(gcs_independent_keys("leap-scratch", folder)) == set(names) | {f"{folder}later.nc"}


async def test_a_delete_hand_off_is_refused_outside_gcs_and_leaves_the_plan_usable(send, api):
    s3 = s3_client()
    key = f"handoff-{uuid.uuid4().hex[:8]}/a.nc"
    s3.put_object(Bucket="leap-pangeo-inbox", Key=key, Body=b"x")
    status, plan = await send("delete/plan", {"root": "osn-inbox", "path": key})
    # OSN deletes are off by LEAP's default: there is no plan to hand off at all.
    assert (status, plan["error"]["code"]) == (403, "read-only")
    status, answer = await send("handoff/delete", {"plan": "no-such-plan", "confirm": "x"})
    assert (status, answer["error"]["code"]) == (410, "plan-expired")


async def test_a_transfer_hand_off_is_guarded_as_a_transfer_and_writes_nothing(send, api):
    folder = f"demo/handoff-src-{uuid.uuid4().hex[:8]}/"
    gcs_put("leap-scratch", f"{folder}a.nc", b"x")
    scratch, persistent = gcs_independent_keys("leap-scratch", ""), gcs_independent_keys("leap-persistent", "")

    body = {"source": {"root": "scratch", "path": folder}, "target": {"root": "persistent", "path": "demo/"}}
    status, answer = await send("handoff/transfer", {**body, "mode": "move", "conflict": "update", "objects": 1000})
    assert status == 200, answer
    doc = discovery("storagetransfer.v1")
    job = answer["request"]["body"]
    assert conforms(job, {"$ref": "TransferJob"}, doc["schemas"]) == []
    sink = folder.split("/")[1]
    assert job["transferSpec"]["gcsDataSink"] == {"bucketName": "leap-persistent", "path": f"demo/{sink}/"}
    assert job["transferSpec"]["transferOptions"] == {
        "overwriteWhen": "DIFFERENT",
        "deleteObjectsFromSourceAfterTransfer": True,
    }
    assert answer["cost"]["totalUsd"] == pytest.approx(1000 * 0.005 / 1000 + 2 * 0.005 / 1000)

    refusals = [
        # another user's folder as the target
        ({**body, "target": {"root": "persistent", "path": "someone-else/"}}, 403, "outside-home"),
        # moving what is not the user's to delete
        (
            {"source": {"root": "scratch", "path": "someone-else/"}, "target": body["target"], "mode": "move"},
            403,
            "outside-home",
        ),  # fmt: skip
        # GCS to OSN: not something Storage Transfer Service does without agents
        ({**body, "target": {"root": "osn-inbox", "path": ""}}, 400, "handoff-unsupported"),
        # keep both has no counterpart
        ({**body, "conflict": "rename"}, 400, "bad-request"),
        # a folder into itself
        ({**body, "target": {"root": "scratch", "path": folder}}, 400, "bad-request"),
        # a cost estimate from nonsense counts
        ({**body, "objects": -1}, 400, "bad-request"),
    ]
    for request, code, error in refusals:
        status, refused = await send("handoff/transfer", request)
        assert (status, refused["error"]["code"]) == (code, error), (request, refused)
    # Nothing was written or removed anywhere.
    assert gcs_independent_keys("leap-scratch", "") == scratch
    assert gcs_independent_keys("leap-persistent", "") == persistent


async def test_roots_say_from_what_size_the_panel_offers_a_hand_off(api):
    status, body = await api("roots")
    assert status == 200 and body["handoff"] == {"objects": 1_000_000, "bytes": 1024**4}
