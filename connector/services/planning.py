"""Turn a resolved return into the platform actions that pay it out, each with a stable idempotency key.

Keys are derived from the return id and the intent, never from time or randomness, so recording the same
intent twice finds the first action (the outbox's unique key) and a retry reuses the key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from connector.domain.actions import (
    ActionKind,
    ExchangeInstruction,
    ExchangeItem,
    RefundInstruction,
    RefundLine,
    StoreCreditInstruction,
)
from connector.domain.money import Money
from connector.domain.orders import Order
from connector.domain.resolutions import Disposition, LineAmounts, ResolutionKind, ReturnAmounts
from connector.domain.returns import ReturnLine, ReturnRequest
from connector.services import instructions


@dataclass(frozen=True, slots=True)
class PlannedAction:
    kind: ActionKind
    key: str
    payload: dict[str, Any]


def action_key(request: ReturnRequest, intent: str) -> str:
    return f"ret:{request.id}:{intent}"


def simple_action(request: ReturnRequest, kind: ActionKind, intent: str | None = None, **extra: Any) -> PlannedAction:
    payload: dict[str, Any] = {"return_id": request.id, **extra}
    return PlannedAction(kind, action_key(request, intent or kind.value), payload)


def _share(line: ReturnLine) -> tuple[int, int]:
    """Units that count for payment: received and not missing; all of them for keep-the-item returns."""
    if line.disposition is Disposition.MISSING:
        return 0, line.quantity
    if line.received_quantity == 0 and line.disposition is None:
        return line.quantity, line.quantity
    return line.received_quantity, line.quantity


def _scaled(value: Money, part: int, whole: int) -> Money:
    return value if part == whole else value.prorate(part, whole)


@dataclass(slots=True)
class _Tally:
    """What the returned lines add up to, by outcome, and the lines each action will carry."""

    totals: dict[ResolutionKind, Money]
    credit_bonus: Money
    complete: bool = True  # every unit came back: the policy's return-level figures stand
    refund_lines: list[RefundLine] = field(default_factory=list)
    restock_lines: list[RefundLine] = field(default_factory=list)
    exchange_items: list[ExchangeItem] = field(default_factory=list)

    @classmethod
    def empty(cls, currency: str) -> _Tally:
        zero = Money.zero(currency)
        return cls({kind: zero for kind in ResolutionKind}, zero)


@dataclass(frozen=True, slots=True)
class _Options:
    """How the platform pays a return out: see ``plan_resolution``."""

    currency: str
    exchange_prices: Mapping[str, Money]
    restock_location_id: str | None
    credit_with_refund: bool


def _refund_line(
    line: ReturnLine, figures: LineAmounts, part: int, whole: int, value: Money, options: _Options
) -> RefundLine:
    """The line as a refund carries it: its amount only when refunded, its units and disposition always."""
    refunded = line.resolution.kind is ResolutionKind.REFUND
    return RefundLine(
        order_line_id=line.order_line_id,
        quantity=part,
        amount=value if refunded else Money.zero(options.currency),
        tax=_scaled(figures.tax, part, whole),
        disposition=line.disposition,
        restock_location_id=options.restock_location_id if line.disposition is Disposition.RESTOCK else None,
        platform_return_line_id=line.platform_line_id,
        restocking_fee=_scaled(figures.restocking_fee, part, whole) if refunded else None,
    )


def _exchange_item(line: ReturnLine, part: int, value: Money, options: _Options) -> ExchangeItem | None:
    """The replacement for an exchanged line that came back, priced per unit.

    ExchangeItem.price is a unit price: the shop's price stored with the return, else (a like-for-like
    swap) what the returned units are worth.
    """
    variant_id = line.resolution.exchange_variant_id
    if line.resolution.kind is not ResolutionKind.EXCHANGE or not part or not variant_id:
        return None
    price = options.exchange_prices.get(line.id) or line.resolution.exchange_price or value.prorate(1, part)
    return ExchangeItem(variant_id, part, price, line.resolution.exchange_product_id)


def _tally_line(line: ReturnLine, figures: LineAmounts, options: _Options, tally: _Tally) -> None:
    """Add one line, scaled to the units that came back, to its outcome's total and to the actions' lines."""
    part, whole = _share(line)
    tally.complete = tally.complete and part == whole
    kind = line.resolution.kind
    value = _scaled(figures.net, part, whole)
    if kind is not ResolutionKind.REFUND and part:
        value = value + _scaled(figures.bonus, part, whole)
    if kind is ResolutionKind.STORE_CREDIT and part:
        tally.credit_bonus = tally.credit_bonus + _scaled(figures.bonus, part, whole)
    tally.totals[kind] = tally.totals[kind] + value
    if part and (kind is ResolutionKind.REFUND or options.credit_with_refund):
        tally.refund_lines.append(_refund_line(line, figures, part, whole, value, options))
    elif part and kind is not ResolutionKind.REFUND and line.disposition is Disposition.RESTOCK:
        zero = Money.zero(options.currency)
        tally.restock_lines.append(
            RefundLine(
                line.order_line_id,
                part,
                zero,
                zero,
                Disposition.RESTOCK,
                options.restock_location_id,
                line.platform_line_id,
            )
        )
    item = _exchange_item(line, part, value, options)
    if item is not None:
        tally.exchange_items.append(item)


def _settle_totals(request: ReturnRequest, amounts: ReturnAmounts, tally: _Tally, override: Money | None) -> None:
    """The totals to pay: the policy's own when everything came back, else the lines' less the return fee.

    An agent's override replaces the refund in either case.
    """
    zero = Money.zero(request.currency)
    if tally.complete:
        # Everything came back: the policy's totals (fees, shipping refund) stand as computed.
        tally.totals[ResolutionKind.REFUND] = amounts.refund
        tally.totals[ResolutionKind.STORE_CREDIT] = amounts.store_credit
        tally.totals[ResolutionKind.EXCHANGE] = amounts.exchange_value
        tally.credit_bonus = amounts.store_credit_bonus or zero
    else:
        # Each line's figure is already net of its restocking fee: only the return-level fee comes off here.
        fee = request.fees.return_shipping if request.fees else zero
        tally.totals[ResolutionKind.REFUND] = (tally.totals[ResolutionKind.REFUND] - fee).clamp_non_negative()
    if override is not None:
        tally.totals[ResolutionKind.REFUND] = override


def _refund_action(
    request: ReturnRequest, order: Order, amounts: ReturnAmounts, tally: _Tally, folded_credit: Money | None
) -> PlannedAction:
    """The one refund: its lines, the shipping refunded (only when all came back) and any credit folded in."""
    instruction = RefundInstruction(
        idempotency_key=action_key(request, "refund"),
        order_id=order.id,
        amount=tally.totals[ResolutionKind.REFUND],
        lines=tuple(tally.refund_lines),
        shipping=amounts.shipping_refund if tally.complete else Money.zero(request.currency),
        reason=f"Return {request.id}",
        return_id=request.id,
        platform_return_id=request.platform_return_id,
        store_credit_amount=folded_credit,
        return_shipping_fee=amounts.return_shipping_fee or None,
    )
    return PlannedAction(ActionKind.REFUND, instruction.idempotency_key, instructions.refund_to_json(instruction))


def _exchange_action(request: ReturnRequest, order: Order, tally: _Tally) -> PlannedAction:
    """The replacements, with what the returned goods are worth towards them."""
    exchange = ExchangeInstruction(
        idempotency_key=action_key(request, "exchange"),
        order_id=order.id,
        return_id=request.id,
        items=tuple(tally.exchange_items),
        credit_value=tally.totals[ResolutionKind.EXCHANGE],
        customer_email=request.customer_email,
        platform_return_id=request.platform_return_id,
    )
    return PlannedAction(ActionKind.EXCHANGE, exchange.idempotency_key, instructions.exchange_to_json(exchange))


def plan_resolution(
    request: ReturnRequest,
    order: Order,
    *,
    override: Money | None = None,
    exchange_prices: Mapping[str, Money] | None = None,
    restock_location_id: str | None = None,
    credit_with_refund: bool = False,
) -> list[PlannedAction]:
    """Refund, store credit and exchange actions for the return's lines, scaled to what came back.

    ``credit_with_refund`` folds store credit and every returned line into the one refund instruction, for
    platforms that process a return in one call (Shopify's ``returnProcess``: dispositions, refund to the
    original payment and refund to store credit together).
    """
    amounts = request.amounts
    if amounts is None:
        raise ValueError(f"return {request.id} has no computed amounts")
    options = _Options(request.currency, exchange_prices or {}, restock_location_id, credit_with_refund)
    by_line: dict[str, LineAmounts] = {line.line_id: line for line in amounts.lines}
    tally = _Tally.empty(request.currency)
    for line in request.lines:
        figures = by_line.get(line.id)
        if figures is not None:
            _tally_line(line, figures, options, tally)
    _settle_totals(request, amounts, tally, override)

    planned: list[PlannedAction] = []
    refund = tally.totals[ResolutionKind.REFUND]
    credit = tally.totals[ResolutionKind.STORE_CREDIT]
    # The bonus is no refund of what was paid: where credit goes through the refund, it is a credit of its own.
    bonus = tally.credit_bonus.min(credit) if credit_with_refund else Money.zero(request.currency)
    folded_credit = (credit - bonus) if credit_with_refund and credit - bonus else None
    if refund or tally.refund_lines:
        planned.append(_refund_action(request, order, amounts, tally, folded_credit))
    if bonus:
        planned.append(
            _credit_action(
                request,
                order,
                "credit-bonus",
                bonus,
                f"Store credit bonus for return {request.id} on order {order.name}",
                bonus=True,
            )
        )
    if credit and not credit_with_refund:
        planned.append(
            _credit_action(
                request, order, "credit", credit, f"Store credit for return {request.id} on order {order.name}"
            )
        )
    if tally.exchange_items:
        planned.append(_exchange_action(request, order, tally))
    if tally.restock_lines:
        planned.append(_restock_action(request, order, tally.restock_lines))
    return planned


def _restock_action(request: ReturnRequest, order: Order, lines: list[RefundLine]) -> PlannedAction:
    """Units inspected RESTOCK on lines paid as store credit or exchange go back in stock whatever the outcome.

    Only a refund carries quantities to a shop, so this is a refund instruction paying nothing: the refund
    plumbing (body, marker, find-before-retry) with its own key. Not planned where the credit goes through the
    refund (``credit_with_refund``: Shopify's ``returnProcess`` disposes every line, credit and exchange too).
    """
    instruction = RefundInstruction(
        idempotency_key=action_key(request, "restock"),
        order_id=order.id,
        amount=Money.zero(request.currency),
        lines=tuple(lines),
        shipping=Money.zero(request.currency),
        reason=f"Return {request.id}: returned goods back in stock",
        return_id=request.id,
        platform_return_id=request.platform_return_id,
        notify_customer=False,
    )
    return PlannedAction(ActionKind.RESTOCK, instruction.idempotency_key, instructions.refund_to_json(instruction))


def _credit_action(
    request: ReturnRequest, order: Order, key: str, amount: Money, note: str, bonus: bool = False
) -> PlannedAction:
    """A store-credit action of its own: the credit not folded into the refund, or the bonus (never refundable
    through the return, so always separate)."""
    instruction = StoreCreditInstruction(
        idempotency_key=action_key(request, key),
        customer_email=request.customer_email,
        customer_id=order.customer.id if order.customer else None,
        amount=amount,
        return_id=request.id,
        order_id=order.id,
        note=note,
        bonus=bonus,
        not_before=request.updated_at,
    )
    return PlannedAction(ActionKind.STORE_CREDIT, instruction.idempotency_key, instructions.credit_to_json(instruction))
