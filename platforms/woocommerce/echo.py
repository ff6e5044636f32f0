"""Recognise our own writes when Woo sends them back as ``order.updated`` / ``order.created``.

Every order save fires ``order.updated``, our refunds included, and the payload is built at delivery time.
After each write that touches an order we remember the order's ``date_modified_gmt``; a webhook showing
exactly that state is our echo. If anyone changed the order after us, the payload shows a later date and
is processed normally. Notes do not save the order, so they cause no echo.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Protocol


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
