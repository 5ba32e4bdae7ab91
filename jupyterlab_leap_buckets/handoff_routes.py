"""The hand-off routes (handoff.py, handoff_records.py, handoff_status.py):
- POST handoff/transfer and POST handoff/delete: the request and `gcloud` command that hand
  a large GCS job to Google's own services, with what it costs (nothing is sent);
- POST handoff/follow: the user ran a prepared hand-off; the jobs pane follows it by name;
- GET handoff: the followed hand-offs; GET handoff/<id>: one, with where Google says it
  is; DELETE handoff/<id>: stop following it (the job at Google is not touched)."""

import json

import tornado.web
from jupyter_server.auth.decorator import authorized

from .handlers import BaseHandler, api_errors
from .handoff import handoff_delete, handoff_transfer
from .handoff_records import record
from .handoff_status import status
from .translate import translate

HANDOFF_ID = r"(leap-buckets-[a-z0-9-]+)"  # as handoff.job_id makes them


class HandoffHandler(BaseHandler):
    @tornado.web.authenticated
    @authorized
    @api_errors
    async def post(self, kind):
        body = self.json_body()
        if kind == "follow":
            self.set_status(201)
            self.finish(json.dumps(self.parts.handoffs.follow(body)))
            return
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
        self.parts.handoffs.prepared(record(answer, kind, self.service.config.gcp_project))
        self.finish(json.dumps(answer))


class HandoffListHandler(BaseHandler):
    @tornado.web.authenticated
    @authorized
    @api_errors
    async def get(self):
        self.finish(json.dumps({"handoffs": self.parts.handoffs.list()}))


class HandoffsHandler(BaseHandler):
    @tornado.web.authenticated
    @authorized
    @api_errors
    async def get(self, handoff_id):
        item = self.parts.handoffs.get(handoff_id)
        answer = await status(item, self.service.config.handoff_api_root)
        self.finish(json.dumps({**item, "status": answer}))

    @tornado.web.authenticated
    @authorized
    @api_errors
    async def delete(self, handoff_id):
        self.parts.handoffs.forget(handoff_id)
        self.set_status(204)
        self.finish()
