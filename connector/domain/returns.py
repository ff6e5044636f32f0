"""The ReturnRequest aggregate: lines, resolutions, method, fees, amounts and the guarded lifecycle."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from connector.domain.errors import IllegalTransition, InvalidReturn
from connector.domain.events import Actor, ReturnEvent
from connector.domain.money import Money
from connector.domain.orders import Order
from connector.domain.reasons import ReasonCode
from connector.domain.refund_deadline import DeadlineRisk, alert_action, deadline_risk
from connector.domain.resolutions import (
    Condition,
    Disposition,
    Resolution,
    ResolutionKind,
    ReturnAmounts,
    ReturnFees,
    ReturnMethod,
)
from connector.domain.states import ReturnStatus, target_of
from connector.domain.timeutil import require_utc

__all__ = ["ReturnLine", "ReturnRequest", "credit_bonus"]


@dataclass(slots=True)
class ReturnLine:
    id: str
    order_line_id: str
    quantity: int
    reason: ReasonCode
    resolution: Resolution
    customer_note: str = ""
    reason_handle: str | None = None
    received_quantity: int = 0
    condition: Condition | None = None
    disposition: Disposition | None = None
    platform_line_id: str | None = None

    def __post_init__(self) -> None:
        if self.quantity <= 0:
            raise InvalidReturn(f"line {self.id}: quantity must be at least 1")
        if not 0 <= self.received_quantity <= self.quantity:
            raise InvalidReturn(f"line {self.id}: received quantity must be between 0 and {self.quantity}")

    @property
    def inspected(self) -> bool:
        return self.disposition is not None


@dataclass(slots=True)
class ReturnRequest:
    """A customer's return of some lines of one order. All changes go through the methods below."""

    id: str
    shop_id: str
    order_id: str
    order_name: str
    currency: str
    customer_email: str
    method: ReturnMethod
    lines: list[ReturnLine]
    created_at: datetime
    status: ReturnStatus = ReturnStatus.REQUESTED
    fees: ReturnFees | None = None
    amounts: ReturnAmounts | None = None
    platform_return_id: str | None = None
    decline_reason: str | None = None
    keep_item: bool = False
    refund_due_by: datetime | None = None
    money_moved: bool = False
    version: int = 0
    events: list[ReturnEvent] = field(default_factory=list)
    updated_at: datetime | None = None

    def __post_init__(self) -> None:
        require_utc(self.created_at)
        if not self.lines:
            raise InvalidReturn("a return needs at least one line")
        ids = [line.id for line in self.lines]
        if len(ids) != len(set(ids)):
            raise InvalidReturn("return line ids must be unique")
        if self.fees is None:
            self.fees = ReturnFees.none(self.currency)

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        *,
        id: str,
        order: Order,
        lines: Sequence[ReturnLine],
        method: ReturnMethod,
        actor: Actor,
        at: datetime,
        pending_quantities: Mapping[str, int] | None = None,
        platform_return_id: str | None = None,
        keep_item: bool = False,
        check_quantities: bool = True,
    ) -> ReturnRequest:
        """Open a return against ``order``, refusing more units than were fulfilled and not yet returned.

        ``pending_quantities`` counts units already on other open returns that the order snapshot
        does not yet show as returned. ``check_quantities=False`` is for returns the platform itself
        already accepted (a Shopify return request), whose units the order snapshot may already count.
        """
        pending = pending_quantities or {}
        wanted: dict[str, int] = {}
        for line in lines:
            wanted[line.order_line_id] = wanted.get(line.order_line_id, 0) + line.quantity
        for order_line_id, quantity in wanted.items():
            order_line = order.line(order_line_id)
            if not check_quantities:
                continue
            available = order_line.returnable_quantity - pending.get(order_line_id, 0)
            if quantity > available:
                raise InvalidReturn(
                    f"line {order_line_id} ({order_line.title}): {quantity} asked, "
                    f"{max(available, 0)} can be returned"
                )
        request = cls(
            id=id,
            shop_id=order.shop_id,
            order_id=order.id,
            order_name=order.name,
            currency=order.currency,
            customer_email=order.email,
            method=method,
            lines=list(lines),
            created_at=at,
            platform_return_id=platform_return_id,
            keep_item=keep_item,
            updated_at=at,
        )
        request._record(actor, at, "request", None, ReturnStatus.REQUESTED, "")
        return request

    # -- queries ------------------------------------------------------------------------------

    def line(self, line_id: str) -> ReturnLine:
        for line in self.lines:
            if line.id == line_id:
                return line
        raise InvalidReturn(f"return {self.id} has no line {line_id}")

    @property
    def total_quantity(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def received_quantity(self) -> int:
        return sum(line.received_quantity for line in self.lines)

    @property
    def fully_received(self) -> bool:
        return all(
            line.received_quantity == line.quantity or line.disposition is Disposition.MISSING
            for line in self.lines
        )

    def can(self, action: str) -> bool:
        return target_of(action, self.status) is not None

    # -- lifecycle ----------------------------------------------------------------------------

    def approve(self, actor: Actor, at: datetime, reason: str = "") -> None:
        self._move("approve", actor, at, reason)

    def decline(self, actor: Actor, at: datetime, reason: str) -> None:
        if not reason.strip():
            raise InvalidReturn("a decline needs a reason the customer can read")
        self._move("decline", actor, at, reason)
        self.decline_reason = reason

    def mark_in_transit(self, actor: Actor, at: datetime, tracking: str = "") -> None:
        self._move("mark_in_transit", actor, at, "", {"tracking": tracking} if tracking else {})

    def receive(self, actor: Actor, at: datetime, quantities: Mapping[str, int], reason: str = "") -> None:
        """Record units arriving; may be called again for a later parcel (partial receipt)."""
        self._check_receivable(quantities)
        self._guard("receive")
        for line_id, quantity in quantities.items():
            self.line(line_id).received_quantity += quantity
        self._move("receive", actor, at, reason, {"quantities": dict(quantities)})

    def receive_after_first_scan(self, actor: Actor, at: datetime, quantities: Mapping[str, int]) -> None:
        """The parcel of a return paid at first scan reached the warehouse: its units count as received and the
        state (resolved, or closed once paid) is kept, so nothing is decided or paid again."""
        paid_early = any(event.action == "resolve_at_first_scan" for event in self.events)
        if self.status not in (ReturnStatus.RESOLVED, ReturnStatus.CLOSED) or not paid_early:
            raise IllegalTransition(self.status, "receive_after_first_scan", "it was not paid at first scan")
        self._check_receivable(quantities)
        for line_id, quantity in quantities.items():
            self.line(line_id).received_quantity += quantity
        self._record(actor, at, "receive_after_first_scan", self.status, self.status, "",
                     {"quantities": dict(quantities)})

    def _check_receivable(self, quantities: Mapping[str, int]) -> None:
        if not quantities or any(q <= 0 for q in quantities.values()):
            raise InvalidReturn("receive at least one unit on each line named")
        for line_id, quantity in quantities.items():
            line = self.line(line_id)
            if line.received_quantity + quantity > line.quantity:
                raise InvalidReturn(
                    f"line {line_id}: {line.received_quantity + quantity} received, {line.quantity} expected"
                )

    def inspect(
        self,
        actor: Actor,
        at: datetime,
        line_id: str,
        condition: Condition | None,
        disposition: Disposition,
        reason: str = "",
    ) -> None:
        """Inspect one line; the return reaches ``inspected`` once every line has a disposition."""
        self._guard("inspect")
        line = self.line(line_id)
        if disposition is not Disposition.MISSING and line.received_quantity == 0:
            raise InvalidReturn(f"line {line_id}: nothing received yet, so only 'missing' can be decided")
        line.condition = condition
        line.disposition = disposition
        data = {"line_id": line_id, "condition": condition, "disposition": disposition}
        if all(item.inspected for item in self.lines):
            self._move("inspect", actor, at, reason, data)
        else:
            self._record(actor, at, "inspect_line", self.status, self.status, reason, data)

    def resolve(self, actor: Actor, at: datetime, reason: str = "", data: Mapping[str, Any] | None = None) -> None:
        if self.status is ReturnStatus.APPROVED and not self.keep_item:
            raise IllegalTransition(self.status, "resolve", "the goods have not been received and inspected")
        self._move("resolve", actor, at, reason, data)

    def resolve_at_first_scan(
        self, actor: Actor, at: datetime, reason: str = "", data: Mapping[str, Any] | None = None
    ) -> None:
        """Pay out once the carrier has scanned the parcel, before it reaches the warehouse (the shop's "refund on
        first scan", for returns worth no more than its policy's limit: the service checks that). Only from
        in_transit: the carrier then holds the goods, which are received later without a decision."""
        self._move("resolve_at_first_scan", actor, at, reason, data)

    def close(self, actor: Actor, at: datetime, reason: str = "") -> None:
        self._move("close", actor, at, reason)

    def decline_at_shop(self, actor: Actor, at: datetime, reason: str) -> None:
        """The merchant declined the return in the shop's admin; nothing can have moved before approval."""
        if self.money_moved or self.received_quantity:
            raise IllegalTransition(self.status, "decline_at_shop", "goods or money have already moved")
        self._move("decline_at_shop", actor, at, reason or "declined at the shop")
        self.decline_reason = reason or "declined at the shop"

    def close_at_shop(self, actor: Actor, at: datetime, reason: str = "") -> None:
        """The merchant closed the return in the shop's admin: ours ends there too, wherever it was."""
        self._move("close_at_shop", actor, at, reason or "closed at the shop")

    def cancel(self, actor: Actor, at: datetime, reason: str) -> None:
        if self.money_moved:
            raise IllegalTransition(self.status, "cancel", "money has already been paid out")
        if self.received_quantity:
            raise IllegalTransition(self.status, "cancel", "goods have already been received")
        self._move("cancel", actor, at, reason)

    def record_money_moved(
        self, actor: Actor, at: datetime, what: str, amount: Money, detail: Mapping[str, Any] | None = None
    ) -> None:
        """Called once a refund or credit is confirmed by the shop; from then on no cancel.

        ``detail`` keeps what the shop recorded with it (a refund made in the shop's admin: its id, lines,
        adjustments and restock), so agents see it in the history."""
        if amount.currency != self.currency:
            raise InvalidReturn(f"{what} is in {amount.currency}, the return is in {self.currency}")
        self.money_moved = True
        self._record(actor, at, what, self.status, self.status, "", {**(detail or {}), "amount": str(amount.amount)})

    def alert_refund_deadline(self, actor: Actor, at: datetime) -> DeadlineRisk | None:
        """Record, once per level, that the refund deadline is near or past; the risk, or None when there is
        none or it was already recorded."""
        due = self.refund_due_by
        risk = None if due is None else deadline_risk(due, self.status, self.money_moved, at)
        if due is None or risk is None or any(event.action == alert_action(risk) for event in self.events):
            return None
        self._record(actor, at, alert_action(risk), self.status, self.status,
                     f"EU withdrawal: refund due by {due.isoformat()}", {"refund_due_by": due.isoformat()})
        return risk

    def alert_tracking(self, actor: Actor, at: datetime, message: str, data: Mapping[str, Any] | None = None) -> None:
        """The carrier reports a problem (failed delivery, lost, sent back): agents see it in the history, and the
        state is kept, since the parcel may still arrive."""
        self._record(actor, at, "tracking_alert", self.status, self.status, message or "carrier exception", data)

    def note(self, actor: Actor, at: datetime, text: str, data: Mapping[str, Any] | None = None) -> None:
        """Add to the history without changing state (agent notes, amount overrides)."""
        if not text.strip():
            raise InvalidReturn("a note needs some text")
        self._record(actor, at, "note", self.status, self.status, text, data)

    def override_amount(
        self, actor: Actor, at: datetime, kind: ResolutionKind, amount: Money, reason: str,
        data: Mapping[str, Any] | None = None,
    ) -> None:
        """An agent pays ``amount`` instead of the computed refund (or store credit), saying why.

        The amounts take the new figure, so what the return shows is what is paid; the history keeps who
        decided it, why, and the amount (with ``data``, e.g. the failed action it replaces)."""
        if not reason.strip():
            raise InvalidReturn("overriding the amount needs a reason")
        if amount.currency != self.currency or amount.is_negative():
            raise InvalidReturn(f"the override must be a non-negative amount in {self.currency}")
        if self.amounts is not None and kind is ResolutionKind.REFUND:
            self.amounts = replace(self.amounts, refund=amount)
        elif self.amounts is not None and kind is ResolutionKind.STORE_CREDIT:
            self.amounts = replace(self.amounts, store_credit=amount)
        self.note(actor, at, reason, {"override": str(amount.amount), "currency": amount.currency, **(data or {})})

    def set_amounts(self, fees: ReturnFees, amounts: ReturnAmounts, order: Order) -> None:
        """Attach computed money, refusing any figure above what was paid for the returned units."""
        if amounts.currency != self.currency or fees.total.currency != self.currency:
            raise InvalidReturn("amounts must be in the return's currency")
        for line_amounts in amounts.lines:
            line = self.line(line_amounts.line_id)
            order_line = order.line(line.order_line_id)
            ceiling = order_line.paid_for(min(line.quantity, order_line.quantity_ordered))
            if line_amounts.paid > ceiling or line_amounts.net > ceiling:
                raise InvalidReturn(f"line {line.id}: {line_amounts.paid} is more than the {ceiling} paid")
        ceiling = amounts.paid + amounts.shipping_refund
        if amounts.shipping_refund > order.shipping_total:
            raise InvalidReturn("cannot refund more shipping than was paid")
        if amounts.refund + amounts.store_credit - amounts.bonus > ceiling:
            raise InvalidReturn(f"refund and credit exceed the {ceiling} paid")
        if any(m.is_negative() for m in (amounts.refund, amounts.store_credit, amounts.exchange_value)):
            raise InvalidReturn("amounts cannot be negative")
        self.fees = fees
        self.amounts = amounts

    # -- internals ----------------------------------------------------------------------------

    def _guard(self, action: str) -> ReturnStatus:
        target = target_of(action, self.status)
        if target is None:
            raise IllegalTransition(self.status, action)
        return target

    def _move(
        self, action: str, actor: Actor, at: datetime, reason: str, data: Mapping[str, Any] | None = None
    ) -> None:
        target = self._guard(action)
        previous = self.status
        self.status = target
        self._record(actor, at, action, previous, target, reason, data or {})

    def _record(
        self,
        actor: Actor,
        at: datetime,
        action: str,
        previous: ReturnStatus | None,
        target: ReturnStatus,
        reason: str,
        data: Mapping[str, Any] | None = None,
    ) -> None:
        require_utc(at)
        seq = self.events[-1].seq + 1 if self.events else 1
        self.events.append(ReturnEvent(seq, at, actor, action, previous, target, reason, dict(data or {})))
        self.updated_at = at


def credit_bonus(lines: Sequence[ReturnLine], amounts: ReturnAmounts) -> Money:
    """The bonus part of ``amounts.store_credit``: the store-credit lines' bonus, never more than the credit
    left after fees (a fee comes out of what was paid first). For amounts stored before it had its own line."""
    kinds = {line.id: line.resolution.kind for line in lines}
    bonus = Money.sum(
        (a.bonus for a in amounts.lines if kinds.get(a.line_id) is ResolutionKind.STORE_CREDIT), amounts.currency
    )
    return bonus.min(amounts.store_credit)
