"""The roots of this server's user and one store per root, made when first used."""

import logging
import tempfile
from pathlib import Path

from .config import LeapBuckets
from .errors import ApiError
from .expiry import Expiry
from .jobs import JobStore
from .local import LocalStore
from .roots import NO_USERNAME, Root, find_root, resolve_roots, valid_username
from .storage import Store, effective_endpoint, open_store

log = logging.getLogger(__name__)


class BucketService:
    def __init__(
        self,
        config: LeapBuckets,
        local_root: str = ".",
        jobs: JobStore = None,
        state_dir: Path = None,
        allow_hidden: bool = False,
    ):
        self.config = config
        self.local_root = local_root
        self.allow_hidden = allow_hidden  # ContentsManager.allow_hidden: what the file browser shows
        self.jobs = jobs or JobStore(None)
        self.state_dir = Path(state_dir or config.state_dir or tempfile.mkdtemp(prefix="leap-buckets-"))
        self.audit_path = Path(config.audit_log) if config.audit_log else self.state_dir / "deletes.jsonl"
        raw_name = config.resolved_username()
        self.username = valid_username(raw_name)
        if raw_name and not self.username:
            log.warning("leap-buckets: ignoring unusable username %r", raw_name)
        self.roots = resolve_roots(config.root_specs(), self.username)
        self._stores = {}
        self._local = {}  # root folder -> LocalStore
        self.expiry = Expiry(self, config.expiry_scan_limit)

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
        }

    def root(self, root_id) -> Root:
        if not root_id:
            raise ApiError(400, "bad-request", "The request needs a 'root' (see GET roots).")
        return find_root(self.roots, root_id)

    def local_store(self, root_dir: str):
        """The disk under `root_dir`, one store for every transfer: its folder checks and
        its writer process (disk_writer.py) are shared, not made again per transfer."""
        if root_dir not in self._local:
            # The extension's state (jobs, plans, audit log) is never a transfer's place,
            # even where it lies inside the root (Jupyter's data folder in the home).
            forbidden = (self.state_dir, self.audit_path.parent, self.jobs.path.parent if self.jobs.path else None)
            self._local[root_dir] = LocalStore(root_dir, forbidden, self.allow_hidden)
        return self._local[root_dir]

    def store(self, root: Root) -> Store:
        # Stores hold an HTTP session bound to the running event loop, so they are made
        # lazily, inside a request, and reused for every later one.
        if root.id not in self._stores:
            self._stores[root.id] = open_store(root, self.config)
        return self._stores[root.id]
