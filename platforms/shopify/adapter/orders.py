"""The Shopify adapter's reads of orders: by id, as the customer names it, the orders changed since a time
(the poll), and the stock and market price of a variant for an exchange.

An order is read in several requests that each stay under the query cost cap (``_order_node``), then its
products' collections through the cached catalogue.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Final

from connector.domain.money import Money
from connector.domain.order_numbers import normalize_order_number
from connector.domain.orders import Order
from connector.errors import NotFound
from platforms.shopify import mapping, queries
from platforms.shopify.adapter.base import ShopifyAdapterBase

log = logging.getLogger(__name__)

ORDERS_PAGE_SIZE: Final = 50


def market_price(variant: Mapping[str, Any], order: Order) -> Money | None:
    """A variant's ``contextualPricing`` price (asked for the order's shipping country) in the order's currency;
    None when that market buys in another one. Every replacement price is read this way: one exchanged variant
    (``variant_price``) or a catalogue of them (``catalogue``)."""
    price = (variant.get("contextualPricing") or {}).get("price") or {}
    if str(price.get("currencyCode") or "") != order.currency or price.get("amount") is None:
        return None
    return Money(Decimal(str(price["amount"])), order.currency)


class OrderReads(ShopifyAdapterBase):
    """Orders, stock and prices as the common model sees them."""

    def fetch_order(self, order_id: str) -> Order:
        """One order, read in a few requests that each stay under the query cost cap (see queries.ORDER),
        then its products' collections (one batched, cached request: ``collections``)."""
        node = self._order_node(mapping.gid("Order", order_id))
        in_collections = self.collections.collections_for(mapping.product_ids_of(node))
        return mapping.order_from_graphql(node, self.shop_id, in_collections)

    def find_order(self, order_number: str, email: str) -> Order | None:
        """One search by name, whatever the shop holds: no order and another e-mail cost the same call.

        The shop's names are compared in their normal form (``connector.domain.order_numbers``), the form
        the portal's per-order rate limit counts.
        """
        number = normalize_order_number(order_number)
        data = self.client.query(queries.ORDER_IDS_PAGE, {"first": 5, "after": None, "query": f"name:#{number}"})
        wanted = email.strip().lower()
        for node in data["orders"]["nodes"]:
            if (
                normalize_order_number(str(node.get("name") or "")) == number
                and str(node.get("email") or "").strip().lower() == wanted
            ):
                return self.fetch_order(str(node["id"]))
        return None

    def orders_changed_since(self, since: datetime | None) -> Iterator[Order]:
        """Stream orders updated after ``since``: a page of ids at a time, each order read in full.

        Memory stays flat (one id page, one order); the cursor survives only while iterating.
        """
        search = f"updated_at:>'{since.astimezone(UTC).isoformat()}'" if since else None
        cursor: str | None = None
        while True:
            data = self.client.query(
                queries.ORDER_IDS_PAGE, {"first": ORDERS_PAGE_SIZE, "after": cursor, "query": search}
            )
            page = data["orders"]
            for node in page["nodes"]:
                yield self.fetch_order(str(node["id"]))
            info = page.get("pageInfo") or {}
            if not info.get("hasNextPage"):
                return
            cursor = info.get("endCursor")

    def available_stock(self, variant_id: str) -> int | None:
        data = self.client.query(queries.VARIANT_STOCK, {"id": mapping.gid("ProductVariant", variant_id)})
        variant = data.get("productVariant")
        if not variant:
            raise NotFound(f"variant {variant_id} not found")
        quantity = variant.get("inventoryQuantity")
        return int(quantity) if quantity is not None else None

    def variant_price(self, variant_id: str, order: Order, product_id: str | None = None) -> Money | None:
        """The variant's price for the order's market (``contextualPricing`` for its shipping country),
        which is what Shopify charges the exchange at; None when that market buys in another currency."""
        if not order.country:
            return None
        variables = {"id": mapping.gid("ProductVariant", variant_id), "country": order.country.upper()}
        variant = self.client.query(queries.VARIANT_PRICE, variables).get("productVariant")
        if not variant:
            raise NotFound(f"variant {variant_id} not found")
        return market_price(variant, order)

    def _order_node(self, gid: str) -> dict[str, Any]:
        """Header + every line page + fulfilments + every returns page, merged into one ``Order`` node."""
        order = self.client.query(queries.ORDER, {"id": gid}).get("order")
        if not order:
            raise NotFound(f"order {gid} not found on {self.shop_domain}")
        node = dict(order)
        lines = list(mapping.nodes_of(order.get("lineItems")))
        page = (order.get("lineItems") or {}).get("pageInfo") or {}
        while page.get("hasNextPage"):
            more = self.client.query(queries.ORDER_LINES, {"id": gid, "after": page.get("endCursor")})["order"]
            lines.extend(mapping.nodes_of(more.get("lineItems")))
            page = (more.get("lineItems") or {}).get("pageInfo") or {}
        node["lineItems"] = {"nodes": lines}
        fulfilled = self.client.query(queries.ORDER_FULFILLMENTS, {"id": gid})["order"]
        node["fulfillments"] = fulfilled.get("fulfillments") or []
        for fulfillment in node["fulfillments"]:
            if ((fulfillment.get("fulfillmentLineItems") or {}).get("pageInfo") or {}).get("hasNextPage"):
                # Counted short, never long: fewer units look returnable, none too many.
                log.warning("shopify.order.fulfillment-lines-truncated", extra={"order": gid})
        returns: list[Mapping[str, Any]] = []
        cursor: str | None = None
        while True:
            data = self.client.query(queries.ORDER_RETURNS, {"id": gid, "after": cursor})["order"]
            connection = data.get("returns") or {}
            returns.extend(mapping.nodes_of(connection))
            info = connection.get("pageInfo") or {}
            if not info.get("hasNextPage"):
                break
            cursor = info.get("endCursor")
        node["returns"] = {"nodes": returns}
        return node
