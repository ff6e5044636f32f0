"""Return lifecycle is local to the connector for WooCommerce: no-ops that leave order notes."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import responses

from connector.domain.events import Actor
from connector.domain.reasons import ReasonCode
from connector.domain.resolutions import Resolution, ReturnMethod
from connector.domain.returns import ReturnLine, ReturnRequest
from platforms.woocommerce.adapter import WooCommerceAdapter
from platforms.woocommerce.mapping import order_from_woo
from tests.woocommerce.conftest import API, order


def _request() -> tuple[ReturnRequest, object]:
    mapped = order_from_woo(order(), shop_id="shop-1")
    line = ReturnLine("rl-1", "316", 1, next(iter(ReasonCode)), Resolution.refund())
    actor = Actor.system()
    req = ReturnRequest.open(
        id="R-1",
        order=mapped,
        lines=[line],
        method=ReturnMethod.PREPAID_LABEL,
        actor=actor,
        at=datetime(2026, 3, 10, tzinfo=UTC),
    )
    return req, mapped


def test_lifecycle_writes_notes_only(adapter: WooCommerceAdapter, rsps: responses.RequestsMock) -> None:
    notes = rsps.post(f"{API}/orders/727/notes", json={"id": 1})
    req, mapped = _request()
    assert adapter.create_return(req, mapped) is None  # type: ignore[arg-type]
    assert adapter.approve_return(req) is None  # type: ignore[func-returns-value]
    adapter.decline_return(req, "outside the window")
    adapter.close_return(req)
    adapter.cancel_return(req)
    bodies = [json.loads(c.request.body) for c in notes.calls]
    assert [b["customer_note"] for b in bodies] == [False] * 5
    assert "declined: outside the window" in bodies[2]["note"]
    assert all(c.request.method == "POST" and c.request.url.endswith("/orders/727/notes") for c in rsps.calls)


def test_note_failure_does_not_break_the_lifecycle(adapter: WooCommerceAdapter, rsps: responses.RequestsMock) -> None:
    rsps.post(f"{API}/orders/727/notes", status=500)
    req, _ = _request()
    adapter.approve_return(req)  # logged, not raised: the note is a courtesy to the merchant
