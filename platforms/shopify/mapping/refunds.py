"""Paying a return out at Shopify: the order's refundable transactions, and the inputs of ``returnProcess``
(a return's lines, dispositions and refund in one call) and ``refundCreate`` (a refund outside a return).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from connector.domain.actions import RefundInstruction, RefundLine
from connector.domain.money import Money
from connector.domain.resolutions import Disposition
from platforms.shopify.mapping.scalars import MappingError, marker, money_input, money_of, nodes_of


@dataclass(frozen=True, slots=True)
class ParentTransaction:
    id: str
    gateway: str
    refundable: Money


def refundable_transactions(transactions: Sequence[Mapping[str, Any]], currency: str) -> list[ParentTransaction]:
    """Successful SALE/CAPTURE transactions minus what successful REFUNDs already took from each."""
    refunded: dict[str, Money] = {}
    for t in transactions:
        if str(t.get("kind")).upper() == "REFUND" and str(t.get("status")).upper() == "SUCCESS":
            parent = (t.get("parentTransaction") or {}).get("id")
            if parent:
                refunded[parent] = refunded.get(parent, Money.zero(currency)) + money_of(t.get("amountSet"), currency)
    parents = []
    for t in transactions:
        if str(t.get("kind")).upper() in ("SALE", "CAPTURE") and str(t.get("status")).upper() == "SUCCESS":
            left = money_of(t.get("amountSet"), currency) - refunded.get(str(t["id"]), Money.zero(currency))
            if left > Money.zero(currency):
                parents.append(ParentTransaction(str(t["id"]), str(t.get("gateway") or ""), left))
    return parents


def allocate_refund(amount: Money, parents: Sequence[ParentTransaction]) -> list[tuple[ParentTransaction, Money]]:
    """Take ``amount`` from the parent transactions in order; refuse to refund more than they hold."""
    left = amount
    parts = []
    for parent in parents:
        if not left:
            break
        take = left.min(parent.refundable)
        if take <= Money.zero(amount.currency):
            continue  # nothing left on this one: never send a zero or negative transaction
        parts.append((parent, take))
        left = left - take
    if left > Money.zero(amount.currency):
        raise MappingError(f"only {amount - left} of {amount} can be refunded to the original payment")
    return parts


_DISPOSITION: Final[dict[Disposition, str]] = {
    Disposition.RESTOCK: "RESTOCKED",
    Disposition.DISPOSE: "NOT_RESTOCKED",
    Disposition.MISSING: "MISSING",
}


def note_with_marker(text: str, key: str, limit: int = 5000) -> str:
    """``text`` plus our ``[rc:<key>]`` marker; the text is shortened, never the marker."""
    tag = marker(key)
    room = max(0, limit - len(tag) - 1)
    return f"{text.strip()[:room]} {tag}".strip()


def _disposition(
    line: RefundLine,
    target: Mapping[str, Any],
    quantity: int,
    rfo_line_by_fli: Mapping[str, str],
    default_location_id: str | None,
) -> dict[str, Any]:
    """``ReverseFulfillmentOrderDisposeInput`` for ``quantity`` units of one return line."""
    assert line.disposition is not None
    fli = str((target.get("fulfillmentLineItem") or {}).get("id"))
    rfo_line = rfo_line_by_fli.get(fli)
    if rfo_line is None:
        raise MappingError(f"return line {target['id']} has no reverse fulfillment order line")
    disposition: dict[str, Any] = {
        "reverseFulfillmentOrderLineItemId": rfo_line,
        "quantity": quantity,
        "dispositionType": _DISPOSITION[line.disposition],
    }
    if line.disposition is Disposition.RESTOCK:
        location = line.restock_location_id or default_location_id
        if not location:
            raise MappingError("restocking needs a location id")
        disposition["locationId"] = location
    return disposition


class _ProcessedLines:
    """The return's lines to process, filled one instruction line at a time.

    An instruction line names its return line (a Shopify return) or only its order line (spread over that
    line's return lines, in order, up to what each can still process); dispositions follow the units.
    """

    def __init__(self, return_node: Mapping[str, Any], default_location_id: str | None) -> None:
        self.return_id = return_node.get("id")
        self.default_location_id = default_location_id
        return_lines = nodes_of(return_node.get("returnLineItems"))
        self.by_id = {str(r["id"]): r for r in return_lines}
        self.by_order_line: dict[str, list[Mapping[str, Any]]] = {}
        for r in return_lines:
            order_line = ((r.get("fulfillmentLineItem") or {}).get("lineItem") or {}).get("id")
            self.by_order_line.setdefault(str(order_line), []).append(r)
        self.rfo_line_by_fli = _rfo_line_by_fulfillment_line(return_node)
        self.left = {str(r["id"]): int(r.get("processableQuantity", r.get("quantity")) or 0) for r in return_lines}
        self.entries: dict[str, dict[str, Any]] = {}

    def take(self, line: RefundLine) -> None:
        """Put ``line``'s units on the return lines; refuse units the return cannot process."""
        named = self.by_id.get(line.platform_return_line_id or "")
        candidates = [named] if named is not None else self.by_order_line.get(line.order_line_id, [])
        if not candidates:
            raise MappingError(f"order line {line.order_line_id} is not on return {self.return_id}")
        wanted = line.quantity
        for target in candidates:
            take = wanted if named is not None else min(wanted, self.left[str(target["id"])])
            if take <= 0:
                continue
            wanted -= take
            self.left[str(target["id"])] -= take
            entry = self.entries.setdefault(str(target["id"]), {"id": str(target["id"]), "quantity": 0})
            entry["quantity"] += take
            if line.disposition is not None:
                entry.setdefault("dispositions", []).append(
                    _disposition(line, target, take, self.rfo_line_by_fli, self.default_location_id)
                )
            if wanted == 0:
                break
        if wanted:
            raise MappingError(f"order line {line.order_line_id}: {wanted} more units than the return can process")


def _rfo_line_by_fulfillment_line(return_node: Mapping[str, Any]) -> dict[str, str]:
    """Each fulfillment line item's reverse fulfillment order line: where its units are disposed of."""
    found: dict[str, str] = {}
    for rfo in nodes_of(return_node.get("reverseFulfillmentOrders")):
        for rfo_item in nodes_of(rfo.get("lineItems")):
            fli = (rfo_item.get("fulfillmentLineItem") or {}).get("id")
            if fli:
                found[str(fli)] = str(rfo_item["id"])
    return found


def _issued_refund(instruction: RefundInstruction, parents: Sequence[ParentTransaction]) -> dict[str, Any]:
    """``issueRefund``: the money back to the original payment, spread over its transactions, and any store
    credit (which Shopify wants with an empty transaction list when nothing goes back to the payment)."""
    refund: dict[str, Any] = {}
    if instruction.amount:
        refund["orderTransactions"] = [
            {"parentId": parent.id, "transactionAmount": money_input(part)}
            for parent, part in allocate_refund(instruction.amount, parents)
        ]
    if instruction.store_credit_amount:
        refund.setdefault("orderTransactions", [])
        refund["refundMethods"] = [{"storeCreditRefund": {"amount": money_input(instruction.store_credit_amount)}}]
    return refund


def return_process_input(
    instruction: RefundInstruction,
    return_node: Mapping[str, Any],
    parents: Sequence[ParentTransaction],
    default_location_id: str | None,
    release_exchanges: bool = True,
) -> dict[str, Any]:
    """``ReturnProcessInput`` from our instruction and the return's current lines and RFO lines."""
    entries = _ProcessedLines(return_node, default_location_id)
    for line in instruction.lines:
        entries.take(line)
    result: dict[str, Any] = {
        "returnId": str(return_node["id"]),
        "returnLineItems": list(entries.entries.values()),
        "notifyCustomer": instruction.notify_customer,
        "note": note_with_marker(instruction.reason, instruction.idempotency_key, 255),
    }
    if release_exchanges:
        exchanges = [
            {"id": str(e["id"]), "quantity": int(e.get("processableQuantity") or 0)}
            for e in nodes_of(return_node.get("exchangeLineItems"))
            if int(e.get("processableQuantity") or 0) > 0
        ]
        if exchanges:
            result["exchangeLineItems"] = exchanges
    refund = _issued_refund(instruction, parents)
    if refund:
        result["financialTransfer"] = {"issueRefund": refund}
    if instruction.shipping:
        result["refundShipping"] = {"shippingRefundAmount": money_input(instruction.shipping)}
    return result


def refund_create_input(
    instruction: RefundInstruction, parents: Sequence[ParentTransaction], default_location_id: str | None
) -> dict[str, Any]:
    """``RefundInput`` for a refund outside a Shopify return (goodwill, cancellation, portal-only)."""
    lines = []
    for line in instruction.lines:
        entry: dict[str, Any] = {"lineItemId": line.order_line_id, "quantity": line.quantity}
        location = line.restock_location_id or default_location_id
        if line.disposition is Disposition.RESTOCK and location:
            entry.update({"restockType": "RETURN", "locationId": location})
        else:
            entry["restockType"] = "NO_RESTOCK"
        lines.append(entry)
    result: dict[str, Any] = {
        "orderId": instruction.order_id,
        "currency": instruction.amount.currency,
        "note": note_with_marker(instruction.reason, instruction.idempotency_key),
        "notify": instruction.notify_customer,
        "refundLineItems": lines,
    }
    if instruction.amount:
        result["transactions"] = [
            {
                "orderId": instruction.order_id,
                "parentId": parent.id,
                "gateway": parent.gateway,
                "kind": "REFUND",
                "amount": str(part.amount),
            }
            for parent, part in allocate_refund(instruction.amount, parents)
        ]
    if instruction.shipping:
        result["shipping"] = {"amount": str(instruction.shipping.amount)}
    if instruction.store_credit_amount:
        result["refundMethods"] = [{"storeCreditRefund": {"amount": money_input(instruction.store_credit_amount)}}]
    return result
