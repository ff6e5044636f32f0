"""Exchange orders: the replacement at its own price, the credit as a fee line, the difference, stock, lookup."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

import pytest
import responses

from connector.domain.actions import ActionKind, ExchangeInstruction, ExchangeItem
from connector.domain.money import Money
from platforms.woocommerce.adapter import WooCommerceAdapter
from platforms.woocommerce.adapter.exchanges import OutOfStock
from platforms.woocommerce.exchange_order import build_exchange_body, credit_fee_net
from platforms.woocommerce.mapping import order_from_woo
from platforms.woocommerce.markers import meta_value
from platforms.woocommerce.tax_rate import order_tax_rate
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


def created_reply(total: str) -> Any:
    """WooCommerce's answer to ``POST orders``: ``total`` is what it computed (prices and tax are its own)."""

    def reply(request: Any) -> tuple[int, dict[str, str], str]:
        body = json.loads(request.body)
        made = {
            **order(),
            "id": 900,
            "number": "900",
            "parent_id": body["parent_id"],
            "status": "processing" if body["set_paid"] else "pending",
            "total": total,
            "meta_data": [{"id": i, **m} for i, m in enumerate(body["meta_data"])],
            "date_modified_gmt": "2026-03-15T10:00:00",
            "payment_url": "https://shop.example/checkout/order-pay/900/",
        }
        return 201, {}, json.dumps(made, default=str)

    return reply


def _stubs(rsps: responses.RequestsMock, stock: int | None = 4, total: str = "0.00") -> None:
    rsps.get(f"{API}/orders", json=[], headers={"X-WP-TotalPages": "1"})
    rsps.get(f"{API}/orders/727", body=dump(order()))
    rsps.get(f"{API}/products/22/variations/733", body=dump({**load("variation_733.json"), "stock_quantity": stock}))
    rsps.add_callback(responses.POST, f"{API}/orders", callback=created_reply(total))
    rsps.get(f"{API}/settings/tax/woocommerce_prices_include_tax", json={"value": "no"})
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
    # the replacement at its own price: WooCommerce prices and taxes it (no made-up subtotal/total)
    assert body["line_items"] == [{"quantity": 1, "product_id": 22, "variation_id": 733}]
    # the whole credit: WooCommerce caps it at the goods' net and takes their tax with it -> total 0
    assert body["fee_lines"] == [{"name": "Returned goods (order #727)", "total": "-20.00", "tax_status": "taxable"}]
    assert body["set_paid"] is True and "status" not in body
    assert meta_value(body["meta_data"], "_returns_connector_exchange_for") == "727"
    assert meta_value(body["meta_data"], "_returns_connector_key") == "ret-1:exchange:1"
    assert meta_value(body["meta_data"], "_returns_connector_goods") == "20.00"
    assert meta_value(body["meta_data"], "_returns_connector_credit") == "20.00"
    assert effect.kind is ActionKind.EXCHANGE and effect.platform_id == "900"
    assert effect.amount == usd("20.00") and effect.extra["amount_due"] == "0"
    assert effect.extra["refund_due"] == "0.00"
    # our own order.created echo is recognised
    assert adapter.is_own_echo({"id": 900, "date_modified_gmt": "2026-03-15T10:00:00"})


def test_difference_to_pay_leaves_order_pending(adapter: WooCommerceAdapter, rsps: responses.RequestsMock) -> None:
    _stubs(rsps, total="5.00")
    effect = adapter.create_exchange(exchange(credit="15.00", price="20.00"))
    body = _posted(rsps)
    assert body["set_paid"] is False
    assert body["line_items"] == [{"quantity": 1, "product_id": 22, "variation_id": 733}]
    # order 727 is taxed at 7.5 %: a 13.953488 net fee carries -1.05 tax, so the credit is exactly 15.00
    assert body["fee_lines"][0]["total"] == "-13.953488"
    assert effect.extra["status"] == "pending" and effect.extra["amount_due"] == "5.00"
    assert effect.extra["payment_url"].endswith("/order-pay/900/")
    assert effect.amount == usd("15.00")


def test_credit_above_goods_reports_refund_due(adapter: WooCommerceAdapter, rsps: responses.RequestsMock) -> None:
    _stubs(rsps)
    effect = adapter.create_exchange(exchange(credit="25.00", price="20.00"))
    body = _posted(rsps)
    assert body["set_paid"] is True and body["fee_lines"][0]["total"] == "-20.00"  # only the goods' value
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


def test_several_replacements_share_one_credit_line() -> None:
    ins = ExchangeInstruction(
        "k",
        "727",
        "R-1",
        (ExchangeItem("1", 1, usd("10.00")), ExchangeItem("2", 2, usd("5.00")), ExchangeItem("3", 1, usd("3.33"))),
        usd("10.00"),
        "a@b.c",
    )
    body, applied = build_exchange_body(order(), ins)
    assert applied == usd("10.00") and body["set_paid"] is False
    assert body["line_items"] == [
        {"quantity": 1, "product_id": 1},
        {"quantity": 2, "product_id": 2},
        {"quantity": 1, "product_id": 3},
    ]
    assert [fee["total"] for fee in body["fee_lines"]] == ["-9.302326"]  # 9.30 + 0.70 tax at 7.5 % = 10.00
    assert meta_value(body["meta_data"], "_returns_connector_goods") == "23.33"


def test_prices_with_tax_are_sent_net_of_the_addresses_rate() -> None:
    """Where prices include tax, ``POST /orders`` would take the base country's tax out; the checkout keeps
    the price for every address, so the line goes net of the order's own rate (7.5 %): 20.00 incl. tax."""
    body, _ = build_exchange_body(order(), exchange(credit="5.00"), prices_include_tax=True)
    assert body["line_items"] == [
        {"quantity": 1, "subtotal": "18.604651", "total": "18.604651", "product_id": 22, "variation_id": 733}
    ]


@pytest.mark.parametrize("tax_rounding", [ROUND_HALF_UP, ROUND_HALF_DOWN])  # prices excl. / incl. tax
def test_credit_fee_makes_the_order_total_exactly_price_less_credit(tax_rounding: str) -> None:
    """WooCommerce's arithmetic (``calculate_totals``: item and fee taxes rounded each, the total once) on
    the fee we send: the customer owes the price incl. tax less the credit, to the cent, for every credit."""
    cent = Decimal("0.01")
    for rate in (Decimal("0.0725"), Decimal("0.08875"), Decimal("0.19"), Decimal("0.22")):
        for net_goods in (Decimal("25.00"), Decimal("93.24"), Decimal("131.13")):
            goods_tax = (net_goods * rate).quantize(cent, tax_rounding)
            price = net_goods + goods_tax
            for cents in range(100, int(price * 100), 7):
                credit = Money.from_minor(cents, "USD")
                fee = -credit_fee_net(credit, rate)
                fee_tax = (fee * rate).quantize(cent, tax_rounding)
                total = (net_goods + goods_tax + fee + fee_tax).quantize(cent, ROUND_HALF_UP)
                assert total == price - credit.amount, (rate, net_goods, credit)


def test_tax_rate_of_prefers_the_rate_the_store_reports() -> None:
    assert order_tax_rate(order()) == Decimal("0.075")  # no rate_percent: the taxed lines' tax over their net
    reported = {**order(), "tax_lines": [{"rate_id": 1, "rate_percent": 7.25, "tax_total": "1.81"}]}
    assert order_tax_rate(reported) == Decimal("0.0725")
    assert order_tax_rate({"line_items": [{"total": "10.00", "total_tax": "0.00"}]}) == 0


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


@pytest.mark.parametrize(("prices_include_tax", "expected"), [("no", "21.50"), ("yes", "20.00")])
def test_variant_price_is_what_the_customer_pays(
    adapter: WooCommerceAdapter, rsps: responses.RequestsMock, prices_include_tax: str, expected: str
) -> None:
    """A price entered without tax gets the tax of the order's address (7.5 % on order 727), so the return
    compares it with what was paid, tax included; the exchange order then shows the same figure."""
    rsps.get(f"{API}/products/22/variations/733", body=dump(load("variation_733.json")))
    rsps.get(f"{API}/settings/general/woocommerce_currency", json={"id": "woocommerce_currency", "value": "USD"})
    rsps.get(f"{API}/settings/tax/woocommerce_prices_include_tax",
             json={"id": "woocommerce_prices_include_tax", "value": prices_include_tax})  # fmt: skip
    rsps.get(f"{API}/orders/727", body=dump(order()))
    mapped = order_from_woo(order(), shop_id="shop-1")
    assert adapter.variant_price("733", mapped, "22") == usd(expected)
