"""Products and variations: stock fields the connector reads before an exchange, and adjusts.

Docs: https://woocommerce.github.io/woocommerce-rest-api-docs/#product-variations (source
source/includes/wp-api-v3/_product-variations.md).
"""

from __future__ import annotations

from tests.sandbox_woocommerce.conftest import Woo


def test_variable_product_lists_its_variations(woo: Woo) -> None:
    response = woo.get("products", params={"per_page": 5})
    assert response.headers["X-WP-Total"] == "40"
    product = response.json()[0]
    assert product["type"] == "variable" and product["variations"]
    assert {a["name"] for a in product["attributes"]} == {"Size", "Colour"}
    variations = woo.get(f"products/{product['id']}/variations", params={"per_page": 100}).json()
    assert [v["id"] for v in variations] == product["variations"]
    variation = variations[0]
    assert variation["manage_stock"] is True and isinstance(variation["stock_quantity"], int)
    assert variation["stock_status"] in ("instock", "outofstock")
    assert {a["name"] for a in variation["attributes"]} == {"Size", "Colour"}
    assert woo.get("products", params={"sku": variation["sku"]}).json()[0]["id"] == product["id"]


def test_set_variation_stock_and_status(woo: Woo) -> None:
    product = woo.get("products", params={"per_page": 1}).json()[0]
    vid = product["variations"][0]
    woo.put(f"products/{product['id']}/variations/{vid}", {"stock_quantity": 61})  # above any seeded level
    zero = woo.put(f"products/{product['id']}/variations/{vid}", {"stock_quantity": 0}).json()
    assert zero["stock_quantity"] == 0 and zero["stock_status"] == "outofstock"
    back = woo.put(f"products/{product['id']}/variations/{vid}", {"stock_quantity": 0, "backorders": "notify"})
    assert back.json()["stock_status"] == "onbackorder" and back.json()["backorders_allowed"] is True
    restocked = woo.put(f"products/{product['id']}/variations/{vid}", {"stock_quantity": 4}).json()
    assert restocked["stock_status"] == "instock"
    log = woo.sandbox("GET", "stock", params={"variation_id": vid})
    assert [c["stock_after"] for c in log] == [61, 0, 4] and log[-1]["reason"] == "api"


def test_unknown_product_and_variation(woo: Woo) -> None:
    product = woo.get("products", params={"per_page": 1}).json()[0]
    assert woo.get("products/999999").json()["code"] == "woocommerce_rest_product_invalid_id"
    other = woo.get(f"products/{product['id']}/variations/999999")
    assert other.status_code == 404 and other.json()["code"] == "woocommerce_rest_product_variation_invalid_id"


def test_variation_id_on_the_products_route(woo: Woo) -> None:
    product = woo.get("products", params={"per_page": 1}).json()[0]
    vid = product["variations"][0]
    as_product = woo.get(f"products/{vid}").json()
    assert as_product["type"] == "variation" and as_product["parent_id"] == product["id"]
    direct = woo.get(f"products/{product['id']}/variations/{vid}").json()
    assert as_product["stock_quantity"] == direct["stock_quantity"]
    assert as_product["name"].startswith(product["name"] + " - ")
