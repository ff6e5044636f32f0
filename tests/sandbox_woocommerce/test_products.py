"""Products and variations: stock fields the connector reads before an exchange, and adjusts.

Docs: https://woocommerce.github.io/woocommerce-rest-api-docs/#product-variations (source
source/includes/wp-api-v3/_product-variations.md).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sandboxes.woocommerce import serialize
from sandboxes.woocommerce.state import Product, Store
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


def test_products_show_tags_and_categories_as_terms(woo: Woo) -> None:
    """As REST v3: ``[{id, name, slug}]``, one id per term whatever the product; final sale by tag and meta."""
    products = woo.get("products", params={"per_page": 100}).json()
    ids: dict[tuple[str, str], set[int]] = {}
    for product in products:
        assert product["categories"], "every product has a category (Uncategorized at worst)"
        for taxonomy in ("tags", "categories"):
            for term in product[taxonomy]:
                assert set(term) == {"id", "name", "slug"} and term["id"] >= 16
                ids.setdefault((taxonomy, term["slug"]), set()).add(term["id"])
    assert all(len(found) == 1 for found in ids.values())
    assert len({next(iter(found)) for found in ids.values()}) == len(ids)
    final = [p for p in products if any(t["slug"] == "final-sale" for t in p["tags"])]
    assert final and all({"key": "_final_sale", "value": "yes"} in
                         [{k: m[k] for k in ("key", "value")} for m in p["meta_data"]] for p in final)  # fmt: skip
    assert all("Sale" in {c["name"] for c in p["categories"]} for p in final)


def test_include_lists_products_only_and_skips_unknown_ids(woo: Woo) -> None:
    """A real store answers ``include`` with the parents it has: never a variation, never an error."""
    first, second = woo.get("products", params={"per_page": 2}).json()
    asked = f"{first['id']},{second['id']},{first['variations'][0]},999999"
    found = woo.get("products", params={"include": asked, "per_page": 100, "_fields": "id,type,tags"})
    assert sorted(p["id"] for p in found.json()) == sorted([first["id"], second["id"]])
    assert set(found.json()[0]) == {"id", "type", "tags"}
    too_many = woo.get("products", params={"include": asked, "per_page": 101})
    assert too_many.status_code == 400 and too_many.json()["code"] == "rest_invalid_param"


def test_a_product_without_category_is_uncategorized() -> None:
    store = Store()
    now = datetime(2026, 1, 1, tzinfo=UTC)
    record = Product(store.post_id(), "Plain", "plain", "P", "simple", Decimal("5.00"), [], [], [], now, now)
    shown = serialize.product(store, record, serialize.Site(ZoneInfo("UTC"), "http://shop.test"))
    assert shown["categories"] == [{"id": 15, "name": "Uncategorized", "slug": "uncategorized"}]
    assert shown["tags"] == []
