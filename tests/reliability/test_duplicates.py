"""Scenario 1: the same webhook delivered again and again, one after another and at the same moment.

The shops really send duplicates (sandbox ``webhook_duplicate_rate=1``); then every delivery we stored is
re-POSTed byte for byte, with its original signature, from many threads at once. One inbox row per event,
one refund per return at the shop.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
from sqlalchemy import select

from connector.domain.orders import Platform
from connector.domain.resolutions import ResolutionKind
from connector.store.tables import webhook_inbox
from tests.reliability.harness import Harness, Tracked, assert_shop_invariants, shop_refund_count, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.redis, pytest.mark.postgres]
COPIES = 8


def _deliveries(h: Harness) -> list[dict[str, Any]]:
    with h.container.uow() as uow:
        rows = uow.connection.execute(select(webhook_inbox).order_by(webhook_inbox.c.id)).all()
    return [dict(row._mapping) for row in rows]


def _replay(h: Harness, delivery: dict[str, Any]) -> list[tuple[int, str]]:
    """POST the stored delivery (same bytes, same signed headers) COPIES times at once."""
    url = f"{h.app_url}/webhooks/{delivery['platform']}"
    headers = {**delivery["headers"], "Content-Type": "application/json"}
    body = bytes(delivery["body"])

    def post(_: int) -> tuple[int, str]:
        response = requests.post(url, data=body, headers=headers, timeout=30)
        return response.status_code, str(response.json().get("code"))

    with ThreadPoolExecutor(max_workers=COPIES) as pool:
        return list(pool.map(post, range(COPIES)))


def test_duplicate_deliveries_make_one_inbox_row_and_one_refund(make_harness: Any) -> None:
    h: Harness = make_harness()
    h.connect()
    h.set_faults(Platform.SHOPIFY, webhook_duplicate_rate=1.0, seed=11)
    h.set_faults(Platform.WOOCOMMERCE, webhook_duplicate_rate=1.0, seed=12)
    h.start_worker()
    h.start_reconciler()
    (shopify_order, shopify_line), = h.candidates(Platform.SHOPIFY, 1)
    (woo_order, woo_line), = h.candidates(Platform.WOOCOMMERCE, 1)
    tracked: list[Tracked] = [
        h.customer_return_at_shopify(shopify_order, shopify_line),
        h.portal_return(Platform.WOOCOMMERCE, woo_order, woo_line, ResolutionKind.REFUND),
    ]

    # While the return request is still being worked on, hammer the intake with copies of it.
    request_row = wait_until("the returns/request delivery in the inbox",
                             lambda: [d for d in _deliveries(h) if d["topic"] == "returns/request"], 15)[0]
    answers = _replay(h, request_row)
    assert answers == [(200, "duplicate")] * COPIES

    h.drive(tracked, timeout=60)
    # Every delivery we hold, again, all at once, after the end: nothing new may happen.
    stored = _deliveries(h)
    for delivery in stored:
        assert set(_replay(h, delivery)) == {(200, "duplicate")}, delivery["topic"]
    time.sleep(1.0)  # two reconciler passes: nothing may be left to relay, nothing may be paid again
    h.drive(tracked, timeout=10)

    assert len(_deliveries(h)) == len(stored), "a replayed delivery made a second inbox row"
    assert h.inbox_rows("returns/request") == 1
    shopify_log = requests.get(f"{h.shopify_url}/__sandbox/webhooks/deliveries", timeout=10).json()
    twins = [d for d in shopify_log if d["duplicate"] and d["outcome"] == "delivered"]
    assert any(d["topic"] == "returns/request" for d in twins), "the sandbox never sent a duplicate request"
    woo_log = requests.get(f"{h.woo_url}/__sandbox/webhooks/deliveries", timeout=10).json()
    assert any(d["kind"] == "duplicate" and d["ok"] for d in woo_log), "WooCommerce never sent a duplicate"
    assert [shop_refund_count(h, item) for item in tracked] == [1, 1]
    assert_shop_invariants(h, tracked)
