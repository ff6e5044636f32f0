"""A new return from what the customer asked: its lines, the draft the policy judges, and the opened request.

Why apart from ``returns``: these build values and touch no store; ``ReturnService.open_return`` runs them
in its one transaction, between reading the order and saving the return.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from connector.domain.events import Actor
from connector.domain.money import Money
from connector.domain.orders import Order
from connector.domain.reasons import ReasonCode
from connector.domain.resolutions import Resolution, ReturnMethod
from connector.domain.returns import ReturnLine, ReturnRequest
from connector.policy import DraftLine, Evaluation, ReturnDraft
from connector.services.shop_fees import with_shop_shipping_fee


@dataclass(frozen=True, slots=True)
class LineInput:
    """One line the customer (or the shop, for a return made there) asks to return, and how to resolve it."""

    order_line_id: str
    quantity: int
    reason: ReasonCode
    resolution: Resolution
    customer_note: str = ""
    reason_handle: str | None = None
    platform_line_id: str | None = None
    exchange_price: Money | None = None
    """The replacement's unit price as the shop quotes it in the order's currency (exchanges only)."""



def return_lines_of(return_id: str, lines: Sequence[LineInput]) -> list[ReturnLine]:
    """The return's lines, numbered after the return, each carrying the replacement's price it was asked at."""
    return [
        ReturnLine(
            id=f"{return_id}-{index}",
            order_line_id=item.order_line_id,
            quantity=item.quantity,
            reason=item.reason,
            resolution=_priced(item),
            customer_note=item.customer_note,
            reason_handle=item.reason_handle,
            platform_line_id=item.platform_line_id,
        )
        for index, item in enumerate(lines, start=1)
    ]


def opened_request(
    return_id: str,
    order: Order,
    lines: list[ReturnLine],
    method: ReturnMethod,
    actor: Actor,
    now: Any,
    pending: Mapping[str, int],
    platform_return_id: str | None,
    evaluation: Evaluation,
    shop_shipping_fee: Money | None,
) -> ReturnRequest:
    """The new return with the policy's money, keep-item verdict and refund deadline, before any decision.

    A return the platform already made is not checked against quantities: the platform has counted them.
    The shop's own return shipping fee, when it charges one, replaces the policy's.
    """
    request = ReturnRequest.open(
        id=return_id,
        order=order,
        lines=lines,
        method=method,
        actor=actor,
        at=now,
        pending_quantities=pending,
        platform_return_id=platform_return_id,
        keep_item=evaluation.keep_item,
        check_quantities=platform_return_id is None,
    )
    request.set_amounts(*with_shop_shipping_fee(evaluation.fees, evaluation.amounts, shop_shipping_fee), order)
    request.refund_due_by = evaluation.refund_due_by
    return request


def draft_of(lines: Sequence[ReturnLine], method: ReturnMethod, keep_item: bool, now: Any) -> ReturnDraft:
    """The return as the policy judges it, asked now (windows are checked at this time)."""
    return ReturnDraft(
        lines=tuple(
            DraftLine(line.id, line.order_line_id, line.quantity, line.reason, line.resolution, _line_price(line))
            for line in lines
        ),
        method=method,
        keep_item=keep_item,
        requested_at=now,
    )


def _priced(item: LineInput) -> Resolution:
    """The resolution, carrying the replacement's unit price so that paying out uses the same figure."""
    if item.exchange_price is None or item.resolution.exchange_price is not None:
        return item.resolution
    return replace(item.resolution, exchange_price=item.exchange_price)


def _line_price(line: ReturnLine) -> Money | None:
    """What the replacements for the whole line cost (the policy compares it with what the line is worth)."""
    unit = line.resolution.exchange_price
    return None if unit is None else unit * line.quantity


def without_units_of(order: Order, lines: Sequence[LineInput]) -> Order:
    """The order as it was before this platform return: the platform already counts its units as returned."""
    on_this_return: dict[str, int] = {}
    for item in lines:
        on_this_return[item.order_line_id] = on_this_return.get(item.order_line_id, 0) + item.quantity
    adjusted = tuple(
        replace(line, quantity_returned=max(0, line.quantity_returned - on_this_return.get(line.id, 0)))
        for line in order.lines
    )
    return replace(order, lines=adjusted)
