"""The customer portal's pages under load: screen 2 (the order's lines, "choose items") and screen 4 (the
review, with the policy's quote) against a bare Flask app rendering a template of the same size.

What is measured: ``GET /portal/<shop>/o/<access>`` and ``GET /portal/<shop>/o/<access>/review?d=<draft>`` of a
WooCommerce shop's order of four lines (two refunded, one for store credit, in the draft), its policy stored,
its snapshot fresh, on a real database (SQLite file, and PostgreSQL when reachable). Each request does what a
customer's does: checks the signed access and draft, reads the shop, the order, the policy, the branding and
the customer's earlier returns, evaluates the policy (the review quotes the return: fees, refund, bonus) and
renders the page in the browser's language. The policy offers refund and store credit only, so no page asks
the shop's catalogue over HTTP (an exchange's replacements come from the shop: its latency, not ours).

Baseline, in the same run: a bare Flask app whose one route renders, through a Jinja loop, the very bytes our
page answered (captured first), so both sides send the same size. Both apps run under the same gunicorn
settings and layout as ``webhook_intake_bench.py`` (whose helpers this reuses): by default one one-worker
gthread gunicorn per core, each with its share of the connections. Load: ``wrk``, 32 keep-alive connections.
Targets: >= 50% of the baseline's requests/s, p99 < 150 ms, on SQLite and on PostgreSQL.

Run: ``.venv/bin/python benchmarks/portal_pages_bench.py [--quick] [--runs 3] [--duration 10] [--workers W]
[--gthreads 16] [--connections 32] [--no-postgres]``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path

from benchkit import ROOT, cpu_by_program, cpu_times, median, postgres_base_url, postgres_schema, runs_text
from webhook_intake_bench import PROGRAMS, WRK, Result, servers

SHOP_ID = "bench-woo"
ORDER_ID = "5001"
EMAIL = "ana@example.com"
PAGES = ("lines", "review")
POLICY = {
    "name": "bench: a year, refund or store credit with a 10% bonus",
    "default_action": "approve",
    "windows": {"days": 365},
    "outcomes": {"allowed": ["refund", "store_credit"]},
    "bonus": {"kind": "percent", "percent": "10", "outcomes": ["store_credit"]},
}
LUA = r"""
function done(summary, latency, requests)
  io.write(string.format(
    "RESULT {\"requests\": %d, \"duration_us\": %d, \"status_errors\": %d, \"socket_errors\": %d, " ..
    "\"p50_us\": %d, \"p99_us\": %d}\n",
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""


@dataclass
class Target:
    name: str
    page: str
    urls: list[str]
    """One per server: the page's full URL on each."""
    results: list[Result] = field(default_factory=list)
    size: int = 0


def prepare_database(database_url: str, data_dir: Path) -> dict[str, str]:
    """The shop, its policy and its order; answers each page's path (with fresh signed tokens)."""
    from connector.bootstrap import Container
    from connector.config.model import AppSettings, Config, DatabaseSettings
    from connector.domain import Platform
    from connector.domain.money import Money
    from connector.domain.orders import Customer, Order, OrderLine
    from connector.domain.timeutil import utcnow
    from connector.pages.keys import portal_keys
    from connector.pages.portal.draft import Draft, DraftLine, new_draft_id, seal
    from connector.pages.signed import OrderAccess, PortalSigner
    from connector.policy.schema import policy_from_dict
    from connector.services.policies import set_policy
    from connector.store.migrate import upgrade

    config = replace(Config(), app=AppSettings(environment="development", data_dir=str(data_dir)),
                     database=DatabaseSettings(database_url))
    container = Container(config)
    upgrade(container.engine)
    now = utcnow()
    lines = tuple(
        OrderLine(id=f"L{n}", title=f"Linen shirt {n}", quantity_ordered=2, quantity_fulfilled=2,
                  unit_price=Money("39.90", "EUR"), discount=Money("0", "EUR"), tax=Money("13.30", "EUR"),
                  taxes_included=True, sku=f"SKU-{n}", product_id=f"P{n}", variant_id=f"V{n}",
                  variant_title="M / Blue", fulfilled_at=now - timedelta(days=6),
                  delivered_at=now - timedelta(days=4))
        for n in range(1, 5)
    )
    order = Order(id=ORDER_ID, shop_id=SHOP_ID, name="#5001", currency="EUR", email=EMAIL,
                  created_at=now - timedelta(days=8), updated_at=now - timedelta(days=4), lines=lines,
                  shipping_total=Money("4.90", "EUR"), customer=Customer(id="77", email=EMAIL, locale="en"),
                  status="completed")
    with container.uow() as uow:
        uow.shops.add(Platform.WOOCOMMERCE, "https://bench-shop.example", shop_id=SHOP_ID,
                      credentials={"consumer_key": "ck_bench", "consumer_secret": "cs_bench"})
        set_policy(uow, SHOP_ID, policy_from_dict(POLICY, source="bench policy"))
        uow.orders(SHOP_ID).upsert(order)
        uow.commit()
    container.close()
    signer = PortalSigner(portal_keys(config))
    access = signer.order_access_token(SHOP_ID, OrderAccess(ORDER_ID))
    draft = Draft(new_draft_id(), SHOP_ID, ORDER_ID, (
        DraftLine("L1", 1, "size_too_small"), DraftLine("L2", 2, "unwanted"),
        DraftLine("L3", 1, "size_too_large", outcome="store_credit"),
    ), method="prepaid_label")
    base = f"/portal/{SHOP_ID}/o/{access}"
    return {"lines": base, "review": f"{base}/review?d={seal(draft, signer)}"}


def capture(url: str) -> str:
    """The page as the portal answers it (and a check that it does)."""
    import requests

    answer = requests.get(url, timeout=30, headers={"Accept-Language": "en-GB,en;q=0.9"})
    if answer.status_code != 200:
        raise RuntimeError(f"{url} answered {answer.status_code}: {answer.text[:2000]}")
    return answer.text


def load_wrk(url: str, duration: float, connections: int, threads: int, script: Path) -> Result:
    out = subprocess.run(
        [WRK or "wrk", "-t", str(threads), "-c", str(connections), "-d", f"{max(1, round(duration))}s",
         "--timeout", "10s", "-H", "Accept-Language: en-GB,en;q=0.9", "-s", str(script), url],
        capture_output=True, text=True, check=False,
    )
    if out.returncode:
        raise RuntimeError(f"wrk failed: {out.stderr.strip()} {out.stdout.strip()}")
    data = json.loads(next(line for line in out.stdout.splitlines() if line.startswith("RESULT "))[7:])
    seconds = data["duration_us"] / 1e6
    return Result(data["requests"] / seconds, data["p50_us"] / 1000, data["p99_us"] / 1000,
                  data["status_errors"] + data["socket_errors"], data["requests"])


def measured(target: Target, duration: float, connections: int, threads: int, script: Path) -> Result:
    """wrk on every server of the target at once, each with its share of the connections; the CPU each
    program spent per request, from /proc."""
    from concurrent.futures import ThreadPoolExecutor

    before, machine = cpu_by_program(PROGRAMS), cpu_times()
    share = max(1, connections // len(target.urls))
    with ThreadPoolExecutor(max_workers=len(target.urls)) as pool:
        done = list(pool.map(lambda url: load_wrk(url, duration, share, threads, script), target.urls))
    after, machine_after = cpu_by_program(PROGRAMS), cpu_times()
    result = Result(sum(r.rps for r in done), sum(r.p50_ms for r in done) / len(done), max(r.p99_ms for r in done),
                    sum(r.errors for r in done), sum(r.requests for r in done))
    result.cpu_us = {name: (after[name] - before[name]) / max(1, result.requests) * 1e6 for name in PROGRAMS}
    result.busy = (machine_after[0] - machine[0]) / max(1.0, machine_after[1] - machine[1])
    return result


def main() -> int:
    from connector.store.crypto import CredentialCipher
    from wiring.servecmd import DEFAULT_THREADS, default_workers

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 run of 3 s per target, 1 s of warm-up")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per measurement")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of load per target before measuring")
    parser.add_argument("--workers", type=int, default=default_workers(threaded=True))
    parser.add_argument("--gthreads", type=int, default=DEFAULT_THREADS)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads per server")
    parser.add_argument("--layout", choices=("per-worker", "shared"), default="per-worker")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.runs, args.duration, args.warmup = 1, 3.0, 1.0
    if WRK is None:
        print("wrk is not installed (apt-get install wrk): this benchmark drives its load with it")
        return 2
    os.environ.setdefault("CONNECTOR_SECRET_KEYS", CredentialCipher.generate_key())
    os.environ.setdefault("CONNECTOR_SIGNING_KEY", "portal-bench-" + CredentialCipher.generate_key())
    pg = None if args.no_postgres else postgres_base_url()
    tmp = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    script = tmp / "report.lua"
    script.write_text(LUA)
    pages_dir = tmp / "pages"
    pages_dir.mkdir()
    targets: list[Target] = []
    bare: dict[str, Target] = {}
    with ExitStack() as stack:
        stack.callback(shutil.rmtree, tmp, True)
        common = {"BENCH_DATA_DIR": str(tmp), "BENCH_REDIS_URL": "", "PYTHONPATH": str(ROOT)}
        databases = [("sqlite", f"sqlite:///{tmp}/connector.sqlite3")]
        if pg:
            databases.append(("postgresql", stack.enter_context(postgres_schema(pg))))
        for name, database_url in databases:
            paths = prepare_database(database_url, tmp)
            env = {**common, "BENCH_DATABASE_URL": database_url}
            urls = stack.enter_context(servers("benchmarks.portal_apps:connector", args.workers, env, args.gthreads,
                                               args.layout))
            for page in PAGES:
                html = capture(urls[0] + paths[page])
                (pages_dir / f"{page}.html").write_text(html, encoding="utf-8")
                targets.append(Target(f"{page}, {name}", page, [url + paths[page] for url in urls],
                                      size=len(html.encode())))
        env = {**common, "BENCH_DATABASE_URL": "sqlite://", "BENCH_PAGES_DIR": str(pages_dir)}
        bare_urls = stack.enter_context(servers("benchmarks.portal_apps:bare", args.workers, env, args.gthreads,
                                                args.layout))
        for page in PAGES:
            size = len(capture(f"{bare_urls[0]}/{page}").encode())
            bare[page] = Target(f"{page}, bare Flask", page, [f"{url}/{page}" for url in bare_urls], size=size)
        everyone = [*bare.values(), *targets]
        for target in everyone:  # imports, connections, caches, the first reads of every table
            measured(target, args.warmup, args.connections, args.threads, script)
        for _run in range(args.runs):
            for target in everyone:  # interleaved so every target sees the same machine load
                target.results.append(measured(target, args.duration, args.connections, args.threads, script))

    report(args, everyone, bare)
    return 0


def report(args: argparse.Namespace, everyone: list[Target], bare: dict[str, Target]) -> None:
    server = "sync" if args.gthreads <= 1 else f"gthread, {args.gthreads} threads each"
    layout = (f"{args.workers} x gunicorn -w 1, {args.connections // args.workers} connections each"
              if args.layout == "per-worker" else f"gunicorn -w {args.workers}")
    print(f"\n{layout} ({server}), 127.0.0.1; load: wrk {args.connections} keep-alive connections, "
          f"{args.duration:g} s x {args.runs} run(s), interleaved; machine: {os.cpu_count()} cores shared")
    print(f"\n{'target':26}{'bytes':>8}{'req/s per run':>22}{'median':>9}{'p50 ms':>8}{'p99 ms':>8}{'ratio':>7}"
          f"{'errors':>8}")
    verdicts = []
    for target in everyone:
        rps = median([r.rps for r in target.results])
        p50 = median([r.p50_ms for r in target.results])
        p99 = median([r.p99_ms for r in target.results])
        ratio = rps / median([r.rps for r in bare[target.page].results])
        errors = sum(r.errors for r in target.results)
        print(f"{target.name:26}{target.size:8d}{runs_text([r.rps for r in target.results]):>22}{rps:9.0f}"
              f"{p50:8.1f}{p99:8.1f}{ratio:7.2f}{errors:8d}")
        if target is not bare[target.page]:
            verdicts.append(f"{target.name}: ratio {ratio:.0%} (target >= 50%: {'met' if ratio >= 0.5 else 'NOT met'})"
                            f", p99 {p99:.1f} ms (target < 150 ms: {'met' if p99 < 150 else 'NOT met'})")
    print("\nCPU per request (median of runs, microseconds, all processes of each program; machine busy share):")
    print(f"{'target':26}" + "".join(f"{name:>14}" for name in PROGRAMS) + f"{'busy':>8}")
    for target in everyone:
        cells = "".join(f"{median([r.cpu_us.get(n, 0.0) for r in target.results]):14.0f}" for n in PROGRAMS)
        print(f"{target.name:26}{cells}{median([r.busy for r in target.results]):8.0%}")
    print("\nratio = median req/s / median req/s of the bare page of the same size (medians over runs)")
    for line in verdicts:
        print(" -", line)


if __name__ == "__main__":
    sys.exit(main())
