"""What the exchange catalogue reads from the sandbox, in the documented shapes: ``GET products?search=`` with
``status``, a variable product's ``images`` (served by the sandbox) and its variations' attributes, prices and
stock, trimmed by ``_fields``.

Docs: https://woocommerce.github.io/woocommerce-rest-api-docs/#list-all-products (``search``, ``status``),
#product-properties (``images``), #product-variations (``attributes``, ``image``).
"""

from __future__ import annotations

import requests

from platforms.woocommerce.variations import FIELDS
from tests.sandbox_woocommerce.conftest import Woo


def test_search_finds_products_by_name_and_keeps_to_the_status_asked(woo: Woo) -> None:
    everything = woo.get("products", params={"per_page": 100}).json()
    word = everything[0]["name"].split()[-1]
    found = woo.get("products", params={"search": word.lower(), "status": "publish", "per_page": 20}).json()
    assert found and all(word.lower() in p["name"].lower() for p in found)
    assert {p["id"] for p in found} == {p["id"] for p in everything if word.lower() in p["name"].lower()}
    hidden = found[0]["id"]
    assert woo.put(f"products/{hidden}", {"status": "draft"}).status_code == 200
    published = woo.get("products", params={"search": word.lower(), "status": "publish", "per_page": 20}).json()
    assert hidden not in {p["id"] for p in published}
    assert woo.get("products", params={"status": "sold"}).status_code == 400


def test_a_product_has_a_picture_the_sandbox_serves(woo: Woo) -> None:
    product = woo.get("products", params={"per_page": 1}).json()[0]
    [image] = product["images"]
    assert image["src"].endswith(f"/wp-content/uploads/sandbox/product-{product['id']}.svg")
    served = requests.get(f"{woo.base_url}/wp-content/uploads/sandbox/product-{product['id']}.svg", timeout=5)
    assert served.status_code == 200 and served.headers["Content-Type"].startswith("image/svg+xml")


def test_variations_trimmed_to_what_an_exchange_option_needs(woo: Woo) -> None:
    product = woo.get("products", params={"per_page": 1}).json()[0]
    variations = woo.get(f"products/{product['id']}/variations", params={"_fields": FIELDS, "per_page": 100}).json()
    assert len(variations) == len(product["variations"]) > 1
    assert set(variations[0]) == set(FIELDS.split(","))
    assert variations[0]["image"] is None  # no picture of its own: the product's is shown
    assert [a["name"] for a in variations[0]["attributes"]] == ["Size", "Colour"]
    sold_out = variations[0]["id"]
    assert woo.put(f"products/{product['id']}/variations/{sold_out}", {"stock_quantity": 0}).status_code == 200
    again = woo.get(f"products/{product['id']}/variations", params={"_fields": FIELDS}).json()
    assert next(v for v in again if v["id"] == sold_out)["stock_status"] == "outofstock"
