"""The web process's own PostgreSQL connection for webhook intake, and the cheapest way to run one statement.

One connection per process is enough: the group commit runs one statement at a time. It is owned here, not
pooled, because a pool checkout and return cost more client CPU than the statement itself. The hot
statement runs through libpq's blocking ``PQexecPrepared`` (``psycopg.pq``, which releases the GIL while it
waits): psycopg's own execute waits in a loop that costs ~100 us more client CPU per commit-length wait
(measured: 242 vs 108 us for the intake statement).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import psycopg
from psycopg import pq
from psycopg.errors import error_from_result


class IntakeConnection:
    """Opened on first use, and again after a fork or after the server dropped it. Not thread-safe: the
    caller serialises use (``IntakeStore`` holds a lock)."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._connection: psycopg.Connection[Any] | None = None
        self._pid = 0
        self._prepared: set[bytes] = set()

    def connection(self) -> psycopg.Connection[Any]:
        if self._connection is None or self._pid != os.getpid() or self._connection.closed:
            self._connection = psycopg.connect(self._url, autocommit=True)
            self._pid = os.getpid()
            self._prepared = set()
        return self._connection

    def run_prepared(self, name: bytes, sql: str, params: Sequence[bytes],
                     binary: Sequence[int]) -> list[tuple[bytes | None, ...]]:
        """Run ``sql`` (``$n`` placeholders, every one cast in the SQL) with text or binary ``params``;
        the rows come back as text. Raises psycopg's own errors, ``OperationalError`` for a lost connection."""
        connection = self.connection()
        pgconn = connection.pgconn
        if name not in self._prepared:
            self._check(pgconn, pgconn.prepare(name, sql.encode()), pq.ExecStatus.COMMAND_OK)
            self._prepared.add(name)
        result = pgconn.exec_prepared(name, params, binary)
        self._check(pgconn, result, pq.ExecStatus.TUPLES_OK)
        return [tuple(result.get_value(row, col) for col in range(result.nfields)) for row in range(result.ntuples)]

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None and self._pid == os.getpid():
            connection.close()

    def _check(self, pgconn: pq.abc.PGconn, result: pq.abc.PGresult, expected: pq.ExecStatus) -> None:
        if result.status == expected:
            return
        if pgconn.status != pq.ConnStatus.OK:
            self.close()
            raise psycopg.OperationalError(pgconn.get_error_message() or "connection lost")
        raise error_from_result(result, encoding=self.connection().info.encoding)
