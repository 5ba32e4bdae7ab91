"""Malformed requests get a 4xx in the API's error format with a sentence saying what to
send, never a 500: each case here was a 500 (or a 502 blaming the bucket) before routes.py
parsed it (found by test_api_schema.py's schemathesis run, or listed in issue 16)."""

import http.server
import json
import threading
import uuid

import pytest

from ..listing import encode_cursor
from .conftest import extension_config, gcs_independent_keys, gcs_put

LONG = "9" * 5000  # int() refuses strings of more than 4,300 digits


async def fetch(jp_fetch, *route, method="GET", body=None, headers=None, **params):
    response = await jp_fetch(
        "leap-buckets",
        "api",
        *route,
        method=method,
        body=body,
        params=params,
        headers=headers or {},
        raise_error=False,
    )
    return response.code, response.body, response.headers


def error_of(body: bytes) -> dict:
    error = json.loads(body)["error"]
    assert set(error) == {"code", "message"} and error["message"].endswith("."), error
    return error


@pytest.mark.parametrize(
    "route, params",
    [
        ("list", {"root": "scratch", "path": "demo/", "limit": "²"}),  # str.isdigit() says yes
        ("list", {"root": "scratch", "path": "demo/", "limit": "٣"}),  # an Arabic-Indic 3
        ("list", {"root": "scratch", "path": "demo/", "limit": LONG}),
        ("list", {"root": "scratch", "path": "demo/", "limit": "0"}),
        ("expiry", {"root": "scratch", "path": "demo/", "limit": "²"}),
        ("expiry", {"root": "scratch", "path": "demo/", "limit": LONG}),
        ("expiring", {"root": "scratch", "hours": "1e300"}),  # OverflowError in timedelta
        ("expiring", {"root": "scratch", "hours": "inf"}),
        ("expiring", {"root": "scratch", "hours": "nan"}),
        ("expiring", {"root": "scratch", "hours": "-1"}),
        ("expiring", {"root": "scratch", "hours": "1e8"}),  # now + 11,000 years: past datetime.max
        ("expiring", {"root": "scratch", "hours": "soon"}),
    ],
)
async def test_bad_numbers_in_queries_are_400(emulators, jp_fetch, route, params):
    status, body, _ = await fetch(jp_fetch, route, **params)
    assert status == 400, body
    error = error_of(body)
    assert error["code"] == "bad-request"
    assert ("'limit'" if "limit" in params else "'hours'") in error["message"]


async def test_numbers_in_range_still_work(emulators, jp_fetch):
    status, body, _ = await fetch(jp_fetch, "list", root="scratch", path="demo/", limit="5000")
    assert status == 200 and len(json.loads(body)["entries"]) > 0  # more than a page: a page
    status, body, _ = await fetch(jp_fetch, "expiring", root="scratch", hours="168.5")
    assert status == 200 and json.loads(body)["root"] == "scratch"


@pytest.mark.parametrize(
    "header, status, start, end",
    [
        (f"bytes=0-{LONG}", 206, 0, None),  # past the end: the whole object
        (f"bytes=-{LONG}", 206, 0, None),  # a suffix longer than the object: all of it
        (f"bytes={LONG}-", 416, None, None),  # starts past the end
        (f"bytes={LONG}-{LONG}", 416, None, None),
        ("bytes=²-", 416, None, None),
        ("", 416, None, None),  # an empty header is no range: it was answered 206, the whole object
        ("bytes=000002-000004", 206, 2, 5),
    ],
)
async def test_huge_range_numbers(emulators, jp_fetch, header, status, start, end):
    got, body, headers = await fetch(
        jp_fetch, "object", root="scratch", path="demo/README.md", headers={"Range": header}
    )
    assert got == status, body
    if status == 416:
        assert error_of(body)["code"] == "bad-range"
        return
    _, whole, _ = await fetch(jp_fetch, "object", root="scratch", path="demo/README.md")
    assert body == whole[start:end]
    assert headers["Content-Range"] == f"bytes {start}-{(end or len(whole)) - 1}/{len(whole)}"


async def test_an_empty_object_is_bytes_not_json(emulators, jp_fetch):
    key = f"demo/empty-{uuid.uuid4().hex[:8]}.bin"
    gcs_put("leap-scratch", key, b"")
    status, body, headers = await fetch(jp_fetch, "object", root="scratch", path=key)
    assert (status, body) == (200, b"")
    assert headers["Content-Type"] == "application/octet-stream"  # was application/json
    assert headers["Content-Security-Policy"] == "sandbox"


BODIES = [
    ("folders", {"root": "scratch", "path": 5}, "'path'"),
    ("folders", {"root": "scratch", "path": ["demo/x/"]}, "'path'"),
    ("folders", {"root": 5, "path": "demo/x/"}, "'root'"),
    ("folders", {"root": {"id": "scratch"}, "path": "demo/x/"}, "'root'"),
    ("delete/plan", {"root": ["scratch"], "path": "demo/x/"}, "'root'"),
    ("delete/plan", {"root": "scratch", "path": 5}, "'path'"),
    (
        "transfers",
        {"source": {"root": "scratch", "path": 5}, "target": {"root": "scratch", "path": "demo/"}},
        "'source.path'",
    ),
    (
        "transfers",
        {"source": {"root": "scratch", "path": "demo/README.md"}, "target": {"root": 1, "path": "demo/"}},
        "'target.root'",
    ),
    (
        "transfers",
        {"source": {"root": "scratch", "path": "demo/README.md"}, "target": {"root": "scratch", "path": None}},
        "path'",
    ),
    ("uploads", {"target": {"root": "scratch", "path": 7}, "name": "a.txt", "size": 1}, "'target.path'"),
    ("uploads", {"target": {"root": "scratch", "path": "demo/"}, "name": 7, "size": 1}, "'name'"),
]


@pytest.mark.parametrize("route, body, names", BODIES)
async def test_non_string_names_in_bodies_are_400(emulators, jp_fetch, route, body, names):
    status, answer, _ = await fetch(jp_fetch, *route.split("/"), method="POST", body=json.dumps(body))
    assert status == 400, answer
    error = error_of(answer)
    assert error["code"] == "bad-request" and names in error["message"], error


FRESH = f"demo/fresh-{uuid.uuid4().hex[:8]}/"  # a folder no run made before
SURROGATE = '"demo/\\ud800/"'  # JSON's escape of a lone surrogate: valid JSON, no valid text


@pytest.mark.parametrize(
    "route, body",
    [
        ("folders", '{"root": "scratch", "path": ' + SURROGATE + "}"),
        ("delete/plan", '{"root": "scratch", "path": ' + SURROGATE + "}"),
        (
            "transfers",
            '{"source": {"root": "scratch", "path": '
            + SURROGATE
            + '}, "target": {"root": "scratch", "path": "demo/"}}',
        ),
        (
            "transfers",
            '{"source": {"root": "scratch", "path": "demo/README.md"}, "target": {"local": ' + SURROGATE + "}}",
        ),
        ("uploads", '{"target": {"root": "scratch", "path": "demo/"}, "name": "\\udfff.txt", "size": 1}'),
        ("folders", '{"root": "scratch", "path": "' + FRESH + '", "\\ud800": 1}'),  # in a key too
    ],
)
async def test_lone_surrogates_in_bodies_are_400(emulators, jp_fetch, route, body):
    status, answer, _ = await fetch(jp_fetch, *route.split("/"), method="POST", body=body)
    assert status == 400, answer
    error = error_of(answer)
    assert error["code"] == "bad-request" and "surrogate" in error["message"]
    assert not gcs_independent_keys("leap-scratch", FRESH)


async def test_lone_surrogates_in_query_arguments_are_400(
    emulators, jp_serverapp, http_server_client, jp_base_url, jp_auth_header
):
    # %ED%A0%80 is U+D800 encoded as if it were a character; strict UTF-8 refuses it.
    for query in ("root=scratch&path=demo/%ED%A0%80/", "root=%ED%A0%80", "root=scratch&path=demo/&cursor=%ED%A0%80"):
        url = f"{jp_base_url}leap-buckets/api/list?{query}"
        response = await http_server_client.fetch(url, headers=jp_auth_header, raise_error=False)
        assert response.code == 400, query
        assert error_of(response.body)["code"] == "bad-request"


@pytest.mark.parametrize("root, path, after", [("osn-pipeline", "", "\ud800"), ("scratch", "demo/", "demo/\ud800")])
async def test_a_cursor_naming_a_lone_surrogate_is_400(emulators, jp_fetch, root, path, after):
    # A forged cursor (the server's own are base64 JSON): S3's client failed on it, a 502.
    status, answer, _ = await fetch(jp_fetch, "list", root=root, path=path, cursor=encode_cursor(after))
    assert status == 400, answer
    assert error_of(answer)["code"] == "bad-request"


async def test_json_nested_too_deep_is_400(emulators, jp_fetch):
    status, answer, _ = await fetch(jp_fetch, "folders", method="POST", body="[" * 100_000 + "]" * 100_000)
    assert status == 400, answer
    assert error_of(answer)["code"] == "bad-request"


async def test_unknown_api_paths_and_methods_answer_in_the_api_format(emulators, jp_fetch):
    status, answer, headers = await fetch(jp_fetch, "no-such-route")
    assert status == 404 and headers["Content-Type"].startswith("application/json")
    assert error_of(answer)["code"] == "not-found"
    status, answer, _ = await fetch(jp_fetch, "jobs", "not-hex!")  # the id's pattern fails: no route
    assert status == 404 and error_of(answer)["code"] == "not-found"
    status, answer, _ = await fetch(jp_fetch, "roots", method="POST", body="{}")
    assert status == 405 and error_of(answer)["code"] == "method-not-allowed"


class Refusing(http.server.BaseHTTPRequestHandler):
    """A storage endpoint that refuses everything, as Google does bad credentials."""

    def _refuse(self):
        body = b'{"error": {"code": 403, "message": "Forbidden"}}'
        self.send_response(403)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = _refuse

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def refusing_endpoint():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Refusing)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


async def test_a_request_without_a_token_is_refused_in_the_api_format(
    emulators, jp_serverapp, http_server_client, jp_base_url
):
    for method, route, body in (("GET", "roots", None), ("POST", "folders", b'{"root": "scratch", "path": "demo/x/"}')):
        url = f"{jp_base_url}leap-buckets/api/{route}"
        response = await http_server_client.fetch(url, method=method, body=body, raise_error=False)
        assert response.code == 403
        assert error_of(response.body)["code"] == "unauthenticated"  # was {"message": "Forbidden", "reason": null}


@pytest.fixture
def jp_server_config(tmp_path, refusing_endpoint):
    # Two roots that fail, neither the first root (scratch): the OSN inbox names a bucket
    # that does not exist, and persistent's endpoint refuses every request.
    return extension_config(
        state_dir=str(tmp_path / "leap-state"),
        root_overrides={"osn-inbox": {"bucket": "no-such-inbox"}, "persistent": {"endpoint": refusing_endpoint}},
    )


@pytest.mark.parametrize(
    "route, body, root",
    [
        # Only one place is a bucket: its root.
        (
            "transfers",
            {"source": {"root": "osn-inbox", "path": "x/y.txt"}, "target": {"local": ""}},
            "osn-inbox (s3://no-such-inbox)",
        ),
        (
            "transfers",
            {"source": {"local": "a.txt"}, "target": {"root": "persistent", "path": "demo/"}},
            "persistent (gs://leap-persistent)",
        ),
        # Both are: the one that failed, the target (the source is checked first, and answers).
        (
            "transfers",
            {"source": {"root": "scratch", "path": "demo/notes/"}, "target": {"root": "persistent", "path": "demo/"}},
            "persistent (gs://leap-persistent)",
        ),
        (
            "uploads",
            {"target": {"root": "persistent", "path": "demo/"}, "name": "a.txt", "size": 1},
            "persistent (gs://leap-persistent)",
        ),
    ],
)
async def test_start_errors_name_the_root_that_failed(emulators, jp_fetch, jp_root_dir, route, body, root):
    (jp_root_dir / "a.txt").write_text("a")
    status, answer, _ = await fetch(jp_fetch, route, method="POST", body=json.dumps(body))
    assert status in (403, 404, 502), answer
    message = error_of(answer)["message"]
    assert message.startswith(root) and "leap-scratch" not in message, message


@pytest.mark.parametrize(
    "route, params, status, code, root",
    [
        (
            "list",
            {"root": "persistent", "path": "demo/"},
            403,
            "no-credentials",
            "persistent (gs://leap-persistent)",
        ),
        ("list", {"root": "osn-inbox", "path": ""}, 404, "not-found", "osn-inbox (s3://no-such-inbox)"),
        (
            "details",
            {"root": "persistent", "path": "demo/"},
            403,
            "no-credentials",
            "persistent (gs://leap-persistent)",
        ),
    ],
)
async def test_reading_errors_name_the_root_the_request_named(api, route, params, status, code, root):
    got, answer = await api(route, **params)
    assert (got, answer["error"]["code"]) == (status, code), answer
    assert answer["error"]["message"].startswith(root), answer
