"""``refunds/create`` bodies (the REST Refund resource) as a platform-neutral ``ShopRefund``.

The body is the same whether our ``returnProcess``/``refundCreate`` made the refund or a merchant refunded the
order in Shopify's admin. Ours carry our marker (``[rc:<key>]``) in the note; a refund made while processing
a return names it in ``return`` (``{id, admin_graphql_api_id}``, null otherwise). Amounts are read in the
presentment currency (``*_set.presentment_money``) when the body has it, as our returns are.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

from connector.domain.money import Money
from connector.domain.shop_refunds import RefundedLine, ShopRefund
from platforms.shopify import mapping

_OUR_KEY: Final = re.compile(r"\[" + re.escape(mapping.OUR_MARKER_PREFIX) + r"([^\]\s]+)\]")
_RESTOCKING: Final = frozenset({"return", "cancel", "legacy_restock"})


def our_keys(note: Any) -> frozenset[str]:
    return frozenset(_OUR_KEY.findall(note)) if isinstance(note, str) else frozenset()


def _presentment(node: Mapping[str, Any], plain: str, set_key: str) -> tuple[Decimal, str | None]:
    money_set = node.get(set_key)
    if isinstance(money_set, Mapping):
        shown = money_set.get("presentment_money") or money_set.get("shop_money") or {}
        if isinstance(shown, Mapping) and shown.get("amount") is not None:
            return mapping.amount_of(shown["amount"]), shown.get("currency_code") or shown.get("currency")
    value = node.get(plain)
    return (mapping.amount_of(value) if value is not None else Decimal(0)), None


def _currency(payload: Mapping[str, Any]) -> str | None:
    """The refund's currency: from its transactions, else from any money set in the body."""
    for txn in payload.get("transactions") or []:
        if isinstance(txn, Mapping) and isinstance(txn.get("currency"), str) and txn["currency"]:
            return str(txn["currency"])
    for item in payload.get("refund_line_items") or []:
        for key in ("subtotal_set", "total_tax_set"):
            _amount, found = _presentment(item, "", key) if isinstance(item, Mapping) else (Decimal(0), None)
            if found:
                return found
    return None


def _successful_refunds(payload: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [
        t for t in payload.get("transactions") or []
        if isinstance(t, Mapping) and str(t.get("kind") or "").lower() == "refund"
        and str(t.get("status") or "success").lower() == "success"
    ]


def shop_refund(payload: Mapping[str, Any], currency: str | None = None) -> ShopRefund | None:
    """None when the body names no order or no currency can be told (then the order is simply re-read)."""
    currency = _currency(payload) or currency
    if not currency or payload.get("order_id") is None:
        return None
    amount = Money.sum((Money(mapping.amount_of(t.get("amount")), currency) for t in _successful_refunds(payload)),
                       currency)
    restock_all = payload.get("restock") is True
    lines = []
    for item in payload.get("refund_line_items") or []:
        if not isinstance(item, Mapping) or item.get("line_item_id") is None:
            continue
        subtotal, _ = _presentment(item, "subtotal", "subtotal_set")
        tax, _ = _presentment(item, "total_tax", "total_tax_set")
        restock_type = str(item.get("restock_type") or "").lower()
        lines.append(RefundedLine(
            order_line_id=mapping.gid("LineItem", item["line_item_id"]),
            quantity=int(item.get("quantity") or 0),
            amount=Money(subtotal + tax, currency),
            restocked=restock_type in _RESTOCKING or (restock_all and not restock_type),
        ))
    adjustments = [a for a in payload.get("order_adjustments") or [] if isinstance(a, Mapping)]
    adjustment = Money.sum((Money(_presentment(a, "amount", "amount_set")[0], currency) for a in adjustments),
                           currency) if adjustments else None
    shipping_lines = [s for s in payload.get("refund_shipping_lines") or [] if isinstance(s, Mapping)]
    shipping = Money.sum(
        (Money(_presentment(s, "subtotal_amount", "subtotal_amount_set")[0], currency) for s in shipping_lines),
        currency,
    ) if shipping_lines else None
    returned = payload.get("return")
    return_id = mapping.gid("Return", returned["id"]) if isinstance(returned, Mapping) and returned.get("id") else None
    if isinstance(returned, Mapping) and returned.get("admin_graphql_api_id"):
        return_id = str(returned["admin_graphql_api_id"])
    return ShopRefund(
        refund_id=str(payload.get("admin_graphql_api_id") or mapping.gid("Refund", payload["id"])),
        order_id=mapping.gid("Order", payload["order_id"]),
        amount=amount,
        lines=tuple(lines),
        platform_return_id=return_id,
        adjustment=adjustment,
        shipping=shipping,
        our_keys=our_keys(payload.get("note")),
        note=str(payload.get("note") or ""),
        created_at=mapping.parse_time(payload.get("processed_at") or payload.get("created_at")),
    )


def return_shipping_fee(payload: Mapping[str, Any]) -> tuple[Decimal, str | None] | None:
    """The customer's return shipping fee on a ``returns/*`` body (``return_shipping_fees[].price``), if any."""
    fees = [f for f in payload.get("return_shipping_fees") or [] if isinstance(f, Mapping)]
    if not fees:
        return None
    total = Decimal(0)
    currency: str | None = None
    for fee in fees:
        price = fee.get("price")
        amount, code = _presentment({"price": price}, "price", "price") if isinstance(price, Mapping) else (
            mapping.amount_of(price), None)
        total += amount
        currency = currency or code
    return total, currency
