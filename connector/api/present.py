"""Domain objects as plain dicts for the schemas to dump: one view for agents, a narrower one for customers.

Customers see what happened to their return and why it was declined; never agents' ids, notes, platform
ids or amount overrides.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from connector.domain.events import ReturnEvent
from connector.domain.money import Money
from connector.domain.orders import Order
from connector.domain.refund_deadline import deadline_risk
from connector.domain.resolutions import Resolution, ReturnAmounts, ReturnFees
from connector.domain.returns import ReturnRequest
from connector.domain.timeutil import utcnow
from connector.store import codec
from connector.store.actions_repo import ActionRecord

# Actions a customer may see in their return's history (notes and internal steps are left out).
CUSTOMER_ACTIONS = frozenset(
    {
        "request",
        "approve",
        "decline",
        "mark_in_transit",
        "receive",
        "inspect",
        "resolve",
        "resolve_at_first_scan",
        "receive_after_first_scan",
        "close",
        "cancel",
        "refund",
        "store_credit",
        "store_credit_bonus",
        "exchange",
    }
)


def money(value: Money) -> dict[str, str]:
    return {"amount": str(value.amount), "currency": value.currency}


def resolution(value: Resolution) -> dict[str, Any]:
    return {
        "kind": value.kind.value,
        "exchange_variant_id": value.exchange_variant_id,
        "exchange_product_id": value.exchange_product_id,
        "exchange_price": None if value.exchange_price is None else money(value.exchange_price),
        "difference_as_credit": value.difference_as_credit,
    }


def fees(value: ReturnFees | None) -> dict[str, Any] | None:
    return None if value is None else codec.fees_to_json(value)


def amounts(value: ReturnAmounts | None) -> dict[str, Any] | None:
    if value is None:
        return None
    credit_bonus = value.store_credit_bonus or Money.zero(value.currency)
    return {**codec.amounts_to_json(value), "bonus": money(value.bonus), "store_credit_bonus": money(credit_bonus)}


def explanation_lines(evaluation: Mapping[str, Any] | None, locale: str) -> list[str]:
    """The stored explanation in ``locale`` (English when the locale was not stored)."""
    if not evaluation:
        return []
    by_locale = evaluation.get("explanation") or {}
    lines = by_locale.get(locale) or by_locale.get("en") or []
    return [str(line) for line in lines]


def summary(request: ReturnRequest, now: datetime | None = None) -> dict[str, Any]:
    """``now`` (the app's clock) says whether the EU refund deadline is near; utcnow when not given."""
    risk = deadline_risk(request.refund_due_by, request.status, request.money_moved, now or utcnow())
    return {
        "id": request.id,
        "order_id": request.order_id,
        "order_name": request.order_name,
        "customer_email": request.customer_email,
        "status": request.status.value,
        "method": request.method.value,
        "currency": request.currency,
        "total_quantity": request.total_quantity,
        "platform_return_id": request.platform_return_id,
        "created_at": request.created_at,
        "updated_at": request.updated_at,
        "amounts": amounts(request.amounts),
        "refund_due_by": request.refund_due_by,
        "refund_deadline": None if risk is None else risk.value,
    }


def _event(event: ReturnEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "at": event.at,
        "actor_kind": event.actor.kind.value,
        "actor_id": event.actor.id,
        "action": event.action,
        "from_status": None if event.from_status is None else event.from_status.value,
        "to_status": event.to_status.value,
        "reason": event.reason,
        "data": dict(event.data),
    }


def _action(record: ActionRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "kind": record.kind.value,
        "state": record.state.value,
        "idempotency_key": record.idempotency_key,
        "attempts": record.attempts,
        "last_error": record.last_error,
        "next_attempt_at": record.next_attempt_at,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
        "payload": record.payload,
        "result": record.result,
    }


def detail(
    request: ReturnRequest,
    evaluation: Mapping[str, Any] | None,
    actions: Sequence[ActionRecord],
    locale: str,
) -> dict[str, Any]:
    return {
        **summary(request),
        "lines": [
            {
                "id": line.id,
                "order_line_id": line.order_line_id,
                "quantity": line.quantity,
                "received_quantity": line.received_quantity,
                "reason": line.reason.value,
                "reason_handle": line.reason_handle,
                "customer_note": line.customer_note,
                "resolution": resolution(line.resolution),
                "condition": None if line.condition is None else line.condition.value,
                "disposition": None if line.disposition is None else line.disposition.value,
                "platform_line_id": line.platform_line_id,
            }
            for line in request.lines
        ],
        "fees": fees(request.fees),
        "decline_reason": request.decline_reason,
        "keep_item": request.keep_item,
        "money_moved": request.money_moved,
        "refund_due_by": request.refund_due_by,
        "version": request.version,
        "evaluation": dict(evaluation) if evaluation else None,
        "explanation": explanation_lines(evaluation, locale),
        "events": [_event(event) for event in request.events],
        "actions": [_action(record) for record in actions],
    }


def _customer_event(event: ReturnEvent) -> dict[str, Any]:
    paid = ("refund", "store_credit", "store_credit_bonus", "exchange")
    amount = event.data.get("amount") if event.action in paid else None
    return {
        "at": event.at,
        "action": event.action,
        "status": event.to_status.value,
        "reason": event.reason if event.action == "decline" else None,
        "amount": None if amount is None else str(amount),
    }


def for_customer(
    request: ReturnRequest, evaluation: Mapping[str, Any] | None, order: Order | None, locale: str
) -> dict[str, Any]:
    titles = {line.id: line.title for line in order.lines} if order is not None else {}
    return {
        "id": request.id,
        "status": request.status.value,
        "order_name": request.order_name,
        "method": request.method.value,
        "created_at": request.created_at,
        "updated_at": request.updated_at,
        "lines": [
            {
                "id": line.id,
                "order_line_id": line.order_line_id,
                "title": titles.get(line.order_line_id),
                "quantity": line.quantity,
                "received_quantity": line.received_quantity,
                "reason": line.reason.value,
                "resolution": resolution(line.resolution),
            }
            for line in request.lines
        ],
        "fees": fees(request.fees),
        "amounts": amounts(request.amounts),
        "keep_item": request.keep_item,
        "decline_reason": request.decline_reason,
        "refund_due_by": request.refund_due_by,
        "explanation": explanation_lines(evaluation, locale),
        "history": [_customer_event(e) for e in request.events if e.action in CUSTOMER_ACTIONS],
    }
