"""The SQL behind the agents' queue and one return's page, captured as it runs and explained by PostgreSQL
(``EXPLAIN (ANALYZE, BUFFERS)``), for ``admin_queue_bench.py``.

Why captured rather than written out: what is explained is exactly what ran, parameters included (a page's
keyset bounds, the literal statuses of the overdue filter), for the queue's service and for whatever the return
page's service reads. Buffers (8 KiB pages touched, from cache or disk) measure the work in a way the busy machine
does not blur: the check that a page's cost grows no faster than its size compares them, pages of 25, 50 and 100,
first and deep, beside the same deep page read with OFFSET.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, event

_BUFFERS = re.compile(r"Buffers: shared(?: hit=(\d+))?(?: read=(\d+))?")
_ROWS = re.compile(r"actual time=[\d.]+\.\.[\d.]+ rows=(\d+)")
_EXECUTION = re.compile(r"Execution Time: ([\d.]+) ms")


@dataclass(frozen=True)
class Plan:
    statement: str
    lines: tuple[str, ...]
    ms: float  # PostgreSQL's execution time
    buffers: int  # pages touched by the whole statement (hit + read)
    rows: int  # rows the statement returned

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@contextmanager
def captured(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """Every SELECT run on ``engine`` meanwhile, as sent to the driver (statement, parameters)."""
    seen: list[tuple[str, Any]] = []

    def before(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)


def explain(engine: Engine, statement: str, parameters: Any) -> Plan:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", parameters)
        lines = tuple(str(row[0]) for row in cursor.fetchall())
        raw.rollback()
    finally:
        raw.close()
    buffers = next((m for line in lines if (m := _BUFFERS.search(line))), None)
    touched = sum(int(n or 0) for n in buffers.groups()) if buffers else 0
    rows = next((int(m.group(1)) for line in lines if (m := _ROWS.search(line))), 0)
    ms = next((float(m.group(1)) for line in lines if (m := _EXECUTION.search(line))), 0.0)
    return Plan(statement, lines, ms, touched, rows)


def explained(engine: Engine, run: Callable[[], object]) -> list[Plan]:
    """``run`` once, then each SELECT it ran explained (run first: the caches are as a request finds them)."""
    with captured(engine) as seen:
        run()
    return [explain(engine, statement, parameters) for statement, parameters in seen]


def print_plans(title: str, plans: list[Plan]) -> None:
    print(f"\n--- {title}: {len(plans)} statement(s), {sum(p.buffers for p in plans)} buffers, "
          f"{sum(p.ms for p in plans):.2f} ms in PostgreSQL")
    for number, plan in enumerate(plans, start=1):
        print(f"[{number}] {' '.join(plan.statement.split())[:400]}")
        print("\n".join(f"    {line}" for line in plan.lines))


def timed(run: Callable[[], object], times: int) -> float:
    """Median wall time of ``run`` in ms, one call after another."""
    laps = []
    for _ in range(times):
        started = time.perf_counter()
        run()
        laps.append((time.perf_counter() - started) * 1000)
    laps.sort()
    return laps[len(laps) // 2]
