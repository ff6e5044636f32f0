"""The sandbox answers the exchange catalogue's queries as Shopify documents them: a product's variants with
options, stock, inventory policy and the market's price; a title search with wildcards; a picture it serves;
and a stock count a test can set (``/__sandbox/inventory``)."""

from __future__ import annotations

import requests

from platforms.shopify import catalogue_queries
from tests.sandbox_shopify.conftest import Sandbox

PRODUCT = "gid://shopify/Product/7200001"


def test_a_products_variants_carry_what_an_exchange_shows(sandbox: Sandbox) -> None:
    body = sandbox.gql(catalogue_queries.EXCHANGE_VARIANTS, {"id": PRODUCT, "country": "US"})
    assert "errors" not in body, body
    product = body["data"]["product"]
    variants = product["variants"]["nodes"]
    assert product["status"] == "ACTIVE" and len(variants) > 1
    assert {o["name"] for v in variants for o in v["selectedOptions"]} == {"Size", "Colour"}
    assert all(v["contextualPricing"]["price"]["currencyCode"] == "USD" for v in variants)
    assert all(v["inventoryPolicy"] == "DENY" and v["inventoryItem"]["tracked"] for v in variants)
    image = product["featuredMedia"]["preview"]["image"]["url"]
    assert image.startswith(sandbox.base) and requests.get(image, timeout=5).headers["Content-Type"].startswith(
        "image/svg+xml"
    )
    cost = body["extensions"]["cost"]
    assert cost["requestedQueryCost"] < 1000 and cost["actualQueryCost"] < cost["requestedQueryCost"]


def test_a_variant_set_out_of_stock_is_no_longer_for_sale(sandbox: Sandbox) -> None:
    first = sandbox.gql(catalogue_queries.EXCHANGE_VARIANTS, {"id": PRODUCT, "country": "FR"})["data"]["product"]
    variant = first["variants"]["nodes"][0]["id"]
    assert sandbox.admin("PUT", f"/inventory/{variant}", json={"available": 0}) == {
        "variant_id": int(variant.rsplit("/", 1)[1]), "available": 0,
    }
    again = sandbox.gql(catalogue_queries.EXCHANGE_VARIANTS, {"id": PRODUCT, "country": "FR"})["data"]["product"]
    sold_out = next(v for v in again["variants"]["nodes"] if v["id"] == variant)
    assert sold_out["inventoryQuantity"] == 0 and sold_out["availableForSale"] is False
    refused = requests.put(f"{sandbox.base}/__sandbox/inventory/999", json={"available": 1}, timeout=5)
    assert refused.status_code == 400


def test_a_title_search_with_wildcards_finds_the_products_that_match(sandbox: Sandbox) -> None:
    everything = sandbox.data("{ products(first: 50) { nodes { title } } }")["products"]["nodes"]
    word = everything[0]["title"].split()[-1].lower()
    query = f"title:*{word[1:-1]}* AND status:active AND gift_card:false"
    body = sandbox.gql(catalogue_queries.EXCHANGE_SEARCH, {"query": query, "first": 5, "country": "GB"})
    assert "errors" not in body, body
    found = body["data"]["products"]["nodes"]
    expected = [p["title"] for p in everything if word[1:-1] in p["title"].lower()][:5]
    assert [p["title"] for p in found] == expected and found
    assert all(v["contextualPricing"]["price"]["currencyCode"] == "GBP" for p in found for v in p["variants"]["nodes"])
    assert body["extensions"]["cost"]["requestedQueryCost"] < 1000
    none = sandbox.data(catalogue_queries.EXCHANGE_SEARCH, {"query": "title:*zzzz* AND status:active", "first": 5,
                                                  "country": "GB"})  # fmt: skip
    assert none["products"]["nodes"] == []
