"""Collections in the Shopify sandbox: seeded on products, read through ``nodes(ids:)``, costed like Shopify."""

from __future__ import annotations

from typing import Any

from platforms.shopify import queries
from sandboxes.shopify.state import PRODUCT_BASE
from tests.sandbox_shopify.conftest import Sandbox


def _product_ids(count: int) -> list[str]:
    return [f"gid://shopify/Product/{PRODUCT_BASE + key}" for key in range(1, count + 1)]


def _read(sandbox: Sandbox, ids: list[str]) -> dict[str, Any]:
    return sandbox.gql(queries.PRODUCT_COLLECTIONS, {"ids": ids})


def test_products_are_filed_in_collections_read_by_id(sandbox: Sandbox) -> None:
    jeans = f"gid://shopify/Product/{PRODUCT_BASE + 3}"  # the catalogue's third product type is Jeans
    unknown = "gid://shopify/Product/1"
    body = _read(sandbox, [jeans, unknown])
    assert "errors" not in body, body
    found, missing = body["data"]["nodes"]
    assert missing is None  # a product the shop does not have: null, in its place
    assert found["id"] == jeans
    assert {"handle": "bottoms", "title": "Bottoms"} in found["collections"]["nodes"]
    assert found["collections"]["pageInfo"]["hasNextPage"] is False


def test_final_sale_products_are_also_in_the_sale_collection(sandbox: Sandbox) -> None:
    products = sandbox.data('{ products(first: 40, query: "tag:final-sale") { nodes { id } } }')["products"]["nodes"]
    assert products
    body = _read(sandbox, [p["id"] for p in products[: queries.PRODUCTS_PER_COLLECTIONS_READ]])
    assert all({"handle": "sale", "title": "Sale"} in node["collections"]["nodes"] for node in body["data"]["nodes"])


def test_a_batch_costs_one_product_per_id_and_stays_under_the_cap(sandbox: Sandbox) -> None:
    """Requested: 20 x (1 product + 2 + 25 collections) = 560; twice as many ids would pass the 1000 cap."""
    batch = _read(sandbox, _product_ids(queries.PRODUCTS_PER_COLLECTIONS_READ))
    assert batch["extensions"]["cost"]["requestedQueryCost"] == 560
    assert batch["extensions"]["cost"]["actualQueryCost"] < 560  # the nodes that came back
    too_many = _read(sandbox, _product_ids(2 * queries.PRODUCTS_PER_COLLECTIONS_READ))
    assert too_many["errors"][0]["extensions"]["code"] == "MAX_COST_EXCEEDED"
