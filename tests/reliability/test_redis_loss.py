"""Scenario 5: Redis loses everything (FLUSHDB) between enqueue and work, twice: right after the returns
are opened (their first jobs queued) and right after the agent resolves them (refund jobs queued).

Nothing is lost, because the database, not Redis, is the record of work: the reconciler re-relays outbox
rows that were enqueued but never done, and leases due actions again, once ``stuck_after`` has passed.
"""

from __future__ import annotations

from typing import Any

import pytest

from connector.domain.orders import Platform
from connector.domain.resolutions import ResolutionKind
from connector.jobs.reconcile import reconcile
from demo.scenario import act_as_agent
from tests.reliability.harness import Harness, Tracked, assert_shop_invariants, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.redis, pytest.mark.postgres]


def _flush(h: Harness) -> None:
    queued = h.queue.queue.count
    assert queued > 0, "nothing was queued: the flush would prove nothing"
    h.redis.flushdb()
    assert h.queue.queue.count == 0


def test_redis_flushed_between_enqueue_and_work_loses_nothing(make_harness: Any) -> None:
    h: Harness = make_harness(stuck_after_seconds=2)
    h.connect()
    shopify = h.candidates(Platform.SHOPIFY, 2)
    woo = h.candidates(Platform.WOOCOMMERCE, 2)
    tracked: list[Tracked] = [
        h.customer_return_at_shopify(*shopify[0]),
        h.portal_return(Platform.SHOPIFY, *shopify[1], ResolutionKind.STORE_CREDIT),
        h.portal_return(Platform.WOOCOMMERCE, *woo[0], ResolutionKind.REFUND),
        h.portal_return(Platform.WOOCOMMERCE, *woo[1], ResolutionKind.STORE_CREDIT),
    ]
    wait_until("the returns/request webhook", lambda: h.inbox_rows("returns/request") == 1, 15)
    reconcile(h.container, h.queue, poll=False)  # the first jobs are now in Redis, no worker has run yet
    _flush(h)

    worker = h.start_worker()
    h.start_reconciler()
    ready = [h.wait_ready(item, timeout=40) for item in tracked]
    h.stop_reconciler()
    h.kill_worker(worker)
    for request in ready:
        act_as_agent(h.stack, request)
    reconcile(h.container, h.queue, poll=False)  # refunds, credits and their follow-ups queued, not worked
    _flush(h)

    h.start_worker()
    h.start_reconciler()
    h.drive(tracked, timeout=40)
    assert_shop_invariants(h, tracked)
