"""The embedded queue for the demo and single-machine trials: RQ's own worker, in a thread of this
process, on an in-process Redis. Same jobs, same RQ code path; nothing to install or start.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from rq import SimpleWorker
from rq.timeouts import TimerDeathPenalty

from connector import logconfig
from connector.bootstrap import Container
from connector.jobs.queue import JobQueue
from connector.jobs.reconcile import reconcile
from connector.jobs.relay import RelayLoop
from connector.jobs.runtime import use_container

log = logging.getLogger("connector.embedded")


class ThreadWorker(SimpleWorker):
    """RQ's SimpleWorker without signal handlers (only the main thread may install them)."""

    death_penalty_class = TimerDeathPenalty

    def _install_signal_handlers(self) -> None:
        return None


class EmbeddedRunner:
    """A worker thread, the outbox relay and a reconciler thread; ``stop()`` ends them all."""

    def __init__(self, container: Container, queue: JobQueue, reconcile_every: float = 1.0) -> None:
        self.container = container
        self.queue = queue
        self.reconcile_every = reconcile_every
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._relay = RelayLoop(container, queue)
        self.worker: Any = None

    def start(self) -> None:
        use_container(self.container)
        self.worker = ThreadWorker([self.queue.queue], connection=self.queue.connection)
        self._threads = [
            threading.Thread(target=self._work, name="embedded-worker", daemon=True),
            threading.Thread(target=self._reconcile, name="embedded-reconciler", daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        self._relay.start()

    def _work(self) -> None:
        while not self._stop.is_set():
            try:
                self.worker.work(burst=True, logging_level=_rq_level())
            except Exception:
                log.exception("embedded.worker-crashed")
            self._stop.wait(0.2)

    def _reconcile(self) -> None:
        while not self._stop.wait(self.reconcile_every):
            try:
                reconcile(self.container, self.queue)
            except Exception:
                log.exception("embedded.reconcile-failed")

    def stop(self) -> None:
        self._stop.set()
        self._relay.stop()
        for thread in self._threads:
            thread.join(timeout=10)


def _rq_level() -> str:
    """RQ's worker logs every burst (twice a second here): quiet unless the app asked for DEBUG."""
    return "DEBUG" if logconfig.is_debug() else "WARNING"
