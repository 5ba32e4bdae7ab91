"""gcsfs's file system as the GCS store uses it: its writes paced once the bucket refuses
some for their rate (pacer.py), and how long each try of a request waits for an answer.

A try that gets no byte for STALL seconds fails and gcsfs tries again. A compose, a
rewrite or a batch of deletes works before it answers at all (fake-gcs-server took 10 to
30 s to compose 1 GiB on a busy machine, and over 15 s for some batches of 100 deletes),
so those wait SLOW_STALL instead (`patient`): cutting them short makes the service do the
work twice, a create-only one meets its own object on the next try (GcsStore.holding
tells that from someone else's), and a batch's deleted parts come back 404."""

import contextlib
import contextvars

import aiohttp

# gcsfs.GCSFileSystem is, by default, an experimental subclass that asks each bucket its
# type over gRPC first (60 s of retries against an endpoint without gRPC, such as an
# emulator). The core class speaks the JSON API only, which is all the store uses.
from gcsfs.core import GCSFileSystem
from gcsfs.retry import HttpError, retry_request

STALL = 15.0  # seconds without a byte after which a request's try fails
SLOW_STALL = 180.0  # the same for compose, rewrite and batch requests
WRITES = ("POST", "PUT", "PATCH", "DELETE")
RATE_REFUSALS = (429, 503)

_patient = contextvars.ContextVar("leap_buckets_gcs_patient", default=None)


def timeout(stall: float) -> aiohttp.ClientTimeout:
    """No limit on a whole request (a long download goes on while bytes come); `stall`
    seconds without a byte fail the try."""
    return aiohttp.ClientTimeout(total=None, sock_connect=STALL, sock_read=stall)


@contextlib.contextmanager
def patient():
    """Requests made inside (in this task and what it awaits) wait SLOW_STALL seconds
    for their answer rather than STALL."""
    token = _patient.set(timeout(SLOW_STALL))
    try:
        yield
    finally:
        _patient.reset(token)


class PacedFileSystem(GCSFileSystem):
    """gcsfs with its writes paced once the bucket refuses some for their rate (pacer.py):
    every request goes through `_request`, and each try of it through here."""

    @property
    def requests_timeout(self):
        # gcsfs reads this for every request it sends.
        return _patient.get() or self._requests_timeout

    @requests_timeout.setter
    def requests_timeout(self, value):
        self._requests_timeout = value

    @retry_request(retries=GCSFileSystem.retries)  # gcsfs's own tries and backoff
    async def _request(self, method, path, *args, **kwargs):
        if method.upper() not in WRITES:
            return await GCSFileSystem._request.__wrapped__(self, method, path, *args, **kwargs)
        started = await self.pacer.wait()
        try:
            out = await GCSFileSystem._request.__wrapped__(self, method, path, *args, **kwargs)
        except HttpError as exc:
            if exc.code in RATE_REFUSALS:
                self.pacer.refused(started)
            raise
        self.pacer.accepted()
        return out
