"""WooCommerce refund objects into ``ShopRefund``: one made by hand, and ours (marker, key or lines meta)."""

from __future__ import annotations

from connector.domain.money import Money
from platforms.woocommerce.refund_events import shop_refunds

BY_HAND = {
    "id": 77, "date_created_gmt": "2026-03-10T12:00:00", "amount": "24.00", "reason": "Refunded by hand",
    "refunded_payment": True, "meta_data": [],
    "line_items": [{"id": 5, "name": "Tee", "quantity": -2, "total": "-20.00", "total_tax": "-4.00",
                    "meta_data": [{"id": 50, "key": "_refunded_item_id", "value": "12"}]},
                   {"id": 6, "name": "No item id", "quantity": -1, "total": "-1.00", "total_tax": "0.00",
                    "meta_data": []}],
    "shipping_lines": [{"id": 7, "total": "-4.90", "total_tax": "0.00", "meta_data": []}],
}


def test_a_refund_made_by_hand_is_read_with_its_lines_and_shipping() -> None:
    [refund] = shop_refunds("1001", [BY_HAND], "EUR")
    assert refund.refund_id == "77" and refund.order_id == "1001" and refund.amount == Money("24.00", "EUR")
    assert [(ln.order_line_id, ln.quantity, ln.amount) for ln in refund.lines] == [("12", 2, Money("24.00", "EUR"))]
    assert refund.shipping == Money("4.90", "EUR") and not refund.our_keys and refund.platform_return_id is None


def test_ours_carry_their_key_whichever_way_it_was_written() -> None:
    marked = {**BY_HAND, "reason": "Return R1 [rc:refund:R1:1]"}
    keyed = {**BY_HAND, "reason": "", "meta_data": [{"key": "_returns_connector_key", "value": "refund:R2:1"}]}
    lines_only = {**BY_HAND, "reason": "", "meta_data": [{"key": "_returns_connector_lines", "value": "{}"}]}
    found = shop_refunds("1001", [marked, keyed, lines_only, {"id": None}], "EUR")
    assert [r.our_keys for r in found] == [frozenset({"refund:R1:1"}), frozenset({"refund:R2:1"}),
                                           frozenset({"_returns_connector_lines"})]
