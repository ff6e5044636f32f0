"""Scenario 7: WooCommerce never retries a webhook, so a dropped one is gone (sandbox
``webhook_drop_rate=1``). Reconciliation polling (``orders_changed_since``) alone must bring our order
snapshots up to date: an order changed by the merchant, and a refund made by hand in the Woo admin, both
show up; and a return still goes through to one refund.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
import requests

from connector.domain.orders import Order, Platform
from connector.domain.resolutions import ResolutionKind
from tests.reliability.harness import Harness, assert_shop_invariants, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.redis, pytest.mark.postgres]


def _snapshot(h: Harness, order_id: str) -> Order:
    with h.container.uow() as uow:
        order = uow.orders(h.woo_id).get(order_id)
    assert order is not None
    return order


def _refund_by_hand(h: Harness, order: Order, line_id: str) -> None:
    """The merchant refunds one unit in the Woo admin (REST with their own key; no gateway call)."""
    key = requests.post(f"{h.woo_url}/__sandbox/keys", json={"description": "merchant"}, timeout=10).json()
    line = order.line(line_id)
    unit = (line.unit_price.amount - line.discount.amount / line.quantity_ordered).quantize(Decimal("0.01"))
    response = requests.post(
        f"{h.woo_url}/wp-json/wc/v3/orders/{order.id}/refunds",
        json={"amount": str(unit), "reason": "goodwill, by hand", "api_refund": False,
              "line_items": [{"id": int(line_id), "quantity": 1, "refund_total": str(unit)}]},
        auth=(key["consumer_key"], key["consumer_secret"]), timeout=10,
    )
    assert response.status_code == 201, response.text


def test_dropped_woocommerce_webhooks_are_repaired_by_polling(make_harness: Any) -> None:
    h: Harness = make_harness(woo_poll_every_seconds=1)
    h.connect()
    h.set_faults(Platform.WOOCOMMERCE, webhook_drop_rate=1.0, seed=71)
    woo_rows_before = h.inbox_rows("order.updated")
    h.start_worker()
    h.start_reconciler()
    (returned, returned_line), (touched, _line), (by_hand, by_hand_line) = h.candidates(Platform.WOOCOMMERCE, 3)
    item = h.portal_return(Platform.WOOCOMMERCE, returned, returned_line, ResolutionKind.REFUND)

    changed = requests.post(f"{h.woo_url}/__sandbox/orders/{touched.id}/touch",
                            json={"status": "on-hold", "meta": {"gift_wrap": "yes"}}, timeout=10).json()
    modified = datetime.fromisoformat(changed["date_modified_gmt"]).replace(tzinfo=UTC)
    _refund_by_hand(h, by_hand, by_hand_line)
    assert _snapshot(h, by_hand.id).line(by_hand_line).quantity_returned == 0

    wait_until("the merchant's change to reach our snapshot by polling",
               lambda: (_snapshot(h, touched.id).updated_at or modified.min.replace(tzinfo=UTC)) >= modified, 20)
    wait_until("the refund made by hand to reach our snapshot by polling",
               lambda: _snapshot(h, by_hand.id).line(by_hand_line).quantity_returned == 1, 20)
    h.drive([item], timeout=30)

    deliveries = requests.get(f"{h.woo_url}/__sandbox/webhooks/deliveries", timeout=10).json()
    for order_id in (touched.id, by_hand.id, returned.id):
        mine = [d for d in deliveries if str(d["resource_id"]) == order_id and d["kind"] != "ping"]
        assert mine and all(d["dropped"] for d in mine), f"order {order_id}: a webhook got through: {mine}"
    assert h.inbox_rows("order.updated") == woo_rows_before, "a WooCommerce webhook reached us after all"
    assert_shop_invariants(h, [item])
