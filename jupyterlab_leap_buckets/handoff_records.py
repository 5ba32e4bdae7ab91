"""The hand-offs the jobs pane follows by name (issue #18). Preparing a hand-off (POST
handoff/transfer or handoff/delete) sends nothing to Google, so whether the job exists at
Google is the user's doing: a prepared hand-off is remembered here in memory, and only
when the user says they ran it ("Record and follow", POST handoff/follow) is it kept, in
state_dir/handoffs.json, and listed by GET handoff. Its status is asked of Google on
demand (handoff_status.py); nothing here talks to Google."""

import json
import logging
import time
from collections import OrderedDict
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

from .errors import bad_request, not_found

log = logging.getLogger(__name__)

KEEP_PREPARED = 50  # prepared, not yet followed: the newest, in memory only
KEEP_FOLLOWED = 200  # followed hand-offs kept on disk, newest first


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def record(answer: dict, kind: str, project: str) -> dict:
    """What is kept of a prepared hand-off (the answer of POST handoff/<kind>): enough to
    show it by name and to ask Google about it later."""
    return {
        "id": answer["name"].rsplit("/", 1)[-1],
        "name": answer["name"],
        "kind": kind,
        "service": answer["service"],
        "project": project,
        "source": answer.get("source"),
        "target": answer.get("target"),
        "manifest": answer.get("manifest"),
        "objects": answer.get("objects"),
        "bytes": answer.get("bytes"),
        "gcloud": answer["gcloud"],
        "follow": answer["follow"],
        "createdAt": now_iso(),
        "followedAt": None,
    }


class Handoffs:
    def __init__(self, path: Optional[Path]):
        self.path = path
        self._prepared: OrderedDict = OrderedDict()
        self._followed: list = self._load()

    def _load(self) -> list:
        if self.path is None or not self.path.exists():
            return []
        try:
            saved = json.loads(self.path.read_text())
            if not isinstance(saved, list):
                raise ValueError("not a list of hand-offs")
        except (OSError, ValueError) as exc:
            # Kept aside, not overwritten: the names in it are what the user needs to
            # follow the jobs with gcloud.
            aside = self.path.with_name(f"{self.path.name}.unreadable-{time.time_ns()}")
            self.path.replace(aside)
            log.warning("leap-buckets: %s was unreadable (%s); kept as %s", self.path, exc, aside)
            return []
        return [item for item in saved if isinstance(item, dict) and "id" in item]

    def _save(self):
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self._followed))
        tmp.replace(self.path)

    def prepared(self, item: dict):
        self._prepared[item["id"]] = item
        while len(self._prepared) > KEEP_PREPARED:
            self._prepared.popitem(last=False)

    def follow(self, body: dict) -> dict:
        """Keep a hand-off this server prepared, as run by the user (once; again is the same)."""
        handoff_id = body.get("name")
        if not isinstance(handoff_id, str) or not handoff_id:
            raise bad_request("'name' is the hand-off's name, as POST handoff/transfer or handoff/delete answered it.")
        handoff_id = handoff_id.rsplit("/", 1)[-1]
        for item in self._followed:
            if item["id"] == handoff_id:
                return item
        item = self._prepared.pop(handoff_id, None)
        if item is None:
            raise not_found(
                f"This server prepared no hand-off {handoff_id} (or restarted since); prepare it again, "
                "or follow the job with its gcloud command."
            )
        item = {**item, "followedAt": now_iso()}
        self._followed = [item, *self._followed][:KEEP_FOLLOWED]
        self._save()
        return item

    def list(self) -> list:
        return list(self._followed)

    def get(self, handoff_id: str) -> dict:
        for item in self._followed:
            if item["id"] == handoff_id:
                return item
        raise not_found(f"No followed hand-off is called {handoff_id}; GET handoff lists them.")

    def forget(self, handoff_id: str):
        """Stop following it here (the job at Google is not touched)."""
        item = self.get(handoff_id)
        self._followed = [other for other in self._followed if other is not item]
        self._save()
