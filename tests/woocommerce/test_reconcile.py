"""Polling reconciliation and own-echo recognition through the adapter."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from connector.domain.actions import RefundInstruction, RefundLine
from connector.domain.money import Money
from connector.domain.resolutions import Disposition
from connector.errors import NotFound
from platforms.woocommerce.adapter import WooCommerceAdapter
from tests.woocommerce.conftest import API, dump, load, order


def test_orders_changed_since_streams_pages(adapter: WooCommerceAdapter, rsps: responses.RequestsMock) -> None:
    page1 = [order(id=1, number="1"), order(id=2, number="2", currency="")]  # 2 is unreadable: skipped
    page2 = [order(id=3, number="3", refunds=[{"id": 726, "reason": "", "total": "-3.22"}])]
    rsps.get(
        f"{API}/orders",
        body=dump(page1),
        headers={"X-WP-TotalPages": "2"},
        match=[responses.matchers.query_param_matcher({"page": "1"}, strict_match=False)],
    )
    rsps.get(
        f"{API}/orders",
        body=dump(page2),
        headers={"X-WP-TotalPages": "2"},
        match=[responses.matchers.query_param_matcher({"page": "2"}, strict_match=False)],
    )
    rsps.get(f"{API}/orders/3/refunds", body=dump([load("refund_726.json")]), headers={"X-WP-TotalPages": "1"})
    rsps.get(f"{API}/products", body=dump([]))
    since = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)
    seen = list(adapter.orders_changed_since(since))
    assert [o.id for o in seen] == ["1", "3"]
    assert seen[1].line("315").quantity_returned == 1
    query = parse_qs(urlsplit(rsps.calls[0].request.url).query)
    assert query["orderby"] == ["modified"] and query["order"] == ["asc"] and query["per_page"] == ["100"]
    assert query["modified_after"] == ["2026-03-01T11:59:59"]  # one second of overlap, GMT
    assert query["dates_are_gmt"] == ["true"]


def test_first_poll_has_no_lower_bound(adapter: WooCommerceAdapter, rsps: responses.RequestsMock) -> None:
    rsps.get(f"{API}/orders", json=[], headers={"X-WP-TotalPages": "0"})
    assert list(adapter.orders_changed_since(None)) == []
    assert "modified_after" not in (rsps.calls[0].request.url or "")


def test_refund_echo_is_recognised_and_later_changes_are_not(
    adapter: WooCommerceAdapter, rsps: responses.RequestsMock
) -> None:
    rsps.get(f"{API}/orders/727/refunds", json=[], headers={"X-WP-TotalPages": "1"})
    after_refund = "2026-03-20T08:00:00"
    rsps.get(f"{API}/orders/727", body=dump(order()))

    def create(request: Any) -> tuple[int, dict[str, str], str]:
        body = json.loads(request.body)
        # the order is saved by the refund: the next read shows the new modification date
        rsps.replace(responses.GET, f"{API}/orders/727", body=dump(order(date_modified_gmt=after_refund)))
        return (
            201,
            {},
            json.dumps(
                {
                    "id": 801,
                    "amount": body["amount"],
                    "reason": body["reason"],
                    "refunded_payment": True,
                    "meta_data": body["meta_data"],
                }
            ),
        )

    rsps.add_callback(responses.POST, f"{API}/orders/727/refunds", callback=create)
    rsps.post(f"{API}/orders/727/notes", json={"id": 1})
    usd = Money(Decimal("19.35"), "USD")
    adapter.refund(
        RefundInstruction(
            "k1",
            "727",
            usd,
            (RefundLine("316", 1, usd, Money("1.35", "USD"), Disposition.RESTOCK),),
            Money.zero("USD"),
            "r",
            "R-1",
        )
    )
    echo = order(date_modified_gmt=after_refund, refunds=[{"id": 801, "reason": "r [rc:k1]", "total": "-19.35"}])
    event = adapter.translate_webhook("order.updated", json.loads(dump(echo), parse_float=Decimal))
    assert adapter.is_own_echo(echo)
    assert event.data is not None and event.data["own_write"] is True
    assert event.order is None  # refunds present: the core fetches the order with its refunds
    later = order(date_modified_gmt="2026-03-20T08:05:00")
    assert not adapter.is_own_echo(later)
    assert adapter.translate_webhook("order.updated", later).data["own_write"] is False  # type: ignore[index]


def test_webhook_without_refunds_carries_the_order(adapter: WooCommerceAdapter, rsps: responses.RequestsMock) -> None:
    rsps.get(f"{API}/products", body=dump([]))
    event = adapter.translate_webhook("order.created", json.loads(dump(order()), parse_float=Decimal))
    assert event.order is not None and event.order.id == "727" and event.order.shop_id == "shop-1"
    assert event.shop_address == "https://shop.example"


def test_non_numeric_ids_are_not_found_without_a_request(
    adapter: WooCommerceAdapter, rsps: responses.RequestsMock
) -> None:
    for bad in ("abc", "0", "-3", "12; DROP"):
        with pytest.raises(NotFound):
            adapter.fetch_order(bad)
    assert len(rsps.calls) == 0
