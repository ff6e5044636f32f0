"""Order listing: pagination with cursors, search filters (updated_at, name, email), sort and reverse."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.sandbox_shopify.conftest import Sandbox

PAGE = """query($first: Int, $after: String, $q: String, $sort: OrderSortKeys, $reverse: Boolean) {
  orders(first: $first, after: $after, query: $q, sortKey: $sort, reverse: $reverse) {
    edges { cursor node { id name email updatedAt } } pageInfo { hasNextPage endCursor } } }"""


def page(sb: Sandbox, **variables: object) -> dict[str, object]:
    result: dict[str, object] = sb.data(PAGE, {"first": 50, **variables})["orders"]
    return result


def test_cursor_pagination_walks_every_order_once(sandbox: Sandbox) -> None:
    seen: list[str] = []
    after = None
    while True:
        result = sandbox.data(PAGE, {"first": 40, "after": after})["orders"]
        seen += [e["node"]["name"] for e in result["edges"]]
        if not result["pageInfo"]["hasNextPage"]:
            break
        after = result["pageInfo"]["endCursor"]
    assert seen == [f"#{n}" for n in range(1001, 1001 + sandbox.options.orders)]


def test_updated_at_filter_and_touching_an_order(sandbox: Sandbox) -> None:
    everything = sandbox.data(PAGE, {"first": 250})["orders"]["edges"]
    stamps = sorted(e["node"]["updatedAt"] for e in everything)
    pivot = stamps[len(stamps) // 2]
    newer = sandbox.data(PAGE, {"first": 250, "q": f"updated_at:>'{pivot}'"})["orders"]["edges"]
    assert {e["node"]["updatedAt"] > pivot for e in newer} == {True}
    assert len(newer) == sum(1 for s in stamps if s > pivot)
    future = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    assert sandbox.data(PAGE, {"first": 10, "q": f"updated_at:>'{future}'"})["orders"]["edges"] == []
    sandbox.admin("POST", "/orders/1002/deliver")
    touched = sandbox.data(PAGE, {"first": 10, "q": f"updated_at:>='{future}'"})["orders"]["edges"]
    assert [e["node"]["name"] for e in touched] == ["#1002"]


def test_name_and_email_filters(sandbox: Sandbox) -> None:
    one = sandbox.data(PAGE, {"first": 5, "q": "name:#1007"})["orders"]["edges"]
    assert [e["node"]["name"] for e in one] == ["#1007"]
    email = one[0]["node"]["email"]
    same = sandbox.data(PAGE, {"first": 50, "q": f"email:{email}"})["orders"]["edges"]
    assert "#1007" in [e["node"]["name"] for e in same] and {e["node"]["email"] for e in same} == {email}
    assert sandbox.data(PAGE, {"first": 5, "q": "name:#999999"})["orders"]["edges"] == []


def test_reverse_and_updated_sort(sandbox: Sandbox) -> None:
    newest_first = sandbox.data(PAGE, {"first": 3, "reverse": True})["orders"]["edges"]
    last = 1000 + sandbox.options.orders
    assert [e["node"]["name"] for e in newest_first] == [f"#{last}", f"#{last - 1}", f"#{last - 2}"]
    by_update = sandbox.data(PAGE, {"first": 30, "sort": "UPDATED_AT"})["orders"]["edges"]
    stamps = [e["node"]["updatedAt"] for e in by_update]
    assert stamps == sorted(stamps)


def test_products_and_variants(sandbox: Sandbox) -> None:
    products = sandbox.data(
        """{ products(first: 10, query: "tag:final-sale") { nodes { id tags totalInventory
             variants(first: 20) { nodes { id sku inventoryQuantity selectedOptions { name value } } } } } }"""
    )["products"]["nodes"]
    assert products and all("final-sale" in p["tags"] for p in products)
    variants = products[0]["variants"]["nodes"]
    assert sum(v["inventoryQuantity"] for v in variants) == products[0]["totalInventory"]
    assert {o["name"] for o in variants[0]["selectedOptions"]} == {"Size", "Colour"}
