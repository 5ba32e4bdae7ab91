"""HTTP routes of docs/api.yaml; thin: they parse (handlers.py), call the domain code,
answer. Desktop uploads have their own module, upload_routes.py."""

import asyncio
import json
import logging

import tornado.iostream
import tornado.web
from jupyter_server.auth.decorator import authorized
from jupyter_server.utils import url_path_join

from .build import Parts
from .errors import ApiError, bad_request
from .handlers import BaseHandler, NoRouteHandler, api_errors, byte_range, check_cursor, hours_argument, whole_number
from .handoff_routes import HANDOFF_ID, HandoffHandler, HandoffListHandler, HandoffsHandler
from .items import create_folder, details
from .listing import LIST_DEADLINE, list_page
from .paths import check_key
from .preview_routes import IcechunkHandler, ReferencesHandler
from .resume import start_resume
from .storage.errors import SourceChanged
from .transfer_start import start_transfer
from .translate import translate
from .upload_routes import UploadsHandler
from .usage_routes import UsageHandler

log = logging.getLogger(__name__)

CHUNK = 4 * 1024 * 1024  # bytes read from the bucket per request while streaming


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
        limit = whole_number(self.arg("limit"), "limit", self.service.config.max_page_size)
        check_cursor(self.arg("cursor"), path)
        store = self.service.store(root)
        try:
            # A listing is what the user waits on: past LIST_DEADLINE it fails (502)
            # whatever the libraries' retries would still try.
            policy = await asyncio.wait_for(self.parts.expiry.policy(root), LIST_DEADLINE)
            page = await asyncio.wait_for(
                list_page(
                    store,
                    root,
                    path,
                    self.arg("cursor"),
                    min(limit, self.service.config.max_page_size),
                    self.service.config.zarr_probe_folders,
                    policy,
                ),
                LIST_DEADLINE,
            )
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
        start, end = byte_range(self.request.headers.get("Range"), info.size)
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
        # One GET (a ranged one for a Range), streamed: at most CHUNK bytes of it are in
        # memory at once. A GET per chunk cost a round trip each: 17.6 s for 300 MiB from
        # moto where one GET took 0.4 s (docs/benchmarks.md). Only the version just
        # headed is read, so the bytes always match the length and ETag announced.
        pieces = store.stream(
            path, end - start, CHUNK, version=info.generation or info.etag, start=start if ranged else None
        )
        try:
            while True:
                try:
                    data = await pieces.__anext__()
                except StopAsyncIteration:
                    break
                except SourceChanged:
                    raise ApiError(
                        502, "storage-error", f"{root.url}{path} was replaced while it was being read; read it again."
                    ) from None
                except Exception as exc:
                    raise translate(exc, root, f"Reading {path}") from None
                self.write(data)
                await self.flush()
        finally:
            await pieces.aclose()  # a client gone mid-answer closes the GET at once
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
        expiry = self.parts.expiry
        if self.request.path.rstrip("/").endswith("expiring"):
            within = hours_argument(self.arg("hours", "24"))
        else:
            path = check_key(self.arg("path"), folder=True)
            limit = min(whole_number(self.arg("limit"), "limit", expiry.scan_limit), expiry.scan_limit)
        try:
            if self.request.path.rstrip("/").endswith("expiring"):
                self.finish(json.dumps(await expiry.expiring(root, within)))
            else:
                self.finish(json.dumps(await expiry.earliest(root, path, limit)))
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
        self.finish(json.dumps(await details(self.service, self.parts.expiry, root, self.arg("path"))))


class TransfersHandler(BaseHandler):
    @tornado.web.authenticated
    @authorized
    @api_errors
    async def post(self):
        body = self.json_body()
        try:
            job = await start_transfer(self.service, self.parts.jobs, body)
        except Exception as exc:
            raise translate(exc, self.named_roots(body, "target", "source"), "Starting the transfer") from None
        self.set_status(202)
        self.finish(json.dumps(job.to_api()))


class DeletePlanHandler(BaseHandler):
    """POST delete/plan: what a delete would remove, and a token to confirm it with;
    GET delete/plan/<token> follows a listing still under way; DELETE drops the plan."""

    @tornado.web.authenticated
    @authorized
    @api_errors
    async def get(self, token=None):
        if not token:
            raise bad_request("Follow a plan with GET delete/plan/<token>.")
        self.finish(json.dumps(self.parts.deletes.get(token).to_api()))

    @tornado.web.authenticated
    @authorized
    @api_errors
    async def delete(self, token=None):
        if not token:
            raise bad_request("Drop a plan with DELETE delete/plan/<token>.")
        self.parts.deletes.drop(token)
        self.set_status(204)
        self.finish()

    @tornado.web.authenticated
    @authorized
    @api_errors
    async def post(self, token=None):
        if token:
            raise bad_request('Plan a delete with POST delete/plan and {"root", "path"}.')
        body = self.json_body()
        root = self.root(body.get("root"))
        try:
            plan = await self.parts.deletes.plan(body)
        except Exception as exc:
            raise translate(exc, root, "Planning the delete") from None
        self.finish(json.dumps(plan.to_api()))


class DeleteHandler(BaseHandler):
    """POST delete: run a confirmed plan as a job."""

    @tornado.web.authenticated
    @authorized
    @api_errors
    async def post(self):
        # Who asked goes into the audit log (deletes.jsonl), beside the server's user.
        job = self.parts.deletes.start(self.json_body(), identity=self.current_user.username)
        self.set_status(202)
        self.finish(json.dumps(job.to_api()))


class JobsHandler(BaseHandler):
    @tornado.web.authenticated
    @authorized
    @api_errors
    async def get(self, job_id=None):
        jobs = self.parts.jobs
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
        job = self.parts.jobs.cancel(job_id)
        await self.parts.jobs.wait(job_id)
        self.finish(json.dumps(job.to_api()))


class ResumeHandler(BaseHandler):
    """POST jobs/<id>/resume: a failed, cancelled or interrupted transfer again, skipping
    what is already at its target (resume.py)."""

    @tornado.web.authenticated
    @authorized
    @api_errors
    async def post(self, job_id):
        old = self.parts.jobs.get(job_id)  # 404 first: an unknown job names no roots
        try:
            job = await start_resume(self.service, self.parts.jobs, job_id)
        except Exception as exc:
            raise translate(exc, self.named_roots(old.to_api(), "target", "source"), "Resuming the transfer") from None
        self.set_status(202)
        self.finish(json.dumps(job.to_api()))


def setup_route_handlers(web_app, parts: Parts):
    """Every route of docs/api.yaml, each handler given the parts build() made."""
    base = url_path_join(web_app.settings["base_url"], "leap-buckets", "api")
    kwargs = {"parts": parts}
    web_app.add_handlers(
        ".*$",
        [
            (url_path_join(base, "roots"), RootsHandler, kwargs),
            (url_path_join(base, "list"), ListHandler, kwargs),
            (url_path_join(base, "object"), ObjectHandler, kwargs),
            (url_path_join(base, "transfers"), TransfersHandler, kwargs),
            (url_path_join(base, "folders"), FoldersHandler, kwargs),
            (url_path_join(base, "details"), DetailsHandler, kwargs),
            (url_path_join(base, "icechunk"), IcechunkHandler, kwargs),
            (url_path_join(base, "references"), ReferencesHandler, kwargs),
            (url_path_join(base, "expiry"), ExpiryHandler, kwargs),
            (url_path_join(base, "expiring"), ExpiryHandler, kwargs),
            (url_path_join(base, "usage"), UsageHandler, kwargs),
            (url_path_join(base, "uploads"), UploadsHandler, kwargs),
            (url_path_join(base, "uploads", r"([0-9a-f]+)"), UploadsHandler, kwargs),
            (url_path_join(base, "delete", "plan"), DeletePlanHandler, kwargs),
            (url_path_join(base, "delete", "plan", r"([A-Za-z0-9_-]+)"), DeletePlanHandler, kwargs),
            (url_path_join(base, "delete"), DeleteHandler, kwargs),
            (url_path_join(base, "handoff", r"(transfer|delete|follow)"), HandoffHandler, kwargs),
            (url_path_join(base, "handoff"), HandoffListHandler, kwargs),
            (url_path_join(base, "handoff", HANDOFF_ID), HandoffsHandler, kwargs),
            (url_path_join(base, "jobs"), JobsHandler, kwargs),
            (url_path_join(base, "jobs", r"([0-9a-f]+)"), JobsHandler, kwargs),
            (url_path_join(base, "jobs", r"([0-9a-f]+)", "resume"), ResumeHandler, kwargs),
        ],
    )
    # Added apart and after: tornado tries each add_handlers' rules in turn, so routes
    # added to the list above always come before this catch-all.
    web_app.add_handlers(".*$", [(url_path_join(base, r"(.*)"), NoRouteHandler)])
