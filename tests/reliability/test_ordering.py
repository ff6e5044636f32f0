"""Scenario 2: webhooks out of order and a day late never roll a return (or an order snapshot) back.

The shops deliver late and shuffled (sandbox ``webhook_delay_s`` + ``webhook_reorder``). After every return
is closed, each Shopify delivery we received is sent again as a *new* event (fresh event id, and its body
spaced differently: the very same signed body is refused as a replay) stamped a day earlier
(``X-Shopify-Triggered-At``), correctly signed: a stale ``returns/request`` after approval, a stale
``returns/approve`` after closing, stale ``orders/updated``...
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from sqlalchemy import select

from connector.domain.orders import Platform
from connector.domain.resolutions import ResolutionKind
from connector.store.tables import webhook_inbox
from tests.reliability.harness import SHOPIFY_SECRET, Harness, Tracked, assert_shop_invariants, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.redis, pytest.mark.postgres]


def _sign(body: bytes) -> str:
    return base64.b64encode(hmac.new(SHOPIFY_SECRET.encode(), body, hashlib.sha256).digest()).decode()


def _shopify_rows(h: Harness) -> list[dict[str, Any]]:
    with h.container.uow() as uow:
        rows = uow.connection.execute(
            select(webhook_inbox).where(webhook_inbox.c.platform == "shopify").order_by(webhook_inbox.c.id)
        ).all()
    return [dict(row._mapping) for row in rows]


def _snapshot(h: Harness, tracked: list[Tracked]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with h.container.uow() as uow:
        for item in tracked:
            request = uow.returns(item.shop_id).get(item.return_id or "")
            order = uow.orders(item.shop_id).get(item.order_id)
            assert request is not None and order is not None
            out[item.order_id] = (request.status, len(request.events), order.updated_at,
                                  [ln.quantity_returned for ln in order.lines])
    return out


def test_late_and_reordered_deliveries_never_roll_back(make_harness: Any) -> None:
    h: Harness = make_harness()
    h.connect()
    h.set_faults(Platform.SHOPIFY, webhook_delay_s=1.0, webhook_reorder=True, seed=21)
    h.set_faults(Platform.WOOCOMMERCE, webhook_delay_s=1.0, webhook_reorder=True, seed=22)
    h.start_worker()
    h.start_reconciler()
    shopify = h.candidates(Platform.SHOPIFY, 2)
    (woo_order, woo_line), = h.candidates(Platform.WOOCOMMERCE, 1)
    tracked = [
        h.customer_return_at_shopify(*shopify[0]),
        h.portal_return(Platform.SHOPIFY, *shopify[1], ResolutionKind.REFUND),
        h.portal_return(Platform.WOOCOMMERCE, woo_order, woo_line, ResolutionKind.REFUND),
    ]
    h.drive(tracked, timeout=60)
    for url in (h.shopify_url, h.woo_url):  # let every delayed delivery land before taking the snapshot
        requests.post(f"{url}/__sandbox/webhooks/flush", json={"timeout": 10}, timeout=15)

    def flow_delivered() -> bool:
        # Deliveries are delayed and reordered on purpose: wait until the ones we will replay have landed.
        rows = _shopify_rows(h)
        topics = {r["topic"] for r in rows}
        return {"returns/request", "returns/approve"} <= topics and all(r["state"] == "done" for r in rows)

    try:
        wait_until("the flow's returns/request and returns/approve deliveries to land and be handled",
                   flow_delivered, 40)
    except AssertionError as exc:
        seen = {(r["topic"], r["state"]) for r in _shopify_rows(h)}
        raise AssertionError(f"{exc}; the shop delivered {sorted(seen)}") from None
    before = _snapshot(h, tracked)

    day_ago = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    stale = _shopify_rows(h)
    copies: set[str] = set()
    def deliver(row: dict[str, Any], body: bytes) -> tuple[str, tuple[int, str]]:
        event_id = str(uuid.uuid4())
        headers = {**row["headers"], "Content-Type": "application/json", "X-Shopify-Event-Id": event_id,
                   "X-Shopify-Webhook-Id": str(uuid.uuid4()), "X-Shopify-Triggered-At": day_ago,
                   "X-Shopify-Hmac-Sha256": _sign(body)}
        response = requests.post(f"{h.app_url}/webhooks/shopify", data=body, headers=headers, timeout=30)
        return f"shopify:{event_id}", (response.status_code, response.json()["code"])

    for row in stale:
        # The very same signed body under a fresh event id is a replay, refused whatever its headers say...
        assert deliver(row, bytes(row["body"]))[1] == (200, "duplicate")
        # ...so the stale content comes as a new body (spaced differently), as a genuinely new event would.
        key, answer = deliver(row, json.dumps(json.loads(row["body"]), indent=1).encode())
        assert answer == (200, "accepted")
        copies.add(key)

    def processed() -> list[dict[str, Any]] | None:
        rows = [r for r in _shopify_rows(h) if r["dedup_key"] in copies]
        return rows if len(rows) == len(copies) and all(r["state"] == "done" for r in rows) else None

    try:
        rows = wait_until("every stale delivery to be processed", processed, 20)
    except AssertionError as exc:
        seen = [(r["topic"], r["state"], r["last_error"]) for r in _shopify_rows(h) if r["dedup_key"] in copies]
        raise AssertionError(f"{exc}\nstale copies: {seen}\n{h.worker_logs()}") from None
    results: dict[str, set[str]] = {}
    for row in rows:
        results.setdefault(row["topic"], set()).add(row["last_error"])
    assert results["returns/request"] == {"return-known"}, results
    assert results["returns/approve"] == {"return-approve-skipped-closed"}, results
    h.drive(tracked, timeout=10)
    after = _snapshot(h, tracked)
    for order_id, (status, events, updated_at, returned) in before.items():
        now_status, now_events, now_updated_at, now_returned = after[order_id]
        assert (now_status, now_events) == (status, events), f"a stale delivery changed the return of {order_id}"
        # A stale order webhook is only a hint: we re-read the order, which may move the snapshot forward
        # (the shop changed since), never back.
        assert now_updated_at >= updated_at, f"the snapshot of {order_id} went back in time"
        assert all(n >= o for n, o in zip(now_returned, returned, strict=True)), f"{order_id} lost returned units"
    assert_shop_invariants(h, tracked)
