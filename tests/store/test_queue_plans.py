"""The agents' queue reads indexes, never the whole table, for every filter, on SQLite and PostgreSQL.

What the planner picks on a few rows says little, so: SQLite's plan names its index (its choice does not depend
on the table's size without ANALYZE); PostgreSQL is asked with sequential scans disabled, which it still uses
when no index can answer. ``benchmarks/admin_queue_bench.py`` shows the plans at 100,000 returns.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, Select

from connector.domain import Money, Platform, ReasonCode, ReturnMethod, ReturnStatus
from connector.services.return_queue import QueueQuery, queue_filter
from connector.store.crypto import CredentialCipher
from connector.store.engine import make_engine
from connector.store.migrate import upgrade
from connector.store.queue_repo import QueueRepository
from connector.store.uow import UnitOfWork
from tests.factories import NOW

QUERIES = {
    "everything": QueueQuery(),
    "status": QueueQuery(status=ReturnStatus.RECEIVED),
    "needs review": QueueQuery(needs_review=True),
    "reason": QueueQuery(reason=ReasonCode.DEFECTIVE),
    "method and value": QueueQuery(method=ReturnMethod.RELAY_POINT, value_min=Money(100, "EUR")),
    "created": QueueQuery(created_from=NOW - timedelta(days=30), created_to=NOW),
    "overdue": QueueQuery(overdue_eu=True),
    "search": QueueQuery(search="ana.lopez"),
}
KEY = (NOW - timedelta(days=3), "R0042")


def _plan(conn: Connection, statement: Select[Any]) -> str:
    compiled = statement.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})
    prefix = "EXPLAIN QUERY PLAN " if conn.dialect.name == "sqlite" else "EXPLAIN "
    rows = conn.exec_driver_sql(prefix + str(compiled).replace("%", "%%")).all()
    return "\n".join(str(row[-1]) for row in rows)


def _reads(line: str) -> bool:
    return "SCAN" in line or "SEARCH" in line


def _statements(repo: QueueRepository, query: QueueQuery) -> dict[str, Select[Any]]:
    where = queue_filter(query, NOW)
    return {
        "first page": repo.page_statement(where, 26),
        "next page": repo.page_statement(where, 26, after=KEY),
        "previous page": repo.page_statement(where, 26, before=KEY),
        "counts": repo.counts_statement(where, 1000),
    }


@pytest.mark.parametrize("name", list(QUERIES))
def test_each_queue_statement_reads_an_index(engine: Engine, cipher: CredentialCipher, name: str) -> None:
    with UnitOfWork(engine, cipher) as uow:
        uow.shops.add(Platform.SHOPIFY, "a.myshopify.com", shop_id="shop-a")
        conn = uow.connection
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        for what, statement in _statements(QueueRepository(conn, "shop-a"), QUERIES[name]).items():
            plan = _plan(conn, statement)
            if conn.dialect.name == "sqlite":
                scans = [line for line in plan.splitlines() if "returns" in line and _reads(line)]
                assert scans and all("INDEX" in line for line in scans), f"{what}:\n{plan}"
            else:
                assert "Seq Scan" not in plan, f"{what}:\n{plan}"


def test_counts_under_the_filters_are_read_from_the_status_index_alone(
    sqlite_url: str, cipher: CredentialCipher
) -> None:
    """SQLite only: PostgreSQL's choice on an empty table is no evidence (its plans at scale are the benchmark's,
    which checks this one there)."""
    query = QueueQuery(reason=ReasonCode.DEFECTIVE, method=ReturnMethod.IN_STORE, value_max=Money(50, "EUR"),
                       created_from=NOW - timedelta(days=30))
    engine = make_engine(sqlite_url)
    upgrade(engine)
    try:
        with UnitOfWork(engine, cipher) as uow:
            repo = QueueRepository(uow.connection, "shop-a")
            plan = _plan(uow.connection, repo.counts_statement(queue_filter(query, NOW), 1000))
    finally:
        engine.dispose()
    assert plan.count("COVERING INDEX ix_returns_shop_status_created") == len(ReturnStatus), plan
