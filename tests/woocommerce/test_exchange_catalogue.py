"""The WooCommerce adapter's exchange catalogue over stubbed HTTP (``responses``).

Bodies follow the REST API v3 documentation: a product (``type``, ``status``, ``images``), its variations
(``attributes[{id, name, option}]``, ``price``, ``manage_stock``, ``stock_quantity``, ``stock_status``,
``backorders_allowed``, ``image``) and the products list's ``search`` parameter
(https://woocommerce.github.io/woocommerce-rest-api-docs/#products , #product-variations ; the variation's
body is ``tests/fixtures/woocommerce/variation_733.json``).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import responses
from responses import matchers

from connector.domain.exchange_options import CatalogueQuery
from connector.domain.money import Money
from platforms.woocommerce.adapter import WooCommerceAdapter
from platforms.woocommerce.mapping import order_from_woo
from tests.woocommerce.conftest import API, dump, load, order

VARIATIONS = f"{API}/products/22/variations"


def usd(amount: str) -> Money:
    return Money(amount, "USD")


def variable(product_id: int = 22, name: str = "Ship Your Idea", **changes: Any) -> dict[str, Any]:
    return {
        "id": product_id, "name": name, "type": "variable", "status": "publish", "price": "20.00",
        "images": [{"id": 5, "src": f"https://shop.example/wp-content/uploads/{product_id}.jpg", "alt": ""}],
        "variations": [733, 734, 735], **changes,
    }  # fmt: skip


def variation(variation_id: int, size: str, **changes: Any) -> dict[str, Any]:
    return {
        **load("variation_733.json"), "id": variation_id, "image": None,
        "attributes": [{"id": 6, "name": "Color", "option": "Green"}, {"id": 7, "name": "Size", "option": size}],
        **changes,
    }  # fmt: skip


def settings(rsps: responses.RequestsMock, currency: str = "USD", prices_include_tax: str = "yes") -> None:
    rsps.get(f"{API}/settings/general/woocommerce_currency", json={"id": "woocommerce_currency", "value": currency})
    rsps.get(f"{API}/settings/tax/woocommerce_prices_include_tax",
             json={"id": "woocommerce_prices_include_tax", "value": prices_include_tax})  # fmt: skip


def mapped_order() -> Any:
    return order_from_woo(order(), shop_id="shop-1")


def test_a_variable_products_variations_are_its_options(
    adapter: WooCommerceAdapter, rsps: responses.RequestsMock
) -> None:
    rsps.get(f"{API}/products/22", body=dump(variable()))
    rsps.get(VARIATIONS, body=dump([
        variation(733, "L"),
        variation(734, "XL", stock_quantity=0, stock_status="outofstock", price="24.00",
                  image={"id": 9, "src": "https://shop.example/wp-content/uploads/xl.jpg"}),
        variation(735, "S", manage_stock=False, stock_quantity=None),
        variation(736, "XS", status="private"),  # hidden by the merchant: never offered
    ]), headers={"X-WP-Total": "4", "X-WP-TotalPages": "1"})  # fmt: skip
    settings(rsps)
    options = adapter.exchange_options(mapped_order(), CatalogueQuery.same_product("22"))
    assert [(o.variant_id, o.variant_title, o.price, o.stock) for o in options] == [
        ("733", "Green, L", usd("20.00"), 4),
        ("734", "Green, XL", usd("24.00"), 0),
        ("735", "Green, S", usd("20.00"), None),
    ]
    assert options[0].option_values == (("Color", "Green"), ("Size", "L"))
    assert options[0].product_id == "22" and options[0].product_title == "Ship Your Idea"
    assert options[0].image_url == "https://shop.example/wp-content/uploads/22.jpg"  # the product's, none of its own
    assert options[1].image_url == "https://shop.example/wp-content/uploads/xl.jpg"
    # The store's settings are read once for the whole list, not once per variation.
    assert sum("settings/general" in c.request.url for c in rsps.calls) == 1


def test_variations_are_read_once_a_minute(adapter: WooCommerceAdapter, rsps: responses.RequestsMock) -> None:
    rsps.get(f"{API}/products/22", body=dump(variable()))
    rsps.get(VARIATIONS, body=dump([variation(733, "L")]))
    settings(rsps)
    now = [1000.0]
    adapter.variations.clock = lambda: now[0]
    for _ in range(2):
        adapter.exchange_options(mapped_order(), CatalogueQuery.same_product("22"))
    assert sum(c.request.url.startswith(VARIATIONS) for c in rsps.calls) == 1
    now[0] += 61
    adapter.exchange_options(mapped_order(), CatalogueQuery.same_product("22"))
    assert sum(c.request.url.startswith(VARIATIONS) for c in rsps.calls) == 2


def test_prices_entered_without_tax_get_the_orders_tax(
    adapter: WooCommerceAdapter, rsps: responses.RequestsMock
) -> None:
    """As ``variant_price`` prices one replacement: 20.00 plus order 727's 7.5 % is 21.50."""
    rsps.get(f"{API}/products/22", body=dump(variable()))
    rsps.get(VARIATIONS, body=dump([variation(733, "L"), variation(734, "XL")]))
    settings(rsps, prices_include_tax="no")
    rsps.get(f"{API}/orders/727", body=dump(order()))
    options = adapter.exchange_options(mapped_order(), CatalogueQuery.same_product("22"))
    assert [o.price for o in options] == [usd("21.50"), usd("21.50")]
    assert sum("/orders/727" in c.request.url for c in rsps.calls) == 1


def test_an_order_in_another_currency_than_the_stores_has_no_priced_option(
    adapter: WooCommerceAdapter, rsps: responses.RequestsMock
) -> None:
    rsps.get(f"{API}/products/22", body=dump(variable()))
    rsps.get(VARIATIONS, body=dump([variation(733, "L")]))
    settings(rsps, currency="EUR")
    assert adapter.exchange_options(mapped_order(), CatalogueQuery.same_product("22")) == []


def test_a_simple_product_is_one_option_and_an_unknown_one_none(
    adapter: WooCommerceAdapter, rsps: responses.RequestsMock
) -> None:
    simple = {**load("variation_733.json"), "id": 93, "name": "Woo Single", "type": "simple", "attributes": [],
              "images": []}  # fmt: skip
    rsps.get(f"{API}/products/93", body=dump(simple))
    settings(rsps)
    [option] = adapter.exchange_options(mapped_order(), CatalogueQuery.same_product("93"))
    assert (option.variant_id, option.product_id, option.variant_title, option.stock) == ("93", "93", "", 4)
    rsps.get(f"{API}/products/94", status=404,
             json={"code": "woocommerce_rest_product_invalid_id", "message": "Invalid ID.", "data": {"status": 404}})
    assert adapter.exchange_options(mapped_order(), CatalogueQuery.same_product("94")) == []


def test_a_search_keeps_the_products_whose_title_matches(
    adapter: WooCommerceAdapter, rsps: responses.RequestsMock
) -> None:
    grouped = {"id": 40, "name": "Denim Bundle", "type": "grouped", "status": "publish", "price": ""}
    described = variable(41, "Linen Shirt")  # found by its description: not what the customer asked for
    rsps.get(f"{API}/products", body=dump([variable(22, "Denim Jacket"), grouped, described]),
             match=[matchers.query_param_matcher({"search": "denim", "status": "publish", "per_page": "20"})])
    rsps.get(VARIATIONS, body=dump([variation(733, "L")]))
    settings(rsps)
    options = adapter.exchange_options(mapped_order(), CatalogueQuery.title_search("denim", 2))
    assert [(o.product_title, o.variant_id) for o in options] == [("Denim Jacket", "733")]


def test_a_search_for_punctuation_asks_nothing(adapter: WooCommerceAdapter, rsps: responses.RequestsMock) -> None:
    settings(rsps)
    assert adapter.exchange_options(mapped_order(), CatalogueQuery.title_search("?!")) == []
    assert not [c for c in rsps.calls if "/products" in c.request.url]


def test_the_order_currency_is_the_price_currency(adapter: WooCommerceAdapter, rsps: responses.RequestsMock) -> None:
    """The mapped order is in USD (order 727); an order in EUR at a EUR store gets EUR prices."""
    rsps.get(f"{API}/products/22", body=dump(variable()))
    rsps.get(VARIATIONS, body=dump([variation(733, "L")]))
    settings(rsps, currency="EUR")
    in_euros = dataclasses.replace(mapped_order(), currency="EUR", lines=(), shipping_total=Money("0", "EUR"))
    [option] = adapter.exchange_options(in_euros, CatalogueQuery.same_product("22"))
    assert option.price == Money("20.00", "EUR")
