"""The tax rate an order's goods were charged, read from WooCommerce's own order figures.

Store credit (a coupon before tax) and exchange orders (a negative fee, taxed like the goods) both need it
to turn an amount the customer paid, tax included, into the net amount WooCommerce wants. One reading for
both, so that a credit and an exchange of the same order agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any


def order_tax_rate(order: Mapping[str, Any]) -> Decimal:
    """The order's goods' rate: its one item-taxing tax line's ``rate_percent`` (WooCommerce 3.7+), else the
    taxed lines' tax over their net total (a blend when several rates apply; compound rates are not handled,
    and what the store computes from it is read back); 0 for an untaxed order."""
    item_taxed = [
        t for t in order.get("tax_lines") or () if isinstance(t, Mapping) and decimal_of(t.get("tax_total")) != 0
    ]
    if len(item_taxed) == 1 and item_taxed[0].get("rate_percent") not in (None, ""):
        return decimal_of(item_taxed[0].get("rate_percent")) / 100
    lines = [line for line in order.get("line_items") or () if isinstance(line, Mapping)]
    taxed = [line for line in lines if decimal_of(line.get("total_tax"))]
    net = sum((decimal_of(line.get("total")) for line in taxed), Decimal(0))
    tax = sum((decimal_of(line.get("total_tax")) for line in taxed), Decimal(0))
    return tax / net if net > 0 else Decimal(0)


def decimal_of(value: Any) -> Decimal:
    """A WooCommerce amount (a string, a number or empty) as a Decimal; what cannot be read counts as 0."""
    try:
        return Decimal(str(value)) if value not in (None, "") else Decimal(0)
    except InvalidOperation:
        return Decimal(0)
