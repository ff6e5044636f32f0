"""The agents' admin at 100,000 returns in PostgreSQL: the queue (first page, a filtered page, a deep page) and one
return's page, p50 and p99 under 8 concurrent agents, target p99 < 200 ms; the query plans they rely on; and
whether a page's cost grows faster than its size.

Data (``queue_seed.py``): one shop with 100,000 returns over two years (lines, history, orders, parcels and their
tracking, refunds; a second shop with 20,000 more), loaded by COPY, then VACUUM ANALYZE as autovacuum would.

Measured, each target in turn, interleaved over the runs so that each sees the same machine:
1. plans: every statement of one queue page per scenario and of one return's page, captured as it ran and
   ``EXPLAIN (ANALYZE, BUFFERS)``; checks that no statement reads the table whole and that the counts are
   index-only scans;
2. scaling: one agent alone, pages of 25, 50 and 100, first and deep (past 90% of the returns): the page statement's
   buffers and the whole service call's median time, beside the deep page read with OFFSET (the baseline);
3. service: ``queue_page`` and ``admin_return`` called as the views call them (a unit of work each) by 8 agents:
   threads in as many processes as gunicorn runs (``queue_load.py``); baseline: ``SELECT 1`` through a unit of
   work by the same agents;
4. HTTP: ``GET /admin/<shop>/`` (with the filters as query arguments, the deep page by its cursor) and
   ``GET /admin/<shop>/returns/<id>`` (a random return each request) under gunicorn as ``returns-connector
   serve`` runs it (one one-worker gthread gunicorn per core), entered with the admin tests' signed header; load:
   wrk, 8 keep-alive connections; baseline: a bare Flask app answering the bytes our queue page answered.

Run: ``.venv/bin/python benchmarks/admin_queue_bench.py [--quick] [--runs 3] [--duration 10] [--no-http]
[--schema NAME --keep]`` (``--schema``: seed that schema once and reuse it; ``--keep``: leave it).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from benchkit import median, postgres_base_url, postgres_schema
from queue_load import BASELINE, Agents
from queue_plans import Plan, explain, explained, print_plans, timed
from queue_seed import NOW, OTHER, SHOP, seed
from webhook_intake_bench import WRK, Result

from connector.domain import ReasonCode, ReturnMethod
from connector.services.return_queue import QueueQuery, write_cursor

TARGET_P99_MS = 200.0
DEEP_SHARE = 0.9  # the deep page starts after 90% of the shop's returns (90,000 of 100,000)


@dataclass
class Scenario:
    """One page an agent asks for: the service's query and the same as the queue form's arguments."""

    name: str
    query: QueueQuery | None  # None: one return's page
    args: dict[str, str] = field(default_factory=dict)
    service: list[Result] = field(default_factory=list)
    http: list[Result] = field(default_factory=list)


def scenarios(deep_cursor: str) -> list[Scenario]:
    since = (NOW - timedelta(days=365)).date()
    filtered = QueueQuery(reason=ReasonCode.DEFECTIVE, method=ReturnMethod.PREPAID_LABEL,
                          created_from=NOW.replace(year=since.year, month=since.month, day=since.day, hour=0))
    return [
        Scenario("queue, first page", QueueQuery()),
        Scenario("queue, filtered page", filtered,
                 {"reason": "defective", "method": "prepaid_label", "from": since.isoformat()}),
        Scenario("queue, deep page", QueueQuery(cursor=deep_cursor), {"cursor": deep_cursor}),
        Scenario("return page", None),
    ]


def extra_scenarios() -> list[Scenario]:
    """Measured at the service only: the other filters' plans and times."""
    return [
        Scenario("search, e-mail prefix", QueueQuery(search="jean.dupont1")),
        Scenario("search, order number", QueueQuery(search="#15000")),
        Scenario("overdue under EU rules", QueueQuery(overdue_eu=True)),
        Scenario("needs review", QueueQuery(needs_review=True)),
        Scenario("value 100-150 EUR, relay", QueueQuery(method=ReturnMethod.RELAY_POINT, value_min=_eur(100),
                                                          value_max=_eur(150))),
    ]


def _eur(amount: int) -> Any:
    from connector.domain.money import Money

    return Money(amount, "EUR")


class Bench:
    """The seeded database and how each scenario runs against it, in this process."""

    def __init__(self, database_url: str) -> None:
        from connector.bootstrap import Container
        from connector.config.model import Config, DatabaseSettings

        self.container = Container(replace(Config(), database=DatabaseSettings(database_url)))
        self.engine = self.container.engine
        with self.engine.connect() as conn:
            rows = conn.exec_driver_sql(
                "SELECT id FROM returns WHERE shop_id = %(s)s ORDER BY md5(id) LIMIT 2000", {"s": SHOP}).all()
            self.return_ids = [row[0] for row in rows]
            held = conn.exec_driver_sql("SELECT count(*) FROM returns WHERE shop_id = %(s)s", {"s": SHOP}).scalar()
            self.deep_row = int(int(held or 0) * DEEP_SHARE)
            key = conn.exec_driver_sql(
                "SELECT created_at, id FROM returns WHERE shop_id = %(s)s ORDER BY created_at DESC, id DESC "
                "OFFSET %(n)s LIMIT 1", {"s": SHOP, "n": self.deep_row}).one()
        self.deep_key = (key[0], key[1])

    def call(self, scenario: Scenario, page_size: int | None = None) -> Callable[[], object]:
        from connector.services.admin_return import admin_return
        from connector.services.return_queue import queue_page

        if scenario.query is None:
            return lambda: admin_return(self.container, SHOP, random.choice(self.return_ids))
        query = scenario.query if page_size is None else replace(scenario.query, page_size=page_size)

        def run() -> object:
            with self.container.uow() as uow:
                return queue_page(uow, SHOP, query, NOW)

        return run

    def select_one(self) -> object:
        with self.container.uow() as uow:
            return uow.connection.exec_driver_sql("SELECT 1").scalar()


def show_plans(bench: Bench, everything: list[Scenario]) -> list[str]:
    """Every statement of one call per scenario, explained; what the checks found wrong (nothing, we hope)."""
    problems = []
    for scenario in everything:
        plans = explained(bench.engine, bench.call(scenario))
        print_plans(scenario.name, plans)
        for plan in plans:
            if "Seq Scan on returns" in plan.text or "Seq Scan on return_lines" in plan.text:
                problems.append(f"{scenario.name}: a sequential scan in [{plans.index(plan) + 1}]")
        counts = [p for p in plans if "count(*)" in p.statement.lower()]
        if scenario.query is not None and not scenario.query.search and not any(
                "Index Only Scan" in p.text for p in counts):
            problems.append(f"{scenario.name}: the counts are not an index-only scan")
    return problems


def show_scaling(bench: Bench, times: int) -> list[str]:
    """Pages of 25, 50, 100, first and deep: the page statement's buffers and rows, the service call's median."""
    from connector.services.return_queue import queue_filter
    from connector.store.queue_repo import QueueRepository

    print(f"\n=== cost against page size (one agent alone; deep = after {bench.deep_row:,} returns; median of "
          f"{times})")
    print(f"{'page':>6}{'first: buffers':>16}{'rows':>6}{'ms':>8}{'deep: buffers':>15}{'rows':>6}{'ms':>8}"
          f"{'OFFSET: buffers':>17}{'ms (db)':>9}")
    first = Scenario("first", QueueQuery())
    deep = Scenario("deep", QueueQuery(cursor=write_cursor("next", bench.deep_key)))
    found: dict[tuple[str, int], Plan] = {}
    for size in (25, 50, 100):
        cells = []
        for scenario in (first, deep):
            page = next(p for p in explained(bench.engine, bench.call(scenario, size)) if "ORDER BY" in p.statement)
            found[(scenario.name, size)] = page
            cells.append(f"{page.buffers:16d}{page.rows:6d}{timed(bench.call(scenario, size), times):8.1f}")
        with bench.engine.connect() as conn:
            where = queue_filter(QueueQuery(), NOW)
            statement = QueueRepository(conn, SHOP).page_statement(where, size + 1).offset(bench.deep_row)
            compiled = statement.compile(dialect=conn.dialect)
        offset = explain(bench.engine, str(compiled), compiled.params)
        print(f"{size:6d}{cells[0]}{cells[1][1:]}{offset.buffers:17d}{offset.ms:9.1f}")
    growth = found[("first", 100)].buffers / max(1, found[("first", 25)].buffers)
    depth = max(found[("deep", s)].buffers / max(1, found[("first", s)].buffers) for s in (25, 50, 100))
    verdict = growth <= 4.0 * 1.25 and depth <= 2.0
    print(f"buffers, page of 100 / page of 25: {growth:.2f} (4.00 would be proportional); deep / first: at most "
          f"{depth:.2f} -> cost grows no faster than the page size: {'yes' if verdict else 'NO'}")
    return [] if verdict else ["a page's cost grows faster than its size"]


def measure_service(url: str, targets: list[Scenario], args: argparse.Namespace) -> list[Result]:
    """Every target in turn, run after run, by the agent processes; the baseline's results returned."""
    from wiring.servecmd import default_workers

    agents = Agents(url, default_workers(threaded=True), args.clients)
    try:
        for scenario in targets:  # warm-up: pools, caches, the first reads
            agents.run(scenario.name, 1.0)
        baseline: list[Result] = []
        for _run in range(args.runs):
            baseline.append(agents.run(BASELINE, args.duration))
            for scenario in targets:
                scenario.service.append(agents.run(scenario.name, args.duration))
    finally:
        agents.close()
    return baseline


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 returns, 1 run of 3 s per target")
    parser.add_argument("--returns", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per measurement")
    parser.add_argument("--clients", type=int, default=8, help="concurrent agents")
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--schema", help="a schema to seed once and reuse (default: a scratch one, dropped)")
    parser.add_argument("--keep", action="store_true", help="with --schema: leave it for the next run")
    args = parser.parse_args()
    if args.quick:
        args.returns, args.runs, args.duration = 10_000, 1, 3.0
    base = postgres_base_url()
    if base is None:
        print("PostgreSQL is not reachable (DATABASE_URL or 127.0.0.1:5432/test): this benchmark needs it")
        return 2
    from connector.store.crypto import CredentialCipher

    os.environ.setdefault("CONNECTOR_SECRET_KEYS", CredentialCipher.generate_key())
    os.environ.setdefault("CONNECTOR_SIGNING_KEY", "admin-bench-" + CredentialCipher.generate_key())
    with ExitStack() as stack:
        url = stack.enter_context(postgres_schema(base, args.schema, args.keep))
        _seed_once(url, args.returns)
        bench = Bench(url)
        stack.callback(bench.container.close)
        targets = scenarios(write_cursor("next", bench.deep_key))
        extras = extra_scenarios()
        problems = show_plans(bench, targets + extras) + show_scaling(bench, 5 if args.quick else 25)
        baseline = measure_service(url, targets + extras, args)
        http_baseline: list[Result] = []
        if not args.no_http and WRK is not None:
            from admin_http import measure_http

            http_baseline = measure_http(stack, url, bench, targets, args)
        elif not args.no_http:
            print("\nwrk is not installed (apt-get install -y wrk): HTTP not measured")
    report(args, targets, extras, baseline, http_baseline, problems)
    return 1 if problems else 0


def _seed_once(url: str, returns: int) -> None:
    from sqlalchemy import inspect

    from connector.store.engine import make_engine

    engine = make_engine(url)
    try:
        if "returns" in inspect(engine).get_table_names():
            with engine.connect() as conn:
                held = conn.exec_driver_sql("SELECT count(*) FROM returns WHERE shop_id = %(s)s", {"s": SHOP}).scalar()
            if held:
                print(f"reusing the schema's {held:,} returns of {SHOP}")
                return
    finally:
        engine.dispose()
    seeded = seed(url, {SHOP: returns, OTHER: returns // 5})
    rows = ", ".join(f"{table} {count:,}" for table, count in seeded.rows.items())
    print(f"seeded in {seeded.seconds:.0f} s (COPY, then VACUUM ANALYZE): {rows}")


def report(args: argparse.Namespace, targets: list[Scenario], extras: list[Scenario], baseline: list[Result],
           http_baseline: list[Result], problems: list[str]) -> None:
    print(f"\n=== {args.clients} concurrent agents, {args.duration:g} s x {args.runs} run(s), interleaved; "
          f"{args.returns:,} returns; machine: {os.cpu_count()} cores shared (load {os.getloadavg()[0]:.1f})")
    print(f"{'target':28}{'service p50':>12}{'p99':>8}{'req/s':>8}{'HTTP p50':>10}{'p99':>8}{'req/s':>8}"
          f"{'errors':>8}  p99 < {TARGET_P99_MS:.0f} ms")
    rows = [("baseline: SELECT 1 / bare page", baseline, http_baseline)]
    rows += [(s.name, s.service, s.http) for s in targets + extras]
    verdicts = []
    for name, service, http in rows:
        cells = _cells(service, 12) + _cells(http, 10)
        errors = sum(r.errors for r in http)
        worst = max([median([r.p99_ms for r in service])] + ([median([r.p99_ms for r in http])] if http else []))
        met = "" if name.startswith("baseline") else ("met" if worst < TARGET_P99_MS else "NOT met")
        print(f"{name:28}{cells}{errors:8d}  {met}")
        if met:
            verdicts.append(met == "met")
    print("\np50/p99: medians over the runs of each run's percentiles (ms); service: queue_page / admin_return in "
          "agent processes; HTTP: wrk against gunicorn")
    print(f"targets met: {sum(verdicts)} of {len(verdicts)}")
    for problem in problems:
        print(" - PROBLEM:", problem)


def _cells(results: list[Result], width: int) -> str:
    if not results:
        return f"{'-':>{width}}{'-':>8}{'-':>8}"
    return (f"{median([r.p50_ms for r in results]):{width}.1f}{median([r.p99_ms for r in results]):8.1f}"
            f"{median([r.rps for r in results]):8.0f}")


if __name__ == "__main__":
    sys.exit(main())
