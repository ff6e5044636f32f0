"""Refund rules shared by ``refundCreate`` and ``returnProcess``: validate everything, then apply once.

Caps enforced (as Shopify does): refunded quantity never exceeds what is left on the line, money never
exceeds what was received minus what was already refunded (unless ``allowOverRefunding`` for the original
payment method; store credit can never exceed it), refund transactions need a SALE/CAPTURE parent of the
same order, amounts are in the order's presentment currency.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sandboxes.kit.seed import quantize
from sandboxes.shopify.state import (
    CreditTransactionState,
    OrderState,
    RefundLineState,
    RefundState,
    Shop,
    TransactionState,
    customer_id_for,
    parse_gid,
    utcnow,
)

Error = dict[str, Any]


def user_error(field_path: list[str], message: str, code: str | None = None) -> Error:
    error: Error = {"field": field_path, "message": message}
    if code is not None:
        error["code"] = code
    return error


def to_amount(value: object) -> Decimal | None:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.is_finite() else None


@dataclass
class RefundPlan:
    """A validated refund, ready to apply."""

    order: OrderState
    lines: list[RefundLineState] = field(default_factory=list)
    transactions: list[tuple[int, Decimal, str]] = field(default_factory=list)  # (parent id, amount, gateway)
    store_credit: Decimal = Decimal(0)
    credit_expires_at: datetime | None = None
    shipping: Decimal = Decimal(0)
    note: str | None = None
    return_id: int | None = None
    restock_variants: list[tuple[int, int]] = field(default_factory=list)  # (variant id, qty)

    @property
    def money(self) -> Decimal:
        return sum((amount for _, amount, _ in self.transactions), self.store_credit)


def line_share(order: OrderState, line_index: int, quantity: int) -> tuple[Decimal, Decimal]:
    """(subtotal, tax) of ``quantity`` units of a line, discounts spread evenly."""
    line = order.lines[line_index]
    cur = order.currency
    return (
        quantize(line.net * quantity / line.quantity, cur),
        quantize(line.tax * quantity / line.quantity, cur),
    )


def add_transactions(
    shop: Shop, plan: RefundPlan, items: list[tuple[object, object, object]], path: list[str], errors: list[Error]
) -> None:
    """Validate (parent gid, amount, currency-or-None) triples and add them to the plan."""
    order = plan.order
    for i, (parent_gid, raw_amount, currency) in enumerate(items):
        where = [*path, str(i)]
        parent_id = parse_gid(parent_gid, "OrderTransaction")
        parent = next((t for t in order.transactions if t.id == parent_id), None)
        if parent is None or parent.kind not in ("SALE", "CAPTURE") or parent.status != "SUCCESS":
            errors.append(user_error([*where, "parentId"], "Parent transaction does not exist or is not refundable."))
            continue
        amount = to_amount(raw_amount)
        if amount is None or amount <= 0:
            errors.append(user_error([*where, "amount"], "Amount must be greater than zero."))
            continue
        if currency is not None and currency != order.currency:
            errors.append(user_error([*where, "currencyCode"],
                                     f"Currency must match the order currency {order.currency}."))  # fmt: skip
            continue
        if amount != quantize(amount, order.currency):
            errors.append(user_error([*where, "amount"], "Amount has more decimals than the currency allows."))
            continue
        plan.transactions.append((parent.id, amount, parent.gateway))


def add_store_credit(plan: RefundPlan, methods: list[dict[str, Any]] | None, path: list[str],
                     errors: list[Error]) -> None:  # fmt: skip
    for i, method in enumerate(methods or []):
        credit = method.get("storeCreditRefund")
        if not credit:
            continue
        money = credit["amount"]
        amount = to_amount(money["amount"])
        where = [*path, str(i), "storeCreditRefund", "amount"]
        if amount is None or amount <= 0:
            errors.append(user_error(where, "Store credit amount must be greater than zero."))
        elif money["currencyCode"] != plan.order.currency:
            errors.append(user_error(where, f"Currency must match the order currency {plan.order.currency}."))
        else:
            plan.store_credit += quantize(amount, plan.order.currency)
            plan.credit_expires_at = credit.get("expiresAt")


def check_caps(shop: Shop, plan: RefundPlan, allow_over: bool, path: list[str], errors: list[Error]) -> None:
    refundable = shop.refundable_amount(plan.order)
    cur = plan.order.currency
    if plan.store_credit > refundable:
        errors.append(user_error(path, f"Store credit of {plan.store_credit} {cur} exceeds the refundable amount "
                                       f"of {refundable} {cur}."))  # fmt: skip
    elif plan.money > refundable and not allow_over:
        errors.append(user_error(path, f"Refund amount of {plan.money} {cur} exceeds the refundable amount of "
                                       f"{refundable} {cur}."))  # fmt: skip


def apply(shop: Shop, plan: RefundPlan, idempotency_key: str | None) -> RefundState:
    """Record the refund, its transactions, store credit and restocks; call under the shop lock."""
    order = shop.mutable_order(plan.order.index)
    now = utcnow()
    refund_id = shop.next_id()
    txns: list[TransactionState] = []
    for parent_id, amount, gateway in plan.transactions:
        txn = TransactionState(shop.next_id(), "REFUND", "SUCCESS", gateway, amount, parent_id, now)
        order.transactions.append(txn)
        txns.append(txn)
    for rl in plan.lines:
        order.lines[rl.line_index].refunded += rl.quantity
    for variant_id, qty in plan.restock_variants:
        shop.restock(variant_id, qty, "refund", f"Refund/{refund_id}")
    refund = RefundState(refund_id, order.index, now, plan.note, plan.lines, txns, plan.shipping, plan.store_credit,
                         idempotency_key, plan.return_id)  # fmt: skip
    shop.refunds[refund_id] = refund
    order.refunds.append(refund_id)
    if plan.store_credit > 0:
        account = shop.credit_account(customer_id_for(order.seed.email), order.currency)
        shop.credit(account, plan.store_credit, _as_datetime(plan.credit_expires_at), f"Refund/{refund_id}")
    shop.touch(order, now)
    return refund


def credit_record(shop: Shop, txn: CreditTransactionState) -> dict[str, Any]:
    account = shop.credit_accounts[txn.account_id]
    return {
        "id": txn.id, "account_id": account.id, "customer_id": account.customer_id, "amount": str(txn.amount),
        "currency": account.currency, "balance_after": str(txn.balance_after), "origin": txn.origin,
        "event": txn.event, "created_at": txn.created_at.isoformat(), "expires_at": _iso(txn.expires_at),
    }  # fmt: skip


def _as_datetime(value: object) -> datetime | None:
    return value if isinstance(value, datetime) else None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
