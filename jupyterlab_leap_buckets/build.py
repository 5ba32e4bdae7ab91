"""The server extension's parts, made in this one place: the extension's startup
(__init__.py), the tests and the benchmarks call `build`, and the routes receive what it
made. Nothing else constructs a BucketService, JobStore, Uploads, Deletes, Expiry, Usage or the
disk's LocalStore, so each exists once per server, with one state folder."""

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from .config import LeapBuckets
from .deletes import Deletes
from .expiry import Expiry
from .handoff_records import Handoffs
from .jobs import JobStore
from .local import LocalStore
from .service import BucketService
from .uploads import Uploads
from .usage import Usage


@dataclass(frozen=True)
class Parts:
    """What `build` made: the routes' handlers and the tests take what they need."""

    config: LeapBuckets
    service: BucketService  # the user's roots and their stores, and the server's disk
    jobs: JobStore  # every transfer, upload and delete, kept in state_dir/jobs.json
    expiry: Expiry  # lifecycle policies and folders' earliest expiries, cached
    uploads: Uploads  # desktop files streamed into the buckets
    deletes: Deletes  # delete plans and their jobs, audited to audit_path
    usage: Usage  # what uses the space in a folder: bounded background scans, cached
    handoffs: Handoffs  # hand-offs to Google the user follows, in state_dir/handoffs.json
    state_dir: Path
    audit_path: Path

    @property
    def local(self) -> LocalStore:
        return self.service.local


def build(
    config: LeapBuckets,
    state_dir: Optional[Path] = None,
    local_root: str = ".",
    allow_hidden: bool = False,
    persist_jobs: bool = True,
) -> Parts:
    """Every part, once. `state_dir`: where jobs, delete plans and (unless
    `config.audit_log` says otherwise) the audit log are kept; default
    `config.state_dir`, else a new temporary folder. `local_root`: the Jupyter server's
    root folder, the disk's place for transfers. `allow_hidden`: ContentsManager's, so
    hidden files are reachable exactly where the file browser shows them.
    `persist_jobs` False keeps jobs in memory only (benchmarks)."""
    state = Path(state_dir or config.state_dir or tempfile.mkdtemp(prefix="leap-buckets-"))
    audit = Path(config.audit_log) if config.audit_log else state / "deletes.jsonl"
    jobs = JobStore(state / "jobs.json" if persist_jobs else None)
    # The extension's state (jobs, plans, audit log) is never a transfer's place, even
    # where it lies inside the root (Jupyter's data folder in the home).
    local = LocalStore(local_root, forbidden=(state, audit.parent), allow_hidden=allow_hidden)
    service = BucketService(config, local)
    expiry = Expiry(service, config.expiry_scan_limit)
    return Parts(
        config=config,
        service=service,
        jobs=jobs,
        expiry=expiry,
        uploads=Uploads(service, jobs),
        deletes=Deletes(service, jobs, state, audit),
        usage=Usage(service, expiry, config.usage_max_objects, config.usage_cache_seconds),
        handoffs=Handoffs(state / "handoffs.json" if persist_jobs else None),
        state_dir=state,
        audit_path=audit,
    )
