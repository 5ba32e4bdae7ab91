"""Configuration of the server extension as traitlets, with LEAP's buckets as defaults.

Everything here can be set in `jupyter_server_config.py`, for example::

    c.LeapBuckets.username = "alice"                       # else $JUPYTERHUB_USER
    c.LeapBuckets.root_overrides = {"scratch": {"bucket": "my-scratch"}}
    c.LeapBuckets.roots = [ {...}, ... ]                   # replace LEAP's roots entirely

A root is a dict with these keys (all but id/provider/bucket optional):
  id, label, provider ("gcs" | "s3"), bucket, endpoint (S3 endpoint URL, or a GCS API
  endpoint), anonymous (bool), key / secret (S3 keys; else $AWS_ACCESS_KEY_ID and
  $AWS_SECRET_ACCESS_KEY, or the keys of `s3_key`/`s3_secret`), home, writable,
  deletable (prefix templates where "{username}" is replaced; writable "" = anywhere,
  null = read-only; deletable null = no deletes), expiryDays (int or null),
  storageClass (GCS class for the Space Used cost estimate; default STANDARD) and
  pricePerGiBMonth (USD, replacing the class's list price; null: no estimate).
"""

import copy
import os

from traitlets import Dict, Int, List, Unicode
from traitlets.config import Configurable

OSN_ENDPOINT = "https://nyu1.osn.mghpcc.org"


def _osn_public(root_id: str, label: str, bucket: str) -> dict:
    return {
        "id": root_id,
        "label": label,
        "provider": "s3",
        "bucket": bucket,
        "endpoint": OSN_ENDPOINT,
        "anonymous": True,
        "home": "",
        "writable": None,
        "deletable": None,
        "expiryDays": None,
    }


LEAP_ROOTS = [
    {
        "id": "scratch",
        "label": "Scratch",
        "provider": "gcs",
        "bucket": "leap-scratch",
        "home": "{username}/",
        "writable": "{username}/",
        "deletable": "{username}/",
        "expiryDays": 7,
    },
    {
        "id": "persistent",
        "label": "Persistent",
        "provider": "gcs",
        "bucket": "leap-persistent",
        "home": "{username}/",
        "writable": "{username}/",
        "deletable": "{username}/",
        "expiryDays": None,
    },
    {
        # Users who were given OSN keys push data here from HPC. Deletions on OSN are
        # coordinated with LEAP's Data and Compute team, so they are off by default.
        "id": "osn-inbox",
        "label": "OSN inbox",
        "provider": "s3",
        "bucket": "leap-pangeo-inbox",
        "endpoint": OSN_ENDPOINT,
        "anonymous": False,
        "home": "",
        "writable": "",
        "deletable": None,
        "expiryDays": None,
    },
    # The Data and Compute team writes these; everyone reads them, anonymously.
    _osn_public("osn-manual", "OSN manual", "leap-pangeo-manual"),
    _osn_public("osn-pipeline", "OSN pipeline", "leap-pangeo-pipeline"),
]


class LeapBuckets(Configurable):
    """Which buckets the panel shows, who the user is and how to reach the services."""

    username = Unicode(
        "",
        help="The user's name, which selects their home prefix. Empty: $JUPYTERHUB_USER.",
    ).tag(config=True)

    roots = List(
        Dict(),
        default_value=copy.deepcopy(LEAP_ROOTS),
        help="The roots the panel shows (see the module's docstring for the keys).",
    ).tag(config=True)

    root_overrides = Dict(
        default_value={},
        help="Per root id, keys to change in `roots` without restating the rest.",
    ).tag(config=True)

    gcs_endpoint = Unicode(
        None,
        allow_none=True,
        help="GCS API endpoint for every gcs root, e.g. an emulator. Default: "
        "$STORAGE_EMULATOR_HOST, else Google. With an emulator, no credentials are sent.",
    ).tag(config=True)

    gcs_token = Unicode(
        None,
        allow_none=True,
        help="gcsfs `token`: None = Application Default Credentials; 'anon'; or the path "
        "of a service-account JSON file.",
    ).tag(config=True)

    s3_endpoint = Unicode(
        None,
        allow_none=True,
        help="Endpoint that replaces every s3 root's own endpoint (for emulators).",
    ).tag(config=True)

    s3_key = Unicode(None, allow_none=True, help="S3 access key for non-anonymous roots.").tag(config=True)
    s3_secret = Unicode(None, allow_none=True, help="S3 secret key for non-anonymous roots.").tag(config=True)

    max_page_size = Int(1000, help="Largest page `list` returns.").tag(config=True)

    zarr_probe_folders = Int(
        100,
        help="Most folders and `.json` files one `list` page holds together, since each is probed "
        "for what it is: Zarr, Icechunk or kerchunk references (at most 4 requests per folder and "
        "one 512-byte read per `.json` file, so at most 4 x this many extra requests per page).",
    ).tag(config=True)

    state_dir = Unicode(
        "",
        help="Folder for the server's job records (jobs survive restarts) and delete plans. "
        "Default: <jupyter data dir>/leap_buckets.",
    ).tag(config=True)

    expiry_scan_limit = Int(
        2000,
        help="Most objects scanned to find a folder's or store's earliest expiry (more are "
        "left out and the result is marked approximate); ten times this for the scan of "
        "the home behind the expiring-soon warning.",
    ).tag(config=True)

    audit_log = Unicode(
        "",
        help="File that gets one JSON line per delete job (user, root, path, planned, "
        "deleted, skipped, failed, start, end). Default: <state_dir>/deletes.jsonl.",
    ).tag(config=True)

    gcp_project = Unicode(
        "leap-pangeo",
        help="The Google Cloud project that a handed-off job (Storage Transfer Service, Storage batch "
        "operations) runs in and is billed to: LEAP's by default.",
    ).tag(config=True)

    handoff_objects = Int(
        1_000_000,
        help="From this many objects, the panel offers to hand a GCS delete or GCS-to-GCS transfer to "
        "Google's own services (POST handoff/...), beside running it here.",
    ).tag(config=True)

    handoff_bytes = Int(
        1024**4,
        help="From this many bytes (1 TiB by default), the panel offers the hand-off as well.",
    ).tag(config=True)

    handoff_prices = Dict(
        default_value={"classAPer1000": 0.005, "batchOperationsPerMillion": None},
        help="USD prices the hand-off's estimate uses: Class A operations per 1,000 (Standard storage's "
        "list price), and Storage batch operations per million objects (None: not estimated, and the "
        "estimate says so).",
    ).tag(config=True)

    # About 40 s to 2 minutes of listing (docs/benchmarks.md, "The Space Used scan").
    usage_max_objects = Int(
        200_000,
        help="Most objects one usage scan (GET usage, the Space Used view) lists; past it the scan stops "
        "and the items it had not finished are marked approximate.",
    ).tag(config=True)

    usage_cache_seconds = Int(
        600,
        help="Seconds a finished usage scan is answered from memory before a GET scans again "
        "(GET usage?refresh=1 scans again at once).",
    ).tag(config=True)

    usage_prices = Dict(
        default_value={},
        help="USD per GiB-month by GCS storage class (STANDARD, NEARLINE, COLDLINE, ARCHIVE) for the "
        "Space Used view's cost estimate, replacing Google's list prices (usage.py) for those given. A "
        "root's own `pricePerGiBMonth` (null: no estimate) wins over both.",
    ).tag(config=True)

    handoff_api_root = Unicode(
        None,
        allow_none=True,
        help="Where GET handoff/<id> asks about a handed-off job instead of Google's API hosts "
        "(https://storagetransfer.googleapis.com/, https://storagebatchoperations.googleapis.com/), "
        "e.g. a proxy; ending in '/'. Requests carry the server's Application Default Credentials.",
    ).tag(config=True)

    def resolved_username(self) -> str:
        return self.username or os.environ.get("JUPYTERHUB_USER", "")

    def resolved_gcs_endpoint(self):
        if self.gcs_endpoint:
            return self.gcs_endpoint.rstrip("/")
        emulator = os.environ.get("STORAGE_EMULATOR_HOST", "")
        if emulator:
            return emulator if emulator.startswith("http") else f"http://{emulator}"
        return None

    def root_specs(self) -> list:
        specs = []
        for spec in self.roots:
            merged = {**spec, **self.root_overrides.get(spec.get("id"), {})}
            specs.append(merged)
        return specs
