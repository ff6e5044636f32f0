"""Webhook bodies in Shopify's REST-style snake_case shapes (shopify.md sections 4 and 8)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sandboxes.shopify.state import (
    SHOP_ID,
    OrderState,
    RefundState,
    ReturnState,
    Shop,
    customer_id_for,
    gid,
)
from sandboxes.shopify.views import fulfillment_status


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _money(amount: Decimal) -> str:
    return str(amount)


def _number(amount: Decimal) -> float:
    """The few amounts Shopify's REST bodies carry as JSON numbers (a refund line's ``subtotal``, ``total_tax``);
    two-decimal amounts survive the float exactly as far as JSON's shortest repr goes."""
    return float(amount)


def _money_bag(amount: Decimal, currency: str) -> dict[str, Any]:
    """A REST ``MoneyBag``; the sandbox keeps a return's money in the order's currency on both sides."""
    side = {"amount": _money(amount), "currency_code": currency}
    return {"shop_money": side, "presentment_money": dict(side)}


def return_payload(shop: Shop, ret: ReturnState) -> dict[str, Any]:
    order_id = shop.line_item_id(ret.order_index, 0) // 10
    placed = shop.order(ret.order_index)
    currency = placed.currency if placed is not None else shop.currency
    lines = []
    for line_id in ret.lines:
        rl = shop.return_lines[line_id]
        line_item_id = shop.line_item_id(rl.order_index, rl.line_index)
        lines.append({
            "id": rl.id, "admin_graphql_api_id": gid("ReturnLineItem", rl.id), "quantity": rl.quantity,
            "return_reason": rl.reason.lower(), "return_reason_note": rl.reason_note,
            "customer_note": rl.customer_note,
            "fulfillment_line_item": {
                "id": rl.fulfillment_line_item_id,
                "admin_graphql_api_id": gid("FulfillmentLineItem", rl.fulfillment_line_item_id),
                "line_item": {"id": line_item_id, "admin_graphql_api_id": gid("LineItem", line_item_id)},
            },
        })  # fmt: skip
    exchanges = [
        {"id": el.id, "admin_graphql_api_id": gid("ExchangeLineItem", el.id), "quantity": el.quantity,
         "variant_id": el.variant_id}
        for el in (shop.exchange_lines[i] for i in ret.exchange_lines)
    ]  # fmt: skip
    body: dict[str, Any] = {
        "id": ret.id,
        "admin_graphql_api_id": gid("Return", ret.id),
        "name": ret.name,
        "status": ret.status.lower(),
        "order": {"id": order_id, "admin_graphql_api_id": gid("Order", order_id)},
        "total_return_line_items": len(lines),
        "return_line_items": lines,
        "exchange_line_items": exchanges,
        "total_exchange_line_items": len(exchanges),
        "return_shipping_fees": (
            [{"id": ret.id, "price": _money_bag(ret.shipping_fee, currency)}] if ret.shipping_fee is not None else []
        ),
    }  # fmt: skip
    if ret.status == "DECLINED":
        body["decline"] = {"reason": (ret.decline_reason or "").lower(), "note": ret.decline_note}
    return body


def refund_payload(shop: Shop, refund: RefundState) -> dict[str, Any]:
    order = shop.order(refund.order_index)
    assert order is not None
    return {
        "id": refund.id,
        "admin_graphql_api_id": gid("Refund", refund.id),
        "order_id": order.id,
        "created_at": _iso(refund.created_at),
        "processed_at": _iso(refund.created_at),
        "note": refund.note,
        "restock": any(rl.restocked for rl in refund.lines),
        "refund_line_items": [
            {"id": refund.id * 10 + i, "line_item_id": shop.line_item_id(order.index, rl.line_index),
             "quantity": rl.quantity, "restock_type": rl.restock_type.lower(), "subtotal": _number(rl.subtotal),
             "total_tax": _number(rl.tax), "location_id": None}
            for i, rl in enumerate(refund.lines)
        ],
        "transactions": [
            {"id": t.id, "admin_graphql_api_id": gid("OrderTransaction", t.id), "order_id": order.id,
             "kind": t.kind.lower(), "status": t.status.lower(), "gateway": t.gateway, "amount": _money(t.amount),
             "currency": order.currency, "parent_id": t.parent_id, "created_at": _iso(t.created_at)}
            for t in refund.transactions
        ],
        "order_adjustments": [],
        "return": {"id": refund.return_id, "admin_graphql_api_id": gid("Return", refund.return_id)}
        if refund.return_id else None,
    }  # fmt: skip


def order_payload(shop: Shop, order: OrderState) -> dict[str, Any]:
    seed = order.seed
    status = fulfillment_status(order)
    customer_id = customer_id_for(seed.email)
    return {
        "id": order.id,
        "admin_graphql_api_id": gid("Order", order.id),
        "name": f"#{seed.number}",
        "order_number": seed.number,
        "email": seed.email,
        "created_at": _iso(seed.created_at),
        "updated_at": _iso(order.updated_at),
        "processed_at": _iso(seed.created_at),
        "cancelled_at": None,
        "currency": seed.currency,
        "presentment_currency": seed.currency,
        "financial_status": "partially_refunded" if order.refunds else "paid",
        "fulfillment_status": {"FULFILLED": "fulfilled", "PARTIALLY_FULFILLED": "partial"}.get(status),
        "tags": ", ".join(order.tags),
        "note_attributes": [],
        "taxes_included": seed.taxes_included,
        "test": False,
        "total_price": _money(order.total()),
        "subtotal_price": _money(order.subtotal()),
        "total_tax": _money(order.total_tax()),
        "total_discounts": _money(order.total_discounts()),
        "discount_codes": [{"code": seed.discount_code, "type": "percentage"}] if seed.discount_code else [],
        "customer": {"id": customer_id, "admin_graphql_api_id": gid("Customer", customer_id), "email": seed.email,
                     "first_name": seed.first_name, "last_name": seed.last_name},
        "shipping_address": {"first_name": seed.first_name, "last_name": seed.last_name,
                             "country_code": seed.country},
        "line_items": [_line(shop, order, j) for j in range(len(order.lines))],
        "fulfillments": [
            {"id": f.id, "admin_graphql_api_id": gid("Fulfillment", f.id), "created_at": _iso(f.created_at),
             "status": "success", "shipment_status": "delivered" if f.delivered_at else None,
             "line_items": [_line(shop, order, j) | {"quantity": q} for j, q in sorted(f.quantities.items())]}
            for f in order.fulfillments
        ],
        "refunds": [refund_payload(shop, shop.refunds[r]) for r in order.refunds],
    }  # fmt: skip


def _line(shop: Shop, order: OrderState, j: int) -> dict[str, Any]:
    line = order.lines[j]
    product = shop.catalogue[line.product_key - 1]
    variant = product.variants[line.variant_index]
    line_id = shop.line_item_id(order.index, j)
    remaining = line.quantity - line.refunded - order.fulfilled(j)
    return {
        "id": line_id, "admin_graphql_api_id": gid("LineItem", line_id),
        "variant_id": shop.variant_id(product.key, line.variant_index), "product_id": shop.product_id(product.key),
        "sku": variant.sku, "title": product.title, "variant_title": variant.title, "quantity": line.quantity,
        "current_quantity": line.quantity - line.refunded, "fulfillable_quantity": max(0, remaining),
        "fulfillment_status": "fulfilled" if order.fulfilled(j) >= line.quantity else None,
        "price": _money(line.unit_price), "total_discount": _money(line.discount), "properties": [],
        "gift_card": False,
        "discount_allocations": [{"amount": _money(line.discount)}] if line.discount else [],
        "tax_lines": [{"rate": float(line.tax_rate), "price": _money(line.tax), "title": "Tax"}],
    }  # fmt: skip


def shop_payload(shop: Shop) -> dict[str, Any]:
    return {"id": SHOP_ID, "name": shop.name, "domain": shop.domain, "myshopify_domain": shop.domain,
            "currency": shop.currency, "email": f"owner@{shop.domain}"}  # fmt: skip


def compliance_payload(shop: Shop, topic: str, order: OrderState | None) -> dict[str, Any]:
    """customers/data_request, customers/redact, shop/redact (keys as in Shopify's privacy-law docs)."""
    body: dict[str, Any] = {"shop_id": SHOP_ID, "shop_domain": shop.domain}
    if topic == "shop/redact" or order is None:
        return body
    seed = order.seed
    customer = {"id": customer_id_for(seed.email), "email": seed.email, "phone": None}
    body["customer"] = customer
    if topic == "customers/redact":
        body["orders_to_redact"] = [order.id]
    else:
        body["orders_requested"] = [order.id]
        body["data_request"] = {"id": order.id % 100_000}
    return body
