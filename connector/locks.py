"""Named locks shared by every process: Redis locks when Redis is configured, else in-process locks."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from redis import Redis


class LockFactory:
    def __init__(self, redis: Redis | None, timeout: float = 30.0, wait: float = 35.0) -> None:
        self._redis = redis
        self._timeout = timeout
        self._wait = wait
        self._local: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def lock(self, name: str) -> AbstractContextManager[Any]:
        if self._redis is not None:
            redis_lock: AbstractContextManager[Any] = self._redis.lock(
                f"returns-connector:lock:{name}", timeout=self._timeout, blocking_timeout=self._wait
            )
            return redis_lock
        with self._guard:
            local = self._local.setdefault(name, threading.Lock())
        return _held(local)


@contextmanager
def _held(lock: threading.Lock) -> Iterator[None]:
    with lock:
        yield
