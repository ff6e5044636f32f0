"""Instructions stored in the action outbox as JSON, and read back by the executor."""

from __future__ import annotations

from typing import Any

from connector.domain.actions import (
    ExchangeInstruction,
    ExchangeItem,
    PlatformEffect,
    RefundInstruction,
    RefundLine,
    StoreCreditInstruction,
)
from connector.domain.money import Money
from connector.domain.resolutions import Disposition
from connector.store.codec import money_from_json, money_to_json, time_from_json, time_to_json

Json = dict[str, Any]


def refund_to_json(value: RefundInstruction) -> Json:
    return {
        "idempotency_key": value.idempotency_key,
        "order_id": value.order_id,
        "amount": money_to_json(value.amount),
        "lines": [
            {
                "order_line_id": line.order_line_id,
                "quantity": line.quantity,
                "amount": money_to_json(line.amount),
                "tax": money_to_json(line.tax),
                "disposition": None if line.disposition is None else line.disposition.value,
                "restock_location_id": line.restock_location_id,
                "platform_return_line_id": line.platform_return_line_id,
                "restocking_fee": _money_or_none(line.restocking_fee),
            }
            for line in value.lines
        ],
        "shipping": money_to_json(value.shipping),
        "reason": value.reason,
        "return_id": value.return_id,
        "platform_return_id": value.platform_return_id,
        "store_credit_amount": None if value.store_credit_amount is None else money_to_json(value.store_credit_amount),
        "notify_customer": value.notify_customer,
        "return_shipping_fee": _money_or_none(value.return_shipping_fee),
    }


def _money_or_none(value: Money | None) -> Json | None:
    return None if value is None else money_to_json(value)


def _money_from(data: Any) -> Money | None:
    return None if data is None else money_from_json(data)


def refund_from_json(data: Json) -> RefundInstruction:
    credit = data.get("store_credit_amount")
    return RefundInstruction(
        idempotency_key=data["idempotency_key"],
        order_id=data["order_id"],
        amount=money_from_json(data["amount"]),
        lines=tuple(
            RefundLine(
                order_line_id=line["order_line_id"],
                quantity=line["quantity"],
                amount=money_from_json(line["amount"]),
                tax=money_from_json(line["tax"]),
                disposition=None if line.get("disposition") is None else Disposition(line["disposition"]),
                restock_location_id=line.get("restock_location_id"),
                platform_return_line_id=line.get("platform_return_line_id"),
                restocking_fee=_money_from(line.get("restocking_fee")),
            )
            for line in data["lines"]
        ),
        shipping=money_from_json(data["shipping"]),
        reason=data["reason"],
        return_id=data["return_id"],
        platform_return_id=data.get("platform_return_id"),
        store_credit_amount=None if credit is None else money_from_json(credit),
        notify_customer=data.get("notify_customer", True),
        return_shipping_fee=_money_from(data.get("return_shipping_fee")),
    )


def credit_to_json(value: StoreCreditInstruction) -> Json:
    return {
        "idempotency_key": value.idempotency_key,
        "customer_email": value.customer_email,
        "customer_id": value.customer_id,
        "amount": money_to_json(value.amount),
        "return_id": value.return_id,
        "order_id": value.order_id,
        "expires_at": time_to_json(value.expires_at),
        "note": value.note,
        "bonus": value.bonus,
        "not_before": time_to_json(value.not_before),
    }


def credit_from_json(data: Json) -> StoreCreditInstruction:
    return StoreCreditInstruction(
        idempotency_key=data["idempotency_key"],
        customer_email=data["customer_email"],
        customer_id=data.get("customer_id"),
        amount=money_from_json(data["amount"]),
        return_id=data["return_id"],
        order_id=data["order_id"],
        expires_at=time_from_json(data.get("expires_at")),
        note=data.get("note", ""),
        bonus=bool(data.get("bonus", False)),
        not_before=time_from_json(data.get("not_before")),
    )


def exchange_to_json(value: ExchangeInstruction) -> Json:
    return {
        "idempotency_key": value.idempotency_key,
        "order_id": value.order_id,
        "return_id": value.return_id,
        "items": [
            {
                "variant_id": item.variant_id,
                "quantity": item.quantity,
                "price": money_to_json(item.price),
                "product_id": item.product_id,
            }
            for item in value.items
        ],
        "credit_value": money_to_json(value.credit_value),
        "customer_email": value.customer_email,
        "platform_return_id": value.platform_return_id,
    }


def exchange_from_json(data: Json) -> ExchangeInstruction:
    return ExchangeInstruction(
        idempotency_key=data["idempotency_key"],
        order_id=data["order_id"],
        return_id=data["return_id"],
        items=tuple(
            ExchangeItem(
                variant_id=item["variant_id"],
                quantity=item["quantity"],
                price=money_from_json(item["price"]),
                product_id=item.get("product_id"),
            )
            for item in data["items"]
        ),
        credit_value=money_from_json(data["credit_value"]),
        customer_email=data["customer_email"],
        platform_return_id=data.get("platform_return_id"),
    )


def effect_to_json(value: PlatformEffect) -> Json:
    return {
        "kind": value.kind.value,
        "platform_id": value.platform_id,
        "amount": None if value.amount is None else money_to_json(value.amount),
        "manual": value.manual,
        "detail": value.detail,
        "extra": dict(value.extra),
    }
