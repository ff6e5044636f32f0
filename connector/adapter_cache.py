"""One adapter per shop and credential set, reused so that its HTTP connection pool is reused too.

A shop's adapter is rebuilt when its credentials change (a new key, another base URL), not when only its token
is refreshed: the token manager inside the adapter reads the fresh token itself.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Mapping

from connector.ports import ShopAdapter

_VOLATILE = frozenset({"access_token", "expires_at", "refresh_token"})


def credentials_fingerprint(credentials: Mapping[str, str]) -> str:
    """What identifies a credential set for reuse: everything but the token a refresh replaces."""
    lasting = {key: value for key, value in credentials.items() if key not in _VOLATILE}
    return hashlib.sha256(json.dumps(lasting, sort_keys=True).encode()).hexdigest()


class AdapterCache:
    """Thread-safe; one per process (the container holds it)."""

    def __init__(self) -> None:
        self._adapters: dict[str, tuple[str, ShopAdapter]] = {}
        self._guard = threading.Lock()

    def get_or_build(
        self, shop_id: str, credentials: Mapping[str, str], build: Callable[[], ShopAdapter]
    ) -> ShopAdapter:
        fingerprint = credentials_fingerprint(credentials)
        with self._guard:
            cached = self._adapters.get(shop_id)
            if cached is not None and cached[0] == fingerprint:
                return cached[1]
        adapter = build()
        with self._guard:
            self._adapters[shop_id] = (fingerprint, adapter)
        return adapter
