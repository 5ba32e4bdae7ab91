"""GET icechunk and GET references: what the previews of an Icechunk repository and of a
virtual Zarr store show, read on the server (icechunk_summary.py, references_summary.py)
because the browser can read neither Icechunk's snapshots nor a large reference file."""

import json

import tornado.web
from jupyter_server.auth.decorator import authorized

from .handlers import BaseHandler, api_errors
from .icechunk_summary import icechunk_summary
from .paths import check_key
from .references_summary import references_summary
from .translate import translate


class IcechunkHandler(BaseHandler):
    @tornado.web.authenticated
    @authorized
    @api_errors
    async def get(self):
        root = self.root(self.arg("root"))
        path = check_key(self.arg("path"), folder=True)
        try:
            answer = await icechunk_summary(self.service.store(root), path)
        except Exception as exc:
            raise translate(exc, root, f"Reading the Icechunk repository {path}") from None
        self.finish(json.dumps(answer))


class ReferencesHandler(BaseHandler):
    @tornado.web.authenticated
    @authorized
    @api_errors
    async def get(self):
        root = self.root(self.arg("root"))
        path = self.arg("path")
        path = check_key(path, folder=isinstance(path, str) and path.endswith("/"))
        try:
            answer = await references_summary(self.service.store(root), path)
        except Exception as exc:
            raise translate(exc, root, f"Reading the references {path}") from None
        self.finish(json.dumps(answer))
