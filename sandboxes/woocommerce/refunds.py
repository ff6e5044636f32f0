"""``wc_create_refund`` + ``wc_refund_payment`` as WooCommerce runs them for ``POST /orders/<id>/refunds``.

Order of events matters to the connector: the amount is checked against what is left, the refund is saved
with its reason, then the gateway is asked to pay. A gateway that is missing, cannot refund or fails makes
WooCommerce delete the refund and answer HTTP 500 ``woocommerce_rest_cannot_create_order_refund`` with a
bare ``data: 500``. ``meta_data`` is only written once everything succeeded. No idempotency key exists.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sandboxes.woocommerce.errors import ApiError
from sandboxes.woocommerce.orders import (
    add_note,
    change_stock,
    remaining_refund_amount,
    set_status,
    touch,
)
from sandboxes.woocommerce.serialize import money
from sandboxes.woocommerce.state import ZERO, GatewayRefund, Order, Refund, RefundLine, Store

CANNOT_CREATE = "woocommerce_rest_cannot_create_order_refund"


@dataclass(frozen=True, slots=True)
class RefundRequest:
    amount: Decimal | None
    reason: str
    line_items: list[dict[str, Any]]
    api_refund: bool
    api_restock: bool
    meta: list[dict[str, Any]]
    user_id: int


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def amount_from_lines(line_items: list[dict[str, Any]]) -> Decimal | None:
    """``RestApiUtil``: with no ``amount``, sum refund_total + refund_tax when every line has numbers."""
    if not line_items:
        return None
    total = Decimal(0)
    for item in line_items:
        line_total = _number(item.get("refund_total"))
        if line_total is None:
            return None
        total += line_total
        for tax in item.get("refund_tax") or ():
            tax_total = _number(tax.get("refund_total")) if isinstance(tax, dict) else None
            if tax_total is None:
                return None
            total += tax_total
    return total


def _refund_lines(store: Store, order: Order, requested: list[dict[str, Any]]) -> list[RefundLine]:
    wanted: dict[int, dict[str, Any]] = {}
    for item in requested:
        try:
            wanted[int(item.get("id", 0))] = item
        except (TypeError, ValueError):
            continue
    out: list[RefundLine] = []
    candidates: list[tuple[str, Any]] = [("line_item", line) for line in order.lines]
    candidates += [("shipping", s) for s in order.shipping_lines]
    candidates += [("fee", f) for f in order.fee_lines or ()]
    for kind, record in candidates:  # unknown ids are ignored, as wc_create_refund does
        if record.id not in wanted:
            continue
        item = wanted[record.id]
        quantity = int(_number(item.get("quantity")) or 0)
        total = _number(item.get("refund_total")) or Decimal(0)
        tax = sum((_number(t.get("refund_total")) or Decimal(0) for t in item.get("refund_tax") or ()
                   if isinstance(t, dict)), Decimal(0))  # fmt: skip
        if not quantity and not total and not tax:
            continue
        out.append(RefundLine(
            store.item_id(), record.id, kind, getattr(record, "name", getattr(record, "method_title", "")),
            getattr(record, "product_id", 0), getattr(record, "variation_id", 0), quantity, total, tax,
            getattr(record, "tax_rate_id", 0), getattr(record, "sku", ""),
        ))  # fmt: skip
    return out


def create_refund(store: Store, order: Order, req: RefundRequest, now: datetime) -> Refund:
    """Create (and pay) a refund or raise the ApiError WooCommerce would answer.

    Call without holding ``store.lock``: a gateway with ``delay_ms`` is "called" outside the lock, and
    meanwhile the saved refund (with its reason, without its meta) is visible to other requests.
    """
    with store.lock:
        amount = req.amount if req.amount is not None else amount_from_lines(req.line_items)
        amount = amount if amount is not None else Decimal(0)
        if amount < 0:
            raise ApiError("woocommerce_rest_invalid_order_refund", "Refund amount must be greater than zero.",
                           400, bare=True)  # fmt: skip
        amount = amount.quantize(Decimal("0.01"))
        if amount > remaining_refund_amount(store, order):
            raise ApiError(CANNOT_CREATE, "Invalid refund amount.", 500, bare=True)
        refund = Refund(store.post_id(), order.id, now, amount, req.reason, req.user_id, False,
                        _refund_lines(store, order, req.line_items))  # fmt: skip
        store.refunds[refund.id] = refund
        order.refund_ids = [*(order.refund_ids or []), refund.id]
        gateway = store.gateways.get(order.payment_method)
        delay_ms = gateway.delay_ms if gateway is not None and req.api_refund else 0
    if delay_ms:
        time.sleep(delay_ms / 1000.0)  # the gateway's API call; a client may time out meanwhile
    with store.lock:
        if req.api_refund:
            failure = _pay(store, order, refund, now)
            if failure is not None:
                _delete(store, order, refund)
                raise ApiError(CANNOT_CREATE, failure, 500, bare=True)
            refund.refunded_payment = True
        if req.api_restock:
            _restock(store, order, refund, now)
        refund.meta = [store.meta(str(m["key"]), m.get("value")) for m in req.meta]
        text = f"Refunded {money(amount, 2)} {order.currency}"
        add_note(store, order, f"{text} - {req.reason}" if req.reason else text, now)
        if remaining_refund_amount(store, order) <= ZERO and order.status != "refunded":
            set_status(store, order, "refunded", now)
        touch(store, order, now)
        return refund


def _pay(store: Store, order: Order, refund: Refund, now: datetime) -> str | None:
    """Ask the gateway to pay; returns WooCommerce's error message on failure."""
    gateway = store.gateways.get(order.payment_method)
    message = ""
    if gateway is None:
        message = "The payment gateway for this order does not exist."
    elif not gateway.supports_refunds:
        message = "The payment gateway for this order does not support automatic refunds."
    elif gateway.fail_refunds:
        message = "An error occurred while attempting to create the refund using the payment gateway API."
    store.gateway_refunds.append(GatewayRefund(now, order.id, refund.id, order.payment_method, refund.amount,
                                               not message, message or "ok"))  # fmt: skip
    return message or None


def _delete(store: Store, order: Order, refund: Refund) -> None:
    store.refunds.pop(refund.id, None)
    order.refund_ids = [rid for rid in order.refund_ids or () if rid != refund.id]


def delete_refund(store: Store, order: Order, refund: Refund, now: datetime) -> None:
    with store.lock:
        _delete(store, order, refund)
        touch(store, order, now)  # woocommerce_delete_order_refund fires order.updated (11.2+)


def _restock(store: Store, order: Order, refund: Refund, now: datetime) -> None:
    """``wc_restock_refunded_items``: only stock-managed items whose stock the order had reduced.

    Like WooCommerce, the refunded quantity is not capped by what was bought or already restocked, so a
    duplicated refund restocks twice; but once the item's ``_reduced_stock`` meta (here ``reduced_stock -
    restocked``, which WooCommerce decrements by each restock) is 0, a refund restocks nothing more. A refund
    of 0.00 restocks like any other (real 10.0.2 store, findings question 1).
    """
    lines = {line.id: line for line in order.lines}
    for refund_line in refund.lines:
        line = lines.get(refund_line.item_id)
        quantity = refund_line.quantity
        if line is None or quantity <= 0 or not line.reduced_stock - line.restocked:
            continue
        after = change_stock(store, line, quantity, "refund", order.id, now)
        if after is not None:
            line.restocked += quantity
            add_note(store, order, f"Item #{line.id} stock increased from {after - quantity} to {after}.", now)
