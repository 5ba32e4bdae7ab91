"""Turn what gcsfs, s3fs, aiohttp and botocore raise into errors a user can act on."""

import asyncio
import logging

from ..errors import ApiError
from ..roots import Root

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
    return ApiError(403, "no-credentials", f"{root.url} refused the credentials or found none. {how}.")


def translate(exc: BaseException, root: Root, what: str) -> ApiError:
    """An ApiError for `exc`, raised while doing `what` (a short phrase) in `root`."""
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, FileNotFoundError):
        return ApiError(404, "not-found", f"{what}: not found in {root.url}.")
    text = f"{type(exc).__name__} {exc}"
    if any(word in text for word in _CREDENTIAL_WORDS):
        return no_credentials(root)
    if "NoSuchBucket" in text:
        return ApiError(404, "not-found", f"The bucket {root.url} does not exist.")
    if isinstance(exc, (OSError, asyncio.TimeoutError)) or "Connect" in text:
        log.warning("leap-buckets: %s in %s failed: %s", what, root.url, text)
        return ApiError(
            502,
            "storage-unreachable",
            f"{what}: {root.url} did not answer; check the network or the root's endpoint and try again.",
        )
    log.exception("leap-buckets: %s in %s failed", what, root.url, exc_info=exc)
    return ApiError(502, "storage-error", f"{what} in {root.url} failed: {exc}.")


class Exists(Exception):
    """A write that was to create an object found one there (the service refused it:
    ifGenerationMatch=0, If-None-Match: *, or a file already on the disk)."""


class SourceChanged(Exception):
    """The object or file is no longer the version that was read or copied: a conditional
    read or delete was refused, so nothing of the newer version was touched."""
