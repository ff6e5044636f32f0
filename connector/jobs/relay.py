"""The relay: move outbox rows onto the queue. Safe to run anywhere, any number of times at once.

Web requests only write outbox rows (a webhook is answered without touching Redis); every worker runs a
``RelayLoop`` thread that claims due rows and enqueues them in one Redis round trip, a few times a second.
A row is claimed (marked enqueued) in the same statement that selects it, so two relays never take the same
row; if Redis refuses the batch the rows go back to pending. A row enqueued long ago and never done (Redis
lost it, a worker died) is due again: jobs are safe to run twice.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from redis.exceptions import RedisError

from connector.bootstrap import Container
from connector.jobs.queue import JobQueue

log = logging.getLogger("connector.relay")

BATCH = 500


def relay(container: Container, queue: JobQueue, limit: int = BATCH) -> int:
    """One pass: returns how many rows reached the queue."""
    stuck_after = timedelta(seconds=container.config.queue.stuck_after_seconds)
    with container.uow() as uow:
        rows = uow.outbox.claim_due(stuck_after, limit, now=container.clock())
        uow.commit()
    if not rows:
        return 0
    try:
        queue.enqueue_rows(rows)
    except RedisError as exc:
        log.warning("relay.queue-unavailable", extra={"error": type(exc).__name__, "left": len(rows)})
        with container.uow() as uow:
            uow.outbox.release([row.id for row in rows])
            uow.commit()
        return 0
    return len(rows)


class RelayLoop:
    """A daemon thread relaying every ``every`` seconds, at once again while batches come back full."""

    def __init__(self, container: Container, queue: JobQueue, every: float | None = None) -> None:
        self.container = container
        self.queue = queue
        self.every = container.config.queue.relay_every_seconds if every is None else every
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> RelayLoop:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="outbox-relay", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        moved = 0
        while not self._stop.wait(0 if moved >= BATCH else self.every):
            try:
                moved = relay(self.container, self.queue)
            except Exception:  # the database is away for a moment: try again next tick, never die
                log.exception("relay.pass-failed")
                moved = 0

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
