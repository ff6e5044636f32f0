"""Builders for common-model objects used across tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from connector.domain import (
    Actor,
    ActorKind,
    Money,
    Order,
    OrderLine,
    ReasonCode,
    Resolution,
    ReturnLine,
    ReturnMethod,
    ReturnRequest,
)
from connector.domain.shipments import ShippingAttachment

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
CUSTOMER = Actor(ActorKind.CUSTOMER, "ana@example.com")
AGENT = Actor(ActorKind.AGENT, "agent-1")


def order_line(
    line_id: str = "L1",
    *,
    currency: str = "EUR",
    ordered: int = 2,
    fulfilled: int = 2,
    returned: int = 0,
    price: str = "40.00",
    discount: str = "8.00",
    tax: str = "12.00",
    taxes_included: bool = True,
    delivered_days_ago: int | None = 5,
    tags: frozenset[str] = frozenset(),
) -> OrderLine:
    delivered = None if delivered_days_ago is None else NOW - timedelta(days=delivered_days_ago)
    return OrderLine(
        id=line_id,
        title=f"Shirt {line_id}",
        quantity_ordered=ordered,
        quantity_fulfilled=fulfilled,
        quantity_returned=returned,
        unit_price=Money(price, currency),
        discount=Money(discount, currency),
        tax=Money(tax, currency),
        taxes_included=taxes_included,
        sku=f"SKU-{line_id}",
        variant_id=f"V-{line_id}",
        product_id="P-1",
        fulfilled_at=NOW - timedelta(days=8),
        delivered_at=delivered,
        tags=tags,
    )


def order(
    *lines: OrderLine, shop_id: str = "shop-a", order_id: str = "O1", currency: str = "EUR", shipping: str = "5.90"
) -> Order:
    return Order(
        id=order_id,
        shop_id=shop_id,
        name="#1001",
        currency=currency,
        email="ana@example.com",
        created_at=NOW - timedelta(days=10),
        updated_at=NOW - timedelta(days=5),
        lines=lines or (order_line(currency=currency),),
        shipping_total=Money(shipping, currency),
    )


def return_request(
    source: Order | None = None,
    *,
    return_id: str = "R1",
    quantity: int = 1,
    reason: ReasonCode = ReasonCode.SIZE_TOO_SMALL,
) -> ReturnRequest:
    source = source or order()
    first = source.lines[0]
    line = ReturnLine(
        id=f"{return_id}-1", order_line_id=first.id, quantity=quantity, reason=reason, resolution=Resolution.refund()
    )
    return ReturnRequest.open(
        id=return_id, order=source, lines=[line], method=ReturnMethod.PREPAID_LABEL, actor=CUSTOMER, at=NOW
    )


def money(amount: str | int | Decimal, currency: str = "EUR") -> Money:
    return Money(amount, currency)


def shipping_attachment(
    *,
    return_id: str = "ret_42",
    order_id: str = "727",
    platform_return_id: str | None = None,
    tracking_number: str = "6A12345678901",
    carrier: str = "colissimo",
    label_url: str = "https://returns.example.com/labels/eyJzIjoic2hvcC0xIn0.sig",
) -> ShippingAttachment:
    """A return parcel as the shop is told of it; the tracking URL follows the number (none without one)."""
    tracking_url = f"https://www.laposte.fr/outils/suivre-vos-envois?code={tracking_number}" if tracking_number else ""
    return ShippingAttachment(
        return_id=return_id,
        order_id=order_id,
        platform_return_id=platform_return_id,
        carrier=carrier,
        tracking_number=tracking_number,
        tracking_url=tracking_url,
        label_url=label_url,
        method="prepaid_label",
    )
