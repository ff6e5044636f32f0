"""Webhook intake throughput and latency: ``POST /webhooks/shopify`` vs a bare Flask endpoint returning 200.

Both apps run under the same gunicorn settings (W workers: sync, or gthread workers with ``--gthreads N``)
from ``benchmarks/intake_apps.py``. By default each worker is its own one-worker gunicorn on its own port,
with its share of the connections (``--layout per-worker``): in one gunicorn with W workers, whichever worker
wins the accept race keeps a keep-alive connection, and wrk's connections, all opened at once, often land
mostly on one worker. Then one worker idles, the run measures one core instead of two, and req/s halves at
random (seen: 1,946 against ~3,900 req/s for the bare endpoint, one worker with no CPU at all). A load
balancer in front of the web processes spreads connections, and so does this layout. ``--layout shared``
runs the single gunicorn anyway. Our endpoint gets correctly signed
bodies with distinct ``X-Shopify-Event-Id``s (every request is a new delivery: inbox row + pending outbox row
committed; the request never touches Redis), on a real database (SQLite file, and PostgreSQL when reachable).
Afterwards the relay (what every worker runs) moves every outbox row onto RQ on real Redis (REDIS_URL or
127.0.0.1:6379/12, a queue of its own, deleted afterwards), timed, and the script checks one job per delivery.
The baseline is measured in the same run, interleaved. Each measurement also reports the CPU each program
(gunicorn, postgres, redis-server, wrk) spent per request, from /proc, and the machine's busy share.

Load: ``wrk`` (keep-alive, fixed duration, fixed connections) when installed, else a Python client (threads
with a keep-alive ``requests.Session`` each). Targets: >= 60% of the bare endpoint's requests/s, p99 < 50 ms.

Run: ``.venv/bin/python benchmarks/webhook_intake_bench.py [--quick] [--runs 3] [--duration 10] [--workers W]
[--gthreads 16] [--connections 32]``. The defaults are what ``returns-connector serve`` runs (gthread workers:
one per core, at least 2, 16 threads each) under a burst of 32 concurrent deliveries; ``--gthreads 1
--workers 4 --connections 4`` measures sync workers.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from benchkit import (
    ROOT,
    cpu_by_program,
    cpu_times,
    free_port,
    median,
    pct,
    postgres_base_url,
    postgres_schema,
    redis_url,
    runs_text,
)

SECRET = "shpss_bench_" + "0" * 20
SHOP = "bench-shop.myshopify.com"
WRK = shutil.which("wrk")
LUA = r"""
local lines, n, i, wraps = {}, 0, 0, 0
local counter = 0
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end
function init(args)
  local path, threads = args[1], tonumber(args[2])
  local k = 0
  for line in io.lines(path) do
    if k % threads == tid then n = n + 1; lines[n] = line end
    k = k + 1
  end
end
function request()
  i = i + 1
  if i > n then i = 1; wraps = wraps + 1 end
  local event, digest, body = lines[i]:match("^([^\t]*)\t([^\t]*)\t(.*)$")
  return wrk.format("POST", "/webhooks/shopify", {
    ["Content-Type"] = "application/json", ["X-Shopify-Topic"] = "orders/updated",
    ["X-Shopify-Hmac-Sha256"] = digest, ["X-Shopify-Shop-Domain"] = "bench-shop.myshopify.com",
    ["X-Shopify-Event-Id"] = event, ["X-Shopify-Webhook-Id"] = "wh-" .. event,
    ["X-Shopify-API-Version"] = "2026-04", ["X-Shopify-Triggered-At"] = "2026-11-27T09:00:00Z"}, body)
end
function done(summary, latency, requests)
  io.write(string.format(
    "RESULT {\"requests\": %d, \"duration_us\": %d, \"status_errors\": %d, \"socket_errors\": %d, " ..
    "\"p50_us\": %d, \"p99_us\": %d, \"mean_us\": %.1f}\n",
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.mean))
end
"""


def signed_lines(count: int, path: Path) -> None:
    """Pre-signed deliveries, one per line: event id, HMAC (base64), body."""
    key = SECRET.encode()
    with path.open("w", encoding="ascii") as out:
        for n in range(count):
            event = uuid.uuid4().hex
            # Each delivery its own body, as a shop's are: intake refuses the same signed body twice (a replay).
            body = json.dumps({"id": 450789469 + n, "admin_graphql_api_id": f"gid://shopify/Order/{450789469 + n}",
                               "updated_at": "2026-11-27T09:00:00Z", "note": f"bench {event}"}, separators=(",", ":"))
            digest = base64.b64encode(hmac.new(key, body.encode(), hashlib.sha256).digest()).decode()
            out.write(f"{event}\t{digest}\t{body}\n")


def headers_for(event: str, digest: str) -> dict[str, str]:
    return {"Content-Type": "application/json", "X-Shopify-Topic": "orders/updated", "X-Shopify-Hmac-Sha256": digest,
            "X-Shopify-Shop-Domain": SHOP, "X-Shopify-Event-Id": event, "X-Shopify-Webhook-Id": f"wh-{event}",
            "X-Shopify-API-Version": "2026-04", "X-Shopify-Triggered-At": "2026-11-27T09:00:00Z"}


PROGRAMS = ("gunicorn", "postgres", "redis-server", "wrk")


@dataclass
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int
    cpu_us: dict[str, float] = field(default_factory=dict)  # CPU per request, by program
    busy: float = 0.0  # the machine's CPU busy share during the measurement


Load = Callable[[str, Path, float, int, int], Result]


def load_servers(load: Load, urls: list[str], lines: Path, duration: float, connections: int,
                 threads: int) -> Result:
    """``load`` on every server at once, each with its share of the connections and of the deliveries.
    req/s add up; p50 is the mean of the servers' p50s and p99 the worst of their p99s."""
    if len(urls) == 1:
        return load(urls[0], lines, duration, connections, threads)
    rows = lines.read_text(encoding="ascii").splitlines(keepends=True)
    parts = []
    for index in range(len(urls)):
        part = lines.with_name(f"{lines.stem}-{index}{lines.suffix}")
        part.write_text("".join(rows[index::len(urls)]), encoding="ascii")
        parts.append(part)
    share = max(1, connections // len(urls))
    try:
        with ThreadPoolExecutor(max_workers=len(urls)) as pool:  # map re-raises a server's failure here
            done = list(pool.map(lambda url, part: load(url, part, duration, share, threads), urls, parts))
    finally:
        for part in parts:
            part.unlink()
    return Result(sum(r.rps for r in done), sum(r.p50_ms for r in done) / len(done), max(r.p99_ms for r in done),
                  sum(r.errors for r in done), sum(r.requests for r in done))


def measured(load: Load, urls: list[str], lines: Path, duration: float, connections: int, threads: int) -> Result:
    """Run ``load`` and add who spent the CPU: per request, by program (from /proc)."""
    before, machine = cpu_by_program(PROGRAMS), cpu_times()
    result = load_servers(load, urls, lines, duration, connections, threads)
    after, machine_after = cpu_by_program(PROGRAMS), cpu_times()
    result.cpu_us = {name: (after[name] - before[name]) / max(1, result.requests) * 1e6 for name in PROGRAMS}
    result.busy = (machine_after[0] - machine[0]) / max(1.0, machine_after[1] - machine[1])
    return result


@dataclass
class Target:
    name: str
    urls: list[str]
    database_url: str | None = None
    queue: str | None = None
    results: list[Result] = field(default_factory=list)
    warmup_requests: int = 0
    accepted_rows: int = 0
    relayed: int = 0
    relay_seconds: float = 0.0


def load_wrk(url: str, lines: Path, duration: float, connections: int, threads: int) -> Result:
    script = lines.with_suffix(".lua")
    script.write_text(LUA)
    out = subprocess.run(
        [WRK or "wrk", "-t", str(threads), "-c", str(connections), "-d", f"{max(1, round(duration))}s",
         "--timeout", "10s", "-s", str(script), url, "--", str(lines), str(threads)],
        capture_output=True, text=True, check=False,
    )
    if out.returncode:
        raise RuntimeError(f"wrk failed: {out.stderr.strip()} {out.stdout.strip()}")
    data = json.loads(next(line for line in out.stdout.splitlines() if line.startswith("RESULT "))[7:])
    seconds = data["duration_us"] / 1e6
    return Result(data["requests"] / seconds, data["p50_us"] / 1000, data["p99_us"] / 1000,
                  data["status_errors"] + data["socket_errors"], data["requests"])


def load_python(url: str, lines: Path, duration: float, connections: int, threads: int) -> Result:
    import requests

    rows = [line.rstrip("\n").split("\t", 2) for line in lines.open(encoding="ascii")]
    laps: list[float] = []
    errors = [0]
    guard = threading.Lock()
    deadline = time.perf_counter() + duration

    def client(index: int) -> None:
        session = requests.Session()
        mine, local = rows[index::connections], []
        k = 0
        while time.perf_counter() < deadline and k < len(mine):
            event, digest, body = mine[k]
            k += 1
            start = time.perf_counter()
            response = session.post(f"{url}/webhooks/shopify", data=body.encode(), headers=headers_for(event, digest))
            local.append(time.perf_counter() - start)
            if response.status_code != 200:
                with guard:
                    errors[0] += 1
        with guard:
            laps.extend(local)

    started = time.perf_counter()
    pool = [threading.Thread(target=client, args=(n,)) for n in range(connections)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - started
    return Result(len(laps) / elapsed, pct(laps, 50) * 1000, pct(laps, 99) * 1000, errors[0], len(laps))


@contextmanager
def gunicorn(factory: str, workers: int, env: dict[str, str], threads: int = 1) -> Iterator[str]:
    """``factory``: a function of ``benchmarks/intake_apps.py``, or ``module:function`` for another benchmark's."""
    port = free_port()
    app = factory if ":" in factory else f"benchmarks.intake_apps:{factory}"
    worker_class = ["--worker-class", "gthread", "--threads", str(threads)] if threads > 1 else []
    command = [str(ROOT / ".venv" / "bin" / "gunicorn"), "-w", str(workers), *worker_class,
               "--bind", f"127.0.0.1:{port}", "--log-level", "warning", f"{app}()"]
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env})
    url = f"http://127.0.0.1:{port}"
    try:
        import requests

        for _ in range(200):
            try:
                requests.get(f"{url}/nowhere", timeout=1)
                break
            except requests.RequestException:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"gunicorn {factory} did not start")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


@contextmanager
def servers(factory: str, workers: int, env: dict[str, str], threads: int, layout: str) -> Iterator[list[str]]:
    """The app on ``workers`` worker processes: one gunicorn each (``per-worker``), or one for all (``shared``)."""
    with ExitStack() as stack:
        if layout == "shared":
            yield [stack.enter_context(gunicorn(factory, workers, env, threads))]
        else:
            yield [stack.enter_context(gunicorn(factory, 1, env, threads)) for _ in range(workers)]


def prepare_database(database_url: str) -> None:
    from connector.bootstrap import Container
    from connector.config.model import Config, DatabaseSettings
    from connector.domain import Platform
    from connector.store.migrate import upgrade

    container = Container(Config(database=DatabaseSettings(database_url)))
    upgrade(container.engine)
    with container.uow() as uow:
        uow.shops.add(Platform.SHOPIFY, SHOP, shop_id="bench-shop", credentials={"access_token": "t"})
        uow.commit()
    container.close()


def count_inbox(database_url: str) -> int:
    from sqlalchemy import func, select

    from connector.store.engine import make_engine
    from connector.store.tables import webhook_inbox

    engine = make_engine(database_url)
    with engine.connect() as conn:
        count = int(conn.execute(select(func.count()).select_from(webhook_inbox)).scalar_one())
    engine.dispose()
    return count


def relay_all(database_url: str, redis: str, queue_name: str) -> tuple[int, float]:
    """What a worker's relay thread does after intake: move every outbox row onto RQ (timed)."""
    from dataclasses import replace

    from connector.bootstrap import Container
    from connector.config.model import Config, DatabaseSettings, QueueSettings, RedisSettings
    from connector.jobs.queue import make_queue
    from connector.jobs.relay import relay

    config = replace(Config(), database=DatabaseSettings(database_url), redis=RedisSettings(redis),
                     queue=replace(QueueSettings(), name=queue_name))
    container = Container(config)
    queue = make_queue(container)
    moved, started = 0, time.perf_counter()
    while batch := relay(container, queue):
        moved += batch
    seconds = time.perf_counter() - started
    container.close()
    return moved, seconds


def drop_queue(url: str, name: str) -> int:
    from redis import Redis
    from rq import Queue

    connection = Redis.from_url(url)
    queue = Queue(name, connection=connection)
    length = len(queue)
    queue.delete(delete_jobs=True)
    connection.close()
    return length


def main() -> int:
    from wiring.servecmd import DEFAULT_THREADS, default_workers

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 run of 3 s per target")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per measurement")
    parser.add_argument("--workers", type=int, default=default_workers(threaded=True),
                        help="gunicorn workers (same for every target); the default is what `serve` runs")
    parser.add_argument("--gthreads", type=int, default=DEFAULT_THREADS,
                        help="threads per gunicorn worker: > 1 runs gthread workers (same for every target)")
    parser.add_argument("--connections", type=int, default=32,
                        help="concurrent keep-alive connections (a burst of deliveries); with sync workers, "
                             "use one per worker (--gthreads 1 --workers 4 --connections 4)")
    parser.add_argument("--threads", type=int, default=1,
                        help="wrk threads (one drives a few connections; every thread takes CPU from the servers)")
    parser.add_argument("--warmup", type=float, default=3.0,
                        help="seconds of load per target before measuring (connections, caches, the first pages "
                             "of the tables: the first seconds on an empty table cost PostgreSQL more)")
    parser.add_argument("--layout", choices=("per-worker", "shared"), default="per-worker",
                        help="one gunicorn per worker, each with its share of the connections (default), or one "
                             "gunicorn with all the workers, where keep-alive connections may pile onto one worker")
    parser.add_argument("--client", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.runs, args.duration, args.warmup = 1, 3.0, 1.0
    use_wrk = args.client == "wrk" or (args.client == "auto" and WRK is not None)
    load: Load = load_wrk if use_wrk else load_python
    per_run = int(max(20_000, args.duration * 4_000))

    from connector.store.crypto import CredentialCipher

    os.environ["SHOPIFY_API_SECRET"] = SECRET
    os.environ.setdefault("CONNECTOR_SECRET_KEYS", CredentialCipher.generate_key())
    redis = redis_url()
    pg = None if args.no_postgres else postgres_base_url()
    tmp = Path(tempfile.mkdtemp(prefix="intake-bench-"))
    targets: list[Target] = []
    with ExitStack() as stack:
        stack.callback(shutil.rmtree, tmp, True)
        common = {"BENCH_DATA_DIR": str(tmp), "BENCH_REDIS_URL": redis or "", "PYTHONPATH": str(ROOT)}
        bare_urls = stack.enter_context(servers("bare", args.workers, {**common, "BENCH_DATABASE_URL": "sqlite://"},
                                                args.gthreads, args.layout))
        targets.append(Target("bare Flask 200", bare_urls))
        databases = [("sqlite", f"sqlite:///{tmp}/connector.sqlite3")]
        if pg:
            databases.append(("postgresql", stack.enter_context(postgres_schema(pg))))
        for name, database_url in databases:
            prepare_database(database_url)
            queue = f"bench-intake-{uuid.uuid4().hex[:8]}"
            if redis:
                stack.callback(drop_queue, redis, queue)
            env = {**common, "BENCH_DATABASE_URL": database_url, "BENCH_QUEUE": queue}
            urls = stack.enter_context(servers("connector", args.workers, env, args.gthreads, args.layout))
            targets.append(Target(f"ours, {name}" + (" + Redis" if redis else " + embedded queue"), urls,
                                  database_url, queue))
        warm = tmp / "warm.tsv"
        warm_lines = int(max(2_000, args.warmup * 4_000))
        signed_lines(warm_lines, warm)
        for target in targets:  # every worker opens its DB and Redis connections, imports, JIT-free warm-up
            target.warmup_requests = load_servers(load, target.urls, warm, args.warmup, args.connections,
                                                  args.threads).requests
            signed_lines(warm_lines, warm)
        for run in range(args.runs):
            for target in targets:  # interleaved so every target sees the same machine load
                lines = tmp / f"run-{run}-{len(target.results)}-{target.name[:4]}.tsv"
                signed_lines(per_run, lines)
                target.results.append(measured(load, target.urls, lines, args.duration, args.connections,
                                               args.threads))
                lines.unlink()
        for target in targets[1:]:
            assert target.database_url is not None
            target.accepted_rows = count_inbox(target.database_url)
            if redis and target.queue:
                target.relayed, target.relay_seconds = relay_all(target.database_url, redis, target.queue)
        queued = {t.name: drop_queue(redis, t.queue) for t in targets[1:] if redis and t.queue}

    server = "sync" if args.gthreads <= 1 else f"gthread, {args.gthreads} threads each"
    layout = (f"{args.workers} x gunicorn -w 1, {args.connections // args.workers} connections each"
              if args.layout == "per-worker" else f"gunicorn -w {args.workers}")
    print(f"\n{layout} ({server}), 127.0.0.1; load: {'wrk' if use_wrk else 'python threads'} "
          f"{args.connections} keep-alive connections, {args.duration:g} s x {args.runs} run(s), interleaved; "
          f"machine: {os.cpu_count()} cores shared with other work")
    bare = targets[0]
    bare_rps = median([r.rps for r in bare.results])
    print(f"\n{'target':34}{'req/s per run':>26}{'median':>9}{'p50 ms':>8}{'p99 ms':>8}{'ratio':>7}{'errors':>8}")
    verdicts = []
    for target in targets:
        rps = median([r.rps for r in target.results])
        p50 = median([r.p50_ms for r in target.results])
        p99 = median([r.p99_ms for r in target.results])
        ratio = rps / bare_rps
        errors = sum(r.errors for r in target.results)
        print(f"{target.name:34}{runs_text([r.rps for r in target.results]):>26}{rps:9.0f}{p50:8.1f}{p99:8.1f}"
              f"{ratio:7.2f}{errors:8d}")
        if target is not bare:
            sent = sum(r.requests for r in target.results)
            verdicts.append(f"{target.name}: ratio {ratio:.0%} (target >= 60%: {'met' if ratio >= 0.6 else 'NOT met'})"
                            f", p99 {p99:.1f} ms (target < 50 ms: {'met' if p99 < 50 else 'NOT met'}); "
                            f"inbox rows {target.accepted_rows} for {sent} measured + "
                            f"{target.warmup_requests} warm-up requests"
                            + (f"; relayed to RQ afterwards: {target.relayed} rows in {target.relay_seconds:.2f} s "
                               f"({target.relayed / max(target.relay_seconds, 1e-9):.0f} rows/s), jobs on its "
                               f"queue: {queued.get(target.name, 0)}" if redis else ""))
    print("\nCPU per request (median of runs, microseconds, all processes of each program; machine busy share):")
    print(f"{'target':34}" + "".join(f"{name:>14}" for name in PROGRAMS) + f"{'busy':>8}")
    for target in targets:
        cells = "".join(f"{median([r.cpu_us.get(n, 0.0) for r in target.results]):14.0f}" for n in PROGRAMS)
        print(f"{target.name:34}{cells}{median([r.busy for r in target.results]):8.0%}")
    print("\nratio = median req/s / median req/s of the bare endpoint (medians over runs; p50/p99: median of runs)")
    for line in verdicts:
        print(" -", line)
    if not redis:
        print(" - Redis not reachable: the app used its embedded queue (in-process fakeredis)")
    if not pg and not args.no_postgres:
        print(" - PostgreSQL not reachable: SQLite only")
    return 0


if __name__ == "__main__":
    sys.exit(main())
