"""POST handoff/transfer and POST handoff/delete: the request and `gcloud` command that
hand a large GCS job to Google's own services, with what it costs (handoff.py)."""

import json

import tornado.web
from jupyter_server.auth.decorator import authorized

from .handlers import BaseHandler, api_errors
from .handoff import handoff_delete, handoff_transfer
from .translate import translate


class HandoffHandler(BaseHandler):
    @tornado.web.authenticated
    @authorized
    @api_errors
    async def post(self, kind):
        body = self.json_body()
        if kind == "transfer":
            named = self.named_roots(body, "target", "source")
        else:  # the plan's root, where the manifest is written
            plan = self.parts.deletes.plans.get(body.get("plan")) if isinstance(body.get("plan"), str) else None
            named = [plan.root] if plan else []
        try:
            if kind == "transfer":
                answer = await handoff_transfer(self.service, body)
            else:
                answer = await handoff_delete(self.service, self.parts.deletes, body)
        except Exception as exc:
            raise translate(exc, named, "Preparing the hand-off") from None
        self.finish(json.dumps(answer))
