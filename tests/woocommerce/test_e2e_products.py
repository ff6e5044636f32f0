"""End to end over real HTTP: product rules decide WooCommerce returns from the shop's own product records.

The sandbox serves products as REST v3 does (``tags``/``categories`` as ``[{id, name, slug}]``, ``type``,
``meta_data``; ``include`` and ``per_page`` honoured). The adapter maps the shop's orders and the policy
refuses a final-sale line with the final-sale explanation, and a rule by the product's tag matches.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from connector.domain import Order, OrderLine
from connector.policy import Decision, evaluate
from platforms.woocommerce.adapter import WooCommerceAdapter
from platforms.woocommerce.client import WooClient
from tests.policy.builders import ctx, draft, policy, want

sandbox_app = pytest.importorskip("sandboxes.woocommerce.app")
sandbox_shop = pytest.importorskip("sandboxes.woocommerce.shop")

pytestmark = pytest.mark.e2e

KEY, SECRET = "ck_e2e_products", "cs_e2e_products"
POLICY = 'default_action = "approve"\n[windows]\ndays = 3650\nanchor = "order"\n[exclusions]\nfinal_sale = true\n'


@pytest.fixture(scope="module")
def shop() -> Iterator[tuple[WooCommerceAdapter, str]]:
    options = sandbox_shop.SandboxOptions(orders=60, seed=7, consumer_key=KEY, consumer_secret=SECRET)
    shop_url, stop = sandbox_app.start_in_thread(options)
    client = WooClient(shop_url, KEY, SECRET, allow_private=True)
    try:
        yield WooCommerceAdapter(client, shop_id="shop-1"), shop_url
    finally:
        client.close()
        stop()


def _products(adapter: WooCommerceAdapter) -> dict[int, dict[str, Any]]:
    return {int(p["id"]): p for p in adapter.client.paginate("products")}


def _line_of(adapter: WooCommerceAdapter, wanted: Any) -> tuple[Order, OrderLine]:
    """The first fulfilled, returnable line of a completed order whose product passes ``wanted``."""
    for raw in adapter.client.paginate("orders", {"status": "completed"}):
        for item in raw["line_items"]:
            if wanted(item["product_id"]) and not raw["refunds"]:
                order = adapter.fetch_order(str(raw["id"]))
                line = order.line(str(item["id"]))
                if line.returnable_quantity:
                    return order, line
    raise AssertionError("no suitable order in the sandbox seed")


def _decide(order: Order, line: OrderLine, rules: str = "") -> tuple[Decision, list[str]]:
    evaluation = evaluate(policy(POLICY + rules), order, draft(want(line.id)),
                          ctx(order.created_at + timedelta(days=20)))  # fmt: skip
    return evaluation.decision, evaluation.explanation.message_keys()


def test_the_shop_serves_products_as_rest_v3(shop: tuple[WooCommerceAdapter, str]) -> None:
    adapter, _ = shop
    products = _products(adapter)
    some = sorted(products)[:3]
    page = adapter.client.get_page("products", {"include": ",".join(map(str, some)), "per_page": 2})
    assert sorted(p["id"] for p in page.items) == some[1:] and page.total == 3  # newest first, 2 a page
    tagged = products[some[0]]
    assert all(set(t) == {"id", "name", "slug"} and t["id"] > 0 for t in tagged["tags"] + tagged["categories"])
    assert tagged["categories"] and tagged["type"] == "variable"


def test_a_final_sale_line_is_refused_and_a_tag_rule_matches(shop: tuple[WooCommerceAdapter, str]) -> None:
    adapter, _ = shop
    products = _products(adapter)
    final = {i for i, p in products.items() if any(t["slug"] == "final-sale" for t in p["tags"])}
    assert final, "the seed has final-sale products"
    order, line = _line_of(adapter, lambda product_id: product_id in final)
    assert line.final_sale
    decision, keys = _decide(order, line)
    assert decision is Decision.DECLINE and "exclusion.final_sale" in keys

    order, line = _line_of(adapter, lambda product_id: product_id not in final)
    record = products[int(line.platform_ids["product_id"])]
    assert not line.final_sale and line.product_type == "variable"
    assert {c["name"].casefold() for c in record["categories"]} <= line.collections
    tag = record["tags"][0]["name"]
    assert tag.casefold() in line.tags
    rule = f'[[rules]]\nid = "tagged"\npriority = 1\naction = "review"\nwhen = {{ tags = ["{tag.upper()}"] }}\n'
    decision, keys = _decide(order, line, rule)
    assert decision is Decision.REVIEW and "rule.review" in keys
    decision, keys = _decide(order, line, rule.replace(tag.upper(), "no-such-tag"))
    assert decision is Decision.APPROVE and "default.approve" in keys
