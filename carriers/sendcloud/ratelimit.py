"""Client-side pacing to Sendcloud's documented rate limits, so the connector rarely meets a 429.

sendcloud.dev/docs/getting-started/rate-limits: safe methods (GET) 1000 requests a minute; unsafe ones (POST,
PATCH, PUT, DELETE) 100 a minute with a burst of 15 a second. Limits are per Sendcloud account, shared by all
its keys (v2 tracking description, 429). No rate-limit headers are documented (a 429 comes "with an empty
response"), so pacing is ours; a 429 that still comes is honoured through ``Retry-After`` when sent.

One bucket per (account key, safe or unsafe), shared by every client of this process: two shops on the same
Sendcloud account share its budget.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(slots=True)
class TokenBucket:
    """``capacity`` requests at once, refilled at ``rate`` a second. ``take`` says how long to wait first."""

    capacity: float
    rate: float
    clock: Callable[[], float] = time.monotonic
    _tokens: float = field(init=False)
    _stamp: float = field(init=False)
    _lock: threading.Lock = field(init=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._tokens = self.capacity
        self._stamp = self.clock()

    def take(self) -> float:
        """Reserve one request; the seconds to wait before sending it (0 when within budget)."""
        with self._lock:
            now = self.clock()
            self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now
            self._tokens -= 1
            return 0.0 if self._tokens >= 0 else -self._tokens / self.rate


def documented_buckets() -> tuple[TokenBucket, TokenBucket]:
    """(safe, unsafe): GET 1000/min; writes 100/min with bursts of at most 15."""
    return TokenBucket(capacity=1000 / 60 * 5, rate=1000 / 60), TokenBucket(capacity=15, rate=100 / 60)


_shared: dict[str, tuple[TokenBucket, TokenBucket]] = {}
_shared_lock = threading.Lock()


def buckets_for(account: str) -> tuple[TokenBucket, TokenBucket]:
    """The process's buckets for one Sendcloud account (its public key)."""
    with _shared_lock:
        if account not in _shared:
            _shared[account] = documented_buckets()
        return _shared[account]
