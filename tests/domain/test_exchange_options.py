"""Exchange options as values: what a catalogue request may ask, the in-stock-first order, the difference's sign."""

from __future__ import annotations

import pytest

from connector.domain.exchange_options import (
    MAX_SEARCH_PRODUCTS,
    CatalogueQuery,
    ExchangeOption,
    InvalidCatalogueQuery,
    in_stock_first,
    price_difference,
)
from connector.domain.money import Money


def option(variant: str, stock: int | None, price: str = "30.00") -> ExchangeOption:
    return ExchangeOption(variant, "P-1", "Classic Tee", variant, (("Size", variant),), Money(price, "EUR"), stock)


def test_a_query_names_a_product_or_a_search_never_both_nor_neither() -> None:
    assert CatalogueQuery.same_product("P-1").product_id == "P-1"
    assert CatalogueQuery.title_search("  tee ").search == "tee"
    for bad in ({}, {"product_id": "P-1", "search": "tee"}, {"search": "   "}):
        with pytest.raises(InvalidCatalogueQuery):
            CatalogueQuery(**bad)  # type: ignore[arg-type]


def test_a_search_brings_back_a_handful_of_products_at_most() -> None:
    with pytest.raises(InvalidCatalogueQuery):
        CatalogueQuery.title_search("tee", MAX_SEARCH_PRODUCTS + 1)
    with pytest.raises(InvalidCatalogueQuery):
        CatalogueQuery.title_search("tee", 0)


def test_options_that_can_be_sent_come_first_each_group_in_the_shops_order() -> None:
    listed = [option("XS", 0), option("S", 4), option("M", None), option("L", 0), option("XL", 1)]
    assert [o.variant_id for o in in_stock_first(listed)] == ["S", "M", "XL", "XS", "L"]
    assert [o.in_stock for o in in_stock_first(listed)] == [True, True, True, False, False]


def test_the_difference_is_to_pay_when_dearer_and_to_receive_when_cheaper() -> None:
    paid = Money("36.00", "EUR")
    assert price_difference(option("M", 3, "45.50"), paid).difference == Money("9.50", "EUR")
    assert price_difference(option("M", 3, "30.00"), paid).difference == Money("-6.00", "EUR")
    assert price_difference(option("M", 3, "36.00"), paid).difference == Money.zero("EUR")
