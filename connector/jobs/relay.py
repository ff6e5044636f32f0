"""The relay: move outbox rows onto the queue. Safe to run anywhere, any number of times.

A row is marked enqueued only after the queue accepted it; if Redis is down the row stays pending and
the next relay (after the next webhook, or the reconciler) picks it up. A row enqueued long ago and never
done (Redis lost it, a worker died) is enqueued again: jobs are safe to run twice.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from redis.exceptions import RedisError

from connector.bootstrap import Container
from connector.jobs.queue import JobQueue

log = logging.getLogger("connector.relay")


def relay(container: Container, queue: JobQueue, limit: int = 500) -> int:
    stuck_after = timedelta(seconds=container.config.queue.stuck_after_seconds)
    moved = 0
    with container.uow() as uow:
        rows = uow.outbox.due(stuck_after, limit)
    for row in rows:
        try:
            queue.enqueue(row.job, row.shop_id, row.ref_id, row.id, row.attempts)
        except RedisError as exc:
            log.warning("relay.queue-unavailable", extra={"error": type(exc).__name__, "left": len(rows) - moved})
            break
        with container.uow() as uow:
            uow.outbox.mark_enqueued(row.id)
            uow.commit()
        moved += 1
    return moved
