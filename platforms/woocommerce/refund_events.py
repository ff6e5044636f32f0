"""WooCommerce refund objects (``GET orders/<id>/refunds``) as platform-neutral ``ShopRefund`` values.

A refund the merchant makes on the order screen has no marker of ours; ours carry ``[rc:<key>]`` in the
reason, the key in ``_returns_connector_key`` and the returned units in ``_returns_connector_lines``. Woo
refund line items have negative quantities and totals and name the order item in ``_refunded_item_id``. The
refund object does not say whether stock went back (``api_restock`` is write-only), so ``restocked`` is False.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from connector.domain.money import Money
from connector.domain.shop_refunds import RefundedLine, ShopRefund
from platforms.woocommerce.mapping import money, parse_gmt, refunded_items, to_int
from platforms.woocommerce.markers import KEY_META, LINES_META, markers_in, meta_value


def our_keys(refund: Mapping[str, Any]) -> frozenset[str]:
    keys = set(markers_in(refund.get("reason") if isinstance(refund.get("reason"), str) else None))
    stored = meta_value(refund.get("meta_data"), KEY_META)
    if isinstance(stored, str) and stored:
        keys.add(stored)
    if not keys and meta_value(refund.get("meta_data"), LINES_META) is not None:
        keys.add(LINES_META)  # ours, from a version that wrote no key
    return frozenset(keys)


def shop_refund(order_id: str, refund: Mapping[str, Any], currency: str) -> ShopRefund:
    lines = []
    for original, item in refunded_items(refund):
        total = abs(money(item.get("total"), currency).amount) + abs(money(item.get("total_tax"), currency).amount)
        lines.append(RefundedLine(original, abs(to_int(item.get("quantity"))), Money(total, currency), False))
    shipping = [s for s in refund.get("shipping_lines") or [] if isinstance(s, Mapping)]
    return ShopRefund(
        refund_id=str(refund.get("id")),
        order_id=str(order_id),
        amount=money(refund.get("amount"), currency),
        lines=tuple(lines),
        shipping=Money.sum((Money(abs(money(s.get("total"), currency).amount), currency) for s in shipping), currency)
        if shipping else None,
        our_keys=our_keys(refund),
        note=str(refund.get("reason") or ""),
        created_at=parse_gmt(refund.get("date_created_gmt")),
    )


def shop_refunds(order_id: str, refunds: Iterable[Mapping[str, Any]], currency: str) -> list[ShopRefund]:
    return [shop_refund(order_id, r, currency) for r in refunds if isinstance(r, Mapping) and r.get("id")]
