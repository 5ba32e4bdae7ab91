"""translate.py's table, row by row: each kind of exception the libraries (gcsfs, s3fs,
aiohttp, botocore, google-auth) or the disk raise becomes the API's status and code, with
a message that names the root the request named, as "scratch (gs://leap-scratch): ..."."""

import asyncio
import errno

import aiohttp
import botocore.exceptions
import google.auth.exceptions
import pytest
from gcsfs.retry import HttpError

from ..errors import ApiError
from ..roots import Root
from ..translate import failed_root, root_name, translate

SCRATCH = Root("scratch", "Scratch", "gcs", "leap-scratch", "demo/", "demo/", "demo/", 7)
INBOX = Root("osn-inbox", "OSN inbox", "s3", "leap-pangeo-inbox", "", "", None, None)
# Two roots on one bucket: a message names the one the request named, not the first.
SCRATCH_TOO = Root("scratch-too", "Scratch again", "gcs", "leap-scratch", "", "demo/", None, None)


def boto_error(code: str, message: str) -> botocore.exceptions.ClientError:
    return botocore.exceptions.ClientError({"Error": {"Code": code, "Message": message}}, "ListObjectsV2")


TABLE = [
    # (what was raised, root, status, code)
    (FileNotFoundError("leap-scratch/demo/gone.txt"), SCRATCH, 404, "not-found"),
    (FileNotFoundError("leap-pangeo-inbox/x"), INBOX, 404, "not-found"),
    (botocore.exceptions.NoCredentialsError(), INBOX, 403, "no-credentials"),
    (boto_error("InvalidAccessKeyId", "The key does not exist"), INBOX, 403, "no-credentials"),
    (boto_error("SignatureDoesNotMatch", "Bad signature"), INBOX, 403, "no-credentials"),
    (PermissionError(errno.EACCES, "Access Denied"), INBOX, 403, "no-credentials"),  # s3fs's AccessDenied
    (google.auth.exceptions.DefaultCredentialsError("Could not find credentials"), SCRATCH, 403, "no-credentials"),
    (google.auth.exceptions.RefreshError("invalid_grant"), SCRATCH, 403, "no-credentials"),
    (HttpError({"code": 401, "message": "Invalid Credentials"}), SCRATCH, 403, "no-credentials"),
    (
        HttpError({"code": 403, "message": "Anonymous caller does not have storage.objects.list access"}),
        SCRATCH,
        403,
        "no-credentials",
    ),
    (boto_error("NoSuchBucket", "The specified bucket does not exist"), INBOX, 404, "not-found"),
    (ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused"), SCRATCH, 502, "storage-unreachable"),
    (ConnectionResetError("the connection dropped"), INBOX, 502, "storage-unreachable"),
    (aiohttp.ServerDisconnectedError(), SCRATCH, 502, "storage-unreachable"),
    (aiohttp.ClientOSError(errno.ECONNRESET, "reset by peer"), SCRATCH, 502, "storage-unreachable"),
    (asyncio.TimeoutError(), SCRATCH, 502, "storage-unreachable"),
    (botocore.exceptions.EndpointConnectionError(endpoint_url="http://osn"), INBOX, 502, "storage-unreachable"),
    (botocore.exceptions.ReadTimeoutError(endpoint_url="http://osn"), INBOX, 502, "storage-unreachable"),
    (HttpError({"code": 500, "message": "backend error"}), SCRATCH, 502, "storage-error"),
    (boto_error("InternalError", "We encountered an internal error"), INBOX, 502, "storage-error"),
    (OSError(errno.EREMOTEIO, "Internal Server Error"), INBOX, 502, "storage-error"),  # s3fs's 5xx
    (ValueError("an answer the library could not read"), SCRATCH, 502, "storage-error"),
]


@pytest.mark.parametrize(
    "exc, root, status, code", TABLE, ids=lambda v: type(v).__name__ if not isinstance(v, (Root, int, str)) else None
)
def test_each_kind_of_failure_has_its_status_and_code_and_names_the_root(exc, root, status, code):
    err = translate(exc, root, "Listing demo/")
    assert (err.status, err.code) == (status, code), err.message
    assert err.message.startswith(root_name(root)), err.message
    assert err.to_json() == {"error": {"code": code, "message": err.message}}


def test_the_root_is_named_by_its_id_and_its_bucket():
    assert root_name(SCRATCH) == "scratch (gs://leap-scratch)"
    assert root_name(INBOX) == "osn-inbox (s3://leap-pangeo-inbox)"
    err = translate(ConnectionRefusedError("refused"), SCRATCH_TOO, "Listing demo/")
    assert err.message.startswith("scratch-too (gs://leap-scratch): Listing demo/ got no answer (refused)"), err.message


def test_messages_say_what_to_do():
    assert "AWS_ACCESS_KEY_ID" in translate(botocore.exceptions.NoCredentialsError(), INBOX, "x").message
    assert "gcloud auth" in translate(google.auth.exceptions.RefreshError("x"), SCRATCH, "x").message
    assert "try again" in translate(asyncio.TimeoutError(), SCRATCH, "x").message
    # A timeout says nothing itself: the message says what was raised.
    assert "(TimeoutError)" in translate(asyncio.TimeoutError(), SCRATCH, "x").message


def test_api_errors_pass_through_unchanged():
    refused = ApiError(403, "outside-home", "Not yours.")
    assert translate(refused, SCRATCH, "x") is refused
    assert translate(refused, None, "x") is refused
    assert translate(refused, [SCRATCH, None], "x") is refused


@pytest.mark.parametrize(
    "exc, status, code",
    [
        (FileNotFoundError(errno.ENOENT, "No such file", "/home/demo/a.txt"), 404, "not-found"),
        (OSError(errno.ENOSPC, "No space left on device", "/home/demo/a.txt"), 500, "disk-error"),
        (PermissionError(errno.EACCES, "Permission denied", "/home/demo/a.txt"), 500, "disk-error"),
    ],
)
def test_the_servers_disk_is_named_as_such(exc, status, code):
    err = translate(exc, None, "Writing a.txt")
    assert (err.status, err.code) == (status, code)
    assert err.message.startswith("The server's disk: Writing a.txt"), err.message


def test_of_the_roots_a_request_named_the_failing_one_is_chosen():
    # The root whose bucket the error names, wherever it stands.
    assert failed_root(FileNotFoundError("leap-pangeo-inbox/x"), [SCRATCH, INBOX]) is INBOX
    # An exception of a storage library: a bucket, not the disk.
    assert failed_root(aiohttp.ServerDisconnectedError(), [None, SCRATCH]) is SCRATCH
    # An error naming a file, where the disk is one of the places: the disk.
    assert failed_root(OSError(errno.ENOSPC, "No space left", "/home/demo/a.bin"), [SCRATCH, None]) is None
    # Nothing to tell them apart: the first named.
    assert failed_root(ValueError("?"), [INBOX, SCRATCH]) is INBOX
    assert failed_root(ValueError("?"), []) is None
    err = translate(ConnectionResetError("reset"), [INBOX, SCRATCH], "Starting the transfer")
    assert err.code == "storage-unreachable" and err.message.startswith("osn-inbox (s3://leap-pangeo-inbox):")
