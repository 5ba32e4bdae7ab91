"""Storage failures as the API's errors, translated in this one place, against the root the
request named: whatever gcsfs, s3fs, aiohttp, botocore or the disk raised, the user reads
which root failed ("scratch (gs://leap-scratch): ..."), a code of docs/api.yaml, and what
to do. Routes, transfers, uploads and deletes all call `translate` (jobs.py's last resort,
for an exception none of them translated, says `storage-error` too, with the job's words).

The table, first match first (tests/test_translate.py holds it row by row):

    raised                                               status  code
    ApiError                                             its own (passed through)
    FileNotFoundError                                    404     not-found
    anything else, on the server's disk (root None)      500     disk-error
    the credentials refused or missing (_CREDENTIAL_WORDS
      in the type's name or message; PermissionError)    403     no-credentials
    NoSuchBucket                                         404     not-found
    OSError, aiohttp.ClientConnectionError, asyncio.
      TimeoutError, "Connect..." (botocore's)           502     storage-unreachable
    anything else                                        502     storage-error
"""

import asyncio
import errno
import logging
from collections.abc import Sequence
from typing import Optional, Union

import aiohttp

from .errors import ApiError
from .roots import Root

log = logging.getLogger(__name__)

_CREDENTIAL_WORDS = (
    "NoCredentialsError",
    "DefaultCredentialsError",
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "AccessDenied",
    "Forbidden",
    "Invalid Credentials",
    "Unauthorized",
    "Anonymous caller",
    "does not have storage.",
    "Unable to locate credentials",
    "invalid_grant",
    "RefreshError",
)
# Exceptions of these libraries come from a bucket, never from the server's disk.
_STORAGE_MODULES = ("aiohttp", "botocore", "aiobotocore", "gcsfs", "s3fs", "google")

# No answer: connections refused, reset or cut (aiohttp's ClientOSError and botocore's
# HTTP client errors are OSErrors; a server that hung up is not), and timeouts.
_UNREACHABLE = (OSError, asyncio.TimeoutError, aiohttp.ClientConnectionError)

Where = Union[Optional[Root], Sequence[Optional[Root]]]


def root_name(root: Root) -> str:
    """How messages name a root: its id, as the request named it, and its bucket."""
    return f"{root.id} ({root.url.rstrip('/')})"


def no_credentials(root: Root) -> ApiError:
    if root.provider == "gcs":
        how = (
            "On the hub this uses the pod's Google credentials; elsewhere run "
            "`gcloud auth application-default login` or set GOOGLE_APPLICATION_CREDENTIALS"
        )
    else:
        how = (
            "Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (your OSN keys) or "
            "c.LeapBuckets.s3_key and s3_secret, then restart the server"
        )
    return ApiError(403, "no-credentials", f"{root_name(root)} refused the server's credentials or found none. {how}.")


def translate(exc: BaseException, where: Where, what: str) -> ApiError:
    """An ApiError for `exc`, raised while doing `what` (a short phrase, such as "Listing
    demo/") in the root the request named. `where` is that Root, None for the server's
    disk, or the places a request named (a transfer's target and source) in order of
    preference, of which the one the failure came from is chosen (see `failed_root`)."""
    if isinstance(exc, ApiError):
        return exc
    root = failed_root(exc, where) if isinstance(where, (list, tuple)) else where
    text = f"{type(exc).__name__} {exc}"
    if root is None:
        if isinstance(exc, FileNotFoundError):
            return ApiError(404, "not-found", f"The server's disk: {what} found nothing there; refresh the listing.")
        log.warning("leap-buckets: %s on the server's disk failed", what, exc_info=exc)
        return ApiError(
            500,
            "disk-error",
            f"The server's disk: {what} failed: {_detail(exc)}. Check the folder's permissions and free space.",
        )
    name = root_name(root)
    if isinstance(exc, FileNotFoundError):
        return ApiError(404, "not-found", f"{name}: {what} found nothing there; refresh the listing.")
    if isinstance(exc, PermissionError) or any(word in text for word in _CREDENTIAL_WORDS):
        return no_credentials(root)
    if "NoSuchBucket" in text:
        return ApiError(404, "not-found", f"{name}: the bucket does not exist; check the root's bucket and endpoint.")
    if isinstance(exc, OSError) and exc.errno == errno.EREMOTEIO:
        # s3fs's name for an S3 server's own failure (a 5xx answer, "Internal Server
        # Error"): the service answered, so it is not unreachable.
        log.error("leap-buckets: %s in %s failed at the service: %s", what, root.url, text)
        return ApiError(
            502,
            "storage-error",
            f"{name}: {what} failed at the storage service, which answered with an error ({_detail(exc)}); "
            "try again later, and tell the service's operators if it persists.",
        )
    if isinstance(exc, _UNREACHABLE) or "Connect" in text:
        log.warning("leap-buckets: %s in %s failed: %s", what, root.url, text)
        return ApiError(
            502,
            "storage-unreachable",
            f"{name}: {what} got no answer ({_detail(exc)}); check the network or the root's endpoint and try again.",
        )
    log.error("leap-buckets: %s in %s failed", what, root.url, exc_info=exc)
    return ApiError(502, "storage-error", f"{name}: {what} failed: {_detail(exc)}.")


def failed_root(exc: BaseException, roots: Sequence[Optional[Root]]) -> Optional[Root]:
    """Of the roots a request named (None: the server's disk), the one a failure came
    from: the root whose bucket the error names; else, for an exception of a storage
    library, the first bucket; for an error naming a file (the disk's carry their
    path), the disk; else the first named."""
    if not roots:
        return None
    text = f"{exc} {exc.__cause__ or ''}"
    buckets = [root for root in roots if root is not None]
    named = next((root for root in buckets if root.bucket in text), None)
    if named is not None:
        return named
    if buckets and type(exc).__module__.split(".")[0] in _STORAGE_MODULES:
        return buckets[0]
    if None in roots and getattr(exc, "filename", None):
        return None
    return roots[0]


def _detail(exc: BaseException) -> str:
    """What the library said, or at least what it raised (a timeout says nothing)."""
    return str(exc).strip().rstrip(".") or type(exc).__name__
