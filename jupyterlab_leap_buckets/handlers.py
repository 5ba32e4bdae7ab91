"""What every route shares: the API's error format, the base handler with its strict
parsing of arguments and bodies, and the answer for paths under the API that match no
route. A malformed request is a 400 `bad-request` that says what to send, never a 500
(test_api_schema.py runs schemathesis against the live server to hold that)."""

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

from .build import Parts
from .errors import ApiError, bad_request
from .listing import decode_cursor
from .roots import Root

log = logging.getLogger(__name__)

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
            self._send_error(ApiError(500, "internal", "The server failed unexpectedly; see its log and retry."))

    return wrapper


class BaseHandler(APIHandler):
    # jupyter_server's authorizer is asked for "read" (GET) or "write" (POST, PUT,
    # DELETE) on this resource by @authorized, as its own contents handlers do.
    auth_resource = AUTH_RESOURCE

    def initialize(self, parts: Parts):
        """`parts`: what build.py made, once for the server; handlers make nothing."""
        self.parts = parts
        self.service = parts.service

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

    def named_roots(self, body: dict, *roles: str) -> list:
        """The roots a request's places (`roles`, in order of preference) name, None for
        the server's disk: what translate() chooses among for a failure of the request."""
        named = []
        for role in roles:
            place = body.get(role)
            if isinstance(place, dict) and "local" in place:
                named.append(None)
            elif isinstance(place, dict):
                named += [root for root in self.service.roots if root.id == place.get("root")]
        return named

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
            code, message = (
                "unauthenticated",
                (
                    "Sign in to Jupyter first: send the server's token as 'Authorization: token <token>', or its "
                    "login cookie."
                ),
            )
        elif status_code == 403 and "xsrf" in detail.lower():
            code, message = (
                "xsrf",
                "The request lacks JupyterLab's XSRF token (a signed-in browser sends it); reload the page.",
            )
        elif status_code == 403:
            code, message = (
                "forbidden",
                (
                    f"This server's authorizer does not let you {_action(self.request.method)} {AUTH_RESOURCE}; "
                    "ask whoever runs the server for that permission."
                ),
            )
        elif status_code == 405:
            code, message = (
                "method-not-allowed",
                f"{self.request.method} is not a method of this route; see docs/api.yaml.",
            )
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


def check_cursor(cursor, path: str):
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


def whole_number(value, name: str, default: int) -> int:
    if value is None:
        return default
    if not _WHOLE.fullmatch(value) or len(value.lstrip("0")) > MAX_DIGITS or not 1 <= int(value) <= MAX_COUNT:
        raise bad_request(f"'{name}' must be a whole number from 1 to {MAX_COUNT}, not {value[:40]!r}.")
    return int(value)


def hours_argument(value: str) -> timedelta:
    try:
        hours = float(value)
    except ValueError:
        hours = math.nan
    if not 0 <= hours <= MAX_HOURS:  # NaN fails this too
        raise bad_request(f"'hours' must be a number of hours from 0 to {MAX_HOURS}, not {value[:40]!r}.")
    return timedelta(hours=hours)


def byte_range(header, size: int):
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
        pass  # answers without the parts

    async def _no_route(self, *args):
        self._send_error(ApiError(404, "not-found", f"There is no route {self.request.path}; see docs/api.yaml."))

    # One decoration per method: @authorized fixes its action at a method's first call.
    get = tornado.web.authenticated(authorized(_no_route))
    post = tornado.web.authenticated(authorized(_no_route))
    put = tornado.web.authenticated(authorized(_no_route))
    delete = tornado.web.authenticated(authorized(_no_route))
    patch = tornado.web.authenticated(authorized(_no_route))
