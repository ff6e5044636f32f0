"""What a returned line can be exchanged for: the shop's variants as the customer would buy them today.

The portal's exchange step shows these, so each carries what a customer decides on: the options that tell
two variants apart (Size, Colour), the price the shop charges this order's buyer (in the order's currency),
and whether it can be sent now. An option is listed only with a real price: one the shop does not quote in
the order's currency is left out by the adapter, never shown at a guessed price.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from connector.domain.errors import DomainError
from connector.domain.money import Money

MAX_SEARCH_PRODUCTS: Final = 5
"""The most products one title search brings back (each with its variants): a customer looking for another
product types a few letters and picks among a handful; more would cost the shop's API for nothing."""


class InvalidCatalogueQuery(DomainError):
    """A catalogue request that names neither a product nor a search, or both."""


@dataclass(frozen=True, slots=True)
class CatalogueQuery:
    """What to list: one product's variants (the same item in another size or colour), or the products whose
    title contains ``search`` (another item). One port method serves both, so each platform reads its catalogue
    in one place."""

    product_id: str | None = None
    search: str | None = None
    limit: int = MAX_SEARCH_PRODUCTS
    """Products a search brings back at most (ignored for one product, whose variants all come back)."""

    def __post_init__(self) -> None:
        if bool(self.product_id) == bool(self.search and self.search.strip()):
            raise InvalidCatalogueQuery("name a product or a search, not both and not neither")
        if not 1 <= self.limit <= MAX_SEARCH_PRODUCTS:
            raise InvalidCatalogueQuery(f"a search brings back 1 to {MAX_SEARCH_PRODUCTS} products")

    @classmethod
    def same_product(cls, product_id: str) -> CatalogueQuery:
        return cls(product_id=product_id)

    @classmethod
    def title_search(cls, text: str, limit: int = MAX_SEARCH_PRODUCTS) -> CatalogueQuery:
        return cls(search=text.strip(), limit=limit)


@dataclass(frozen=True, slots=True)
class ExchangeOption:
    """One variant a line could be exchanged for, as the shop sells it to this order's buyer now."""

    variant_id: str
    product_id: str
    product_title: str
    variant_title: str
    option_values: tuple[tuple[str, str], ...]
    """(name, value) pairs in the shop's order, e.g. (("Size", "M"), ("Colour", "Navy")); empty for a product
    sold in one form only."""
    price: Money
    """The unit price, tax included as the customer pays it, in the order's currency."""
    stock: int | None
    """Units that can be promised now; None when the shop does not count them (or sells beyond zero)."""
    image_url: str | None = None

    @property
    def in_stock(self) -> bool:
        return self.stock is None or self.stock > 0


def in_stock_first(options: Iterable[ExchangeOption]) -> list[ExchangeOption]:
    """The options with those that can be sent now first, each group in the shop's own order (sizes stay in
    their scale). A stable sort: the shop's order is the one its customers know."""
    return sorted(options, key=lambda option: not option.in_stock)


@dataclass(frozen=True, slots=True)
class PricedOption:
    """An option with what choosing it costs against the returned unit: positive is for the customer to pay,
    negative is for the shop to give back."""

    option: ExchangeOption
    difference: Money


def price_difference(option: ExchangeOption, paid_per_unit: Money) -> PricedOption:
    """The option against what one returned unit was paid (``OrderLine.paid_for(1)``: after its discounts, tax
    included): the figure the policy's money split starts from for an exchanged line, before any fee or bonus,
    which the review step adds."""
    return PricedOption(option, option.price - paid_per_unit)
