"""``demo``: run both sandbox shops, the web app and a worker, and push real returns through them."""

from __future__ import annotations

import argparse
import contextlib
import logging
import signal
import threading
from pathlib import Path

from connector import logconfig
from connector.cli.common import Subparsers, config_from
from demo.scenario import run_scenario
from demo.stack import start_stack

LOG_FILE = "demo.log"


def register(sub: Subparsers) -> None:
    parser = sub.add_parser(
        "demo",
        help="run the whole thing locally: two sandbox shops, the app, a worker, real returns",
        description="Start a Shopify and a WooCommerce sandbox shop (seeded orders), a sandbox carrier (Sendcloud's "
        "shapes) for each, the web app and a worker; install/connect both shops through their real OAuth and "
        "wc-auth flows; open returns (a customer request at Shopify, and portal returns on both shops), one per way "
        "back (prepaid label, relay point, in store, home pickup), move their parcels through the carrier's "
        "tracking or the store page, and carry them to refund, store credit and exchange. "
        "With no REDIS_URL the queue is embedded (nothing else to run); with REDIS_URL, worker processes use it. "
        "DATABASE_URL, if set, replaces the demo's SQLite file.",
    )
    parser.add_argument("--port", type=int, default=8000, help="web app port (default 8000; 0 = any free port)")
    parser.add_argument("--orders", type=int, default=40, help="seeded orders per shop (default 40)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes when REDIS_URL is set")
    parser.add_argument("--data-dir", default="var/demo", help="where the demo keeps its database (wiped first)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for every return to settle")
    parser.add_argument("--exit-when-done", action="store_true",
                        help="print the summary and exit: 0 only if every return reached its expected end state")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    log_level = config_from(args).app.log_level  # only the level: the demo's other settings are its own
    if not logconfig.is_debug():  # at DEBUG everything shows, the web server's access log included
        for noisy in ("werkzeug", "platforms", "sandboxes", "connector.sync", "rq.worker"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
    log_file = Path(args.data_dir) / LOG_FILE
    stack = start_stack(Path(args.data_dir), orders=args.orders, port=args.port, workers=args.workers,
                        log_level=log_level, log_file=LOG_FILE)
    try:
        app = stack.app_url
        print(f"web app:           {app}   (try {app}/healthz and the API's documentation {app}/api/openapi.json)")
        print(f"Shopify sandbox:   {stack.shopify_url}/__sandbox/state   (what the shop recorded; no login)")
        print(f"WooCommerce sandbox: {stack.woo_url}/__sandbox/state")
        print(f"queue:             {'embedded (no REDIS_URL)' if stack.queue.embedded else 'Redis'}")
        worker_logs = "" if stack.queue.embedded else " (and the worker processes' worker-N.log beside it)"
        print(f"logs:              {log_file}{worker_logs}")
        summary = run_scenario(stack, timeout=args.timeout)
        print()
        for line in summary.lines:
            print(line)
        print(f"\n{summary.counts}")
        print(
            f"received {summary.received}/{summary.expected}, approved {summary.approved}, "
            f"closed {summary.closed}, failed {summary.failed}"
        )
        records = summary.records
        print(
            f"the shops' own records since the start: {records['refunds']} refunds, {records['credits']} credits, "
            f"{records['exchanges']} exchange orders (on Shopify a credit or an exchange also travels in a refund)"
        )
        print("every return reached its end state" if summary.ok else "NOT every return reached its end state")
        print("\ntry it while the demo runs:")
        for line in summary.try_it:
            print(f"  {line}")
        print(f"the log (every action, with its detail): {log_file}{worker_logs}")
        if args.exit_when_done:
            return 0 if summary.ok else 1
        print("\nthe shops and the app keep running; Ctrl-C to stop")
        stopped = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stopped.set())
        with contextlib.suppress(KeyboardInterrupt):
            stopped.wait()
        return 0
    finally:
        stack.stop()
