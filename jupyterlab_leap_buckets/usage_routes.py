"""GET usage?root=&path=<folder>/[&refresh=1]: what uses the space in a folder, per
top-level item, from a bounded background scan (usage.py). Reading it needs what
listing needs (the authorizer's `read`, a configured root, a well-formed folder key);
nothing is written."""

import json

import tornado.web
from jupyter_server.auth.decorator import authorized

from .errors import ApiError, bad_request
from .guard import key_problem
from .handlers import BaseHandler, api_errors
from .paths import check_key
from .translate import translate
from .usage import price_of


class UsageHandler(BaseHandler):
    @tornado.web.authenticated
    @authorized
    @api_errors
    async def get(self):
        root = self.root(self.arg("root"))
        path = check_key(self.arg("path", root.home), folder=True)
        problem = key_problem(path) if path else None
        if problem:
            raise bad_request(f"Cannot measure {root.url}{path}: {problem}. Give the folder's key, ending in '/'.")
        refresh = self.arg("refresh", "0")
        if refresh not in ("0", "1"):
            raise bad_request("'refresh' is 1 (scan again now) or 0 (a recent scan will do).")
        try:
            scan = await self.parts.usage.get(root, path, refresh == "1")
        except Exception as exc:
            raise translate(exc, root, f"Measuring {path or 'the bucket'}") from None
        if scan.complete and not scan.items and path and path != root.home:
            raise ApiError(404, "not-found", f"There is no folder {root.url}{path}; it may have been moved or deleted.")
        bucket_class = await self.parts.usage.bucket_class(root)
        extra = {**price_of(self.service.config, root, bucket_class), "url": f"{root.url}{path}"}
        self.finish(json.dumps(scan.to_api(extra)))
