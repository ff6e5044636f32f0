"""Scenario 3: a worker is SIGKILLed (with its work horse) before, during and after the refund call.

The shop is slowed down on exactly the request we want to be in (sandbox ``latency_ms`` narrowed to one
path and method; for Shopify's single GraphQL endpoint, the proxy holds the ``returnProcess`` mutation):

* before the call: killed while reading the order's refunds, so the refund was never sent;
* during the call: killed while the refund request is in flight; the shop still applies it afterwards;
* after the call: the shop has applied and answered, killed before we recorded it (in the note that follows).

Then a new worker starts and the reconciler, with a short ``stuck_after``, turns the orphaned RUNNING action
into UNKNOWN and enqueues it: the retry looks for the refund first. Exactly one refund at the shop.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from connector.domain.orders import Platform
from connector.domain.resolutions import ResolutionKind
from demo.scenario import act_as_agent
from tests.reliability.harness import Harness, assert_shop_invariants, shop_refund_count, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.redis, pytest.mark.postgres]
LATENCY_S = 3.0


@pytest.mark.parametrize(
    ("platform", "phase"),
    [
        (Platform.WOOCOMMERCE, "before-call"),
        (Platform.WOOCOMMERCE, "during-call"),
        (Platform.WOOCOMMERCE, "after-call"),
        (Platform.SHOPIFY, "during-call"),
    ],
    ids=lambda v: v.value if isinstance(v, Platform) else v,
)
def test_worker_killed_around_the_refund_call_refunds_once(make_harness: Any, platform: Platform, phase: str) -> None:
    h: Harness = make_harness(stuck_after_seconds=30)
    h.connect()
    doomed = h.start_worker()
    h.start_reconciler()
    (order, line), = h.candidates(platform, 1)
    item = h.portal_return(platform, order, line, ResolutionKind.REFUND)
    request = h.wait_ready(item)

    latency = int(LATENCY_S * 1000)
    base = f"/wp-json/wc/v3/orders/{order.id}"
    if platform is Platform.SHOPIFY:
        h.shopify_proxy.delay_next("mutation ReturnProcess", LATENCY_S)
    elif phase == "before-call":
        h.set_faults(platform, latency_ms=latency, methods=["GET"], path_prefixes=[f"{base}/refunds"])
    elif phase == "during-call":
        h.set_faults(platform, latency_ms=latency, methods=["POST"], path_prefixes=[f"{base}/refunds"])
    else:
        h.set_faults(platform, latency_ms=latency, methods=["POST"], path_prefixes=[f"{base}/notes"])
    act_as_agent(h.stack, request)

    wait_until("the refund action to be running", lambda: h.action(item, "refund").state.value == "running", 15)
    if phase == "after-call":
        wait_until("the shop to record the refund", lambda: shop_refund_count(h, item) == 1, 10)
    else:
        time.sleep(0.8)  # the cheap reads before it are done; the slowed request is now in flight
        assert shop_refund_count(h, item) == 0
    assert h.action(item, "refund").state.value == "running", "the worker finished before it could be killed"
    h.kill_worker(doomed)

    if phase == "before-call":
        time.sleep(LATENCY_S + 0.3)  # the killed worker's read completes at the shop: still nothing paid
        assert shop_refund_count(h, item) == 0
    elif phase == "during-call":
        wait_until("the in-flight refund to land at the shop", lambda: shop_refund_count(h, item) == 1, 10)
    if platform is Platform.WOOCOMMERCE:
        h.set_faults(platform, latency_ms=0, methods=[], path_prefixes=[])
    h.set_stuck_after(2)
    h.start_worker()
    h.drive([item], timeout=40)

    refund = h.action(item, "refund")
    assert refund.attempts >= 2, "the refund ran once only: the kill did not interrupt it"
    assert shop_refund_count(h, item) == 1
    assert_shop_invariants(h, [item])
