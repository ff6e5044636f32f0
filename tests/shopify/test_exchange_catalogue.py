"""The Shopify adapter's exchange catalogue over stubbed HTTP (``responses``).

Bodies follow the Admin GraphQL reference (2026-04): ``product(id:)`` and ``products(query:)``
(https://shopify.dev/docs/api/admin-graphql/latest/queries/product , .../queries/products), ``ProductVariant``
with ``selectedOptions``, ``inventoryQuantity``, ``inventoryPolicy``, ``inventoryItem.tracked`` and
``contextualPricing`` (https://shopify.dev/docs/api/admin-graphql/latest/objects/ProductVariant), and
``Product.featuredMedia`` (https://shopify.dev/docs/api/admin-graphql/latest/objects/Product). Every request is
also checked against Shopify's published schema (tests/shopify_published.py).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
import responses

from connector.domain import Money
from connector.domain.exchange_options import CatalogueQuery
from connector.domain.orders import Order
from platforms.shopify.adapter import ShopifyAdapter
from platforms.shopify.adapter.catalogue import title_query
from platforms.shopify.client import GraphQLClient
from tests import factories
from tests.shopify.helpers import ENDPOINT, SHOP, FakeClock, body_of, gql_ok, operation

PRODUCT = "gid://shopify/Product/108828309"


@pytest.fixture
def adapter() -> ShopifyAdapter:
    clock = FakeClock()
    client = GraphQLClient(SHOP, lambda: "shpat_test", sleep=clock.sleep, clock=clock, jitter=lambda: 1.0)
    return ShopifyAdapter(SHOP, lambda: "unused", shop_id="shop-1", client=client)


def us_order() -> Order:
    return dataclasses.replace(factories.order(currency="USD"), country="US")


def variant(number: int, size: str, *, quantity: int | None, price: str = "25.00", currency: str = "USD",
            policy: str = "DENY", tracked: bool = True, available: bool = True) -> dict[str, Any]:  # fmt: skip
    return {
        "id": f"gid://shopify/ProductVariant/{number}", "title": f"{size} / Navy",
        "availableForSale": available, "inventoryQuantity": quantity, "inventoryPolicy": policy,
        "inventoryItem": {"tracked": tracked},
        "selectedOptions": [{"name": "Size", "value": size}, {"name": "Colour", "value": "Navy"}],
        "contextualPricing": {"price": {"amount": price, "currencyCode": currency}},
    }  # fmt: skip


def product(variants: list[dict[str, Any]], *, gid: str = PRODUCT, title: str = "Classic Tee",
            status: str = "ACTIVE") -> dict[str, Any]:  # fmt: skip
    return {
        "id": gid, "title": title, "status": status,
        "featuredMedia": {"preview": {"image": {"url": "https://cdn.shopify.com/s/files/1/tee.jpg"}}},
        "variants": {"nodes": variants, "pageInfo": {"hasNextPage": False}},
    }  # fmt: skip


def sent(name: str) -> list[dict[str, Any]]:
    return [body_of(c) for c in responses.calls if f"query {name}(" in body_of(c)["query"]]


@responses.activate
def test_a_products_variants_with_options_stock_and_the_markets_price(adapter: ShopifyAdapter) -> None:
    responses.post(ENDPOINT, match=[operation("ExchangeVariants")], json=gql_ok({"product": product([
        variant(1, "S", quantity=4),
        variant(2, "M", quantity=-2),  # oversold: nothing to promise, never a negative stock
        variant(3, "L", quantity=0, policy="CONTINUE"),  # keeps selling at zero: no limit
        variant(4, "XL", quantity=None, tracked=False),  # not counted: no limit
        variant(5, "XXL", quantity=3, available=False),  # not for sale (unpublished)
    ])}))  # fmt: skip
    options = adapter.exchange_options(us_order(), CatalogueQuery.same_product("108828309"))
    assert [(o.variant_id.rsplit("/", 1)[1], o.stock) for o in options] == [
        ("1", 4), ("2", 0), ("3", None), ("4", None), ("5", 0),
    ]
    first = options[0]
    assert first.product_id == PRODUCT and first.product_title == "Classic Tee" and first.variant_title == "S / Navy"
    assert first.option_values == (("Size", "S"), ("Colour", "Navy"))
    assert first.price == Money("25.00", "USD") and first.image_url == "https://cdn.shopify.com/s/files/1/tee.jpg"
    assert sent("ExchangeVariants")[0]["variables"] == {"id": PRODUCT, "country": "US"}
    assert len(responses.calls) == 1  # one request per call


@responses.activate
def test_variants_priced_in_another_currency_are_left_out(adapter: ShopifyAdapter) -> None:
    responses.post(ENDPOINT, match=[operation("ExchangeVariants")], json=gql_ok({"product": product([
        variant(1, "S", quantity=4, price="23.00", currency="EUR"), variant(2, "M", quantity=4),
    ])}))  # fmt: skip
    options = adapter.exchange_options(us_order(), CatalogueQuery.same_product(PRODUCT))
    assert [o.variant_id for o in options] == ["gid://shopify/ProductVariant/2"]


@responses.activate
def test_a_product_without_options_is_one_option_without_the_default_title(adapter: ShopifyAdapter) -> None:
    only = variant(9, "S", quantity=2) | {
        "title": "Default Title", "selectedOptions": [{"name": "Title", "value": "Default Title"}],
    }  # fmt: skip
    responses.post(ENDPOINT, match=[operation("ExchangeVariants")], json=gql_ok({"product": product([only])}))
    [option] = adapter.exchange_options(us_order(), CatalogueQuery.same_product(PRODUCT))
    assert option.variant_title == "" and option.option_values == ()


@responses.activate
def test_an_unknown_or_archived_product_has_no_options(adapter: ShopifyAdapter) -> None:
    responses.post(ENDPOINT, match=[operation("ExchangeVariants")], json=gql_ok({"product": None}))
    assert adapter.exchange_options(us_order(), CatalogueQuery.same_product(PRODUCT)) == []
    responses.post(ENDPOINT, match=[operation("ExchangeVariants")],
                   json=gql_ok({"product": product([variant(1, "S", quantity=4)], status="ARCHIVED")}))
    assert adapter.exchange_options(us_order(), CatalogueQuery.same_product(PRODUCT)) == []


def test_an_order_without_a_shipping_country_has_no_market_to_price_in(adapter: ShopifyAdapter) -> None:
    assert adapter.exchange_options(factories.order(currency="USD"), CatalogueQuery.same_product(PRODUCT)) == []


@responses.activate
def test_a_title_search_lists_the_products_found_with_their_variants(adapter: ShopifyAdapter) -> None:
    jacket = product([variant(21, "M", quantity=1, price="89.00")], gid="gid://shopify/Product/2", title="Denim Jacket")
    vest = product([variant(31, "L", quantity=0, price="45.00")], gid="gid://shopify/Product/3", title="Denim Vest")
    responses.post(ENDPOINT, match=[operation("ExchangeSearch")],
                   json=gql_ok({"products": {"nodes": [jacket, vest]}}))
    options = adapter.exchange_options(us_order(), CatalogueQuery.title_search("Denim", 3))
    assert [(o.product_title, o.price, o.stock) for o in options] == [
        ("Denim Jacket", Money("89.00", "USD"), 1), ("Denim Vest", Money("45.00", "USD"), 0),
    ]
    variables = sent("ExchangeSearch")[0]["variables"]
    assert variables == {"query": "title:*denim* AND status:active AND gift_card:false", "first": 3, "country": "US"}


def test_what_a_customer_types_cannot_change_the_search_syntax() -> None:
    assert title_query('slim" OR tag:x (jeans)') == (
        "title:*slim* AND title:*or* AND title:*tag* AND title:*x* AND title:*jeans* AND status:active"
        " AND gift_card:false"
    )
    assert title_query("t-shirt Élan") == "title:*t-shirt* AND title:*élan* AND status:active AND gift_card:false"
    assert title_query(" *:()' ") is None


def test_a_search_for_punctuation_asks_nothing(adapter: ShopifyAdapter) -> None:
    with responses.RequestsMock() as mocked:  # any request would fail: none is registered
        assert adapter.exchange_options(us_order(), CatalogueQuery.title_search("?!")) == []
        assert not mocked.calls
