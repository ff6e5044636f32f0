"""Exchange orders: shape, credit as line discount, payment of the difference, stock check, lookup."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
import responses

from connector.domain.actions import ActionKind, ExchangeInstruction, ExchangeItem
from connector.domain.money import Money
from platforms.woocommerce.adapter import OutOfStock, WooCommerceAdapter, build_exchange_body
from platforms.woocommerce.markers import meta_value
from tests.woocommerce.conftest import API, dump, load, order


def usd(x: str) -> Money:
    return Money(x, "USD")


def exchange(
    credit: str = "20.00", price: str = "20.00", qty: int = 1, key: str = "ret-1:exchange:1"
) -> ExchangeInstruction:
    return ExchangeInstruction(
        idempotency_key=key,
        order_id="727",
        return_id="R-123",
        items=(ExchangeItem(variant_id="733", quantity=qty, price=usd(price), product_id="22"),),
        credit_value=usd(credit),
        customer_email="john.doe@example.com",
    )


def created_reply(request: Any) -> tuple[int, dict[str, str], str]:
    body = json.loads(request.body)
    total = sum(Decimal(li["total"]) for li in body["line_items"])
    reply = {
        **order(),
        "id": 900,
        "number": "900",
        "parent_id": body["parent_id"],
        "status": "processing" if body["set_paid"] else "pending",
        "total": str(total),
        "meta_data": [{"id": i, **m} for i, m in enumerate(body["meta_data"])],
        "date_modified_gmt": "2026-03-15T10:00:00",
        "payment_url": "https://shop.example/checkout/order-pay/900/",
    }
    return 201, {}, json.dumps(reply, default=str)


def _stubs(rsps: responses.RequestsMock, stock: int | None = 4) -> None:
    rsps.get(f"{API}/orders", json=[], headers={"X-WP-TotalPages": "1"})
    rsps.get(f"{API}/orders/727", body=dump(order()))
    rsps.get(f"{API}/products/22/variations/733", body=dump({**load("variation_733.json"), "stock_quantity": stock}))
    rsps.add_callback(responses.POST, f"{API}/orders", callback=created_reply)
    rsps.post(f"{API}/orders/727/notes", json={"id": 1})
    rsps.post(f"{API}/orders/900/notes", json={"id": 2})


def _posted(rsps: responses.RequestsMock) -> dict[str, Any]:
    return json.loads(
        next(c for c in rsps.calls if c.request.method == "POST" and c.request.url.endswith("/orders")).request.body
    )


def test_fully_covered_exchange_is_paid(adapter: WooCommerceAdapter, rsps: responses.RequestsMock) -> None:
    _stubs(rsps)
    effect = adapter.create_exchange(exchange())
    body = _posted(rsps)
    assert body["parent_id"] == 727 and body["customer_id"] == 26
    assert body["billing"]["email"] == "john.doe@example.com" and body["shipping"]["city"] == "San Francisco"
    assert body["line_items"] == [
        {"quantity": 1, "subtotal": "20.00", "total": "0.00", "product_id": 22, "variation_id": 733}
    ]
    assert body["set_paid"] is True and "status" not in body
    assert meta_value(body["meta_data"], "_returns_connector_exchange_for") == "727"
    assert meta_value(body["meta_data"], "_returns_connector_key") == "ret-1:exchange:1"
    assert effect.kind is ActionKind.EXCHANGE and effect.platform_id == "900"
    assert effect.amount == usd("20.00") and effect.extra["amount_due"] == "0"
    assert effect.extra["refund_due"] == "0.00"
    # our own order.created echo is recognised
    assert adapter.is_own_echo({"id": 900, "date_modified_gmt": "2026-03-15T10:00:00"})


def test_difference_to_pay_leaves_order_pending(adapter: WooCommerceAdapter, rsps: responses.RequestsMock) -> None:
    _stubs(rsps)
    effect = adapter.create_exchange(exchange(credit="15.00", price="20.00"))
    body = _posted(rsps)
    assert body["set_paid"] is False
    assert body["line_items"][0]["total"] == "5.00"
    assert effect.extra["status"] == "pending" and effect.extra["amount_due"] == "5.00"
    assert effect.extra["payment_url"].endswith("/order-pay/900/")
    assert effect.amount == usd("15.00")


def test_credit_above_goods_reports_refund_due(adapter: WooCommerceAdapter, rsps: responses.RequestsMock) -> None:
    _stubs(rsps)
    effect = adapter.create_exchange(exchange(credit="25.00", price="20.00"))
    assert _posted(rsps)["set_paid"] is True
    assert effect.extra["refund_due"] == "5.00" and "refund_due=5.00 USD" in effect.detail
    assert effect.amount == usd("20.00")


def test_out_of_stock_is_refused_before_creating(adapter: WooCommerceAdapter, rsps: responses.RequestsMock) -> None:
    _stubs(rsps, stock=1)
    with pytest.raises(OutOfStock):
        adapter.create_exchange(exchange(qty=2, price="10.00"))
    assert not any(c.request.method == "POST" for c in rsps.calls)


def test_existing_exchange_found_by_parent_and_key(adapter: WooCommerceAdapter, rsps: responses.RequestsMock) -> None:
    mine = {
        **order(),
        "id": 901,
        "number": "901",
        "status": "processing",
        "total": "0.00",
        "meta_data": [
            {"id": 1, "key": "_returns_connector_key", "value": "ret-1:exchange:1"},
            {"id": 2, "key": "_returns_connector_goods", "value": "20.00"},
        ],
    }
    other = {**order(), "id": 902, "meta_data": [{"id": 1, "key": "_returns_connector_key", "value": "other"}]}
    rsps.get(f"{API}/orders", body=dump([other, mine]), headers={"X-WP-TotalPages": "1"})
    post = rsps.post(f"{API}/orders", json={})
    effect = adapter.create_exchange(exchange())
    assert effect.platform_id == "901" and effect.amount == usd("20.00")
    assert post.call_count == 0
    assert "parent=727" in rsps.calls[0].request.url


def test_credit_split_across_lines_adds_up() -> None:
    ins = ExchangeInstruction(
        "k",
        "727",
        "R-1",
        (ExchangeItem("1", 1, usd("10.00")), ExchangeItem("2", 2, usd("5.00")), ExchangeItem("3", 1, usd("3.33"))),
        usd("10.00"),
        "a@b.c",
    )
    body, applied = build_exchange_body(order(), ins)
    discount = sum((usd(li["subtotal"]) - usd(li["total"]) for li in body["line_items"]), usd("0"))
    assert applied == usd("10.00") and discount == usd("10.00")
    assert body["line_items"][0] == {
        "quantity": 1,
        "subtotal": "10.00",
        "total": body["line_items"][0]["total"],
        "product_id": 1,
    }


@pytest.mark.parametrize(
    ("product", "expected"),
    [
        ({"manage_stock": True, "stock_quantity": 4, "stock_status": "instock"}, 4),
        ({"manage_stock": True, "stock_quantity": -2, "stock_status": "outofstock"}, 0),
        ({"manage_stock": False, "stock_quantity": None, "stock_status": "instock"}, None),
        ({"manage_stock": False, "stock_quantity": None, "stock_status": "outofstock"}, 0),
        ({"manage_stock": True, "stock_quantity": 0, "stock_status": "onbackorder", "backorders_allowed": True}, None),
        ({"manage_stock": True, "stock_quantity": 3, "stock_status": "instock", "status": "draft"}, 0),
    ],
)
def test_available_stock(
    adapter: WooCommerceAdapter, rsps: responses.RequestsMock, product: dict[str, Any], expected: int | None
) -> None:
    rsps.get(f"{API}/products/733", body=dump({**load("variation_733.json"), "backorders_allowed": False, **product}))
    assert adapter.available_stock("733") == expected
