"""HTTP routes of ../shared/API.md; thin: they parse, call the domain code, answer."""

import functools
import json
import logging
import re
from datetime import timedelta

import tornado.iostream
import tornado.web
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join

from .deletes import Deletes
from .errors import ApiError, bad_request
from .items import create_folder, details
from .listing import list_page
from .paths import check_key
from .service import BucketService
from .storage.errors import translate
from .transfers import start_transfer
from .uploads import Uploads

log = logging.getLogger(__name__)

CHUNK = 4 * 1024 * 1024  # bytes read from the bucket per request while streaming
_RANGE = re.compile(r"bytes=(\d*)-(\d*)$")


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
    def initialize(self, service: BucketService):
        self.service = service

    def json_body(self) -> dict:
        try:
            body = json.loads(self.request.body or b"{}")
        except ValueError:
            raise bad_request("The request body must be JSON.") from None
        if not isinstance(body, dict):
            raise bad_request("The request body must be a JSON object.")
        return body

    def arg(self, name: str, default=None):
        """A query argument exactly as sent. Tornado's get_argument strips white space
        and turns control characters into spaces, which would change an object key."""
        values = self.request.query_arguments.get(name)
        if not values:
            return default
        try:
            return values[-1].decode("utf-8")
        except UnicodeDecodeError:
            raise bad_request(f"The argument {name!r} is not valid UTF-8.") from None

    def _send_error(self, err: ApiError):
        if self._headers_written:
            log.warning("leap-buckets: %s after the response started", err.message)
            self.finish()
            return
        self.clear()
        self.set_status(err.status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(err.to_json()))


class RootsHandler(BaseHandler):
    @tornado.web.authenticated
    @api_errors
    async def get(self):
        self.finish(json.dumps(self.service.describe()))


class ListHandler(BaseHandler):
    @tornado.web.authenticated
    @api_errors
    async def get(self):
        root = self.service.root(self.arg("root"))
        path = check_key(self.arg("path", root.home), folder=True)
        limit = _int_argument(self.arg("limit"), self.service.config.max_page_size)
        store = self.service.store(root)
        try:
            policy = await self.service.expiry.policy(root)
            page = await list_page(
                store,
                root,
                path,
                self.arg("cursor"),
                min(limit, self.service.config.max_page_size),
                self.service.config.zarr_probe_folders,
                policy,
            )
        except Exception as exc:
            raise translate(exc, root, f"Listing {path or 'the bucket'}") from None
        page["expiry"] = policy.to_api()
        if page.pop("empty") and path and path != root.home:
            raise ApiError(404, "not-found", f"There is no folder {root.url}{path}; it may have been moved or deleted.")
        self.finish(json.dumps(page))


class ObjectHandler(BaseHandler):
    @tornado.web.authenticated
    @api_errors
    async def get(self):
        root = self.service.root(self.arg("root"))
        path = check_key(self.arg("path"), folder=False)
        store = self.service.store(root)
        try:
            info = await store.head(path)
        except Exception as exc:
            raise translate(exc, root, f"Reading {path}") from None
        if info is None:
            raise ApiError(404, "not-found", f"There is no object {root.url}{path}.")
        start, end = _byte_range(self.request.headers.get("Range"), info.size)
        self.set_status(206 if end - start < info.size or "Range" in self.request.headers else 200)
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
        self.finish()


class ExpiryHandler(BaseHandler):
    """GET expiry?root=&path=<folder>/: the earliest expiry of what lies under a folder
    or store (bounded scan, cached); GET expiring?root=&hours=: what in the home expires
    within that many hours."""

    @tornado.web.authenticated
    @api_errors
    async def get(self):
        root = self.service.root(self.arg("root"))
        expiry = self.service.expiry
        try:
            if self.request.path.rstrip("/").endswith("expiring"):
                hours = self.arg("hours", "24")
                try:
                    within = timedelta(hours=float(hours))
                except ValueError:
                    raise bad_request(f"'hours' is a number of hours, not {hours!r}.") from None
                self.finish(json.dumps(await expiry.expiring(root, within)))
                return
            path = check_key(self.arg("path"), folder=True)
            limit = min(_int_argument(self.arg("limit"), expiry.scan_limit), expiry.scan_limit)
            self.finish(json.dumps(await expiry.earliest(root, path, limit)))
        except ApiError:
            raise
        except Exception as exc:
            raise translate(exc, root, "Finding what expires") from None


class FoldersHandler(BaseHandler):
    """POST folders {"root", "path": "<folder>/"}: a new, empty folder."""

    @tornado.web.authenticated
    @api_errors
    async def post(self):
        body = self.json_body()
        root = self.service.root(body.get("root"))
        entry = await create_folder(self.service, root, body.get("path"))
        self.set_status(201)
        self.finish(json.dumps(entry))


class DetailsHandler(BaseHandler):
    """GET details?root=&path=: a file's metadata and checksums, or how many objects and
    bytes lie under a folder or store."""

    @tornado.web.authenticated
    @api_errors
    async def get(self):
        root = self.service.root(self.arg("root"))
        self.finish(json.dumps(await details(self.service, root, self.arg("path"))))


class TransfersHandler(BaseHandler):
    @tornado.web.authenticated
    @api_errors
    async def post(self):
        body = self.json_body()
        try:
            job = await start_transfer(self.service, self.service.jobs, self.service.local_root, body)
        except ApiError:
            raise
        except Exception as exc:
            root = self.service.roots[0]
            raise translate(exc, root, "Starting the transfer") from None
        self.set_status(202)
        self.finish(json.dumps(job.to_api()))


class UploadsHandler(BaseHandler):
    """Desktop files, chunk by chunk, streamed into the bucket's upload (see uploads.py)."""

    def initialize(self, service: BucketService, uploads: Uploads):
        super().initialize(service)
        self.uploads = uploads

    @tornado.web.authenticated
    @api_errors
    async def post(self, job_id=None):
        if job_id:
            raise bad_request("Start an upload with POST uploads; send its bytes with PUT uploads/<id>.")
        try:
            job = await self.uploads.start(self.service.local_root, self.json_body())
        except ApiError:
            raise
        except Exception as exc:
            raise translate(exc, self.service.roots[0], "Starting the upload") from None
        self.set_status(202)
        self.finish(json.dumps(job.to_api()))

    @tornado.web.authenticated
    @api_errors
    async def put(self, job_id=None):
        if not job_id:
            raise bad_request("Send a chunk to PUT uploads/<id>?offset=n, after POST uploads.")
        job = await self.uploads.receive(job_id, self.arg("offset"), self.request.body)
        self.finish(json.dumps(job.to_api()))


class _DeletesHandler(BaseHandler):
    def initialize(self, service: BucketService, deletes: Deletes):
        super().initialize(service)
        self.deletes = deletes


class DeletePlanHandler(_DeletesHandler):
    """POST delete/plan: what a delete would remove, and a token to confirm it with;
    GET delete/plan/<token> follows a listing still under way; DELETE drops the plan."""

    @tornado.web.authenticated
    @api_errors
    async def get(self, token=None):
        if not token:
            raise bad_request("Follow a plan with GET delete/plan/<token>.")
        self.finish(json.dumps(self.deletes.get(token).to_api()))

    @tornado.web.authenticated
    @api_errors
    async def delete(self, token=None):
        if not token:
            raise bad_request("Drop a plan with DELETE delete/plan/<token>.")
        self.deletes.drop(token)
        self.set_status(204)
        self.finish()

    @tornado.web.authenticated
    @api_errors
    async def post(self, token=None):
        if token:
            raise bad_request("Plan a delete with POST delete/plan and {\"root\", \"path\"}.")
        body = self.json_body()
        try:
            plan = await self.deletes.plan(body)
        except ApiError:
            raise
        except Exception as exc:
            raise translate(exc, self.service.root(body.get("root")), "Planning the delete") from None
        self.finish(json.dumps(plan.to_api()))


class DeleteHandler(_DeletesHandler):
    """POST delete: run a confirmed plan as a job."""

    @tornado.web.authenticated
    @api_errors
    async def post(self):
        job = self.deletes.start(self.json_body())
        self.set_status(202)
        self.finish(json.dumps(job.to_api()))


class JobsHandler(BaseHandler):
    @tornado.web.authenticated
    @api_errors
    async def get(self, job_id=None):
        jobs = self.service.jobs
        if job_id:
            self.finish(json.dumps(jobs.get(job_id).to_api()))
        else:
            self.finish(json.dumps({"jobs": [job.to_api() for job in jobs.list()]}))

    @tornado.web.authenticated
    @api_errors
    async def delete(self, job_id=None):
        if not job_id:
            raise bad_request("Name the job to cancel: DELETE jobs/<id>.")
        job = self.service.jobs.cancel(job_id)
        await self.service.jobs.wait(job_id)
        self.finish(json.dumps(job.to_api()))


def _int_argument(value, default: int) -> int:
    if value is None:
        return default
    if not value.isdigit() or int(value) < 1:
        raise bad_request(f"'limit' must be a whole number above 0, not {value!r}.")
    return int(value)


def _byte_range(header, size: int):
    """[start, end) for a single-range `Range` header; 416 when it cannot be met."""
    if not header:
        return 0, size
    match = _RANGE.match(header.strip())
    if not match or match.groups() == ("", ""):
        raise ApiError(416, "bad-range", f"Only one byte range like 'bytes=0-99' is supported, not {header!r}.")
    first, last = match.groups()
    if first == "":
        start, end = max(0, size - int(last)), size
    else:
        start = int(first)
        end = min(size, int(last) + 1) if last else size
    if start >= size or start >= end:
        raise ApiError(416, "bad-range", f"The range {header!r} lies outside the object's {size} bytes.")
    return start, end


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
