"""Pacing one bucket's writes once the service has refused some for their rate (GCS: 429
rateLimitExceeded beyond about 1,000 object writes/s for a bucket that has not ramped
up; 503 SlowDown alike). Each refused request is still retried after gcsfs's backoff
(1 to 2 s, then doubling, with jitter, as Google asks), but the transfer's other writers
would go on at full speed and be refused in turn, until most of them sleep in their
backoff and the bucket's rate goes unused. Instead, as rclone's pacer does, the first
refusal spaces every write of the bucket at the rate they were being sent; each later
refusal (of a write whose turn was given at the current spacing) widens it, each
success narrows it a little, and it goes away when narrow enough.
docs/benchmarks.md ("GCS's own rate limit") has the figures."""

import asyncio
import collections
import time

WINDOW = 1.0  # seconds of sent writes that give the rate the first refusal starts from
WIDEN = 1.2  # a refusal of a write given its turn at the current spacing widens it so much
# ... or so much for a refused batch (of many writes) when no request was accepted since
# the last widening: a batch is retried seconds later, not in milliseconds as single
# writes are, so its spacing must find the bucket's rate in few refusals.
WIDEN_BATCH = 2.0
NARROW = 0.99  # each accepted write narrows it so much: a widening undone in 18 writes
FLOOR = 0.0002  # spacing (s) under which the pace is dropped: 5,000 writes/s
CEILING = 2.0  # the widest spacing (s) between two writes


class Pacer:
    def __init__(self):
        self.interval = 0.0  # seconds between two write requests' starts; 0: not paced
        self._next = 0.0  # when the next write may start
        self._widened = 0.0  # when the spacing last changed on a refusal
        self._accepted_since = 0  # writes accepted since then
        self._sent = collections.deque()  # start times of the writes of the last WINDOW

    async def wait(self, writes: int = 1) -> float:
        """Wait for the turn of a request of `writes` writes (a batch of deletes is as
        many, as GCS counts them); returns when the turn was given (for `refused`)."""
        now = given = time.monotonic()
        if self.interval:
            at = max(now, self._next)
            self._next = at + self.interval * writes
            if at > now:
                await asyncio.sleep(at - now)
                now = at
        self._sent.append((now, writes))
        while self._sent[0][0] < now - WINDOW:
            self._sent.popleft()
        return given

    def accepted(self):
        self._accepted_since += 1
        if self.interval:
            self.interval *= NARROW
            if self.interval < FLOOR:
                self.interval = 0.0

    def refused(self, given: float, writes: int = 1):
        """A request of `writes` writes given its turn at `given` was refused for the rate.
        Those given their turns before the last widening were spaced at the old pace: not
        counted again."""
        if given < self._widened:
            return
        now = time.monotonic()
        if self.interval:
            factor = WIDEN_BATCH if writes > 1 and not self._accepted_since else WIDEN
            self.interval = min(CEILING, self.interval * factor)
        else:
            # The rate they were sent at: the writes started in the last WINDOW (or since
            # the first of them, when the transfer began less than WINDOW ago).
            span = max(now - self._sent[0][0], 0.01) if self._sent else WINDOW
            sent = sum(writes for _, writes in self._sent)
            self.interval = min(CEILING, max(FLOOR, span / max(sent, 1)))
        self._widened, self._accepted_since = now, 0
