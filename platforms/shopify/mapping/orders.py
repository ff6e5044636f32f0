"""Shopify orders to the common ``Order``: GraphQL ``Order`` nodes from our queries, and the REST-style
bodies of the ``orders/*`` webhooks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from connector.domain.money import Money
from connector.domain.orders import Customer, Order, OrderLine
from connector.domain.shipping import PostalAddress
from platforms.shopify.mapping.scalars import (
    FINAL_SALE_TAGS,
    amount_of,
    gid,
    legacy_id,
    money_of,
    nodes_of,
    order_currency,
    parse_time,
    required_time,
    tags_of,
)

_FULFILLMENT_OK: Final = frozenset({"SUCCESS", "success"})
_RETURN_COUNTS: Final = frozenset({"REQUESTED", "OPEN", "CLOSED"})


# -- GraphQL -----------------------------------------------------------------------------------


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
    context = _LineContext(currency, taxes_included, per_line, returned, in_collections)
    lines = [_line_from_graphql(item, context) for item in nodes_of(node.get("lineItems"))]
    customer = node.get("customer")
    return Order(
        id=str(node["id"]),
        shop_id=shop_id,
        name=str(node.get("name") or ""),
        currency=currency,
        email=str(node.get("email") or (customer or {}).get("email") or ""),
        created_at=required_time(node.get("processedAt") or node.get("createdAt"), "order created"),
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
        shipping_address=postal_address(node.get("shippingAddress"), "countryCodeV2"),
        tags=tags_of(node.get("tags")),
        gateways=_gateways(
            (str(t.get("kind", "")).upper(), str(t.get("status", "")).upper(), t.get("gateway"))
            for t in node.get("transactions") or []
        ),
        platform_ids={"legacy_id": str(node.get("legacyResourceId") or legacy_id(str(node["id"])))},
    )


@dataclass(frozen=True, slots=True)
class _LineContext:
    """What every line of one GraphQL order is read with: the order's currency and what is known per line."""

    currency: str
    taxes_included: bool
    fulfilled: Mapping[str, _Fulfilled]
    returned: Mapping[str, int]
    collections: Mapping[str, frozenset[str]]


def _line_from_graphql(item: Mapping[str, Any], context: _LineContext) -> OrderLine:
    """One ``LineItem`` node: its money in the order's currency, its fulfilled and returned units, and what
    the policy's rules match on (tags, collections, final sale)."""
    currency = context.currency
    line_id = str(item["id"])
    product = item.get("product") or {}
    tags = tags_of(product.get("tags"))
    attributes = {str(a.get("key", "")).lower(): str(a.get("value", "")) for a in item.get("customAttributes") or []}
    info = context.fulfilled.get(line_id, _Fulfilled())
    ordered = int(item["quantity"])
    fulfilled = min(ordered, info.quantity)
    return OrderLine(
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
        quantity_returned=min(fulfilled, context.returned.get(line_id, 0)),
        taxes_included=context.taxes_included,
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
        collections=context.collections.get(str(product.get("id")), frozenset()),
        final_sale=_is_final_sale(tags, attributes),
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


def postal_address(raw: Mapping[str, Any] | None, country_key: str) -> PostalAddress | None:
    """A ``MailingAddress`` (GraphQL, camelCase) or a REST ``shipping_address`` (snake_case) as the parcel's
    address; None without a street, postcode and city (a digital order ships nowhere). Reading the address needs
    Shopify's protected customer data access (name, address and phone fields)."""
    if not raw:
        return None

    def text(*keys: str) -> str:
        return next((str(raw[key]).strip() for key in keys if raw.get(key)), "")

    street, postal_code, city = text("address1"), text("zip"), text("city")
    if not (street and postal_code and city):
        return None
    name = text("name") or " ".join(filter(None, (text("firstName", "first_name"), text("lastName", "last_name"))))
    return PostalAddress(
        name=name, street=", ".join(filter(None, (street, text("address2")))), postal_code=postal_code, city=city,
        country=text(country_key).upper(), company=text("company"), phone=text("phone"),
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


# -- REST webhook body -------------------------------------------------------------------------


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
    per_line = _rest_fulfilled_per_line(payload)
    lines = [_line_from_rest(item, currency, taxes_included, per_line) for item in payload.get("line_items") or []]
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
        created_at=required_time(payload.get("processed_at") or payload.get("created_at"), "order created"),
        lines=tuple(lines),
        shipping_total=shipping,
        customer=_customer(_rest_customer(payload.get("customer"))),
        updated_at=parse_time(payload.get("updated_at")),
        status=_order_status(payload.get("cancelled_at"), payload.get("closed_at")),
        financial_status=payload.get("financial_status"),
        country=(payload.get("shipping_address") or {}).get("country_code"),
        shipping_address=postal_address(payload.get("shipping_address"), "country_code"),
        tags=tags_of(payload.get("tags")),
        gateways=tuple(str(g) for g in payload.get("payment_gateway_names") or []),
        platform_ids={"legacy_id": str(payload["id"])},
    )


def _rest_fulfilled_per_line(payload: Mapping[str, Any]) -> dict[str, _Fulfilled]:
    """Fulfilled units and first fulfilment date per line, from the successful fulfilments of a REST body
    (which carry no delivery dates)."""
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
    return per_line


def _line_from_rest(
    item: Mapping[str, Any], currency: str, taxes_included: bool, per_line: Mapping[str, _Fulfilled]
) -> OrderLine:
    """One REST line item, keyed by its GID as GraphQL lines are, so both dialects name a line the same."""
    line_id = str(item.get("admin_graphql_api_id") or gid("LineItem", item["id"]))
    ordered = int(item["quantity"])
    info = per_line.get(line_id, _Fulfilled())
    attributes = {str(p.get("name", "")).lower(): str(p.get("value", "")) for p in item.get("properties") or []}
    return OrderLine(
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


def _rest_customer(node: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    if not node:
        return None
    return {**node, "id": node.get("admin_graphql_api_id") or gid("Customer", node["id"])}
