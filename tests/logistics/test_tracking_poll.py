"""Issue 19: polling fills a missed tracking webhook. A labelled parcel the carrier has said nothing about for
``[queue] tracking_poll_after_seconds`` is polled by the reconciler's job (``GET /v3/returns/{id}`` at the sandbox
carrier, through the Sendcloud adapter), its events stored through the webhooks' own path (source "poll") and
applied by the same job; here the jobs go through RQ's own worker, on an in-process Redis.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import fakeredis
import pytest
from rq import Queue, SimpleWorker
from sqlalchemy import Engine, select

from connector.domain.states import ReturnStatus
from connector.jobs.queue import JobQueue
from connector.jobs.reconcile import reconcile
from connector.services.tracking_poll import schedule_tracking_polls
from connector.store.logistics_tables import tracking_events
from tests.logistics.tracking_stack import TrackingStack, tracking_stack


@pytest.fixture
def stack(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[TrackingStack]:
    with tracking_stack(engine, monkeypatch) as built:
        yield built


def _sources(stack: TrackingStack) -> list[tuple[str, str]]:
    with stack.container.uow() as uow:
        rows = uow.connection.execute(select(tracking_events.c.carrier_status, tracking_events.c.source)
                                      .order_by(tracking_events.c.id)).all()  # fmt: skip
    return [(row[0], row[1]) for row in rows]


def test_a_missed_webhook_is_filled_by_the_poll(stack: TrackingStack) -> None:
    return_id, shipment = stack.label_return(tracking_hooks=False)  # the carrier sends this parcel no webhook
    stack.advance(shipment)  # first scan, told to nobody
    queue = JobQueue(Queue("tracking-poll-test", connection=fakeredis.FakeRedis()))
    worker = SimpleWorker([queue.queue], connection=queue.connection)

    assert reconcile(stack.container, queue).tracking_polls == 0  # not quiet long enough yet
    stack.clock.now += timedelta(hours=6, minutes=1)
    assert reconcile(stack.container, queue).tracking_polls == 1
    assert reconcile(stack.container, queue).tracking_polls == 0  # scheduled once per interval
    worker.work(burst=True)  # the poll: it stores the carrier's answer and enqueues the apply
    reconcile(stack.container, queue)
    worker.work(burst=True)
    assert stack.stored(return_id).status is ReturnStatus.IN_TRANSIT
    assert _sources(stack) == [("announced", "poll"), ("to-sorting", "poll")]

    stack.sandbox("PUT", "webhooks", json={"url": stack.hook_url})  # webhooks come back, repeating the scan
    stack.advance(shipment, status=3)
    stack.advance(shipment, steps=4)
    stack.work()
    received = stack.stored(return_id)
    assert received.status is ReturnStatus.RECEIVED
    assert [e.action for e in received.events].count("mark_in_transit") == 1
    assert [source for _, source in _sources(stack)].count("webhook") == 5


def test_only_quiet_undelivered_parcels_are_polled(stack: TrackingStack) -> None:
    _, quiet = stack.label_return(tracking_hooks=False)
    stack.clock.now += timedelta(hours=3)
    _, recent = stack.label_return(tracking_hooks=False)
    _, delivered = stack.label_return()
    stack.advance(delivered, steps=5)
    stack.work()
    stack.clock.now += timedelta(hours=3, minutes=1)
    assert schedule_tracking_polls(stack.container, stack.clock()) == 1
    with stack.container.uow() as uow:
        rows = uow.outbox.claim_due(timedelta(minutes=5), now=stack.clock())
    assert [(row.job.value, row.ref_id) for row in rows] == [("tracking_poll", quiet.id)]
    assert recent.id != quiet.id
