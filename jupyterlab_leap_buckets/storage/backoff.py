"""How long to wait before trying again a request the service refused for its rate
(429, 503 SlowDown) or could not answer: exponential backoff with jitter, as Google's
and Amazon's guidance asks, never shorter than a Retry-After the service sent. The
jitter spreads the tries of requests refused together (a batch's parts, parallel
batches), so they do not come back together and be refused again: a retry storm."""

import random
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Optional

BASE = 1.0  # seconds: the first wait is between BASE/2 and BASE
CAP = 32.0  # seconds: no single wait is longer (Google's maximum backoff)


def delay(attempt: int, retry_after: Optional[float] = None) -> float:
    """Seconds to wait after try number `attempt` (0 for the first) failed: half of
    BASE * 2**attempt (capped) plus a random share of the other half, or the
    service's Retry-After if that is longer."""
    ceiling = min(CAP, BASE * 2**attempt)
    wait = ceiling / 2 + random.uniform(0, ceiling / 2)
    return max(wait, retry_after or 0.0)


def retry_after(value: Optional[str]) -> Optional[float]:
    """A Retry-After header's seconds (it may be a number or an HTTP date); None when
    absent or unreadable, so the backoff's own wait applies."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), CAP * 4)  # a wild value must not hold a job for hours
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return min(max((when - datetime.now(timezone.utc)).total_seconds(), 0.0), CAP * 4)
