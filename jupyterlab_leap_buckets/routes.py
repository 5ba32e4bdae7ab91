"""HTTP routes of docs/api.yaml; thin: they parse, call the domain code, answer.

Parsing is strict here, before anything reaches the domain code: a malformed request is a
400 `bad-request` that says what to send, never a 500 (test_api_schema.py runs
schemathesis against the live server to hold that)."""

import asyncio
import functools
import json
import logging
import math
import re
from datetime import timedelta
from http.client import responses

import tornado.iostream
import tornado.web
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join

from .deletes import Deletes
from .errors import ApiError, bad_request
from .items import create_folder, details
from .listing import LIST_DEADLINE, decode_cursor, list_page
from .paths import check_key
from .roots import Root
from .service import BucketService
from .storage.errors import translate
from .transfers import start_transfer
from .uploads import Uploads

log = logging.getLogger(__name__)

CHUNK = 4 * 1024 * 1024  # bytes read from the bucket per request while streaming
AUTH_RESOURCE = "leap-buckets"  # what jupyter_server's authorizer is asked about
# ASCII digits only: \d and str.isdigit() also take other scripts' digits and "²".
_RANGE = re.compile(r"bytes=([0-9]*)-([0-9]*)$")
_WHOLE = re.compile(r"[0-9]+")
MAX_DIGITS = 18  # longer numbers are refused before int() (which refuses 4,300 digits itself)
MAX_COUNT = 1_000_000  # most a `limit` may ask for (pages and scans are capped lower anyway)
MAX_HOURS = 876_000  # 100 years: `expiring`'s window, so that now + window stays a date


def api_errors(method):
    """Answer ApiErrors with their status and JSON body, and anything else with a 500
    that says what to do, never a traceback."""

    @functools.wraps(method)
    async def wrapper(self, *args, **kwargs):
        try:
            return await method(self, *args, **kwargs)
        except ApiError as err:
            self._send_error(err)
        except tornado.iostream.StreamClosedError:
            # The browser went away mid-answer (a closed preview, a reload): nothing to say.
            log.debug("leap-buckets: %s %s: the client closed the connection", self.request.method, self.request.uri)
        except Exception:  # noqa: BLE001 - the boundary: log it, answer in the API's format
            log.exception("leap-buckets: %s %s failed", self.request.method, self.request.uri)
            self._send_error(
                ApiError(500, "internal", "The server failed unexpectedly; see its log and retry.")
            )

    return wrapper


class BaseHandler(APIHandler):
    # jupyter_server's authorizer is asked for "read" (GET) or "write" (POST, PUT,
    # DELETE) on this resource by @authorized, as its own contents handlers do.
    auth_resource = AUTH_RESOURCE

    def initialize(self, service: BucketService):
        self.service = service

    def json_body(self) -> dict:
        try:
            body = json.loads(self.request.body or b"{}")
        except (ValueError, RecursionError):  # RecursionError: nested thousands deep
            raise bad_request("The request body must be JSON.") from None
        if not isinstance(body, dict):
            raise bad_request("The request body must be a JSON object.")
        _check_unicode(body)
        _check_strings(body)
        for role in ("source", "target"):
            if isinstance(body.get(role), dict):
                _check_strings(body[role], role + ".")
        return body

    def arg(self, name: str, default=None):
        """A query argument exactly as sent. Tornado's get_argument strips white space
        and turns control characters into spaces, which would change an object key."""
        values = self.request.query_arguments.get(name)
        if not values:
            return default
        try:
            return values[-1].decode("utf-8")  # strict: lone surrogates are refused too
        except UnicodeDecodeError:
            raise bad_request(f"The argument {name!r} is not valid UTF-8.") from None

    def root(self, root_id) -> Root:
        """The root a request names (400 unless a string, 404 unless configured)."""
        if root_id is not None and not isinstance(root_id, str):
            raise bad_request("'root' is a root's id, a string (GET roots lists them).")
        return self.service.root(root_id)

    def _failed_root(self, body: dict, exc: BaseException, *roles: str):
        """The root to report a request's storage failure against: of the roots its
        places (`roles`, in order of preference) name, the one whose bucket the error
        names, else the first; None when they name only the server's disk."""
        named = []
        for role in roles:
            place = body.get(role)
            if isinstance(place, dict) and "local" not in place:
                named += [root for root in self.service.roots if root.id == place.get("root")]
        text = f"{exc} {exc.__cause__ or ''}"
        return next((root for root in named if root.bucket in text), named[0] if named else None)

    def _send_error(self, err: ApiError):
        if self._headers_written:
            log.warning("leap-buckets: %s after the response started", err.message)
            self.finish()
            return
        self.clear()
        self.set_status(err.status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(err.to_json()))

    def write_error(self, status_code: int, **kwargs):
        """What tornado and jupyter_server refuse before a handler runs (no token, an
        authorizer's no, a method the route lacks), in the API's error format."""
        exc = (kwargs.get("exc_info") or (None, None, None))[1]
        detail = (getattr(exc, "log_message", None) or "") if isinstance(exc, tornado.web.HTTPError) else ""
        if status_code == 403 and not getattr(self, "_jupyter_current_user", None):
            code, message = "unauthenticated", (
                "Sign in to Jupyter first: send the server's token as 'Authorization: token <token>', or its login cookie."
            )
        elif status_code == 403 and "xsrf" in detail.lower():
            code, message = "xsrf", "The request lacks JupyterLab's XSRF token (a signed-in browser sends it); reload the page."
        elif status_code == 403:
            code, message = "forbidden", (
                f"This server's authorizer does not let you {_action(self.request.method)} {AUTH_RESOURCE}; "
                "ask whoever runs the server for that permission."
            )
        elif status_code == 405:
            code, message = "method-not-allowed", f"{self.request.method} is not a method of this route; see docs/api.yaml."
        else:
            reason = responses.get(status_code, "error")
            code = re.sub(r"[^a-z0-9]+", "-", reason.lower()).strip("-") or "error"
            message = f"The server answered {status_code} {reason}" + (f": {detail}." if detail else ".")
        self._send_error(ApiError(status_code, code, message))


def _action(method: str) -> str:
    return "read" if method in ("GET", "HEAD", "OPTIONS") else "write"


def _check_unicode(body):
    """Refuse lone surrogates ("\\ud800" in JSON) in any key or string of a body: no
    object key or file name can hold one, and encoding them fails deep in the stores."""
    stack = [body]
    while stack:  # not recursive: a body may nest as deep as json.loads allows
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str) and not _is_text(item):
            raise bad_request(
                "The request holds a lone surrogate (such as \\ud800), which no name can hold; send valid Unicode."
            )


def _is_text(value: str) -> bool:
    try:
        value.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def _check_cursor(cursor, path: str):
    """decode_cursor's 400 for a cursor this server did not give, and for a forged one
    whose key holds a lone surrogate (S3's client failed to encode it: a 502)."""
    after = decode_cursor(cursor, path)
    if after is not None and not _is_text(after):
        raise bad_request("The cursor is not one this server gave for this folder; list again from the start.")


def _check_strings(data: dict, role: str = ""):
    """The API's names are strings wherever a body carries them: a root's id, a key, a
    local path, a file's name (in the body or in its places, `source` and `target`)."""
    for key in ("root", "path", "local", "name"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise bad_request(f"'{role}{key}' must be a string, not {type(data[key]).__name__}.")


class RootsHandler(BaseHandler):
    @tornado.web.authenticated
    @authorized
    @api_errors
    async def get(self):
        self.finish(json.dumps(self.service.describe()))


class ListHandler(BaseHandler):
    @tornado.web.authenticated
    @authorized
    @api_errors
    async def get(self):
        root = self.root(self.arg("root"))
        path = check_key(self.arg("path", root.home), folder=True)
        limit = _whole_number(self.arg("limit"), "limit", self.service.config.max_page_size)
        _check_cursor(self.arg("cursor"), path)
        store = self.service.store(root)
        try:
            # A listing is what the user waits on: past LIST_DEADLINE it fails (502)
            # whatever the libraries' retries would still try.
            policy = await asyncio.wait_for(self.service.expiry.policy(root), LIST_DEADLINE)
            page = await asyncio.wait_for(list_page(
                store,
                root,
                path,
                self.arg("cursor"),
                min(limit, self.service.config.max_page_size),
                self.service.config.zarr_probe_folders,
                policy,
            ), LIST_DEADLINE)
        except Exception as exc:
            raise translate(exc, root, f"Listing {path or 'the bucket'}") from None
        page["expiry"] = policy.to_api()
        if page.pop("empty") and path and path != root.home:
            raise ApiError(404, "not-found", f"There is no folder {root.url}{path}; it may have been moved or deleted.")
        self.finish(json.dumps(page))


class ObjectHandler(BaseHandler):
    @tornado.web.authenticated
    @authorized
    @api_errors
    async def get(self):
        root = self.root(self.arg("root"))
        path = check_key(self.arg("path"), folder=False)
        store = self.service.store(root)
        try:
            info = await store.head(path)
        except Exception as exc:
            raise translate(exc, root, f"Reading {path}") from None
        if info is None:
            raise ApiError(404, "not-found", f"There is no object {root.url}{path}.")
        ranged = "Range" in self.request.headers
        start, end = _byte_range(self.request.headers.get("Range"), info.size)
        self.set_status(206 if ranged else 200)
        if self.get_status() == 206:
            self.set_header("Content-Range", f"bytes {start}-{end - 1}/{info.size}")
        self.set_header("Content-Type", "application/octet-stream")
        # Objects are user data: never let the browser run them as a page of this origin.
        self.set_header("Content-Security-Policy", "sandbox")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Accept-Ranges", "bytes")
        self.set_header("Content-Length", str(end - start))
        if info.etag:
            self.set_header("ETag", info.etag if info.etag.startswith('"') else f'"{info.etag}"')
        # Stream: at most CHUNK bytes of the object are in memory at once.
        for offset in range(start, end, CHUNK):
            try:
                data = await store.read(path, offset, min(offset + CHUNK, end))
            except Exception as exc:
                raise translate(exc, root, f"Reading {path}") from None
            self.write(data)
            await self.flush()
        # APIHandler.finish sets JSON's type unless told: an empty object had flushed no header.
        self.finish(set_content_type="application/octet-stream")


class ExpiryHandler(BaseHandler):
    """GET expiry?root=&path=<folder>/: the earliest expiry of what lies under a folder
    or store (bounded scan, cached); GET expiring?root=&hours=: what in the home expires
    within that many hours."""

    @tornado.web.authenticated
    @authorized
    @api_errors
    async def get(self):
        root = self.root(self.arg("root"))
        expiry = self.service.expiry
        if self.request.path.rstrip("/").endswith("expiring"):
            within = _hours(self.arg("hours", "24"))
        else:
            path = check_key(self.arg("path"), folder=True)
            limit = min(_whole_number(self.arg("limit"), "limit", expiry.scan_limit), expiry.scan_limit)
        try:
            if self.request.path.rstrip("/").endswith("expiring"):
                self.finish(json.dumps(await expiry.expiring(root, within)))
            else:
                self.finish(json.dumps(await expiry.earliest(root, path, limit)))
        except ApiError:
            raise
        except Exception as exc:
            raise translate(exc, root, "Finding what expires") from None


class FoldersHandler(BaseHandler):
    """POST folders {"root", "path": "<folder>/"}: a new, empty folder."""

    @tornado.web.authenticated
    @authorized
    @api_errors
    async def post(self):
        body = self.json_body()
        root = self.root(body.get("root"))
        entry = await create_folder(self.service, root, body.get("path"))
        self.set_status(201)
        self.finish(json.dumps(entry))


class DetailsHandler(BaseHandler):
    """GET details?root=&path=: a file's metadata and checksums, or how many objects and
    bytes lie under a folder or store."""

    @tornado.web.authenticated
    @authorized
    @api_errors
    async def get(self):
        root = self.root(self.arg("root"))
        self.finish(json.dumps(await details(self.service, root, self.arg("path"))))


class TransfersHandler(BaseHandler):
    @tornado.web.authenticated
    @authorized
    @api_errors
    async def post(self):
        body = self.json_body()
        try:
            job = await start_transfer(self.service, self.service.jobs, self.service.local_root, body)
        except ApiError:
            raise
        except Exception as exc:
            raise _translate(exc, self._failed_root(body, exc, "target", "source"), "Starting the transfer") from None
        self.set_status(202)
        self.finish(json.dumps(job.to_api()))


@tornado.web.stream_request_body
class UploadsHandler(BaseHandler):
    """Desktop files, chunk by chunk, streamed into the bucket's upload (see uploads.py).

    Bodies stream (stream_request_body): no PUT is held whole. prepare() runs before a
    byte of the body is read, so the user, XSRF and the upload's offset are checked
    there; data_received() hands the bytes on as they come and is awaited, so the body is
    read no faster than the bucket takes it."""

    MAX_JSON = 1024 * 1024  # a POST's JSON body

    def initialize(self, service: BucketService, uploads: Uploads):
        super().initialize(service)
        self.uploads = uploads
        self.receiver = None  # a PUT's way into its upload, from prepare() on
        self.json = bytearray()  # a POST's body

    async def prepare(self):
        # jupyter_server's own: the user, XSRF, origin (403 before the body is read).
        await super().prepare()
        if self._finished:
            return
        # @tornado.web.authenticated and an authorizer would only run after the body,
        # which by then would be in the upload: ask both now.
        if self.current_user is None:
            raise tornado.web.HTTPError(403)
        if self.request.method == "PUT":
            allowed = self.authorizer.is_authorized(self, self.current_user, "write", getattr(self, "auth_resource", "leap-buckets"))
            if not isinstance(allowed, bool):  # an authorizer may answer later
                allowed = await allowed
            if not allowed:
                raise tornado.web.HTTPError(403)
        length = self.request.headers.get("Content-Length", "")
        length = int(length) if length.isascii() and length.isdigit() else None  # not "²"
        job_id = self.path_args[0] if self.path_args else None
        try:
            if self.request.method == "PUT" and job_id:
                self.request.connection.set_max_body_size(self.uploads.body_limit())
                self.receiver = await self.uploads.open(job_id, self.arg("offset"), length)
            elif length is not None and length > self.MAX_JSON:
                raise self._json_too_large()
        except ApiError as err:
            self._send_error(err)  # tornado reads the rest of the body, drops it, and hangs up
        except Exception:  # noqa: BLE001 - as api_errors: logged, answered in the API's format
            log.exception("leap-buckets: %s %s failed", self.request.method, self.request.uri)
            self._send_error(ApiError(500, "internal", "The server failed unexpectedly; see its log and retry."))

    async def data_received(self, chunk: bytes):
        if self._finished:
            return
        try:
            if self.receiver:
                await self.receiver.feed(chunk)
            elif self.request.method != "PUT":
                if len(self.json) + len(chunk) > self.MAX_JSON:
                    raise self._json_too_large()
                self.json += chunk
        except ApiError as err:
            self._send_error(err)
        except Exception:  # noqa: BLE001 - as api_errors: logged, answered in the API's format
            log.exception("leap-buckets: %s %s failed", self.request.method, self.request.uri)
            self._send_error(ApiError(500, "internal", "The server failed unexpectedly; see its log and retry."))

    def _json_too_large(self) -> ApiError:
        return ApiError(413, "too-large", f"The request's JSON is over {self.MAX_JSON // 1024} KiB; send only the fields of POST uploads.")

    def on_finish(self):
        if self.receiver:
            self.receiver.close()

    def on_connection_close(self):
        super().on_connection_close()
        if self.receiver:
            self.receiver.close()

    @tornado.web.authenticated
    @authorized
    @api_errors
    async def post(self, job_id=None):
        if job_id:
            raise bad_request("Start an upload with POST uploads; send its bytes with PUT uploads/<id>.")
        self.request.body = bytes(self.json)
        try:
            job = await self.uploads.start(self.service.local_root, self.json_body())
        except ApiError:
            raise
        except Exception as exc:
            raise _translate(exc, self._failed_root(self.json_body(), exc, "target"), "Starting the upload") from None
        self.set_status(202)
        self.finish(json.dumps(job.to_api()))

    @tornado.web.authenticated
    @api_errors
    async def put(self, job_id=None):
        if not job_id or not self.receiver:
            raise bad_request("Send a chunk to PUT uploads/<id>?offset=n, after POST uploads.")
        job = await self.receiver.end()
        self.finish(json.dumps(job.to_api()))


class _DeletesHandler(BaseHandler):
    def initialize(self, service: BucketService, deletes: Deletes):
        super().initialize(service)
        self.deletes = deletes


class DeletePlanHandler(_DeletesHandler):
    """POST delete/plan: what a delete would remove, and a token to confirm it with;
    GET delete/plan/<token> follows a listing still under way; DELETE drops the plan."""

    @tornado.web.authenticated
    @authorized
    @api_errors
    async def get(self, token=None):
        if not token:
            raise bad_request("Follow a plan with GET delete/plan/<token>.")
        self.finish(json.dumps(self.deletes.get(token).to_api()))

    @tornado.web.authenticated
    @authorized
    @api_errors
    async def delete(self, token=None):
        if not token:
            raise bad_request("Drop a plan with DELETE delete/plan/<token>.")
        self.deletes.drop(token)
        self.set_status(204)
        self.finish()

    @tornado.web.authenticated
    @authorized
    @api_errors
    async def post(self, token=None):
        if token:
            raise bad_request("Plan a delete with POST delete/plan and {\"root\", \"path\"}.")
        body = self.json_body()
        root = self.root(body.get("root"))
        try:
            plan = await self.deletes.plan(body)
        except ApiError:
            raise
        except Exception as exc:
            raise translate(exc, root, "Planning the delete") from None
        self.finish(json.dumps(plan.to_api()))


class DeleteHandler(_DeletesHandler):
    """POST delete: run a confirmed plan as a job."""

    @tornado.web.authenticated
    @authorized
    @api_errors
    async def post(self):
        # Who asked goes into the audit log (deletes.jsonl), beside the server's user.
        job = self.deletes.start(self.json_body(), identity=self.current_user.username)
        self.set_status(202)
        self.finish(json.dumps(job.to_api()))


class JobsHandler(BaseHandler):
    @tornado.web.authenticated
    @authorized
    @api_errors
    async def get(self, job_id=None):
        jobs = self.service.jobs
        if job_id:
            self.finish(json.dumps(jobs.get(job_id).to_api()))
        else:
            self.finish(json.dumps({"jobs": [job.to_api() for job in jobs.list()]}))

    @tornado.web.authenticated
    @authorized
    @api_errors
    async def delete(self, job_id=None):
        if not job_id:
            raise bad_request("Name the job to cancel: DELETE jobs/<id>.")
        job = self.service.jobs.cancel(job_id)
        await self.service.jobs.wait(job_id)
        self.finish(json.dumps(job.to_api()))


def _whole_number(value, name: str, default: int) -> int:
    if value is None:
        return default
    if not _WHOLE.fullmatch(value) or len(value.lstrip("0")) > MAX_DIGITS or not 1 <= int(value) <= MAX_COUNT:
        raise bad_request(f"'{name}' must be a whole number from 1 to {MAX_COUNT}, not {value[:40]!r}.")
    return int(value)


def _hours(value: str) -> timedelta:
    try:
        hours = float(value)
    except ValueError:
        hours = math.nan
    if not 0 <= hours <= MAX_HOURS:  # NaN fails this too
        raise bad_request(f"'hours' must be a number of hours from 0 to {MAX_HOURS}, not {value[:40]!r}.")
    return timedelta(hours=hours)


def _translate(exc: BaseException, root, what: str) -> ApiError:
    """translate() for the root a request named; None: the server's disk only."""
    if root is not None:
        return translate(exc, root, what)
    log.exception("leap-buckets: %s on the server's disk failed", what, exc_info=exc)
    return ApiError(500, "disk-error", f"{what} failed on the server's disk: {exc}. Check the folder's permissions and free space.")


def _byte_range(header, size: int):
    """[start, end) for a single-range `Range` header (None: no header, the whole
    object); 416 when it is malformed (an empty one too) or cannot be met."""
    if header is None:
        return 0, size
    match = _RANGE.match(header.strip())
    if not match or match.groups() == ("", ""):
        raise ApiError(416, "bad-range", f"Only one byte range like 'bytes=0-99' is supported, not {header[:60]!r}.")
    # Numbers past any object's size count as that large, without int() of a long string.
    first, last = (_capped(number) for number in match.groups())
    if first is None:
        start, end = max(0, size - last), size
    else:
        start = first
        end = min(size, last + 1) if last is not None else size
    if start >= size or start >= end:
        raise ApiError(416, "bad-range", f"The range {header[:60]!r} lies outside the object's {size} bytes.")
    return start, end


def _capped(digits: str):
    if not digits:
        return None
    return int(digits) if len(digits.lstrip("0")) <= MAX_DIGITS else 10**MAX_DIGITS


class NoRouteHandler(BaseHandler):
    """Any other path under the API's base: the API's 404, not Jupyter's HTML page."""

    def initialize(self):
        pass

    async def _no_route(self, *args):
        self._send_error(ApiError(404, "not-found", f"There is no route {self.request.path}; see docs/api.yaml."))

    # One decoration per method: @authorized fixes its action at a method's first call.
    get = tornado.web.authenticated(authorized(_no_route))
    post = tornado.web.authenticated(authorized(_no_route))
    put = tornado.web.authenticated(authorized(_no_route))
    delete = tornado.web.authenticated(authorized(_no_route))
    patch = tornado.web.authenticated(authorized(_no_route))


def setup_route_handlers(web_app, service: BucketService):
    base = url_path_join(web_app.settings["base_url"], "leap-buckets", "api")
    kwargs = {"service": service}
    upload_kwargs = {"service": service, "uploads": Uploads(service, service.jobs)}
    delete_kwargs = {"service": service, "deletes": Deletes(service, service.jobs, service.state_dir, service.audit_path)}
    web_app.add_handlers(
        ".*$",
        [
            (url_path_join(base, "roots"), RootsHandler, kwargs),
            (url_path_join(base, "list"), ListHandler, kwargs),
            (url_path_join(base, "object"), ObjectHandler, kwargs),
            (url_path_join(base, "transfers"), TransfersHandler, kwargs),
            (url_path_join(base, "folders"), FoldersHandler, kwargs),
            (url_path_join(base, "details"), DetailsHandler, kwargs),
            (url_path_join(base, "expiry"), ExpiryHandler, kwargs),
            (url_path_join(base, "expiring"), ExpiryHandler, kwargs),
            (url_path_join(base, "uploads"), UploadsHandler, upload_kwargs),
            (url_path_join(base, "uploads", r"([0-9a-f]+)"), UploadsHandler, upload_kwargs),
            (url_path_join(base, "delete", "plan"), DeletePlanHandler, delete_kwargs),
            (url_path_join(base, "delete", "plan", r"([A-Za-z0-9_-]+)"), DeletePlanHandler, delete_kwargs),
            (url_path_join(base, "delete"), DeleteHandler, delete_kwargs),
            (url_path_join(base, "jobs"), JobsHandler, kwargs),
            (url_path_join(base, "jobs", r"([0-9a-f]+)"), JobsHandler, kwargs),
        ],
    )
    # Added apart and after: tornado tries each add_handlers' rules in turn, so routes
    # added to the list above always come before this catch-all.
    web_app.add_handlers(".*$", [(url_path_join(base, r"(.*)"), NoRouteHandler)])
