"""The RQ queue: real Redis when REDIS_URL is set, else an embedded in-process Redis (fakeredis).

Both use the same RQ code path: the embedded mode only swaps the connection, and runs a worker thread.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from redis import Redis
from rq import Queue

from connector.bootstrap import Container
from connector.store.outbox_repo import JobKind, OutboxRow

log = logging.getLogger("connector.queue")

TASKS = {
    JobKind.EVENT: "connector.jobs.tasks.handle_event",
    JobKind.ACTION: "connector.jobs.tasks.run_action",
    JobKind.SYNC: "connector.jobs.tasks.sync_shop",
    JobKind.TRACKING: "connector.jobs.tasks.track_shipment",
    JobKind.TRACKING_POLL: "connector.jobs.tasks.poll_shipment",
}
RESULT_TTL = 60
FAILURE_TTL = 7 * 24 * 3600


def _job_id(job: JobKind, ref_id: str, outbox_id: int | None, attempt: int) -> str:
    return f"{job.value}-{ref_id}-{outbox_id or 'r'}-{attempt}".replace(":", "_")


@dataclass
class JobQueue:
    queue: Queue
    embedded: bool = False
    job_timeout: int = 180

    def enqueue(self, job: JobKind, shop_id: str, ref_id: str, outbox_id: int | None, attempt: int = 0) -> str:
        job_id = _job_id(job, ref_id, outbox_id, attempt)
        self.queue.enqueue(
            TASKS[job], shop_id, ref_id, outbox_id,
            job_id=job_id, job_timeout=self.job_timeout, result_ttl=RESULT_TTL, failure_ttl=FAILURE_TTL,
        )
        return job_id

    def enqueue_rows(self, rows: Sequence[OutboxRow]) -> list[str]:
        """Outbox rows in one Redis round trip (a pipeline): the relay moves batches, not single jobs."""
        batch = [
            Queue.prepare_data(
                TASKS[row.job], (row.shop_id, row.ref_id, row.id),
                job_id=_job_id(row.job, row.ref_id, row.id, row.attempts),
                timeout=self.job_timeout, result_ttl=RESULT_TTL, failure_ttl=FAILURE_TTL,
            )
            for row in rows
        ]
        return [job.id for job in self.queue.enqueue_many(batch)]

    @property
    def connection(self) -> Any:
        return self.queue.connection


def make_queue(container: Container) -> JobQueue:
    redis = container.redis
    settings = container.config.queue
    if redis is not None:
        return JobQueue(Queue(settings.name, connection=redis), job_timeout=settings.job_timeout_seconds)
    return JobQueue(
        Queue(settings.name, connection=_embedded_redis()), embedded=True, job_timeout=settings.job_timeout_seconds
    )


_embedded_server: Any = None


def _embedded_redis() -> Redis:
    """One in-process Redis per process, shared by the web threads and the embedded worker thread."""
    global _embedded_server
    import fakeredis

    if _embedded_server is None:
        _embedded_server = fakeredis.FakeServer()
    client: Redis = fakeredis.FakeRedis(server=_embedded_server)
    return client
