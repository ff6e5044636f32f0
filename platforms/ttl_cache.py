"""A small thread-safe cache with a time to live and a size bound, shared by both platforms' product reads.

Product facts (tags, categories or collections, type) change rarely while orders are mapped often (sync,
polling, portal look-ups), so each adapter keeps them for a few minutes instead of asking the shop again for
every order. The bound keeps a long-running worker's memory flat: past ``max_entries`` the least recently
used entry goes first. The caller passes the time (``now``) so that it keeps its own clock, which tests set.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


@dataclass(slots=True)
class _Entry(Generic[V]):
    expires: float
    value: V


class TtlCache(Generic[K, V]):
    """Values per key, each for ``ttl_seconds`` after it was stored, at most ``max_entries`` of them."""

    def __init__(self, ttl_seconds: float, max_entries: int) -> None:
        self.ttl_seconds = ttl_seconds
        self.max_entries = max_entries
        self._entries: OrderedDict[K, _Entry[V]] = OrderedDict()
        self._guard = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get_many(self, keys: Iterable[K], now: float) -> tuple[dict[K, V], list[K]]:
        """(the fresh values found, the keys missing or expired, in the order asked)."""
        found: dict[K, V] = {}
        missing: list[K] = []
        with self._guard:
            for key in keys:
                entry = self._entries.get(key)
                if entry is not None and entry.expires > now:
                    self._entries.move_to_end(key)
                    found[key] = entry.value
                else:
                    missing.append(key)
        return found, missing

    def put_many(self, values: Mapping[K, V], now: float) -> None:
        """Store ``values`` until ``now + ttl_seconds``; drop the least recently used past the bound."""
        expires = now + self.ttl_seconds
        with self._guard:
            for key, value in values.items():
                self._entries[key] = _Entry(expires, value)
                self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
