"""The ``POST orders/<id>/refunds`` bodies we send, and how we read WooCommerce's refusal of one (pure).

A WooCommerce refund is an ``amount`` plus negative copies of the order's items (``line_items`` with
``refund_total`` and ``refund_tax`` per tax rate). WooCommerce never checks that the items add up to the
amount, and has no negative fee line on a refund (``wc_create_refund`` only copies the order's own
line/shipping/fee items), so a return's fees cannot be sent as items. We make the items add up ourselves:
whatever the return deducts (the return shipping fee, an agent's lower amount) is spread over the refunded
items, and every deduction is written out in the refund's ``reason`` and ``_returns_connector_deductions``
meta, so the merchant's order screen shows figures that agree: items refunded + deductions = what was paid
for them, items refunded = the refund's amount.

Restock-only refunds (``build_restock_body``) carry the units of a return paid as store credit or exchange
back into stock: a refund of ``0.00`` with ``api_refund: false`` and ``api_restock: true``. A real 10.0.2
store accepts it (``wc_create_refund`` only checks ``0 <= amount <= remaining``), puts stock-managed items
back and records the returned quantities on the order (findings, question 1).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from connector.domain.actions import RefundInstruction, RefundLine
from connector.domain.money import Money
from connector.domain.resolutions import Disposition
from connector.errors import PermanentError
from platforms.woocommerce.ids import woo_id as _id
from platforms.woocommerce.mapping import money
from platforms.woocommerce.markers import (
    CURRENCY_META,
    KEY_META,
    LINES_META,
    RETURN_META,
    meta_list,
    refund_marker,
)

DEDUCTIONS_META: Final = "_returns_connector_deductions"
"""On our refunds: JSON ``{"restocking_fee", "return_shipping_fee", "adjustment", "currency"}`` (non-zero
ones only): what the refund keeps back from what was paid for its items."""

INVALID_REFUND_AMOUNT: Final = "Invalid refund amount."
"""``wc_create_refund``'s message when the amount is negative or above what is left to refund. It comes with
the same code and status as a gateway's refusal, and it is translated on a non-English site, so the adapter
also compares the amount with what is left before reading the message (``remaining_refundable``)."""

GATEWAYS_WITHOUT_REFUNDS: Final = frozenset({"bacs", "cheque", "cod"})
"""Core gateways that never refund through the API (``supports`` lacks ``refunds``; the REST
``payment_gateways`` lists it as ``method_supports``). Only a hint, used when the store's own answer cannot be
read (``gateways``), to record such refunds as manual at once instead of a doomed gateway call; any other
gateway is then asked and its refusal read from the answer."""


class RefundExceedsRemaining(PermanentError):
    """The refund asks more than the order has left to refund: never recorded as a manual refund.

    What is left is named, so an agent can resolve the return again with an override of that amount."""

    def __init__(self, message: str, *, remaining: Money) -> None:
        super().__init__(message)
        self.remaining = remaining


def remaining_refundable(order: Mapping[str, Any], currency: str) -> Money:
    """``WC_Order::get_remaining_refund_amount``: the order's total less every refund's total so far."""
    refunded = Money.zero(currency)
    for refund in order.get("refunds") or []:
        if isinstance(refund, Mapping):
            refunded = refunded + _money_abs(refund.get("total"), currency)
    return (money(order.get("total"), currency) - refunded).clamp_non_negative()


def _money_abs(value: Any, currency: str) -> Money:
    try:
        return Money(abs(Decimal(str(value))), currency)
    except (InvalidOperation, ValueError):
        return Money.zero(currency)


def is_over_refund(message: str) -> bool:
    return INVALID_REFUND_AMOUNT.rstrip(".").lower() in message.lower()


def cannot_refund_by_api(order: Mapping[str, Any]) -> bool:
    return str(order.get("payment_method") or "").lower() in GATEWAYS_WITHOUT_REFUNDS


# -- the items of a refund -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Piece:
    """One order item refunded: ``paid`` (tax included) and its ``tax``; ``gross`` is what is refunded."""

    item_id: int
    quantity: int
    paid: Money
    tax: Money
    gross: Money
    rates: list[tuple[str, Money]]


def split_by_weights(amount: Money, weights: Sequence[tuple[str, Money]]) -> list[tuple[str, Money]]:
    """``amount`` shared across ``weights`` (e.g. tax rates) in proportion, adding up exactly."""
    usable = [(key, w) for key, w in weights if w.to_minor() > 0]
    if not usable:
        return []
    shares = amount.allocate([w.to_minor() for _, w in usable])
    return [(key, share) for (key, _), share in zip(usable, shares, strict=True)]


def _tax_rates(item: Mapping[str, Any], currency: str) -> list[tuple[str, Money]]:
    return [
        (str(t.get("id")), money(t.get("total"), currency))
        for t in item.get("taxes") or []
        if isinstance(t, Mapping)
    ]


def refund_item(
    item_id: int, quantity: int, gross: Money, tax: Money, rates: list[tuple[str, Money]]
) -> dict[str, Any]:
    """One ``line_items`` entry: ``gross`` (tax included) split into ``refund_total`` and per-rate taxes."""
    split = split_by_weights(tax, rates) if tax else []
    net = gross - tax if split else gross  # no rate to carry the tax: refund it inside the line total
    return {
        "id": item_id,
        "quantity": quantity,
        "refund_total": str(net.amount),
        "refund_tax": [{"id": int(rate), "refund_total": str(share.amount)} for rate, share in split],
    }


def restock_plan(lines: Sequence[RefundLine]) -> tuple[bool, set[str]]:
    """(``api_restock``, order line ids sent with their quantity).

    Woo's ``api_restock`` is one flag for the whole refund and restocks every line sent *with a quantity*.
    So: all lines restocked -> flag on, all quantities; none -> flag off, all quantities (recorded, not
    restocked); mixed -> flag on, quantities only on restocked lines, the others sent with quantity 0 (money
    only). Every returned unit is still recorded in the refund's ``_returns_connector_lines`` meta.
    """
    restock = {line.order_line_id for line in lines if line.disposition is Disposition.RESTOCK}
    every = {line.order_line_id for line in lines}
    if not restock:
        return False, every
    return True, restock


def _line_pieces(order: Mapping[str, Any], instruction: RefundInstruction) -> list[_Piece]:
    currency = instruction.amount.currency
    items = {str(i.get("id")): i for i in order.get("line_items") or [] if isinstance(i, Mapping)}
    _, with_quantity = restock_plan(instruction.lines)
    pieces: list[_Piece] = []
    for line in instruction.lines:
        item = items.get(line.order_line_id)
        if item is None:
            raise PermanentError(f"order {instruction.order_id} has no line item {line.order_line_id}")
        quantity = line.quantity if line.order_line_id in with_quantity else 0
        paid = line.amount + (line.restocking_fee or Money.zero(currency))
        pieces.append(_Piece(_id(line.order_line_id), quantity, paid, line.tax, line.amount,
                             _tax_rates(item, currency)))
    return pieces


def _shipping_pieces(order: Mapping[str, Any], instruction: RefundInstruction) -> list[_Piece]:
    if not instruction.shipping:
        return []
    currency = instruction.amount.currency
    shipping = [s for s in order.get("shipping_lines") or [] if isinstance(s, Mapping)]
    by_id = {str(s.get("id")): s for s in shipping}
    gross = [(str(s.get("id")), money(s.get("total"), currency) + money(s.get("total_tax"), currency))
             for s in shipping]
    split = split_by_weights(instruction.shipping, gross)
    if not split:
        raise PermanentError(f"order {instruction.order_id} has no shipping to refund")
    pieces = []
    for ship_id, share in split:
        ship = by_id[ship_id]
        ship_gross = money(ship.get("total"), currency) + money(ship.get("total_tax"), currency)
        ship_tax = money(ship.get("total_tax"), currency)
        tax = ship_tax.prorate(share.to_minor(), ship_gross.to_minor()) if ship_tax else Money.zero(currency)
        pieces.append(_Piece(_id(ship_id), 0, share, tax, share, _tax_rates(ship, currency)))
    return pieces


def _deduct(pieces: list[_Piece], deduction: Money) -> list[_Piece]:
    """Take ``deduction`` off the pieces in proportion to what each refunds (``allocate``: the cents add up)."""
    if not deduction or not any(p.gross for p in pieces):
        return pieces
    shares = deduction.allocate([p.gross.to_minor() for p in pieces])
    return [_with_gross(p, p.gross - share) for p, share in zip(pieces, shares, strict=True)]


def _with_gross(piece: _Piece, gross: Money) -> _Piece:
    return _Piece(piece.item_id, piece.quantity, piece.paid, piece.tax, gross, piece.rates)


def _refunded_tax(piece: _Piece) -> Money:
    """The tax in what the piece refunds, in the line's own proportion (tax / paid), never above its tax."""
    if not piece.gross:
        return Money.zero(piece.gross.currency)
    if piece.gross == piece.paid:
        return piece.tax
    return piece.tax.prorate(piece.gross.to_minor(), piece.paid.to_minor()).min(piece.tax)


@dataclass(frozen=True, slots=True)
class Deductions:
    """What a refund keeps back from what was paid for its items, named the way the merchant knows them."""

    restocking_fee: Money
    return_shipping_fee: Money
    adjustment: Money
    """Any other gap (an agent's lower amount, units that did not come back)."""

    def named(self) -> list[tuple[str, Money]]:
        return [(name, value) for name, value in (("restocking fee", self.restocking_fee),
                                                   ("return shipping", self.return_shipping_fee),
                                                   ("adjustment", self.adjustment)) if value]

    def text(self) -> str:
        """``restocking fee 2.00 EUR, return shipping 5.95 EUR deducted`` (empty when nothing is)."""
        named = self.named()
        return ", ".join(f"{name} {value}" for name, value in named) + " deducted" if named else ""

    def to_json(self) -> str:
        values = {key: str(value.amount) for key, value in (("restocking_fee", self.restocking_fee),
                                                            ("return_shipping_fee", self.return_shipping_fee),
                                                            ("adjustment", self.adjustment)) if value}
        return json.dumps({**values, "currency": self.restocking_fee.currency}, sort_keys=True)


def refund_deductions(instruction: RefundInstruction) -> Deductions:
    """The restocking fees of the lines, and the gap between the items and the amount: the return shipping
    fee first (up to what the return charged), anything beyond as an adjustment."""
    currency = instruction.amount.currency
    zero = Money.zero(currency)
    restocking = Money.sum((line.restocking_fee or zero for line in instruction.lines), currency)
    itemised = Money.sum((line.amount for line in instruction.lines), currency) + instruction.shipping
    gap = (itemised - instruction.amount).clamp_non_negative()
    shipping_fee = (instruction.return_shipping_fee or zero).min(gap)
    return Deductions(restocking, shipping_fee, gap - shipping_fee)


def build_refund_body(order: Mapping[str, Any], instruction: RefundInstruction) -> dict[str, Any]:
    """``POST orders/<id>/refunds`` body whose items (refund_total + refund_tax) add up to ``amount``.

    ``RefundLine.amount`` includes its ``tax`` and is already net of the line's restocking fee; the gap between
    the items and the amount (the return shipping fee, an override) is spread over the items. When the amount
    is *above* the items (an exchange's difference refunded has no item of its own), the items are sent as
    they are and WooCommerce shows the rest as a refund without items.
    """
    currency = instruction.amount.currency
    api_restock, _ = restock_plan(instruction.lines)
    deductions = refund_deductions(instruction)
    pieces = _line_pieces(order, instruction) + _shipping_pieces(order, instruction)
    pieces = _deduct(pieces, deductions.return_shipping_fee + deductions.adjustment)
    returned: dict[str, int] = {}
    for line in instruction.lines:
        returned[line.order_line_id] = returned.get(line.order_line_id, 0) + line.quantity
    meta = [
        (KEY_META, instruction.idempotency_key),
        (RETURN_META, instruction.return_id),
        (LINES_META, json.dumps(returned, sort_keys=True)),
        (CURRENCY_META, currency),
    ]
    if deductions.named():
        meta.append((DEDUCTIONS_META, deductions.to_json()))
    return {
        "amount": str(instruction.amount.amount),
        "reason": _reason(instruction, deductions),
        "api_refund": True,
        "api_restock": api_restock,
        "line_items": [refund_item(p.item_id, p.quantity, p.gross, _refunded_tax(p), p.rates) for p in pieces],
        "meta_data": meta_list(meta),
    }


def _reason(instruction: RefundInstruction, deductions: Deductions) -> str:
    where = f"return {instruction.return_id}"
    said = deductions.text()
    return " ".join(
        p for p in (instruction.reason.strip(), f"({where}; {said})" if said else f"({where})",
                    refund_marker(instruction.idempotency_key)) if p
    )


def build_restock_body(order: Mapping[str, Any], instruction: RefundInstruction) -> dict[str, Any]:
    """A refund of ``0.00`` that pays nothing (``api_refund: false``) and restocks the lines sent with a quantity.

    The same body as a refund (marker, key and returned-lines meta, so ``find_refund`` finds it before any
    retry): WooCommerce restocks a refund's items only if ``api_restock`` is on and records the quantities on
    the order as returned. A gateway is never asked about a zero amount (bacs refuses even that).
    """
    if instruction.amount:
        raise PermanentError(f"a restock pays nothing; {instruction.amount} asked for return {instruction.return_id}")
    return {**build_refund_body(order, instruction), "api_refund": False}
