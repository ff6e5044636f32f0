"""Fixtures for the reliability suite: a dedicated Redis database (9, flushed around each test; other suites
and tools use 12-14), a fresh PostgreSQL schema, and a factory for the real stack (``harness.Harness``) torn
down even on failure. Each harness also uses its own queue name, so no stray worker can take its jobs."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from redis import Redis

from tests.conftest import IN_CI
from tests.reliability.harness import Harness, Options

RELIABILITY_REDIS_URL = os.environ.get("TEST_RELIABILITY_REDIS_URL", "redis://127.0.0.1:6379/9")


@pytest.fixture
def rel_redis_url() -> Iterator[str]:
    client = Redis.from_url(RELIABILITY_REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except Exception as exc:
        if IN_CI:
            pytest.fail(f"Redis is not reachable ({exc}); with CI=true the reliability suite is mandatory")
        pytest.skip(f"Redis is not reachable ({type(exc).__name__}: {exc})")
    client.flushdb()
    yield RELIABILITY_REDIS_URL
    client.flushdb()
    client.close()


@pytest.fixture
def make_harness(
    tmp_path: Path, postgres_url: str, rel_redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., Harness]]:
    """Build and start a harness with the given ``Options`` fields; every one is stopped at teardown."""
    from connector.store.crypto import ENV_VAR, CredentialCipher
    from tests.reliability.harness import SHOPIFY_SECRET

    monkeypatch.setenv("SHOPIFY_API_SECRET", SHOPIFY_SECRET)
    monkeypatch.setenv(ENV_VAR, CredentialCipher.generate_key())
    started: list[Harness] = []

    def build(**options: object) -> Harness:
        h = Harness(tmp_path / f"stack-{len(started)}", postgres_url, rel_redis_url, Options(**options))  # type: ignore[arg-type]
        started.append(h)
        return h.start()

    yield build
    for h in reversed(started):
        h.stop()
