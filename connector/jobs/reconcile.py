"""The reconciler: the database, not Redis, decides what work is left.

Each pass (1) relays outbox rows never enqueued or enqueued and lost, (2) enqueues actions that are due
(retries after backoff, and running ones whose worker vanished), (3) schedules a poll of each active shop
when its polling interval has passed: for WooCommerce the only source for missed webhooks, (4) forgets
webhook digests older than the replay horizon, (5) raises an alert on returns whose EU withdrawal refund
deadline is two days off or past with nothing paid, (6) deletes the photos of portal drafts never confirmed,
(7) schedules a tracking poll of each labelled parcel the carrier has been quiet about for a while.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from redis.exceptions import RedisError

from connector.bootstrap import Container
from connector.jobs.queue import JobQueue
from connector.jobs.relay import relay
from connector.services.draft_photos import prune_draft_photos
from connector.services.executor import due_actions
from connector.services.refund_deadlines import watch_refund_deadlines
from connector.services.tracking_poll import schedule_tracking_polls
from connector.store.outbox_repo import JobKind
from connector.store.replays_repo import forget_old_digests

log = logging.getLogger("connector.reconcile")


@dataclass(frozen=True, slots=True)
class Pass:
    relayed: int
    actions: int
    polls: int
    deadline_alerts: int = 0
    draft_photos_pruned: int = 0
    tracking_polls: int = 0


def reconcile(container: Container, queue: JobQueue, *, poll: bool = True) -> Pass:
    relayed = relay(container, queue)
    now = container.clock()
    stuck = timedelta(seconds=container.config.queue.stuck_after_seconds)
    with container.uow() as uow:
        due = due_actions(uow, now, stuck)
    enqueued = 0
    for shop_id, action_id in due:
        with container.uow() as uow:
            leased = uow.actions(shop_id).lease(action_id, now, now + stuck, stuck)
            uow.commit()
        if not leased:
            continue
        try:
            queue.enqueue(JobKind.ACTION, shop_id, action_id, None, attempt=int(now.timestamp()))
        except RedisError:
            log.warning("reconcile.queue-unavailable")
            break
        enqueued += 1
    polls = _schedule_polls(container, now) if poll else 0
    tracking_polls = schedule_tracking_polls(container, now) if poll else 0
    if polls or tracking_polls:
        relayed += relay(container, queue)
    with container.uow() as uow:
        forget_old_digests(uow.connection, now)
        uow.commit()
    alerts = watch_refund_deadlines(container, now)
    pruned = prune_draft_photos(container, now)
    return Pass(relayed, enqueued, polls, len(alerts), pruned, tracking_polls)


def _schedule_polls(container: Container, now: datetime) -> int:
    scheduled = 0
    with container.uow() as uow:
        for shop in uow.shops.list(active_only=True):
            every = timedelta(seconds=container.provider_for(shop.platform).poll_interval(container.config))
            last = uow.shops.last_synced_at(shop.id)
            if (last is None or now - last >= every) and not uow.outbox.has_open(shop.id, JobKind.SYNC):
                uow.outbox.add(shop.id, JobKind.SYNC, shop.id)
                scheduled += 1
        uow.commit()
    return scheduled
