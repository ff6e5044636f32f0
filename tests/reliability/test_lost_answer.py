"""Scenario 4: the shop applies our refund but the answer never reaches us (connection closed after the
write). The action becomes "unknown"; the retry must find the earlier refund (WooCommerce: our key in the
refund reason; Shopify ``returnProcess``: our key in the refund note) instead of paying again.

WooCommerce uses the sandbox's own ``timeout_after_write_rate=1`` on the refunds path, switched back to 0
(``PUT /__sandbox/faults``) as soon as it has fired once. Shopify's Admin API is a single GraphQL endpoint,
so a proxy in front of it loses the answer to the one ``returnProcess`` mutation instead.
"""

from __future__ import annotations

from typing import Any

import pytest

from connector.domain.orders import Platform
from connector.domain.resolutions import ResolutionKind
from demo.scenario import act_as_agent
from tests.reliability.harness import Harness, assert_shop_invariants, shop_refund_count, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.redis, pytest.mark.postgres]


@pytest.mark.parametrize("platform", [Platform.SHOPIFY, Platform.WOOCOMMERCE], ids=lambda p: p.value)
def test_refund_applied_but_answer_lost_is_found_not_repeated(make_harness: Any, platform: Platform) -> None:
    h: Harness = make_harness()
    h.connect()
    h.start_worker()
    h.start_reconciler()
    (order, line), = h.candidates(platform, 1)
    item = h.portal_return(platform, order, line, ResolutionKind.REFUND)
    request = h.wait_ready(item)

    if platform is Platform.WOOCOMMERCE:
        h.set_faults(platform, timeout_after_write_rate=1.0, seed=41, methods=["POST"],
                     path_prefixes=[f"/wp-json/wc/v3/orders/{order.id}/refunds"])
    else:
        h.shopify_proxy.lose_next("mutation ReturnProcess")
    act_as_agent(h.stack, request)

    if platform is Platform.WOOCOMMERCE:
        wait_until("the sandbox to lose one answer",
                   lambda: h.fault_stats(platform).get("timeout_after_write", 0) >= 1, 20)
        h.set_faults(platform, timeout_after_write_rate=0.0, path_prefixes=[], methods=[])
        lost = h.fault_stats(platform)["timeout_after_write"]
    else:
        wait_until("the proxy to lose one answer", lambda: h.shopify_proxy.lost >= 1, 20)
        lost = h.shopify_proxy.lost
    h.drive([item], timeout=40)

    assert lost == 1
    refund = h.action(item, "refund")
    assert refund.attempts >= 2, "the lost answer was not retried: the fault did not bite"
    assert shop_refund_count(h, item) == 1
    assert_shop_invariants(h, [item])


def test_refund_applied_but_answer_unreadable_is_found_not_left_running(make_harness: Any) -> None:
    """The shop acts, and answers something we cannot read (here: ``returnProcess`` with a null return).

    That is an unknown outcome too: retried promptly (looking first), not left RUNNING for the stuck sweep
    (30 s here, 5 min by default) with no limit on how often it is retried that way.
    """
    h: Harness = make_harness(stuck_after_seconds=30)
    h.connect()
    h.start_worker()
    h.start_reconciler()
    (order, line), = h.candidates(Platform.SHOPIFY, 1)
    item = h.portal_return(Platform.SHOPIFY, order, line, ResolutionKind.REFUND)
    request = h.wait_ready(item)
    h.shopify_proxy.garble_next("mutation ReturnProcess",
                                {"data": {"returnProcess": {"return": None, "userErrors": []}}})
    act_as_agent(h.stack, request)
    h.drive([item], timeout=20)

    assert h.shopify_proxy.garbled == 1
    assert h.action(item, "refund").attempts >= 2
    assert shop_refund_count(h, item) == 1
    assert_shop_invariants(h, [item])
