"""The intake's own PostgreSQL connection: lost connections, SQL errors, forks, and closing, on a real server."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import Engine, text

from connector.bootstrap import Container
from tests.webhooks.test_intake import ORDER_BODY, _container
from webhooks.intake_store import IntakeStore
from webhooks.pg_connection import IntakeConnection

pytestmark = pytest.mark.postgres


@pytest.fixture
def store(postgres_url: str) -> Iterator[IntakeStore]:
    from connector.store.engine import make_engine
    from connector.store.migrate import upgrade

    engine: Engine = make_engine(postgres_url)
    upgrade(engine)
    container = _container(engine)
    yield IntakeStore(container)
    container.close()
    engine.dispose()


def _accept(store: IntakeStore, key: str) -> tuple[str | None, int | None, int | None]:
    got = store.accept(platform="shopify", address="a.myshopify.com", dedup_key=key, topic="orders/updated",
                       body=ORDER_BODY.replace(b"}", b', "key": "%s"}' % key.encode()),  # each event its own body
                       headers={"X-Shopify-Event-Id": key})
    return got.shop_id, got.inbox_id, got.outbox_id


def _backend_pid(connection: IntakeConnection) -> int:
    return int(connection.connection().execute("SELECT pg_backend_pid()").fetchone()[0])  # type: ignore[index]


def test_a_connection_the_server_dropped_is_replaced_and_the_delivery_stored_once(store: IntakeStore) -> None:
    shop_id, first, _ = _accept(store, "k1")
    assert shop_id == "shop-a" and first is not None
    victim = _backend_pid(store._connection)
    with store.container.engine.begin() as conn:
        assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": victim}).scalar_one()
    shop_id, second, outbox_id = _accept(store, "k2")
    assert shop_id == "shop-a" and second is not None and outbox_id is not None
    assert _backend_pid(store._connection) != victim
    assert _accept(store, "k2") == ("shop-a", None, None)  # stored once: the retry did not write twice
    with store.container.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM webhook_inbox")).scalar_one() == 2
        assert conn.execute(text("SELECT count(*) FROM outbox")).scalar_one() == 2


def test_a_server_that_is_away_raises_operational_error(postgres_url: str) -> None:
    connection = IntakeConnection("postgresql://postgres@127.0.0.1:1/test?connect_timeout=2")
    with pytest.raises(psycopg.OperationalError):
        connection.run_prepared(b"q", "SELECT $1::int", [b"1"], [0])


def test_sql_errors_keep_their_psycopg_class_and_the_connection_stays_usable(store: IntakeStore) -> None:
    connection = store._connection
    with pytest.raises(psycopg.errors.UndefinedTable):
        connection.run_prepared(b"missing", "SELECT * FROM no_such_table WHERE id = $1::int", [b"1"], [0])
    with pytest.raises(psycopg.errors.InvalidTextRepresentation):
        connection.run_prepared(b"typed", "SELECT $1::int + 1", [b"not a number"], [0])
    assert connection.run_prepared(b"typed", "SELECT $1::int + 1", [b"41"], [0]) == [(b"42",)]


def _child_backend_pid(connection: IntakeConnection, out: multiprocessing.Queue[int]) -> None:  # type: ignore[type-arg]
    out.put(_backend_pid(connection))


def test_a_forked_process_opens_its_own_connection(store: IntakeStore) -> None:
    parent = _backend_pid(store._connection)
    context = multiprocessing.get_context("fork")
    out: multiprocessing.Queue[int] = context.Queue()  # type: ignore[type-arg]
    child = context.Process(target=_child_backend_pid, args=(store._connection, out))
    child.start()
    child_pid = out.get(timeout=20)
    child.join(timeout=20)
    assert child.exitcode == 0 and child_pid != parent
    assert _backend_pid(store._connection) == parent  # the parent's connection was not touched
    assert os.getpid() == store._connection._pid


def test_closing_the_container_closes_the_intake_connection(store: IntakeStore) -> None:
    _accept(store, "k1")
    raw = store._connection._connection
    assert raw is not None and not raw.closed
    container: Container = store.container
    container.close()
    assert raw.closed
