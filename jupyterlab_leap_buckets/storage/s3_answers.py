"""What an S3 service answered, read from the botocore error s3fs wraps: s3fs turns a
ClientError into an OSError whose text is the service's message, and keeps the botocore
error as its cause (s3.py and bulk_delete.py decide by the answer's status and code)."""

from typing import Optional


def answer(exc: BaseException) -> tuple:
    """(HTTP status, error code) of the answer that raised `exc`, None for what is not known."""
    response = getattr(exc.__cause__, "response", None) or getattr(exc, "response", None) or {}
    status: Optional[int] = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return status, response.get("Error", {}).get("Code")


def precondition_failed(exc: BaseException) -> bool:
    """The service refused a condition (HTTP 412; "At least one of the pre-conditions you
    specified did not hold" on AWS, Ceph and moto)."""
    status, code = answer(exc)
    return code == "PreconditionFailed" or status == 412
