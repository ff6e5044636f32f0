"""Tracking webhooks applied (issue 19): p99 from a webhook's receipt to its return's status change.

The stack is the production one: the app under gunicorn (``benchmarks.intake_apps:from_config()``, gthread
workers) answering ``POST /carriers/sendcloud/tracking/<shop>``, and ``returns-connector worker`` processes on
real Redis (each with its outbox relay thread), all on a scratch PostgreSQL schema. N approved label returns are
seeded with their shipments; the script then posts 2N signed Sendcloud ``parcel_status_changed`` webhooks (1,000
by default): every parcel's first scan (status 3: the return goes in transit), then every parcel's delivery
(status 11: the return is received), at a steady rate (``--rate``, 0 for as fast as the client can) over keep-alive
connections.

Measured per webhook, from the database: the event's ``received_at`` (stamped by the web process as it stored
the event, before answering) to the ``at`` of the return event it caused (``mark_in_transit`` for a first scan,
``receive`` for a delivery: stamped by the worker in the transaction that moved the return). Both clocks are this
machine's. Printed: p50/p90/p99/max of that, the webhooks' own HTTP answer time, and the rate reached. Checked:
every return received, every event stored once, every webhook answered 200.

There is no in-run baseline ratio here: the floor is the pipeline's own design (the relay moves outbox rows
every ``[queue].relay_every_seconds``, 0.2 s by default, then the worker runs the job), printed with the figures.

Run: ``.venv/bin/python benchmarks/tracking_bench.py [--quick] [--returns 500] [--rate 30] [--workers 2]``.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests
from benchkit import ROOT, free_port, median, pct, postgres_base_url, postgres_schema, redis_url

SECRET = "bench-sendcloud-secret"
PUBLIC = "bench-sendcloud-public"
SHOP = "bench-tracking-shop"
ENV = {"public_key": "BENCH_SC_PUBLIC", "secret_key": "BENCH_SC_SECRET"}
FIRST_SCAN, DELIVERED = 3, 11
CAUSED = {str(FIRST_SCAN): "mark_in_transit", str(DELIVERED): "receive"}


def _config_file(data_dir: Path, database: str, redis: str, queue: str) -> Path:
    path = data_dir / "config.toml"
    path.write_text(
        f'[app]\nenvironment = "development"\ndata_dir = "{data_dir}"\nlog_level = "WARNING"\n'
        f'[database]\nurl = "{database}"\n[redis]\nurl = "{redis}"\n[queue]\nname = "{queue}"\n'
    )
    return path


def seed(container: Any, count: int) -> list[tuple[str, str]]:
    """``count`` approved label returns, each with its shipment (label made, awaiting drop-off); their
    (carrier parcel id, tracking number)."""
    from sqlalchemy import text

    from connector.carrier_settings import ShopCarrier
    from connector.domain import Actor, Money, Order, OrderLine, ReasonCode, Resolution, ReturnLine, ReturnMethod
    from connector.domain.orders import Platform
    from connector.domain.returns import ReturnRequest
    from connector.domain.shipments import Shipment
    from connector.domain.shipping import TrackingStatus
    from connector.store.migrate import upgrade

    upgrade(container.engine)
    now = datetime.now(UTC)
    actor = Actor.system("bench")
    parcels: list[tuple[str, str]] = []
    with container.uow() as uow:
        uow.shops.add(Platform.WOOCOMMERCE, "https://tracking-bench.example", shop_id=SHOP)
        options = {"options": {"base_url": "http://127.0.0.1:9/api"}}  # never called: webhooks are checked locally
        uow.carriers(SHOP).put(ShopCarrier("sendcloud", options, ENV), now)
        for index in range(count):
            line = OrderLine(f"L{index}", "Shirt", 1, 1, Money("40", "EUR"), Money("0", "EUR"), Money("0", "EUR"),
                             fulfilled_at=now - timedelta(days=3), delivered_at=now - timedelta(days=2))
            order = Order(f"O{index}", SHOP, f"#{1000 + index}", "EUR", "bench@example.com", now - timedelta(days=4),
                          (line,), Money("0", "EUR"))
            return_id = f"RB{index:06d}"
            request = ReturnRequest.open(
                id=return_id, order=order, method=ReturnMethod.PREPAID_LABEL, actor=actor, at=now,
                lines=[ReturnLine(f"{return_id}-1", line.id, 1, ReasonCode.SIZE_TOO_SMALL, Resolution.refund())],
            )
            request.approve(actor, now)
            uow.returns(SHOP).add(request)
            parcel, tracking = str(700000 + index), f"8R{index:010d}FR"
            uow.shipments(SHOP).add(Shipment(f"shp_{return_id}", SHOP, return_id, "sendcloud", "prepaid_label",
                                             f"ret:{return_id}:label", TrackingStatus.AWAITING_DROPOFF,
                                             carrier_ref=str(1_750_000 + index), tracking_number=tracking), now)
            parcels.append((parcel, tracking))
        # RQ job ids carry the outbox row's id, and a finished job's hash lingers in Redis for a minute: a fresh
        # schema counting from 1 again would reuse the ids of the previous run's jobs and lose them when those
        # expire. Each run's rows count from a number of their own.
        uow.connection.execute(text("SELECT setval(pg_get_serial_sequence('outbox', 'id'), :start)"),
                               {"start": int(time.time()) % 1_000_000 * 1000})  # fmt: skip
        uow.commit()
    return parcels


def webhook(parcel: str, tracking: str, status: int, at: datetime) -> tuple[bytes, dict[str, str]]:
    """A ``parcel_status_changed`` body as Sendcloud sends it, and its headers (``Sendcloud-Signature``)."""
    millis = int(at.timestamp() * 1000)
    body = json.dumps({"action": "parcel_status_changed", "timestamp": millis,
                       "carrier_status_change_timestamp": millis,
                       "parcel": {"id": int(parcel), "tracking_number": tracking, "is_return": True,
                                  "status": {"id": status, "message": "Delivered" if status == DELIVERED else
                                             "En route to sorting center"}}}).encode()  # fmt: skip
    signature = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    return body, {"Content-Type": "application/json", "Sendcloud-Signature": signature}


def post_all(url: str, deliveries: list[tuple[bytes, dict[str, str]]], rate: float, connections: int) -> list[float]:
    """Post every delivery (at ``rate`` per second, or flat out); each answer's time in seconds."""
    local = threading.local()
    start = time.monotonic()

    def send(item: tuple[int, tuple[bytes, dict[str, str]]]) -> float:
        index, (body, headers) = item
        if rate:
            delay = start + index / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        session = getattr(local, "session", None) or requests.Session()
        local.session = session
        began = time.monotonic()
        answer = session.post(url, data=body, headers=headers, timeout=30)
        if answer.status_code != 200:
            raise RuntimeError(f"webhook answered {answer.status_code}: {answer.text}")
        return time.monotonic() - began

    with ThreadPoolExecutor(connections) as pool:
        return list(pool.map(send, enumerate(deliveries)))


def caused_delays(container: Any, expected: int, timeout: float, queue: Any = None) -> list[float]:
    """Seconds from each stored event's receipt to the return event it caused, once all ``expected`` exist."""
    from sqlalchemy import select

    from connector.store.logistics_tables import shipments, tracking_events
    from connector.store.tables import events as return_events

    query = (
        select(tracking_events.c.carrier_status, tracking_events.c.received_at, return_events.c.at)
        .join(shipments, shipments.c.id == tracking_events.c.shipment_id)
        .join(return_events, return_events.c.return_id == shipments.c.return_id)
        .where(
            ((tracking_events.c.carrier_status == str(FIRST_SCAN)) & (return_events.c.action == CAUSED["3"]))
            | ((tracking_events.c.carrier_status == str(DELIVERED)) & (return_events.c.action == CAUSED["11"]))
        )
    )
    deadline = time.monotonic() + timeout
    while True:
        with container.uow() as uow:
            rows = uow.connection.execute(query).all()
        if len(rows) >= expected or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    if len(rows) != expected:
        raise RuntimeError(f"{len(rows)} of {expected} status changes after {timeout:.0f} s; {_left(container, queue)}")
    return [(at - received).total_seconds() for _status, received, at in rows]


def _left(container: Any, queue: Any) -> str:
    """What is left behind, for a run that did not finish: outbox rows by job and state, events not applied, and
    the first failed job's error."""
    from sqlalchemy import func, select

    from connector.store.logistics_tables import tracking_events
    from connector.store.tables import outbox

    with container.uow() as uow:
        rows = uow.connection.execute(select(outbox.c.job, outbox.c.state, func.count())
                                      .group_by(outbox.c.job, outbox.c.state)).all()  # fmt: skip
        pending = uow.connection.execute(select(func.count()).select_from(tracking_events)
                                         .where(tracking_events.c.applied_at.is_(None))).scalar_one()  # fmt: skip
    failed = queue.failed_job_registry.get_job_ids() if queue is not None else []
    first = queue.fetch_job(failed[0]).exc_info if failed else ""
    return f"outbox {[tuple(row) for row in rows]}, {pending} events not applied, {len(failed)} failed jobs {first}"


def check(container: Any, returns: int) -> None:
    from sqlalchemy import func, select

    from connector.domain.states import ReturnStatus
    from connector.store.logistics_tables import tracking_events
    from connector.store.tables import returns as returns_table

    with container.uow() as uow:
        stored = uow.connection.execute(select(func.count()).select_from(tracking_events)).scalar_one()
        received = uow.connection.execute(select(func.count()).select_from(returns_table).where(
            returns_table.c.status == ReturnStatus.RECEIVED.value)).scalar_one()  # fmt: skip
    if stored != 2 * returns or received != returns:
        raise RuntimeError(f"{stored} events stored, {received} returns received; expected {2 * returns}, {returns}")


@contextmanager
def processes(config_file: Path, port: int, workers: int, web_workers: int, database: str,
              redis: str) -> Iterator[None]:  # fmt: skip
    """gunicorn and the workers, their output in ``processes.log`` beside the config (its end printed when the
    run fails)."""
    env = {**os.environ, "RETURNS_CONNECTOR_CONFIG": str(config_file), "PYTHONPATH": str(ROOT),
           "DATABASE_URL": database, "REDIS_URL": redis,
           ENV["public_key"]: PUBLIC, ENV["secret_key"]: SECRET}  # fmt: skip
    log_path = config_file.parent / "processes.log"
    log = log_path.open("ab")
    web = [str(ROOT / ".venv" / "bin" / "gunicorn"), "-w", str(web_workers), "-k", "gthread", "--threads", "8",
           "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "benchmarks.intake_apps:from_config()"]
    worker = [sys.executable, "-m", "connector.cli.main", "--config", str(config_file), "worker"]
    started = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
               for command in [web] + [worker] * workers]  # fmt: skip
    try:
        for _ in range(300):
            try:
                requests.get(f"http://127.0.0.1:{port}/nowhere", timeout=1)
                break
            except requests.RequestException:
                time.sleep(0.1)
        yield
    except BaseException:
        print(log_path.read_text(errors="replace")[-6000:], file=sys.stderr)
        raise
    finally:
        for process in started:
            process.terminate()
        for process in started:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()


def run(args: argparse.Namespace, database: str, redis: str) -> dict[str, float]:
    from connector.bootstrap import Container
    from connector.config.loader import load_config

    with ExitStack() as stack:
        data_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="tracking-bench-")))
        url = stack.enter_context(postgres_schema(database))
        queue = f"bench-tracking-{uuid.uuid4().hex[:8]}"
        config_file = _config_file(data_dir, url, redis, queue)
        os.environ.setdefault("CONNECTOR_SECRET_KEYS", _key())
        container = Container(load_config(config_file, environ={}))
        stack.callback(container.close)
        parcels = seed(container, args.returns)
        port = free_port()
        stack.enter_context(processes(config_file, port, args.workers, args.web_workers, url, redis))
        base = datetime.now(UTC) - timedelta(hours=2)
        deliveries = [webhook(parcel, tracking, FIRST_SCAN, base) for parcel, tracking in parcels]
        deliveries += [webhook(parcel, tracking, DELIVERED, base + timedelta(hours=1)) for parcel, tracking in parcels]
        began = time.monotonic()
        answers = post_all(f"http://127.0.0.1:{port}/carriers/sendcloud/tracking/{SHOP}", deliveries, args.rate,
                           args.connections)
        sent_in = time.monotonic() - began
        delays = caused_delays(container, len(deliveries), 120, _queue(redis, queue))
        applied_in = time.monotonic() - began
        check(container, args.returns)
        _drop_queue(redis, queue)
    return {"webhooks": len(deliveries), "sent_per_s": len(deliveries) / sent_in,
            "applied_per_s": len(deliveries) / applied_in, "http_p50": pct(answers, 50), "http_p99": pct(answers, 99),
            "p50": pct(delays, 50), "p90": pct(delays, 90), "p99": pct(delays, 99), "max": max(delays)}  # fmt: skip


def _key() -> str:
    from connector.store.crypto import CredentialCipher

    return CredentialCipher.generate_key()


def _queue(url: str, name: str) -> Any:
    from redis import Redis
    from rq import Queue

    return Queue(name, connection=Redis.from_url(url))


def _drop_queue(url: str, name: str) -> None:
    from redis import Redis
    from rq import Queue

    client = Redis.from_url(url)
    queue = Queue(name, connection=client)
    for registry in (queue.finished_job_registry, queue.failed_job_registry):
        for job_id in registry.get_job_ids():
            registry.remove(job_id, delete_job=True)
    queue.delete(delete_jobs=True)  # type: ignore[no-untyped-call]
    client.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="100 webhooks, one run")
    parser.add_argument("--returns", type=int, default=500, help="returns seeded (2 webhooks each)")
    parser.add_argument("--rate", type=float, default=30.0, help="webhooks per second (0: as fast as possible)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="returns-connector worker processes")
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn gthread workers (8 threads each)")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    if args.quick:
        args.returns, args.runs = 50, 1
    database, redis = postgres_base_url(), redis_url()
    if database is None or redis is None:
        print("tracking_bench needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL) reachable", file=sys.stderr)
        return 2
    results = [run(args, database, redis) for _ in range(args.runs)]
    print(f"tracking webhooks: {2 * args.returns} per run ({args.returns} returns: first scan, then delivery), "
          f"rate {args.rate or 'max'}/s, {args.connections} connections, {args.workers} worker(s), "
          f"{args.web_workers} web worker(s); relay every 0.2 s: a new outbox row waits up to that to be queued")
    for name, unit in (("p50", "s"), ("p90", "s"), ("p99", "s"), ("max", "s"), ("http_p50", "s"),
                       ("http_p99", "s"), ("sent_per_s", "/s"), ("applied_per_s", "/s")):  # fmt: skip
        values = [r[name] for r in results]
        shown = " / ".join(f"{v * 1000:.0f} ms" if unit == "s" else f"{v:.0f}{unit}" for v in values)
        middle = median(values)
        print(f"  {name:14s} {shown}" + (f"   (median {middle * 1000:.0f} ms)" if unit == "s" and len(values) > 1
                                          else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
