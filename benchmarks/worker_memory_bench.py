"""Worker RSS over 10,000 cheap jobs through a real RQ ``SimpleWorker`` on real Redis (target: flat).

Why SimpleWorker: jobs run inside the worker process (as in the embedded mode), so anything a job leaves
behind accumulates there and shows. (The production ``returns-connector worker`` uses RQ's forking
``Worker``: each job runs in a fresh work horse, whose memory dies with it.)

Jobs (half each): ``connector.jobs.tasks.handle_event`` on inbox rows already DONE (a duplicate delivery:
load the row, mark the outbox row done) and ``run_action`` on actions already SUCCEEDED (the executor's
claim finds nothing to do). Both touch the database (SQLite file by default, ``--postgres`` for PostgreSQL) and
the queue. Baseline, same run, same worker: a no-op job (``benchkit.noop``), i.e. RQ's own footprint.

The worker runs in a child process; this process enqueues 1,000 jobs at a time, waits until the queue is
drained, and reads the child's RSS from /proc: one sample per 1,000 jobs. Growth is measured after warm-up
(from the sample at 2,000 jobs to the last).

Run: ``.venv/bin/python benchmarks/worker_memory_bench.py [--quick] [--jobs 10000] [--every 1000] [--postgres]``
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from benchkit import ROOT, postgres_base_url, postgres_schema, redis_url, rss_mib

CHILD = """
import logging, sys
sys.path[:0] = [sys.argv[1], sys.argv[1] + "/benchmarks"]
logging.basicConfig(level=logging.WARNING)
from redis import Redis
import os
from rq import Queue, SimpleWorker, Worker
import connector.cli.main  # what `returns-connector worker` has loaded before it forks (jobs, services, adapters)
from connector.bootstrap import Container
from connector.jobs.runtime import use_container
from intake_apps import bench_config
config = bench_config()
use_container(Container(config))
redis = Redis.from_url(config.redis.url)
worker_class = Worker if os.environ.get("BENCH_WORKER") == "fork" else SimpleWorker
worker = worker_class([Queue(config.queue.name, connection=redis)], connection=redis)
worker.log.setLevel(logging.WARNING)
worker.work(logging_level="WARNING")
"""


@dataclass
class Series:
    name: str
    samples: list[tuple[int, float]] = field(default_factory=list)  # (jobs done, RSS MiB)
    seconds: float = 0.0

    def growth(self, warm_jobs: int) -> float:
        warm = next((mib for jobs, mib in self.samples if jobs >= warm_jobs), self.samples[0][1])
        return self.samples[-1][1] - warm


def prepare(database_url: str, count: int) -> tuple[list[tuple[str, int]], list[str]]:
    """DONE inbox rows (with their outbox rows) and SUCCEEDED actions, ``count`` of each."""
    from sqlalchemy import update

    from connector.bootstrap import Container
    from connector.config.model import Config, DatabaseSettings
    from connector.domain import Platform
    from connector.domain.actions import ActionKind
    from connector.store.actions_repo import ActionState
    from connector.store.inbox_repo import InboxState
    from connector.store.migrate import upgrade
    from connector.store.tables import actions
    from webhooks.intake_store import IntakeStore

    container = Container(Config(database=DatabaseSettings(database_url)))
    upgrade(container.engine)
    with container.uow() as uow:
        uow.shops.add(Platform.SHOPIFY, "mem-bench.myshopify.com", shop_id="mem-shop", credentials={"a": "b"})
        uow.commit()
    deliveries = []
    intake = IntakeStore(container)
    for n in range(count):
        accepted = intake.accept(platform="shopify", address="mem-bench.myshopify.com", dedup_key=f"shopify:mem-{n}",
                                 topic="orders/updated", body=b'{"id": 1}', headers={})
        assert accepted.inbox_id is not None and accepted.outbox_id is not None
        with container.uow() as uow:
            uow.inbox.mark(accepted.inbox_id, InboxState.DONE, container.clock(), result="bench")
            uow.commit()
        deliveries.append((str(accepted.inbox_id), accepted.outbox_id))
    action_ids = []
    kind = next(iter(ActionKind))
    with container.uow() as uow:
        repo = uow.actions("mem-shop")
        for n in range(count):
            action_ids.append(repo.record(kind, f"mem-bench-{n}", {}).id)
        uow.connection.execute(update(actions).values(state=ActionState.SUCCEEDED.value))
        uow.commit()
    container.close()
    return deliveries, action_ids


def count_done(database_url: str) -> int:
    """Proof the jobs ran our code: handle_event on a DONE delivery marks its outbox row done."""
    from sqlalchemy import func, select

    from connector.store.engine import make_engine
    from connector.store.outbox_repo import OutboxState
    from connector.store.tables import outbox

    engine = make_engine(database_url)
    with engine.connect() as conn:
        done = conn.execute(select(func.count()).select_from(outbox).where(outbox.c.state == OutboxState.DONE.value))
        count = int(done.scalar_one())
    engine.dispose()
    return count


def measure(series: Series, env: dict[str, str], jobs: int, every: int, enqueue_batch: object) -> Series:
    from redis import Redis
    from rq import Queue

    child = subprocess.Popen([sys.executable, "-c", CHILD, str(ROOT)], env={**os.environ, **env})
    redis = Redis.from_url(env["BENCH_REDIS_URL"])
    queue = Queue(env["BENCH_QUEUE"], connection=redis)
    try:
        time.sleep(1.0)
        series.samples.append((0, rss_mib(child.pid)))
        started = time.perf_counter()
        done = 0
        while done < jobs:
            batch = min(every, jobs - done)
            enqueue_batch(queue, done, batch)  # type: ignore[operator]
            while len(queue) or queue.started_job_registry.count:
                if child.poll() is not None:
                    raise SystemExit(f"the worker exited with {child.returncode}")
                time.sleep(0.02)
            done += batch
            series.samples.append((done, rss_mib(child.pid)))
            print(f"  {series.name}: {done:>6} jobs, RSS {series.samples[-1][1]:.1f} MiB", flush=True)
        series.seconds = time.perf_counter() - started
        failed = queue.failed_job_registry.count
        if failed:
            raise SystemExit(f"{failed} jobs failed in {series.name}; see the worker's output")
    finally:
        child.terminate()
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
        queue.delete(delete_jobs=True)
        for registry in (queue.finished_job_registry, queue.failed_job_registry):
            for job_id in registry.get_job_ids():
                registry.remove(job_id, delete_job=True)
        redis.close()
    return series


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3,000 jobs, a sample every 500")
    parser.add_argument("--jobs", type=int, default=10_000)
    parser.add_argument("--every", type=int, default=1_000)
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL (DATABASE_URL or local) instead of SQLite")
    parser.add_argument("--forking", action="store_true",
                        help="RQ's forking Worker (what `returns-connector worker` runs) instead of SimpleWorker: "
                        "RSS is then the parent's, and jobs/s shows the per-job fork cost")
    args = parser.parse_args()
    if args.quick:
        args.jobs, args.every = 3_000, 500
    redis = redis_url()
    if redis is None:
        raise SystemExit("Redis is not reachable (REDIS_URL or 127.0.0.1:6379/12): this benchmark needs real Redis")
    from connector.jobs.queue import TASKS
    from connector.store.crypto import CredentialCipher
    from connector.store.outbox_repo import JobKind

    os.environ.setdefault("CONNECTOR_SECRET_KEYS", CredentialCipher.generate_key())
    tmp = Path(tempfile.mkdtemp(prefix="mem-bench-"))
    with ExitStack() as stack:
        stack.callback(shutil.rmtree, tmp, True)
        database = f"sqlite:///{tmp}/connector.sqlite3"
        if args.postgres:
            base = postgres_base_url()
            if base is None:
                raise SystemExit("PostgreSQL is not reachable")
            database = stack.enter_context(postgres_schema(base))
        distinct = min(500, args.jobs)
        deliveries, action_ids = prepare(database, distinct)
        env = {"BENCH_DATA_DIR": str(tmp), "BENCH_DATABASE_URL": database, "BENCH_REDIS_URL": redis,
               "BENCH_WORKER": "fork" if args.forking else "simple"}

        def noop_batch(queue: object, start: int, count: int) -> None:
            for n in range(start, start + count):
                queue.enqueue("benchkit.noop", n, job_id=f"noop-{n}", result_ttl=0)  # type: ignore[attr-defined]

        def ours_batch(queue: object, start: int, count: int) -> None:
            for n in range(start, start + count):
                if n % 2:
                    inbox_id, outbox_id = deliveries[(n // 2) % distinct]
                    args_ = ("mem-shop", inbox_id, outbox_id)
                    task = TASKS[JobKind.EVENT]
                else:
                    args_ = ("mem-shop", action_ids[(n // 2) % distinct], None)
                    task = TASKS[JobKind.ACTION]
                queue.enqueue(task, *args_, job_id=f"ours-{n}", result_ttl=0)  # type: ignore[attr-defined]

        baseline = measure(Series("no-op job (RQ alone)"), {**env, "BENCH_QUEUE": f"bench-mem-{uuid.uuid4().hex[:8]}"},
                           args.jobs, args.every, noop_batch)
        ours = measure(Series("ours (handle_event dup + run_action done)"),
                       {**env, "BENCH_QUEUE": f"bench-mem-{uuid.uuid4().hex[:8]}"}, args.jobs, args.every, ours_batch)
        outbox_done = count_done(database)

    warm = 2 * args.every
    kind = 'Worker (forking)' if args.forking else 'SimpleWorker'
    print(f"\nRQ {kind} in a child process, real Redis, {'PostgreSQL' if args.postgres else 'SQLite'}; "
          f"one run each; 2 cores shared with other work")
    header = "".join(f"{jobs:>7}" for jobs, _ in baseline.samples)
    print(f"{'RSS MiB after N jobs':44}{header}")
    for series in (baseline, ours):
        print(f"{series.name:44}" + "".join(f"{mib:7.1f}" for _, mib in series.samples))
    print()
    for series in (baseline, ours):
        growth = series.growth(warm)
        per_k = growth / max(1, (series.samples[-1][0] - warm)) * 1000 * 1024
        print(f"{series.name:44} growth after {warm:,} jobs: {growth:+.1f} MiB ({per_k:+.0f} KiB per 1,000 jobs); "
              f"{args.jobs / series.seconds:.0f} jobs/s")
    expected = min(len(deliveries), args.jobs // 2)
    print(f"check: {outbox_done} outbox rows marked done by handle_event jobs (expected {expected})")
    extra = ours.growth(warm) - baseline.growth(warm)
    print(f"\nours - baseline growth: {extra:+.1f} MiB over {args.jobs - warm:,} jobs -> target flat "
          f"(< 2 MiB): {'met' if extra < 2 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
