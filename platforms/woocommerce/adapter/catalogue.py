"""The WooCommerce adapter's exchange catalogue: the variations (or simple products) a line could become.

* One product: ``GET products/<id>``, then, for a variable product, its variations (``variations``, cached a
  minute); a simple product is one option, itself (its id is the variant id, as on an order line).
* A search: ``GET products?search=&status=publish``, then each variable product's variations. WooCommerce's
  ``search`` also matches descriptions, so the answer is kept to the products whose *title* holds every word
  typed, the way Shopify's ``title:`` search answers.

Prices and stock are read from each variation as ``variant_price`` and ``available_stock`` read one
(``pricing``), with the store's settings read once for the whole list. Grouped and external products are never
options: the shop cannot send them as a replacement.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

from connector.domain.exchange_options import CatalogueQuery, ExchangeOption
from connector.domain.orders import Order
from connector.errors import NotFound
from platforms.woocommerce.adapter.orders import OrderReads
from platforms.woocommerce.adapter.pricing import ReplacementPrices, promisable_stock
from platforms.woocommerce.ids import woo_id as _id

SEARCH_PAGE: Final = 20
"""Products asked of a search before keeping those whose title matches (``search`` matches descriptions too)."""
_WORD: Final = re.compile(r"[^\W_]+")


def _published(raw: Mapping[str, Any]) -> bool:
    return raw.get("status") in (None, "publish")


def _image(raw: Mapping[str, Any]) -> str | None:
    """A variation's ``image`` object, or a product's first of ``images``."""
    image = raw.get("image")
    if not isinstance(image, Mapping):
        images = raw.get("images")
        image = images[0] if isinstance(images, list) and images and isinstance(images[0], Mapping) else {}
    src = image.get("src")
    return str(src) if src else None


def _option_values(variation: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    return tuple(
        (str(a.get("name") or ""), str(a.get("option") or ""))
        for a in variation.get("attributes") or []
        if isinstance(a, Mapping) and a.get("option")
    )


def title_matches(title: str, search: str) -> bool:
    """Whether every word of ``search`` is in ``title``, case-folded."""
    folded = title.casefold()
    return all(word in folded for word in _WORD.findall(search.casefold()))


class ExchangeCatalogue(OrderReads):
    """Products and variations as exchange options, priced for the order's buyer."""

    def exchange_options(self, order: Order, query: CatalogueQuery) -> list[ExchangeOption]:
        prices = self.replacement_prices(order)
        if query.product_id:
            try:
                products = [self.client.get(f"products/{_id(query.product_id)}")]
            except NotFound:
                return []
        else:
            products = self._search(query.search or "", query.limit)
        return [option for product in products for option in self._options_of(product, prices)]

    def _search(self, text: str, limit: int) -> list[Mapping[str, Any]]:
        if not _WORD.search(text):
            return []  # only punctuation: nothing to look for, never the whole catalogue
        page = self.client.get_page("products", {"search": text, "status": "publish", "per_page": SEARCH_PAGE})
        found = [p for p in page.items if isinstance(p, Mapping) and title_matches(str(p.get("name") or ""), text)]
        return found[:limit]

    def _options_of(self, product: Any, prices: ReplacementPrices) -> Iterable[ExchangeOption]:
        if not isinstance(product, Mapping) or not _published(product):
            return []
        kind = product.get("type")
        if kind == "simple":
            sellable: Iterable[Mapping[str, Any]] = [product]
        elif kind == "variable":
            sellable = (v for v in self.variations.variations_of(int(product["id"])) if _published(v))
        else:
            return []
        options = []
        for variant in sellable:
            price = prices.price(variant)
            if price is None:
                continue
            values = _option_values(variant)
            options.append(
                ExchangeOption(
                    variant_id=str(variant["id"]),
                    product_id=str(product["id"]),
                    product_title=str(product.get("name") or ""),
                    variant_title=", ".join(value for _, value in values),
                    option_values=values,
                    price=price,
                    stock=promisable_stock(variant),
                    image_url=_image(variant) or _image(product),
                )
            )
        return options
