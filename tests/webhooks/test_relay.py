"""The outbox relay on real Redis: batches, concurrent relays without double-taking, stuck rows, Redis outages."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import timedelta

import pytest
from redis import Redis
from sqlalchemy import Engine, select

from connector.bootstrap import Container
from connector.config.model import Config, QueueSettings, RedisSettings
from connector.domain import Platform
from connector.jobs.queue import JobQueue, make_queue
from connector.jobs.relay import BATCH, RelayLoop, relay
from connector.store.crypto import CredentialCipher
from connector.store.outbox_repo import JobKind, OutboxState
from connector.store.tables import outbox

pytestmark = pytest.mark.redis


def _container(engine: Engine, redis_url: str, queue_name: str = "relay-test") -> Container:
    config = replace(Config(), redis=RedisSettings(redis_url),
                     queue=replace(QueueSettings(), name=queue_name, relay_every_seconds=0.05))
    container = Container(config, _cipher=CredentialCipher([CredentialCipher.generate_key()]))
    container.__dict__["engine"] = engine
    with container.uow() as uow:
        uow.shops.add(Platform.SHOPIFY, "a.myshopify.com", shop_id="shop-a", credentials={"access_token": "t"})
        uow.commit()
    return container


def _add_rows(container: Container, count: int) -> list[int]:
    with container.uow() as uow:
        ids = [uow.outbox.add("shop-a", JobKind.EVENT, str(n)) for n in range(count)]
        uow.commit()
    return ids


def _queued_outbox_ids(queue: JobQueue) -> list[int]:
    return [int(job.args[2]) for job in queue.queue.jobs]


def test_concurrent_relays_enqueue_every_row_exactly_once(engine: Engine, redis_url: str) -> None:
    container = _container(engine, redis_url)
    ids = _add_rows(container, 300)
    queues = [make_queue(Container(container.config)) for _ in range(4)]
    errors: list[BaseException] = []

    def run(queue: JobQueue) -> None:
        try:
            while relay(container, queue, limit=7):
                pass
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(q,)) for q in queues]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    queued = _queued_outbox_ids(queues[0])
    assert sorted(queued) == ids  # every row once: none lost, none twice
    with container.engine.connect() as conn:
        states = set(conn.execute(select(outbox.c.state)).scalars())
    assert states == {OutboxState.ENQUEUED.value}


def test_a_row_enqueued_but_never_done_is_relayed_again_after_stuck_after(engine: Engine, redis_url: str) -> None:
    container = _container(engine, redis_url)
    [row_id] = _add_rows(container, 1)
    queue = make_queue(container)
    assert relay(container, queue) == 1
    Redis.from_url(redis_url).flushdb()  # Redis lost the job
    assert relay(container, queue) == 0  # not stuck yet
    later = container.clock() + timedelta(seconds=container.config.queue.stuck_after_seconds + 1)
    container.clock = lambda: later
    assert relay(container, queue) == 1
    assert _queued_outbox_ids(queue) == [row_id]
    job = queue.queue.jobs[0]
    assert job.id.endswith("-2")  # a new job id per attempt: the lost job's id cannot shadow it


def test_the_relay_loop_moves_rows_as_they_arrive_and_more_than_a_batch(engine: Engine, redis_url: str) -> None:
    container = _container(engine, redis_url)
    queue = make_queue(container)
    loop = RelayLoop(container, queue).start()
    try:
        ids = _add_rows(container, BATCH + 20)
        for _ in range(200):
            if queue.queue.count == len(ids):
                break
            threading.Event().wait(0.05)
    finally:
        loop.stop()
    assert sorted(_queued_outbox_ids(queue)) == ids


def test_redis_down_puts_claimed_rows_back(engine: Engine, redis_url: str) -> None:
    container = _container(engine, redis_url)
    ids = _add_rows(container, 3)
    down = make_queue(Container(replace(container.config, redis=RedisSettings("redis://127.0.0.1:1/0"))))
    assert relay(container, down) == 0
    with container.engine.connect() as conn:
        states = list(conn.execute(select(outbox.c.state).order_by(outbox.c.id)).scalars())
    assert states == [OutboxState.PENDING.value] * 3
    queue = make_queue(container)
    assert relay(container, queue) == 3
    assert sorted(_queued_outbox_ids(queue)) == ids
