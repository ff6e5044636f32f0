"""Order JSON -> Order: variations, discounts, taxes, shipping, statuses, dates, currencies."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from connector.domain.money import Money
from platforms.woocommerce.mapping import (
    MappingError,
    delivered_at_from_meta,
    order_from_woo,
    parse_gmt,
    returned_quantities,
)
from tests.woocommerce.conftest import load, order


def usd(x: str) -> Money:
    return Money(x, "USD")


def test_lines_variations_discounts_and_taxes() -> None:
    mapped = order_from_woo(order(), shop_id="shop-1")
    assert [line.id for line in mapped.lines] == ["315", "316", "317"]
    simple, variation, _socks = mapped.lines
    assert simple.variant_id == "93" and simple.product_id == "93"
    assert variation.variant_id == "23" and variation.product_id == "22"
    assert variation.variant_title == "Blue / L"  # attribute meta, private _reduced_stock left out
    assert variation.sku == "SHIP-BLUE-L" and simple.sku is None
    assert variation.unit_price == usd("20.00")
    assert variation.discount == usd("2.00")  # subtotal - total
    assert variation.tax == usd("1.35")
    assert not variation.taxes_included
    assert variation.paid_total == usd("19.35")  # total + total_tax
    assert variation.platform_ids["item_id"] == "316"


def test_a_variation_is_titled_by_its_product_with_the_variant_apart() -> None:
    """WooCommerce names a variation's line "Product - Blue, L" and gives its attributes as meta as well: titled
    by that name, the portal showed "Ship Your Idea - Blue, L (Blue / L)". The product's name (``parent_name``)
    is the title, as on Shopify; a simple product, which has no parent, keeps its own name."""
    raw = order()
    raw["line_items"][1]["parent_name"] = "Ship Your Idea"
    raw["line_items"][0]["parent_name"] = None
    simple, variation, _socks = order_from_woo(raw, shop_id="s").lines
    assert (variation.title, variation.variant_title) == ("Ship Your Idea", "Blue / L")
    assert simple.title == raw["line_items"][0]["name"]


def test_unit_price_rounding_never_changes_what_was_paid() -> None:
    socks = order_from_woo(order(), shop_id="s").line("317")
    assert socks.unit_price == usd("3.34")  # 10.00 / 3 rounded up
    assert socks.discount == usd("0.02")
    assert socks.paid_total == usd("10.00")


def test_order_totals_match_woo_total() -> None:
    raw = order()
    mapped = order_from_woo(raw, shop_id="s")
    assert mapped.shipping_total == usd("10.00")
    assert mapped.total_paid == Money(raw["total"], "USD")


def test_prices_include_tax_gives_gross_lines() -> None:
    raw = order(prices_include_tax=True, currency="EUR")
    raw["line_items"] = [
        {
            "id": 1,
            "name": "Shirt",
            "product_id": 5,
            "variation_id": 0,
            "quantity": 1,
            "subtotal": "16.67",
            "subtotal_tax": "3.33",
            "total": "15.00",
            "total_tax": "3.00",
            "taxes": [{"id": 1, "total": "3.00", "subtotal": "3.33"}],
            "meta_data": [],
            "sku": "",
            "price": 16.67,
        }
    ]
    line = order_from_woo(raw, shop_id="s").lines[0]
    assert line.taxes_included
    assert line.unit_price == Money("20.00", "EUR")
    assert line.discount == Money("2.00", "EUR")
    assert line.tax == Money("3.00", "EUR")
    assert line.paid_total == Money("18.00", "EUR")


def test_jpy_has_no_minor_unit() -> None:
    raw = order(currency="JPY", total="4500")
    raw["line_items"] = [
        {
            "id": 9,
            "name": "Tea",
            "product_id": 7,
            "variation_id": 0,
            "quantity": 3,
            "subtotal": "4500",
            "subtotal_tax": "0",
            "total": "4000",
            "total_tax": "0",
            "taxes": [],
            "meta_data": [],
            "sku": "",
            "price": 1500,
        }
    ]
    raw["shipping_lines"] = [{"id": 10, "method_id": "flat_rate", "total": "500", "total_tax": "0", "taxes": []}]
    mapped = order_from_woo(raw, shop_id="s")
    line = mapped.lines[0]
    assert line.unit_price == Money(1500, "JPY") and line.unit_price.amount == Decimal("1500")
    assert line.discount == Money(500, "JPY")
    assert mapped.total_paid == Money(4500, "JPY")


def test_unknown_plugin_status_is_kept_and_not_fulfilled() -> None:
    mapped = order_from_woo(order(status="awaiting-pickup", date_completed_gmt=None), shop_id="s")
    assert mapped.status == "awaiting-pickup"
    assert all(line.quantity_fulfilled == 0 for line in mapped.lines)
    assert mapped.platform_ids["status"] == "awaiting-pickup"


def test_shipped_plugin_status_counts_as_fulfilled() -> None:
    mapped = order_from_woo(order(status="shipped", date_completed_gmt=None), shop_id="s")
    assert all(line.quantity_fulfilled == line.quantity_ordered for line in mapped.lines)
    assert all(line.fulfilled_at is None for line in mapped.lines)


def test_processing_order_is_not_fulfilled() -> None:
    mapped = order_from_woo(order(status="processing", date_completed_gmt=None), shop_id="s")
    assert [line.returnable_quantity for line in mapped.lines] == [0, 0, 0]


def test_dates_are_utc_and_completion_is_fulfilment() -> None:
    mapped = order_from_woo(order(), shop_id="s")
    assert mapped.created_at == datetime(2026, 3, 2, 10, 15, tzinfo=UTC)  # the _gmt field, not site time
    assert mapped.updated_at == datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
    assert mapped.lines[0].fulfilled_at == datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
    assert mapped.delivered_at == datetime(2026, 3, 7, 14, 30, tzinfo=UTC)


def test_parse_gmt_variants() -> None:
    assert parse_gmt("2026-03-02T10:15:00") == datetime(2026, 3, 2, 10, 15, tzinfo=UTC)
    assert parse_gmt("2026-03-02T12:15:00+02:00") == datetime(2026, 3, 2, 10, 15, tzinfo=UTC)
    assert parse_gmt("2026-03-02T10:15:00Z") == datetime(2026, 3, 2, 10, 15, tzinfo=UTC)
    assert parse_gmt(None) is None and parse_gmt("") is None and parse_gmt("yesterday") is None


def test_delivery_needs_every_parcel_delivered() -> None:
    meta = [
        {
            "key": "shipment_status",
            "value": [
                {"status": "delivered", "status_date": "2026-03-07 14:30:00"},
                {"status": "in_transit", "status_date": "2026-03-06 08:00:00"},
            ],
        }
    ]
    assert delivered_at_from_meta(meta) is None
    own = [{"key": "_returns_connector_delivered_at", "value": "2026-03-09T08:00:00Z"}]
    assert delivered_at_from_meta(own) == datetime(2026, 3, 9, 8, tzinfo=UTC)
    assert delivered_at_from_meta([]) is None


def test_no_tracking_meta_means_no_delivery_date() -> None:
    mapped = order_from_woo(order(meta_data=[]), shop_id="s")
    assert mapped.delivered_at is None


def test_refunds_become_returned_quantities() -> None:
    refund = load("refund_726.json")
    mapped = order_from_woo(order(refunds=[{"id": 726, "reason": "", "total": "-3.22"}]), shop_id="s", refunds=[refund])
    assert mapped.line("315").quantity_returned == 1
    assert mapped.line("315").returnable_quantity == 1
    assert mapped.financial_status == "partially_refunded"


def test_shipping_refunded_by_anyone_is_read_from_the_refunds() -> None:
    """The shape a real WooCommerce 10.0.2 refund has when it refunds shipping: negative total and tax on the
    refund's own ``shipping_lines`` (the order's ``refunds[]`` summary carries no breakdown)."""
    shipping = {**load("refund_726.json"), "id": 900, "amount": "5.36",
                "shipping_lines": [{"id": 901, "method_title": "Flat rate", "total": "-5.00", "total_tax": "-0.36",
                                    "meta_data": [{"key": "_refunded_item_id", "value": "319"}]}]}
    mapped = order_from_woo(order(), shop_id="s", refunds=[load("refund_726.json"), shipping])
    assert mapped.shipping_refunded == usd("5.36")
    assert order_from_woo(order(), shop_id="s", refunds=[load("refund_726.json")]).shipping_refunded == usd("0.00")
    assert order_from_woo(order(), shop_id="s").shipping_refunded is None  # refunds not read: the shop did not say


def test_a_restock_only_refund_does_not_make_the_order_partly_refunded() -> None:
    """The 0.00 refund that puts returned goods back in stock (shown as ``"-0.00"`` in the order's summary on a
    real store) refunds no money: the order stays paid, so later returns are not sent to review for it."""
    assert order_from_woo(order(refunds=[{"id": 9, "reason": "restock", "total": "-0.00"}]),
                          shop_id="s").financial_status == "paid"
    assert order_from_woo(order(refunds=[{"id": 9, "reason": "restock", "total": "-0.00"},
                                         {"id": 10, "reason": "", "total": "-3.22"}]),
                          shop_id="s").financial_status == "partially_refunded"


def test_our_refund_meta_counts_units_sent_without_quantity() -> None:
    ours = {
        "id": 800,
        "amount": "20.00",
        "line_items": [],
        "meta_data": [{"key": "_returns_connector_lines", "value": '{"316": 1, "317": 2}'}],
    }
    assert returned_quantities([ours, load("refund_726.json")]) == {"316": 1, "317": 2, "315": 1}


def test_customer_guest_and_registered() -> None:
    assert order_from_woo(order(), shop_id="s").customer.id == "26"  # type: ignore[union-attr]
    guest = order_from_woo(order(customer_id=0), shop_id="s")
    assert guest.customer is not None and guest.customer.id is None
    assert guest.email == "john.doe@example.com"


def test_unreadable_orders_raise_mapping_error() -> None:
    with pytest.raises(MappingError):
        order_from_woo(order(currency=""), shop_id="s")
    with pytest.raises(MappingError):
        order_from_woo(order(date_created_gmt=None), shop_id="s")


def test_float_amounts_are_refused() -> None:
    raw = order()
    raw["line_items"][0]["total"] = 6.0
    with pytest.raises(TypeError):
        order_from_woo(raw, shop_id="s")
