"""Order rules the way WooCommerce applies them: totals, status side effects, stock, notes.

Stock is reduced once when an order is paid or reaches processing/completed/on-hold and restored on
cancelled/pending (``wc-stock-functions.php``); the ``_reduced_stock`` item meta remembers what was taken.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sandboxes.woocommerce.state import (
    ZERO,
    LineItem,
    Note,
    Order,
    Product,
    StockChange,
    Store,
    Variation,
)

STATUSES = (
    "pending", "processing", "on-hold", "completed", "cancelled", "refunded", "failed", "trash",
    "checkout-draft",
)  # fmt: skip
_REDUCE_ON = frozenset({"processing", "completed", "on-hold"})
_RESTORE_ON = frozenset({"cancelled", "pending"})


@dataclass(frozen=True, slots=True)
class Totals:
    discount_total: Decimal
    discount_tax: Decimal
    shipping_total: Decimal
    shipping_tax: Decimal
    cart_tax: Decimal
    total: Decimal
    total_tax: Decimal


def totals(order: Order) -> Totals:
    """Recompute the order's stored totals from its items (they always agree in the sandbox)."""
    lines = order.lines
    fees = order.fee_lines or ()
    discount = sum((line.subtotal - line.total for line in lines), ZERO)
    discount_tax = sum((line.subtotal_tax - line.total_tax for line in lines), ZERO)
    shipping = sum((s.total for s in order.shipping_lines), ZERO)
    shipping_tax = sum((s.total_tax for s in order.shipping_lines), ZERO)
    cart_tax = sum((line.total_tax for line in lines), ZERO) + sum((f.total_tax for f in fees), ZERO)
    items = sum((line.total for line in lines), ZERO) + sum((f.total for f in fees), ZERO)
    total = items + cart_tax + shipping + shipping_tax
    return Totals(discount, discount_tax, shipping, shipping_tax, cart_tax, total, cart_tax + shipping_tax)


def order_total(order: Order) -> Decimal:
    return totals(order).total


def remaining_refund_amount(store: Store, order: Order) -> Decimal:
    return order_total(order) - store.refunded_total(order)


def add_note(store: Store, order: Order, text: str, now: datetime, *, customer_note: bool = False,
             author: str = "WooCommerce", by_user: bool = False) -> Note:  # fmt: skip
    note = Note(store.note_id(), order.id, text, customer_note, author, by_user, now)
    store.notes.setdefault(order.id, []).append(note)
    return note


def _stock_target(store: Store, line: LineItem) -> tuple[int, int, Product | Variation] | None:
    """(product id, variation id, record managing stock) or None when stock is not managed."""
    if line.variation_id and line.variation_id in store.variations:
        variation = store.variations[line.variation_id]
        if variation.manage_stock and variation.stock_quantity is not None:
            return variation.parent_id, variation.id, variation
    product = store.products.get(line.product_id)
    if product is not None and product.manage_stock and product.stock_quantity is not None:
        return product.id, 0, product
    return None


def change_stock(store: Store, line: LineItem, delta: int, reason: str, order_id: int, now: datetime) -> int | None:
    """Apply ``delta`` to the stock of the line's variation/product; returns the new level."""
    target = _stock_target(store, line)
    if target is None:
        return None
    product_id, variation_id, record = target
    after = int(record.stock_quantity or 0) + delta
    record.stock_quantity = after
    record.modified = now
    store.stock_log.append(StockChange(now, product_id, variation_id, delta, after, reason, order_id))
    return after


def reduce_stock(store: Store, order: Order, now: datetime) -> None:
    if order.stock_reduced:
        return
    changes = []
    for line in order.lines:
        after = change_stock(store, line, -line.quantity, "order", order.id, now)
        if after is not None:
            line.reduced_stock = line.quantity
            changes.append(f"{line.name} ({line.sku}) {after + line.quantity}&rarr;{after}")
    order.stock_reduced = True
    if changes:
        add_note(store, order, "Stock levels reduced: " + ", ".join(changes), now)


def restore_stock(store: Store, order: Order, now: datetime) -> None:
    if not order.stock_reduced:
        return
    changes = []
    for line in order.lines:
        qty = line.reduced_stock - line.restocked
        if qty > 0:
            after = change_stock(store, line, qty, "order-cancelled", order.id, now)
            if after is not None:
                changes.append(f"{line.name} ({line.sku}) {after - qty}&rarr;{after}")
        line.reduced_stock = 0
    order.stock_reduced = False
    if changes:
        add_note(store, order, "Stock levels increased: " + ", ".join(changes), now)


def set_status(store: Store, order: Order, status: str, now: datetime, *, note: str = "") -> None:
    """Change status with WooCommerce's side effects (paid/completed dates, stock, status note)."""
    old = order.status
    if status == old:
        return
    order.status = status
    if status in ("processing", "completed") and order.paid is None:
        order.paid = now
    if status == "completed":
        order.completed = now
    if status in _REDUCE_ON:
        reduce_stock(store, order, now)
    elif status in _RESTORE_ON:
        restore_stock(store, order, now)
    text = f"Order status changed from {_label(old)} to {_label(status)}."
    add_note(store, order, f"{note} {text}".strip(), now)


def _label(status: str) -> str:
    return {"on-hold": "On hold", "checkout-draft": "Draft"}.get(status, status.capitalize())


def touch(store: Store, order: Order, now: datetime) -> None:
    """Record a save: bump ``date_modified`` and fire ``order.updated``."""
    order.modified = now
    store.emit("order", "updated", order.id)
