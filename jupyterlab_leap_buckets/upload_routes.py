"""The route of desktop uploads (`POST uploads`, `PUT uploads/<id>?offset=n`); see uploads.py."""

import json
import logging

import tornado.iostream
import tornado.web
from jupyter_server.auth.decorator import authorized

from .build import Parts
from .errors import ApiError, bad_request
from .handlers import BaseHandler, api_errors
from .translate import translate

log = logging.getLogger(__name__)


@tornado.web.stream_request_body
class UploadsHandler(BaseHandler):
    """Desktop files, chunk by chunk, streamed into the bucket's upload (see uploads.py).

    Bodies stream (stream_request_body): no PUT is held whole. prepare() runs before a
    byte of the body is read, so the user, XSRF and the upload's offset are checked
    there; data_received() hands the bytes on as they come and is awaited, so the body is
    read no faster than the bucket takes it."""

    MAX_JSON = 1024 * 1024  # a POST's JSON body

    def initialize(self, parts: Parts):
        super().initialize(parts)
        self.uploads = parts.uploads
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
            allowed = self.authorizer.is_authorized(
                self, self.current_user, "write", getattr(self, "auth_resource", "leap-buckets")
            )
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
        return ApiError(
            413,
            "too-large",
            f"The request's JSON is over {self.MAX_JSON // 1024} KiB; send only the fields of POST uploads.",
        )

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
            job = await self.uploads.start(self.json_body())
        except Exception as exc:
            raise translate(exc, self.named_roots(self.json_body(), "target"), "Starting the upload") from None
        self.set_status(202)
        self.finish(json.dumps(job.to_api()))

    @tornado.web.authenticated
    @api_errors
    async def put(self, job_id=None):
        if not job_id or not self.receiver:
            raise bad_request("Send a chunk to PUT uploads/<id>?offset=n, after POST uploads.")
        job = await self.receiver.end()
        self.finish(json.dumps(job.to_api()))
