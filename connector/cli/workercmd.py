"""``worker``: an RQ worker on the configured Redis, running the connector's jobs."""

from __future__ import annotations

import argparse

from connector.bootstrap import Container
from connector.cli.common import Subparsers, container_from
from connector.errors import ConfigError
from connector.jobs.queue import make_queue
from connector.jobs.relay import RelayLoop
from connector.jobs.runtime import use_container


def register(sub: Subparsers) -> None:
    parser = sub.add_parser(
        "worker",
        help="run a background worker (RQ)",
        description="Run an RQ worker for the connector's queue on REDIS_URL (or [redis].url). Run as many as "
        "you like, on as many machines as you like, sharing the same database and Redis.",
    )
    parser.add_argument("--burst", action="store_true", help="exit once the queue is empty")
    parser.add_argument("--with-scheduler", action="store_true", help="also run RQ's scheduler (retries)")
    parser.add_argument(
        "--fork",
        action="store_true",
        help="run each job in a forked child (RQ's default Worker). Off by default: jobs then share the "
        "process's connection pools, adapter cache and rate-limit knowledge, about 8x faster; memory stays "
        "flat over 10,000 jobs (benchmarks/worker_memory_bench.py).",
    )
    parser.add_argument(
        "--no-relay",
        action="store_true",
        help="do not run the outbox relay thread (by default every worker moves new outbox rows onto the "
        "queue every [queue].relay_every_seconds; several workers share the work without taking a row twice)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from rq import Queue, SimpleWorker, Worker

    container = container_from(args)
    redis = container.redis
    if redis is None:
        raise ConfigError("worker needs Redis: set REDIS_URL (or [redis].url in the config)")
    use_container(container)  # jobs (in forked work horses too) use this config, not the defaults
    queue = Queue(container.config.queue.name, connection=redis)
    worker_class = Worker if args.fork else SimpleWorker
    worker = worker_class([queue], connection=redis)
    # The relay gets pools of its own: with --fork a work horse inherits the job container's pools, which
    # must not hold a connection the relay thread was using at the moment of the fork.
    relay = None
    if not args.no_relay:
        relay_container = Container(container.config)
        relay = RelayLoop(relay_container, make_queue(relay_container)).start()
    try:
        worker.work(burst=args.burst, with_scheduler=args.with_scheduler,
                    logging_level=container.config.app.log_level)
    finally:
        if relay is not None:
            relay.stop()
            relay.container.close()
    return 0
