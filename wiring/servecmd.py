"""``serve``: the web app under gunicorn (or Flask's development server with --dev).

Why in the wiring layer: it serves the full app (``wiring.app.create_app``: the platforms' routes and the webhook
intake included), which connector/ cannot build.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from connector.cli.common import Subparsers, container_from
from connector.config.loader import load_config
from connector.services.shops import sync_declared_shops
from connector.store.migrate import upgrade
from connector.web.accesslog import RedactingLogger
from wiring.app import create_app

DEFAULT_THREADS = 16
ACCESS_LOG_FORMAT = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'


def register(sub: Subparsers) -> None:
    parser = sub.add_parser(
        "serve",
        help="run the web app (API, webhooks, admin, portal)",
        description="Serve the web app. Migrates the database first. Uses gunicorn with threaded (gthread) "
        "workers: one per core (at least 2), 16 threads each, so concurrent webhook deliveries share one "
        "database commit; --threads 1 gives sync workers ((2 x cores) + 1). --dev uses Flask's "
        "single-process development server instead.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port to bind (default 8000)")
    parser.add_argument("--workers", type=int, default=None,
                        help="gunicorn worker processes (default: one per core, at least 2; (2 x cores) + 1 "
                        "with --threads 1)")
    parser.add_argument(
        "--threads",
        type=int,
        default=DEFAULT_THREADS,
        help=f"threads per worker (default {DEFAULT_THREADS}: gthread workers, where concurrent webhook deliveries "
        "share one database commit; 1: sync workers). See benchmarks/webhook_intake_bench.py --gthreads.",
    )
    parser.add_argument("--dev", action="store_true", help="Flask development server (never in production)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    container = container_from(args)
    upgrade(container.engine)
    sync_declared_shops(container)
    container.close()
    if args.dev:
        create_app(container.config).run(host=args.host, port=args.port, threaded=True)
        return 0
    options = {**gunicorn_options(args), "loglevel": container.config.app.log_level.lower()}
    _run_gunicorn(container.config.source, options)
    return 0


def default_workers(threaded: bool) -> int:
    """One threaded worker per core (at least 2), or the classic (2 x cores) + 1 sync workers."""
    cores = os.cpu_count() or 1
    return max(2, cores) if threaded else 2 * cores + 1


def gunicorn_options(args: argparse.Namespace) -> dict[str, Any]:
    """Threaded by default: a commit is shared only by the requests of one process (measured on 2 cores, 32
    concurrent deliveries, connections spread over the workers: 58-62% of a bare Flask endpoint's
    throughput, against 56% with sync workers)."""
    threaded = args.threads > 1
    options: dict[str, Any] = {"bind": f"{args.host}:{args.port}", "workers": args.workers or default_workers(threaded)}
    if threaded:
        options.update(worker_class="gthread", threads=args.threads)
    return options


def _run_gunicorn(source: Path | None, options: dict[str, Any]) -> None:
    """Embed gunicorn so ``serve`` needs no separate command line; each worker builds its own app."""
    from gunicorn.app.base import BaseApplication

    class Application(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)
            self.cfg.set("accesslog", "-")
            # The path without its query string (OAuth callbacks carry codes and signatures there), and
            # masked (tracking links are tokens in the path): see connector.web.accesslog.
            self.cfg.set("access_log_format", ACCESS_LOG_FORMAT)
            self.cfg.set("logger_class", RedactingLogger)
            self.cfg.set("timeout", 30)

        def load(self) -> Any:
            return create_app(load_config(source))

    Application().run()
