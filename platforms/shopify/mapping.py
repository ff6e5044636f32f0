"""Shopify JSON ↔ the common model. Pure functions: no I/O, no clock, no globals.

Two input dialects: GraphQL Admin nodes (camelCase, ``MoneyBag`` sets, GIDs) from our own queries,
and REST-style webhook bodies (snake_case, numeric ids plus ``admin_graphql_api_id``, shopify.md
§4/§8). Ids are kept as GIDs (``gid://shopify/LineItem/123``) everywhere. Money is parsed from the
decimal strings Shopify sends (or ``Decimal`` when the body was parsed with ``parse_float=Decimal``);
a float never reaches ``Money``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Final

from connector.domain.actions import RefundInstruction, RefundLine
from connector.domain.money import Money
from connector.domain.orders import Customer, Order, OrderLine
from connector.domain.reasons import TO_SHOPIFY_ENUM, TO_SHOPIFY_HANDLE, ReasonCode, reason_from_shopify
from connector.domain.returns import (
    Disposition,
    Resolution,
    ResolutionKind,
    ReturnLine,
    ReturnMethod,
    ReturnRequest,
)
from connector.domain.states import ReturnStatus

FINAL_SALE_TAGS: Final = frozenset({"final-sale", "final_sale", "finalsale"})
OUR_MARKER_PREFIX: Final = "rc:"
"""Our idempotency key is written into refund/gift-card notes as ``[rc:<key>]`` to find it later."""

RETURN_STATUS_FROM_SHOPIFY: Final[dict[str, ReturnStatus]] = {
    "REQUESTED": ReturnStatus.REQUESTED,
    "OPEN": ReturnStatus.APPROVED,
    "DECLINED": ReturnStatus.DECLINED,
    "CLOSED": ReturnStatus.CLOSED,
    "CANCELED": ReturnStatus.CANCELED,
}
DECLINE_REASONS: Final = ("FINAL_SALE", "RETURN_PERIOD_ENDED", "OTHER")
_FULFILLMENT_OK: Final = frozenset({"SUCCESS", "success"})
_RETURN_COUNTS: Final = frozenset({"REQUESTED", "OPEN", "CLOSED"})


class MappingError(ValueError):
    """A Shopify payload lacks something the common model needs."""


# -- scalars -----------------------------------------------------------------------------------


def gid(kind: str, value: str | int) -> str:
    """``gid://shopify/<kind>/<id>``; a value that already is a GID is returned unchanged."""
    text = str(value)
    return text if text.startswith("gid://") else f"gid://shopify/{kind}/{text}"


def legacy_id(value: str) -> str:
    return value.rsplit("/", 1)[-1].split("?", 1)[0]


def parse_time(value: Any) -> datetime | None:
    """ISO 8601 from Shopify (``Z`` or an offset) to an aware UTC datetime."""
    if not value:
        return None
    stamp = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return stamp.astimezone(UTC)


def amount_of(value: Any) -> Decimal:
    if isinstance(value, float):
        raise MappingError("money arrived as a float; parse JSON with parse_float=Decimal")
    return Decimal(str(value)) if value not in (None, "") else Decimal(0)


def money_of(money_set: Mapping[str, Any] | None, currency: str) -> Money:
    """A ``MoneyBag`` or a ``MoneyV2`` node, in ``currency``.

    Orders are kept in their presentment currency (what the customer paid and what refunds are
    expressed in); ``shopMoney`` is only used when a bag has no presentment side.
    """
    if not money_set:
        return Money.zero(currency)
    node = money_set.get("presentmentMoney") or money_set.get("shopMoney") or money_set
    code = str(node.get("currencyCode") or currency)
    if code != currency:
        raise MappingError(f"amount in {code}, expected {currency}")
    return Money(amount_of(node.get("amount")), currency)


def order_currency(node: Mapping[str, Any]) -> str:
    """The order's presentment currency (equal to the shop currency on single-currency shops)."""
    return str(node.get("presentmentCurrencyCode") or node["currencyCode"])


def money_input(amount: Money) -> dict[str, str]:
    """``MoneyInput``: decimal string, never a float."""
    return {"amount": str(amount.amount), "currencyCode": amount.currency}


def marker(key: str) -> str:
    return f"[{OUR_MARKER_PREFIX}{key}]"


def has_marker(note: str | None, key: str) -> bool:
    return bool(note) and marker(key) in str(note)


def nodes_of(connection: Any) -> list[Mapping[str, Any]]:
    """Both list fields and connections (``{nodes: [...]}`` or ``{edges: [{node}]}``)."""
    if connection is None:
        return []
    if isinstance(connection, list):
        return connection
    if "nodes" in connection:
        return list(connection["nodes"] or [])
    return [edge["node"] for edge in connection.get("edges") or []]


def _tags(value: Any) -> frozenset[str]:
    if not value:
        return frozenset()
    items: Iterable[str] = value.split(",") if isinstance(value, str) else value
    return frozenset(t.strip().lower() for t in items if t and t.strip())


# -- orders (GraphQL) --------------------------------------------------------------------------


def product_ids_of(node: Mapping[str, Any]) -> set[str]:
    """The product GIDs of an ``Order`` node's lines (a custom or deleted product's line has none)."""
    products = ((item.get("product") or {}).get("id") for item in nodes_of(node.get("lineItems")))
    return {str(product_id) for product_id in products if product_id}


def collections_of(product: Mapping[str, Any]) -> frozenset[str]:
    """A ``Product`` node's collections, handles *and* titles case-folded, as WooCommerce categories map
    (names and slugs): a rule may name ``Summer Sale`` or ``summer-sale``."""
    found = {
        str(collection.get(key) or "").strip().casefold()
        for collection in nodes_of(product.get("collections"))
        for key in ("handle", "title")
    }
    found.discard("")
    return frozenset(found)


def order_from_graphql(
    node: Mapping[str, Any], shop_id: str, collections: Mapping[str, frozenset[str]] | None = None
) -> Order:
    """An ``Order`` node from ``queries.ORDER_FIELDS`` to the common ``Order``; ``collections`` per product GID
    (``collections_of``, read apart: ``queries.PRODUCT_COLLECTIONS``)."""
    in_collections = collections or {}
    currency = order_currency(node)
    taxes_included = bool(node.get("taxesIncluded"))
    fulfillments = [f for f in nodes_of(node.get("fulfillments")) if str(f.get("status")) in _FULFILLMENT_OK]
    per_line = _fulfilled_per_line(
        (f.get("createdAt"), f.get("deliveredAt"), nodes_of(f.get("fulfillmentLineItems"))) for f in fulfillments
    )
    returned = _returned_per_line(nodes_of(node.get("returns")))
    lines = []
    for item in nodes_of(node.get("lineItems")):
        line_id = str(item["id"])
        product = item.get("product") or {}
        tags = _tags(product.get("tags"))
        attributes = {
            str(a.get("key", "")).lower(): str(a.get("value", "")) for a in item.get("customAttributes") or []
        }
        info = per_line.get(line_id, _Fulfilled())
        ordered = int(item["quantity"])
        fulfilled = min(ordered, info.quantity)
        lines.append(
            OrderLine(
                id=line_id,
                title=str(item.get("title") or item.get("name") or ""),
                quantity_ordered=ordered,
                quantity_fulfilled=fulfilled,
                unit_price=money_of(item.get("originalUnitPriceSet"), currency),
                discount=Money.sum(
                    (money_of(d.get("allocatedAmountSet"), currency) for d in item.get("discountAllocations") or []),
                    currency,
                ),
                tax=Money.sum((money_of(t.get("priceSet"), currency) for t in item.get("taxLines") or []), currency),
                quantity_returned=min(fulfilled, returned.get(line_id, 0)),
                taxes_included=taxes_included,
                sku=item.get("sku") or None,
                product_id=product.get("id"),
                variant_id=(item.get("variant") or {}).get("id"),
                variant_title=item.get("variantTitle") or None,
                product_type=product.get("productType") or None,
                fulfillment_line_ids=tuple(info.fulfillment_line_ids),
                platform_ids={"legacy_id": legacy_id(line_id)},
                fulfilled_at=info.fulfilled_at,
                delivered_at=info.delivered_at,
                tags=tags,
                collections=in_collections.get(str(product.get("id")), frozenset()),
                final_sale=_is_final_sale(tags, attributes),
            )
        )
    customer = node.get("customer")
    return Order(
        id=str(node["id"]),
        shop_id=shop_id,
        name=str(node.get("name") or ""),
        currency=currency,
        email=str(node.get("email") or (customer or {}).get("email") or ""),
        created_at=_required_time(node.get("processedAt") or node.get("createdAt"), "order created"),
        lines=tuple(lines),
        shipping_total=money_of(node.get("totalShippingPriceSet"), currency),
        shipping_refunded=(
            money_of(node["totalRefundedShippingSet"], currency) if node.get("totalRefundedShippingSet") else None
        ),
        customer=_customer(customer),
        updated_at=parse_time(node.get("updatedAt")),
        status=_order_status(node.get("cancelledAt"), node.get("closedAt")),
        financial_status=(str(node["displayFinancialStatus"]).lower() if node.get("displayFinancialStatus") else None),
        country=(node.get("shippingAddress") or {}).get("countryCodeV2"),
        tags=_tags(node.get("tags")),
        gateways=_gateways(
            (str(t.get("kind", "")).upper(), str(t.get("status", "")).upper(), t.get("gateway"))
            for t in node.get("transactions") or []
        ),
        platform_ids={"legacy_id": str(node.get("legacyResourceId") or legacy_id(str(node["id"])))},
    )


@dataclass(slots=True)
class _Fulfilled:
    quantity: int = 0
    fulfilled_at: datetime | None = None
    delivered_at: datetime | None = None
    undelivered: bool = False
    fulfillment_line_ids: list[str] = field(default_factory=list)


def _fulfilled_per_line(
    fulfillments: Iterable[tuple[Any, Any, Sequence[Mapping[str, Any]]]],
) -> dict[str, _Fulfilled]:
    """Sum fulfilled units per line; first fulfilment date; last delivery (None if a unit is undelivered)."""
    result: dict[str, _Fulfilled] = {}
    for created, delivered, items in fulfillments:
        created_at, delivered_at = parse_time(created), parse_time(delivered)
        for item in items:
            line_id = str((item.get("lineItem") or item.get("line_item") or {}).get("id") or item.get("line_item_id"))
            info = result.setdefault(line_id, _Fulfilled())
            info.quantity += int(item.get("quantity") or 0)
            if item.get("id") is not None:
                info.fulfillment_line_ids.append(str(item["id"]))
            if created_at and (info.fulfilled_at is None or created_at < info.fulfilled_at):
                info.fulfilled_at = created_at
            if delivered_at is None:
                info.undelivered = True
            elif info.delivered_at is None or delivered_at > info.delivered_at:
                info.delivered_at = delivered_at
    for info in result.values():
        if info.undelivered:
            info.delivered_at = None
    return result


def _returned_per_line(returns: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """Units on requested, open or closed returns: Shopify will not let them be returned again."""
    counts: dict[str, int] = {}
    for ret in returns:
        if str(ret.get("status")) not in _RETURN_COUNTS:
            continue
        for item in nodes_of(ret.get("returnLineItems")):
            line = ((item.get("fulfillmentLineItem") or {}).get("lineItem") or {}).get("id")
            if line:
                counts[str(line)] = counts.get(str(line), 0) + int(item.get("quantity") or 0)
    return counts


def _is_final_sale(tags: frozenset[str], attributes: Mapping[str, str]) -> bool:
    """A ``final-sale`` product tag, or a line property named or valued ``final-sale``."""
    if tags & FINAL_SALE_TAGS:
        return True
    for key, value in attributes.items():
        if key in FINAL_SALE_TAGS and value.strip().lower() not in ("false", "0", "no"):
            return True
        if value.strip().lower() in FINAL_SALE_TAGS:
            return True
    return False


def _customer(node: Mapping[str, Any] | None) -> Customer | None:
    if not node:
        return None
    return Customer(
        id=str(node["id"]) if node.get("id") is not None else None,
        email=str(node.get("email") or ""),
        first_name=str(node.get("firstName") or node.get("first_name") or ""),
        last_name=str(node.get("lastName") or node.get("last_name") or ""),
        locale=node.get("locale"),
    )


def _order_status(cancelled_at: Any, closed_at: Any) -> str:
    if cancelled_at:
        return "cancelled"
    return "closed" if closed_at else "open"


def _gateways(transactions: Iterable[tuple[str, str, Any]]) -> tuple[str, ...]:
    seen: list[str] = []
    for kind, status, gateway in transactions:
        if kind in ("SALE", "CAPTURE") and status == "SUCCESS" and gateway and gateway not in seen:
            seen.append(str(gateway))
    return tuple(seen)


def _required_time(value: Any, what: str) -> datetime:
    stamp = parse_time(value)
    if stamp is None:
        raise MappingError(f"{what}: no timestamp")
    return stamp


# -- orders (REST webhook body) ----------------------------------------------------------------


def _rest_money(item: Mapping[str, Any], plain: str, set_key: str, currency: str) -> Money:
    """REST bodies carry ``price`` (shop currency) and ``price_set``; prefer its presentment side."""
    money_set = item.get(set_key) or {}
    if isinstance(money_set, Mapping):
        side = money_set.get("presentment_money") or money_set.get("shop_money")
        if side:
            return Money(amount_of(side.get("amount")), currency)
    return Money(amount_of(item.get(plain)), currency)


def order_from_rest(payload: Mapping[str, Any], shop_id: str) -> Order:
    """An ``orders/*`` webhook body (the REST Order resource) to ``Order``.

    REST fulfilments carry no fulfillment line item ids (shopify.md §8), so ``fulfillment_line_ids``
    stays empty: refetch through GraphQL before creating a return.
    """
    currency = str(payload.get("presentment_currency") or payload["currency"])
    taxes_included = bool(payload.get("taxes_included"))
    fulfillments = [f for f in payload.get("fulfillments") or [] if str(f.get("status")) in _FULFILLMENT_OK]
    per_line: dict[str, _Fulfilled] = {}
    for fulfillment in fulfillments:
        items = [
            {"quantity": li.get("quantity"), "line_item_id": gid("LineItem", li["id"])}
            for li in fulfillment.get("line_items") or []
        ]
        for line_id, info in _fulfilled_per_line([(fulfillment.get("created_at"), None, items)]).items():
            total = per_line.setdefault(line_id, _Fulfilled())
            total.quantity += info.quantity
            if info.fulfilled_at and (total.fulfilled_at is None or info.fulfilled_at < total.fulfilled_at):
                total.fulfilled_at = info.fulfilled_at
    lines = []
    for item in payload.get("line_items") or []:
        line_id = str(item.get("admin_graphql_api_id") or gid("LineItem", item["id"]))
        ordered = int(item["quantity"])
        info = per_line.get(line_id, _Fulfilled())
        attributes = {str(p.get("name", "")).lower(): str(p.get("value", "")) for p in item.get("properties") or []}
        lines.append(
            OrderLine(
                id=line_id,
                title=str(item.get("title") or item.get("name") or ""),
                quantity_ordered=ordered,
                quantity_fulfilled=min(ordered, info.quantity),
                unit_price=_rest_money(item, "price", "price_set", currency),
                discount=Money.sum(
                    (_rest_money(d, "amount", "amount_set", currency) for d in item.get("discount_allocations") or []),
                    currency,
                ),
                tax=Money.sum(
                    (_rest_money(t, "price", "price_set", currency) for t in item.get("tax_lines") or []),
                    currency,
                ),
                taxes_included=taxes_included,
                sku=item.get("sku") or None,
                product_id=gid("Product", item["product_id"]) if item.get("product_id") else None,
                variant_id=gid("ProductVariant", item["variant_id"]) if item.get("variant_id") else None,
                variant_title=item.get("variant_title") or None,
                platform_ids={"legacy_id": str(item["id"])},
                fulfilled_at=info.fulfilled_at,
                final_sale=_is_final_sale(frozenset(), attributes),
            )
        )
    shipping = Money.sum(
        (_rest_money(s, "price", "price_set", currency) for s in payload.get("shipping_lines") or []),
        currency,
    )
    return Order(
        id=str(payload.get("admin_graphql_api_id") or gid("Order", payload["id"])),
        shop_id=shop_id,
        name=str(payload.get("name") or ""),
        currency=currency,
        email=str(payload.get("email") or payload.get("contact_email") or ""),
        created_at=_required_time(payload.get("processed_at") or payload.get("created_at"), "order created"),
        lines=tuple(lines),
        shipping_total=shipping,
        customer=_customer(_rest_customer(payload.get("customer"))),
        updated_at=parse_time(payload.get("updated_at")),
        status=_order_status(payload.get("cancelled_at"), payload.get("closed_at")),
        financial_status=payload.get("financial_status"),
        country=(payload.get("shipping_address") or {}).get("country_code"),
        tags=_tags(payload.get("tags")),
        gateways=tuple(str(g) for g in payload.get("payment_gateway_names") or []),
        platform_ids={"legacy_id": str(payload["id"])},
    )


def _rest_customer(node: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    if not node:
        return None
    return {**node, "id": node.get("admin_graphql_api_id") or gid("Customer", node["id"])}


# -- returns -----------------------------------------------------------------------------------


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
    created = _required_time(node.get("createdAt"), "return created")
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


# -- refunds -----------------------------------------------------------------------------------


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


def return_process_input(
    instruction: RefundInstruction,
    return_node: Mapping[str, Any],
    parents: Sequence[ParentTransaction],
    default_location_id: str | None,
    release_exchanges: bool = True,
) -> dict[str, Any]:
    """``ReturnProcessInput`` from our instruction and the return's current lines and RFO lines."""
    return_lines = nodes_of(return_node.get("returnLineItems"))
    by_id = {str(r["id"]): r for r in return_lines}
    by_order_line: dict[str, list[Mapping[str, Any]]] = {}
    for r in return_lines:
        order_line = ((r.get("fulfillmentLineItem") or {}).get("lineItem") or {}).get("id")
        by_order_line.setdefault(str(order_line), []).append(r)
    rfo_line_by_fli: dict[str, str] = {}
    for rfo in nodes_of(return_node.get("reverseFulfillmentOrders")):
        for rfo_item in nodes_of(rfo.get("lineItems")):
            fli = (rfo_item.get("fulfillmentLineItem") or {}).get("id")
            if fli:
                rfo_line_by_fli[str(fli)] = str(rfo_item["id"])
    left = {str(r["id"]): int(r.get("processableQuantity", r.get("quantity")) or 0) for r in return_lines}
    entries: dict[str, dict[str, Any]] = {}
    for line in instruction.lines:
        named = by_id.get(line.platform_return_line_id or "")
        candidates = [named] if named is not None else by_order_line.get(line.order_line_id, [])
        if not candidates:
            raise MappingError(f"order line {line.order_line_id} is not on return {return_node.get('id')}")
        wanted = line.quantity
        for target in candidates:
            take = wanted if named is not None else min(wanted, left[str(target["id"])])
            if take <= 0:
                continue
            wanted -= take
            left[str(target["id"])] -= take
            entry = entries.setdefault(str(target["id"]), {"id": str(target["id"]), "quantity": 0})
            entry["quantity"] += take
            if line.disposition is not None:
                entry.setdefault("dispositions", []).append(
                    _disposition(line, target, take, rfo_line_by_fli, default_location_id)
                )
            if wanted == 0:
                break
        if wanted:
            raise MappingError(f"order line {line.order_line_id}: {wanted} more units than the return can process")
    result: dict[str, Any] = {
        "returnId": str(return_node["id"]),
        "returnLineItems": list(entries.values()),
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
    refund: dict[str, Any] = {}
    if instruction.amount:
        refund["orderTransactions"] = [
            {"parentId": parent.id, "transactionAmount": money_input(part)}
            for parent, part in allocate_refund(instruction.amount, parents)
        ]
    if instruction.store_credit_amount:
        refund.setdefault("orderTransactions", [])
        refund["refundMethods"] = [{"storeCreditRefund": {"amount": money_input(instruction.store_credit_amount)}}]
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
