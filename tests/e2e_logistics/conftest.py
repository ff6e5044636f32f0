"""Fixtures for the logistics end-to-end tests (issue 19): the real stack of ``stack.logistics_stack`` on a
PostgreSQL schema and a Redis database of their own (10; the reliability suite uses 9, other suites 12-14).

``stack`` is one stack per test module, shared by its tests (starting one costs seconds: two shops installed and
synced over HTTP, worker processes), each test taking orders no other took and the carriers' webhook settings put
back before it. ``own_stack`` builds a stack for one test alone, for tests that kill workers or start their own.
Both are mandatory with CI=true, like every suite on real services.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from redis import Redis
from sqlalchemy import Engine, text

from tests.conftest import PG_URL, _unavailable
from tests.e2e_logistics.stack import LogisticsStack, logistics_stack

LOGISTICS_REDIS_URL = os.environ.get("TEST_LOGISTICS_REDIS_URL", "redis://127.0.0.1:6379/10")


def _redis() -> Redis:
    """The suite's Redis database, emptied; a skip without Redis, a failure with CI=true."""
    client: Redis = Redis.from_url(LOGISTICS_REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except Exception as exc:
        _unavailable("Redis", exc)
    client.flushdb()
    return client


class _Schema:
    """A fresh PostgreSQL schema reached through ``search_path``, dropped afterwards."""

    def __init__(self, admin: Engine) -> None:
        self.admin = admin
        self.name = f"t_{uuid.uuid4().hex[:12]}"
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{self.name}"'))
        sep = "&" if "?" in PG_URL else "?"
        self.url = f"{PG_URL}{sep}options={quote(f'-csearch_path={self.name}')}"

    def drop(self) -> None:
        with self.admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{self.name}" CASCADE'))


@pytest.fixture(scope="module")
def module_stack(postgres_admin: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LogisticsStack]:
    schema = _Schema(postgres_admin)
    redis = _redis()
    data_dir = tmp_path_factory.mktemp("logistics")
    try:
        with (
            pytest.MonkeyPatch.context() as monkeypatch,
            logistics_stack(data_dir, schema.url, LOGISTICS_REDIS_URL, monkeypatch, orders=40) as built,
        ):
            yield built
    finally:
        redis.flushdb()
        redis.close()
        schema.drop()


@pytest.fixture
def stack(module_stack: LogisticsStack) -> LogisticsStack:
    """The module's stack with its carriers sending each webhook once, at once, correctly signed."""
    for carrier in module_stack.carriers.values():
        carrier.reset_webhooks()
    return module_stack


@pytest.fixture
def own_stack(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., LogisticsStack]]:
    """``own_stack(workers=0, stuck_after_seconds=30, ...)``: a stack for this test alone, stopped afterwards."""
    redis = _redis()
    with contextlib.ExitStack() as stacks:

        def build(**options: Any) -> LogisticsStack:
            return stacks.enter_context(
                logistics_stack(tmp_path / "stack", postgres_url, LOGISTICS_REDIS_URL, monkeypatch, **options)
            )

        yield build
    redis.flushdb()
    redis.close()
