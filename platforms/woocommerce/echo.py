"""Recognise our own writes when Woo sends them back as ``order.updated`` / ``order.created``.

Every order save fires ``order.updated``, our refunds included, and the payload is built at delivery time.
After each write that touches an order we remember the order's ``date_modified_gmt``; a webhook showing
exactly that state is our echo. If anyone changed the order after us, the payload shows a later date and
is processed normally. Notes do not save the order, so they cause no echo.

The webhook receiver and the worker that writes are usually different processes, so production wants the
Redis registry (one key per order, with a TTL); the in-memory one serves a single process and tests.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Protocol


class EchoRegistry(Protocol):
    def remember(self, order_id: str, modified_gmt: str) -> None: ...

    def matches(self, order_id: str, modified_gmt: str) -> bool: ...


class InMemoryEchoRegistry:
    """Bounded, per process; the lead can back the same protocol with Redis for several workers."""

    def __init__(self, capacity: int = 10_000) -> None:
        self._capacity = capacity
        self._seen: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def remember(self, order_id: str, modified_gmt: str) -> None:
        with self._lock:
            self._seen[order_id] = modified_gmt
            self._seen.move_to_end(order_id)
            while len(self._seen) > self._capacity:
                self._seen.popitem(last=False)

    def matches(self, order_id: str, modified_gmt: str) -> bool:
        with self._lock:
            return bool(modified_gmt) and self._seen.get(order_id) == modified_gmt


class _Redis(Protocol):
    def set(self, name: str, value: str, ex: int | None = ...) -> Any: ...

    def get(self, name: str) -> Any: ...


class RedisEchoRegistry:
    """Shared across processes. ``namespace`` separates shops (order ids repeat between shops)."""

    def __init__(self, redis: _Redis, namespace: str, ttl_seconds: int = 7 * 24 * 3600) -> None:
        self._redis = redis
        self._prefix = f"woo:echo:{namespace}:"
        self._ttl = ttl_seconds

    def remember(self, order_id: str, modified_gmt: str) -> None:
        self._redis.set(self._prefix + order_id, modified_gmt, ex=self._ttl)

    def matches(self, order_id: str, modified_gmt: str) -> bool:
        if not modified_gmt:
            return False
        stored = self._redis.get(self._prefix + order_id)
        if isinstance(stored, bytes):
            stored = stored.decode("utf-8")
        return isinstance(stored, str) and stored == modified_gmt
