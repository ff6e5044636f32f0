"""The Shopify adapter's exchange catalogue: the variants a returned line could be exchanged for.

One GraphQL request per call, under the query cost cap (``catalogue_queries.EXCHANGE_VARIANTS``/``EXCHANGE_SEARCH``):
a product's variants, or the active products whose title matches a customer's search, each variant with its
options, stock and the price Shopify charges the order's market (``market_price``, as ``variant_price``).

Stock follows what Shopify would let the customer buy: a variant not available for sale gives 0; one whose
inventory is not tracked, or that keeps selling at zero (``inventoryPolicy: CONTINUE``), has no limit (None);
otherwise ``inventoryQuantity`` (summed over locations), never below zero.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any, Final

from connector.domain.exchange_options import CatalogueQuery, ExchangeOption
from connector.domain.orders import Order
from platforms.shopify import catalogue_queries, mapping
from platforms.shopify.adapter.orders import OrderReads, market_price

log = logging.getLogger(__name__)

_WORD: Final = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
"""A search word: letters and digits (any script), hyphens inside. Everything else is dropped, so nothing a
customer types can change the search's syntax (quotes, colons, parentheses, OR)."""

DEFAULT_VARIANT_TITLE: Final = "Default Title"
"""The title Shopify gives the single variant of a product without options."""


def title_query(text: str) -> str | None:
    """Shopify search syntax for active, non-gift-card products whose title contains every word of ``text``;
    None when it has no word to look for (a search for punctuation must not list the whole catalogue)."""
    words = _WORD.findall(text.lower())
    if not words:
        return None
    terms = [f"title:*{word}*" for word in words]
    return " AND ".join([*terms, "status:active", "gift_card:false"])


def _stock(variant: Mapping[str, Any]) -> int | None:
    if variant.get("availableForSale") is False:
        return 0
    tracked = (variant.get("inventoryItem") or {}).get("tracked")
    quantity = variant.get("inventoryQuantity")
    if tracked is False or variant.get("inventoryPolicy") == "CONTINUE" or quantity is None:
        return None
    return max(0, int(quantity))


def _image(product: Mapping[str, Any]) -> str | None:
    image = (((product.get("featuredMedia") or {}).get("preview") or {}).get("image")) or {}
    return str(image["url"]) if image.get("url") else None


def options_of(product: Mapping[str, Any], order: Order) -> list[ExchangeOption]:
    """A product node's variants as options priced for ``order``; a variant with no price in its currency is
    left out (never offered at a guessed price)."""
    if product.get("status") not in (None, "ACTIVE"):
        return []
    variants = product.get("variants") or {}
    if (variants.get("pageInfo") or {}).get("hasNextPage"):
        log.warning("shopify.exchange.variants-truncated", extra={"product": product.get("id")})
    found = []
    for variant in mapping.nodes_of(variants):
        price = market_price(variant, order)
        if price is None:
            continue
        title = str(variant.get("title") or "")
        found.append(
            ExchangeOption(
                variant_id=str(variant["id"]),
                product_id=str(product["id"]),
                product_title=str(product.get("title") or ""),
                variant_title="" if title == DEFAULT_VARIANT_TITLE else title,
                option_values=tuple(
                    (str(o["name"]), str(o["value"]))
                    for o in variant.get("selectedOptions") or []
                    if str(o.get("value")) != DEFAULT_VARIANT_TITLE
                ),
                price=price,
                stock=_stock(variant),
                image_url=_image(product),
            )
        )
    return found


class ExchangeCatalogue(OrderReads):
    """The variants a line could be exchanged for, as the order's market buys them."""

    def exchange_options(self, order: Order, query: CatalogueQuery) -> list[ExchangeOption]:
        """One request: the product's variants, or the products a title search finds with theirs. Without a
        shipping country there is no market to price in, so nothing (as ``variant_price`` answers None)."""
        if not order.country:
            return []
        country = order.country.upper()
        if query.product_id:
            product_id = mapping.gid("Product", query.product_id)
            data = self.client.query(catalogue_queries.EXCHANGE_VARIANTS, {"id": product_id, "country": country})
            products = [data["product"]] if data.get("product") else []
        else:
            search = title_query(query.search or "")
            if search is None:
                return []
            variables = {"query": search, "first": query.limit, "country": country}
            found = self.client.query(catalogue_queries.EXCHANGE_SEARCH, variables)
            products = list(mapping.nodes_of(found.get("products")))
        return [option for product in products for option in options_of(product, order)]
