"""The places this server's user works in: the configured roots resolved for the user,
one store per root (made when first used), and the store of the server's own disk.
build.py makes it, with the other parts; nothing else does."""

import logging

from .config import LeapBuckets
from .errors import ApiError
from .local import LocalStore
from .roots import NO_USERNAME, Root, find_root, resolve_roots, valid_username
from .storage import Store, effective_endpoint, open_store

log = logging.getLogger(__name__)


class BucketService:
    def __init__(self, config: LeapBuckets, local: LocalStore):
        self.config = config
        # The Jupyter server's root folder, one store for every transfer and upload: its
        # folder checks and its writer process (disk_writer.py) are shared.
        self.local = local
        raw_name = config.resolved_username()
        self.username = valid_username(raw_name)
        if raw_name and not self.username:
            log.warning("leap-buckets: ignoring unusable username %r", raw_name)
        self.roots = resolve_roots(config.root_specs(), self.username)
        self._stores = {}

    def describe(self) -> dict:
        return {
            "user": self.username,
            # endpoint and anonymous: what a notebook needs to open the same objects
            # (the snippets the panel copies).
            "roots": [
                {**root.to_api(), "endpoint": effective_endpoint(root, self.config), "anonymous": root.anonymous}
                for root in self.roots
            ],
            "notice": None if self.username else NO_USERNAME,
            # From these sizes the panel offers to hand a GCS job to Google (POST handoff/...).
            "handoff": {"objects": self.config.handoff_objects, "bytes": self.config.handoff_bytes},
        }

    def root(self, root_id) -> Root:
        if not root_id:
            raise ApiError(400, "bad-request", "The request needs a 'root' (see GET roots).")
        return find_root(self.roots, root_id)

    def store(self, root: Root) -> Store:
        # Stores hold an HTTP session bound to the running event loop, so they are made
        # lazily, inside a request, and reused for every later one.
        if root.id not in self._stores:
            self._stores[root.id] = open_store(root, self.config)
        return self._stores[root.id]
