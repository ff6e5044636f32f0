"""Small builders for orders, drafts and contexts used across the policy tests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from connector.domain import Money, Order, OrderLine, ReasonCode, Resolution, ReturnMethod
from connector.domain.events import Actor, ActorKind
from connector.domain.returns import ReturnLine, ReturnRequest
from connector.policy import DraftLine, EvaluationContext, ReturnDraft, loads
from connector.policy.model import Policy


def at(year: int, month: int, day: int, hour: int = 12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def line(
    line_id: str = "L1",
    *,
    price: str = "50.00",
    qty: int = 1,
    fulfilled: int | None = None,
    returned: int = 0,
    discount: str = "0",
    tax: str = "0",
    taxes_included: bool = True,
    currency: str = "EUR",
    delivered: datetime | None = None,
    fulfilled_at: datetime | None = None,
    **extra: Any,
) -> OrderLine:
    return OrderLine(
        id=line_id,
        title=extra.pop("title", f"Item {line_id}"),
        quantity_ordered=qty,
        quantity_fulfilled=qty if fulfilled is None else fulfilled,
        unit_price=Money(price, currency),
        discount=Money(discount, currency),
        tax=Money(tax, currency),
        quantity_returned=returned,
        taxes_included=taxes_included,
        fulfilled_at=fulfilled_at if fulfilled_at is not None else (delivered or at(2026, 3, 1)),
        delivered_at=delivered,
        product_id=extra.pop("product_id", f"P-{line_id}"),
        **extra,
    )


def order(
    *lines: OrderLine,
    created: datetime | None = None,
    shipping: str = "0",
    country: str | None = "FR",
    currency: str | None = None,
    tags: frozenset[str] = frozenset(),
) -> Order:
    cur = currency or (lines[0].currency if lines else "EUR")
    return Order(
        id="O1",
        shop_id="S1",
        name="#1001",
        currency=cur,
        email="shopper@example.com",
        created_at=created or at(2026, 2, 27),
        lines=tuple(lines),
        shipping_total=Money(shipping, cur),
        country=country,
        tags=tags,
    )


def want(
    order_line_id: str = "L1",
    qty: int = 1,
    reason: ReasonCode = ReasonCode.SIZE_TOO_SMALL,
    resolution: Resolution | None = None,
    line_id: str | None = None,
    exchange_price: Money | None = None,
) -> DraftLine:
    return DraftLine(
        id=line_id or f"R-{order_line_id}",
        order_line_id=order_line_id,
        quantity=qty,
        reason=reason,
        resolution=resolution or Resolution.refund(),
        exchange_price=exchange_price,
    )


def draft(*lines: DraftLine, method: ReturnMethod = ReturnMethod.PREPAID_LABEL, keep: bool = False) -> ReturnDraft:
    return ReturnDraft(lines=tuple(lines), method=method, keep_item=keep)


def ctx(now: datetime, **kw: Any) -> EvaluationContext:
    return EvaluationContext(now=now, **kw)


def agent(name: str = "alice") -> Actor:
    return Actor(ActorKind.AGENT, name)


def policy(toml: str = "") -> Policy:
    return loads('name = "test"\n' + toml)


def request_from(
    draft_: ReturnDraft, order_: Order, when: datetime, pending: Mapping[str, int] | None = None
) -> ReturnRequest:
    lines: Sequence[ReturnLine] = [
        ReturnLine(
            id=d.id, order_line_id=d.order_line_id, quantity=d.quantity, reason=d.reason, resolution=d.resolution
        )
        for d in draft_.lines
    ]
    return ReturnRequest.open(
        id="RET1",
        order=order_,
        lines=lines,
        method=draft_.method,
        actor=Actor.system(),
        at=when,
        pending_quantities=pending,
        keep_item=draft_.keep_item,
    )


def eur(amount: str) -> Money:
    return Money(Decimal(amount), "EUR")
