"""JSON-safe encoding of domain values for the store: amounts as strings, times as ISO 8601 UTC."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from datetime import datetime
from typing import Any, Final

from connector.domain.money import Money
from connector.domain.orders import Customer, Order, OrderLine
from connector.domain.reasons import ReasonCode
from connector.domain.resolutions import LineAmounts, Resolution, ResolutionKind, ReturnAmounts, ReturnFees
from connector.domain.shipping import PostalAddress

JsonDict = dict[str, Any]

REASON_BITS: Final[dict[ReasonCode, int]] = {
    ReasonCode.SIZE_TOO_SMALL: 1 << 0,
    ReasonCode.SIZE_TOO_LARGE: 1 << 1,
    ReasonCode.COLOUR: 1 << 2,
    ReasonCode.STYLE: 1 << 3,
    ReasonCode.NOT_AS_DESCRIBED: 1 << 4,
    ReasonCode.DEFECTIVE: 1 << 5,
    ReasonCode.DAMAGED_IN_TRANSIT: 1 << 6,
    ReasonCode.WRONG_ITEM: 1 << 7,
    ReasonCode.UNWANTED: 1 << 8,
    ReasonCode.ARRIVED_LATE: 1 << 9,
    ReasonCode.OTHER: 1 << 10,
}
"""A return's reasons as one integer (``returns.reason_bits``), so the queue filters on a reason without joining
its lines. Stored: a code's bit never changes; a new code takes the next one (migration 0014 fills the column)."""


def reason_bits(reasons: Iterable[ReasonCode]) -> int:
    found = 0
    for reason in reasons:
        found |= REASON_BITS[reason]
    return found


def money_to_json(value: Money) -> JsonDict:
    return {"amount": str(value.amount), "currency": value.currency}


def money_from_json(data: JsonDict) -> Money:
    return Money(data["amount"], data["currency"])


def _opt_money(data: JsonDict | None) -> Money | None:
    return None if data is None else money_from_json(data)


def _json_or_none(value: Money | None) -> JsonDict | None:
    return None if value is None else money_to_json(value)


def time_to_json(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def time_from_json(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def resolution_to_json(value: Resolution) -> JsonDict:
    return {
        "kind": value.kind.value,
        "bonus": None if value.bonus is None else money_to_json(value.bonus),
        "exchange_variant_id": value.exchange_variant_id,
        "exchange_product_id": value.exchange_product_id,
        "exchange_price": None if value.exchange_price is None else money_to_json(value.exchange_price),
        **({"difference_as_credit": True} if value.difference_as_credit else {}),
    }


def resolution_from_json(data: JsonDict) -> Resolution:
    return Resolution(
        ResolutionKind(data["kind"]),
        bonus=_opt_money(data.get("bonus")),
        exchange_variant_id=data.get("exchange_variant_id"),
        exchange_product_id=data.get("exchange_product_id"),
        exchange_price=_opt_money(data.get("exchange_price")),
        difference_as_credit=bool(data.get("difference_as_credit", False)),
    )


def fees_to_json(value: ReturnFees) -> JsonDict:
    return {"return_shipping": money_to_json(value.return_shipping), "restocking": money_to_json(value.restocking)}


def fees_from_json(data: JsonDict) -> ReturnFees:
    return ReturnFees(money_from_json(data["return_shipping"]), money_from_json(data["restocking"]))


def amounts_to_json(value: ReturnAmounts) -> JsonDict:
    return {
        "currency": value.currency,
        "lines": [
            {
                "line_id": line.line_id,
                "paid": money_to_json(line.paid),
                "tax": money_to_json(line.tax),
                "restocking_fee": money_to_json(line.restocking_fee),
                "bonus": money_to_json(line.bonus),
            }
            for line in value.lines
        ],
        "return_shipping_fee": money_to_json(value.return_shipping_fee),
        "shipping_refund": money_to_json(value.shipping_refund),
        "refund": money_to_json(value.refund),
        "store_credit": money_to_json(value.store_credit),
        "exchange_value": money_to_json(value.exchange_value),
        **({} if value.balance_due is None else {"balance_due": money_to_json(value.balance_due)}),
        # Always written (null: no bonus), so that a row without the key is known to predate it.
        "store_credit_bonus": _json_or_none(value.store_credit_bonus),
    }


def amounts_from_json(data: JsonDict) -> ReturnAmounts:
    return ReturnAmounts(
        currency=data["currency"],
        lines=tuple(
            LineAmounts(
                line_id=line["line_id"],
                paid=money_from_json(line["paid"]),
                tax=money_from_json(line["tax"]),
                restocking_fee=money_from_json(line["restocking_fee"]),
                bonus=money_from_json(line["bonus"]),
            )
            for line in data["lines"]
        ),
        return_shipping_fee=money_from_json(data["return_shipping_fee"]),
        shipping_refund=money_from_json(data["shipping_refund"]),
        refund=money_from_json(data["refund"]),
        store_credit=money_from_json(data["store_credit"]),
        exchange_value=money_from_json(data["exchange_value"]),
        balance_due=_opt_money(data.get("balance_due")),
        store_credit_bonus=_opt_money(data.get("store_credit_bonus")),
    )


def order_line_to_json(line: OrderLine) -> JsonDict:
    return {
        "id": line.id,
        "title": line.title,
        "quantity_ordered": line.quantity_ordered,
        "quantity_fulfilled": line.quantity_fulfilled,
        "quantity_returned": line.quantity_returned,
        "unit_price": money_to_json(line.unit_price),
        "discount": money_to_json(line.discount),
        "tax": money_to_json(line.tax),
        "taxes_included": line.taxes_included,
        "sku": line.sku,
        "product_id": line.product_id,
        "variant_id": line.variant_id,
        "variant_title": line.variant_title,
        "product_type": line.product_type,
        "fulfillment_line_ids": list(line.fulfillment_line_ids),
        "platform_ids": dict(line.platform_ids),
        "fulfilled_at": time_to_json(line.fulfilled_at),
        "delivered_at": time_to_json(line.delivered_at),
        "tags": sorted(line.tags),
        "collections": sorted(line.collections),
        "final_sale": line.final_sale,
    }


def order_line_from_json(data: JsonDict) -> OrderLine:
    return OrderLine(
        id=data["id"],
        title=data["title"],
        quantity_ordered=data["quantity_ordered"],
        quantity_fulfilled=data["quantity_fulfilled"],
        quantity_returned=data.get("quantity_returned", 0),
        unit_price=money_from_json(data["unit_price"]),
        discount=money_from_json(data["discount"]),
        tax=money_from_json(data["tax"]),
        taxes_included=data.get("taxes_included", False),
        sku=data.get("sku"),
        product_id=data.get("product_id"),
        variant_id=data.get("variant_id"),
        variant_title=data.get("variant_title"),
        product_type=data.get("product_type"),
        fulfillment_line_ids=tuple(data.get("fulfillment_line_ids", ())),
        platform_ids=dict(data.get("platform_ids", {})),
        fulfilled_at=time_from_json(data.get("fulfilled_at")),
        delivered_at=time_from_json(data.get("delivered_at")),
        tags=frozenset(data.get("tags", ())),
        collections=frozenset(data.get("collections", ())),
        final_sale=data.get("final_sale", False),
    )


def order_to_json(order: Order) -> JsonDict:
    customer = order.customer
    return {
        "id": order.id,
        "shop_id": order.shop_id,
        "name": order.name,
        "currency": order.currency,
        "email": order.email,
        "created_at": time_to_json(order.created_at),
        "updated_at": time_to_json(order.updated_at),
        "lines": [order_line_to_json(line) for line in order.lines],
        "shipping_total": money_to_json(order.shipping_total),
        "customer": None
        if customer is None
        else {
            "id": customer.id,
            "email": customer.email,
            "first_name": customer.first_name,
            "last_name": customer.last_name,
            "locale": customer.locale,
        },
        "status": order.status,
        "financial_status": order.financial_status,
        "country": order.country,
        "tags": sorted(order.tags),
        "gateways": list(order.gateways),
        "platform_ids": dict(order.platform_ids),
        "shipping_refunded": None if order.shipping_refunded is None else money_to_json(order.shipping_refunded),
        "shipping_address": None if order.shipping_address is None else asdict(order.shipping_address),
    }


def order_from_json(data: JsonDict) -> Order:
    created = time_from_json(data["created_at"])
    assert created is not None
    customer = data.get("customer")
    return Order(
        id=data["id"],
        shop_id=data["shop_id"],
        name=data["name"],
        currency=data["currency"],
        email=data["email"],
        created_at=created,
        updated_at=time_from_json(data.get("updated_at")),
        lines=tuple(order_line_from_json(line) for line in data["lines"]),
        shipping_total=money_from_json(data["shipping_total"]),
        customer=None if customer is None else Customer(**customer),
        status=data.get("status", "open"),
        financial_status=data.get("financial_status"),
        country=data.get("country"),
        tags=frozenset(data.get("tags", ())),
        gateways=tuple(data.get("gateways", ())),
        platform_ids=dict(data.get("platform_ids", {})),
        shipping_refunded=None if data.get("shipping_refunded") is None else money_from_json(data["shipping_refunded"]),
        shipping_address=PostalAddress(**data["shipping_address"]) if data.get("shipping_address") else None,
    )
