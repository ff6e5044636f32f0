"""Shopify returns: ``Return`` nodes and ``returns/*`` webhook bodies to the common model, and the inputs
of the mutations that create and decline a return.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Final

from connector.domain.reasons import TO_SHOPIFY_ENUM, TO_SHOPIFY_HANDLE, ReasonCode, reason_from_shopify
from connector.domain.resolutions import Resolution, ResolutionKind, ReturnMethod
from connector.domain.returns import ReturnLine, ReturnRequest
from connector.domain.states import ReturnStatus
from platforms.shopify.mapping.scalars import (
    MappingError,
    gid,
    money_input,
    nodes_of,
    parse_time,
    required_time,
)

RETURN_STATUS_FROM_SHOPIFY: Final[dict[str, ReturnStatus]] = {
    "REQUESTED": ReturnStatus.REQUESTED,
    "OPEN": ReturnStatus.APPROVED,
    "DECLINED": ReturnStatus.DECLINED,
    "CLOSED": ReturnStatus.CLOSED,
    "CANCELED": ReturnStatus.CANCELED,
}
DECLINE_REASONS: Final = ("FINAL_SALE", "RETURN_PERIOD_ENDED", "OTHER")


def return_from_graphql(node: Mapping[str, Any], shop_id: str) -> ReturnRequest:
    """A ``Return`` node (``queries.RETURN_FIELDS``) to a ``ReturnRequest`` keyed by the Shopify GID.

    The core re-keys it to its own id; ``platform_return_id`` and ``platform_line_id`` keep the GIDs.
    Exchange items are not tied to return lines on Shopify: they are given, in order, to the lines.
    """
    order = node.get("order") or {}
    currency = str(order.get("presentmentCurrencyCode") or order.get("currencyCode") or "")
    exchanges = [str(e["variantId"]) for e in nodes_of(node.get("exchangeLineItems")) if e.get("variantId")]
    lines = []
    for index, item in enumerate(nodes_of(node.get("returnLineItems"))):
        fli = item.get("fulfillmentLineItem") or {}
        definition = item.get("returnReasonDefinition") or {}
        handle = definition.get("handle")
        resolution = (
            Resolution.exchange(variant_id=exchanges[min(index, len(exchanges) - 1)])
            if exchanges
            else Resolution.refund()
        )
        lines.append(
            ReturnLine(
                id=str(item["id"]),
                order_line_id=str((fli.get("lineItem") or {}).get("id") or ""),
                quantity=int(item["quantity"]),
                reason=reason_from_shopify(item.get("returnReason"), handle),
                resolution=resolution,
                customer_note=str(item.get("customerNote") or item.get("returnReasonNote") or ""),
                reason_handle=handle,
                platform_line_id=str(item["id"]),
            )
        )
    created = required_time(node.get("createdAt"), "return created")
    decline = node.get("decline") or {}
    return ReturnRequest(
        id=str(node["id"]),
        shop_id=shop_id,
        order_id=str(order.get("id") or ""),
        order_name=str(order.get("name") or ""),
        currency=currency,
        customer_email=str(order.get("email") or (order.get("customer") or {}).get("email") or ""),
        method=ReturnMethod.PREPAID_LABEL,
        lines=lines,
        created_at=created,
        status=RETURN_STATUS_FROM_SHOPIFY.get(str(node.get("status")), ReturnStatus.REQUESTED),
        platform_return_id=str(node["id"]),
        decline_reason=(decline.get("note") or decline.get("reason")) or None,
        updated_at=parse_time(node.get("closedAt") or node.get("requestApprovedAt")) or created,
    )


def return_event_data(payload: Mapping[str, Any]) -> dict[str, Any]:
    """A ``returns/*`` webhook body (no prices, no order name: shopify.md §8) as plain data with GIDs."""
    order = payload.get("order") or {}
    lines = []
    for item in payload.get("return_line_items") or []:
        fli = item.get("fulfillment_line_item") or {}
        line_item = fli.get("line_item") or {}
        handle = (item.get("return_reason_definition") or {}).get("handle")
        lines.append(
            {
                "id": str(item.get("admin_graphql_api_id") or gid("ReturnLineItem", item["id"])),
                "fulfillment_line_item_id": _gid_of(fli, "FulfillmentLineItem"),
                "order_line_id": _gid_of(line_item, "LineItem"),
                "quantity": int(item.get("quantity") or 0),
                "reason": str(reason_from_shopify(item.get("return_reason"), handle)),
                "reason_handle": handle,
                "customer_note": str(item.get("customer_note") or item.get("return_reason_note") or ""),
            }
        )
    decline = payload.get("decline") or {}
    return {
        "return_id": _gid_of(payload, "Return"),
        # returns/request, approve, decline name the order as ``order``; cancel, close, reopen as ``order_id``.
        "order_id": _gid_of(order, "Order") or (gid("Order", payload["order_id"]) if payload.get("order_id") else None),
        "name": payload.get("name"),
        "status": str(payload.get("status") or "").lower() or None,
        "lines": lines,
        "exchange_variant_ids": [
            gid("ProductVariant", e["variant_id"])
            for e in payload.get("exchange_line_items") or []
            if e.get("variant_id")
        ],
        "decline_reason": decline.get("reason"),
        "decline_note": decline.get("note"),
    }


def _gid_of(node: Mapping[str, Any], kind: str) -> str | None:
    if node.get("admin_graphql_api_id"):
        return str(node["admin_graphql_api_id"])
    return gid(kind, node["id"]) if node.get("id") is not None else None


def reason_inputs(reason: ReasonCode, handle: str | None, definitions: Mapping[str, str]) -> dict[str, str]:
    """Prefer a reason-definition id (2026-01+); fall back to the deprecated enum when unknown."""
    wanted = handle or TO_SHOPIFY_HANDLE[reason]
    definition_id = definitions.get(wanted) or definitions.get(TO_SHOPIFY_HANDLE[reason])
    if definition_id:
        return {"returnReasonDefinitionId": definition_id}
    return {"returnReason": TO_SHOPIFY_ENUM[reason]}


def allocate_fulfillment_lines(
    quantity: int, returnable: Sequence[tuple[str, int]], line_id: str
) -> list[tuple[str, int]]:
    """Spread ``quantity`` of one order line over its returnable fulfillment line items, in order."""
    left = quantity
    parts = []
    for fli_id, available in returnable:
        if left <= 0:
            break
        take = min(left, available)
        if take > 0:
            parts.append((fli_id, take))
            left -= take
    if left > 0:
        raise MappingError(f"line {line_id}: {quantity} to return, only {quantity - left} returnable on Shopify")
    return parts


def return_create_input(
    request: ReturnRequest,
    returnable: Mapping[str, Sequence[tuple[str, int]]],
    definitions: Mapping[str, str],
    requested_at: datetime | None = None,
) -> dict[str, Any]:
    """``ReturnInput`` for ``returnCreate``: one entry per fulfillment line item, plus exchange items."""
    remaining = {line_id: list(parts) for line_id, parts in returnable.items()}
    items: list[dict[str, Any]] = []
    exchanges: dict[str, int] = {}
    for line in request.lines:
        pool = remaining.get(line.order_line_id, [])
        parts = allocate_fulfillment_lines(line.quantity, pool, line.order_line_id)
        used = dict(parts)
        remaining[line.order_line_id] = [(f, q - used.get(f, 0)) for f, q in pool]
        for fli_id, quantity in parts:
            entry: dict[str, Any] = {"fulfillmentLineItemId": fli_id, "quantity": quantity}
            entry.update(reason_inputs(line.reason, line.reason_handle, definitions))
            if line.customer_note:
                entry["returnReasonNote"] = line.customer_note[:255]
            items.append(entry)
        if line.resolution.kind is ResolutionKind.EXCHANGE and line.resolution.exchange_variant_id:
            variant = line.resolution.exchange_variant_id
            exchanges[variant] = exchanges.get(variant, 0) + line.quantity
    result: dict[str, Any] = {"orderId": request.order_id, "returnLineItems": items}
    if exchanges:
        result["exchangeLineItems"] = [{"variantId": v, "quantity": q} for v, q in exchanges.items()]
    if requested_at is not None:
        result["requestedAt"] = requested_at.isoformat()
    fees = request.fees
    if fees is not None and fees.return_shipping:
        result["returnShippingFee"] = {"amount": money_input(fees.return_shipping)}
    return result


def decline_input(return_id: str, reason: str, notify: bool) -> dict[str, Any]:
    """``ReturnDeclineRequestInput``: our free text mapped to Shopify's three reasons, kept as the note."""
    text = reason.strip()
    lowered = text.lower().replace("-", "_").replace(" ", "_")
    if "final_sale" in lowered:
        code = "FINAL_SALE"
    elif any(word in lowered for word in ("return_period", "window", "period_ended", "too_late", "expired")):
        code = "RETURN_PERIOD_ENDED"
    else:
        code = "OTHER"
    return {"id": return_id, "declineReason": code, "declineNote": text[:500], "notifyCustomer": notify}
