"""One table of product rules, run against a Shopify order and a WooCommerce order with the same products.

Each platform's own adapter reads its own payloads (GraphQL ``Order`` parts and ``ProductCollections`` for
Shopify; a REST v3 order and ``GET products?include=`` for WooCommerce), so a rule by tag, product type,
category (a collection on Shopify) or final sale decides the same way whichever shop the order came from.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
import responses

from connector.domain import Order, ReasonCode, Resolution
from connector.policy import Decision, evaluate
from platforms.shopify.adapter import ShopifyAdapter
from platforms.shopify.client import GraphQLClient
from platforms.woocommerce.adapter import WooCommerceAdapter
from platforms.woocommerce.client import RetryPolicy, WooClient
from tests.policy.builders import ctx, draft, policy, want
from tests.shopify.helpers import SHOP as SHOPIFY_SHOP
from tests.shopify.helpers import load as load_shopify
from tests.shopify.helpers import stub_order as stub_shopify_order
from tests.woocommerce.conftest import API, STORE, dump
from tests.woocommerce.conftest import order as woo_order_json


@dataclass(frozen=True)
class Product:
    tags: tuple[str, ...] = ("Cotton", "Gift Idea")
    product_type: str = "simple"
    categories: tuple[str, ...] = ("Summer Sale",)
    final_sale: bool = False


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def shopify_order(product: Product) -> Order:
    """A GraphQL order whose one line is this product, read by the adapter with the product's collections
    (its categories, as custom collections: handle and title). Shopify marks final sale with a product tag."""
    node = copy.deepcopy(load_shopify("order_partial_usd.json")["data"]["order"])
    item = node["lineItems"]["nodes"][0]
    node["lineItems"]["nodes"] = [item]
    item["product"]["tags"] = [*product.tags, *(["final-sale"] if product.final_sale else [])]
    item["product"]["productType"] = product.product_type
    filed = [{"handle": _slug(title), "title": title} for title in product.categories]
    collections = {"nodes": [{"id": item["product"]["id"], "collections": {
        "nodes": filed, "pageInfo": {"hasNextPage": False}}}]}  # fmt: skip
    client = GraphQLClient(SHOPIFY_SHOP, lambda: "shpat_test")
    with responses.RequestsMock() as mock:
        stub_shopify_order(node, collections, mock=mock)
        return ShopifyAdapter(SHOPIFY_SHOP, lambda: "unused", shop_id="shop-1", client=client).fetch_order(node["id"])


def woo_order(product: Product) -> Order:
    """A REST order whose one line is this product, mapped by the adapter with the product read over HTTP.
    WooCommerce marks final sale here with the default meta key (``_final_sale`` = ``yes``)."""
    raw = woo_order_json()
    raw["line_items"] = raw["line_items"][:1]
    product_id = raw["line_items"][0]["product_id"]
    terms = [
        {"id": 30 + i, "name": name, "slug": _slug(name)} for i, name in enumerate(product.tags)
    ]
    body = {
        "id": product_id, "name": "Woo Single #1", "slug": "woo-single-1", "type": product.product_type,
        "categories": [{"id": 9 + i, "name": n, "slug": _slug(n)} for i, n in enumerate(product.categories)],
        "tags": terms,
        "meta_data": [{"id": 501, "key": "_final_sale", "value": "yes"}] if product.final_sale else [],
    }  # fmt: skip
    client = WooClient(STORE, "ck_test", "cs_test", retry=RetryPolicy(max_retries=0))
    with responses.RequestsMock() as mock:
        mock.get(f"{API}/orders/{raw['id']}", body=dump(raw))
        mock.get(f"{API}/products", body=dump([body]), headers={"X-WP-Total": "1", "X-WP-TotalPages": "1"})
        mapped = WooCommerceAdapter(client, shop_id="shop-1").fetch_order(str(raw["id"]))
    client.close()
    return mapped


PLATFORMS: dict[str, Callable[[Product], Order]] = {"shopify": shopify_order, "woocommerce": woo_order}
BASE = 'default_action = "approve"\n'
WINDOW = '[windows]\ndays = 30\nanchor = "delivery"\n'
KEEP_EXCLUSIONS_OFF = "[exclusions]\nfinal_sale = false\n"


def review_when_tagged(tag: str) -> str:
    return f'[[rules]]\nid = "t"\npriority = 1\naction = "review"\nwhen = {{ tags = ["{tag}"] }}\n'


@dataclass(frozen=True)
class Case:
    name: str
    rules: str
    expected: Decision
    key: str
    product: Product = field(default_factory=Product)
    days_after_delivery: int = 10
    resolution: Resolution = field(default_factory=Resolution.refund)


CASES = [
    Case("no rule: the default", "", Decision.APPROVE, "default.approve"),
    Case("rule by tag matches", review_when_tagged("COTTON"), Decision.REVIEW, "rule.review"),
    Case("rule by tag, other tag", review_when_tagged("linen"), Decision.APPROVE, "default.approve"),
    Case("excluded tag", '[exclusions]\ntags = ["gift idea"]\n', Decision.DECLINE, "exclusion.tag"),
    Case("excluded product type", '[exclusions]\nproduct_types = ["Variable"]\n', Decision.DECLINE,
         "exclusion.product_type", Product(product_type="variable")),
    Case("other product type", '[exclusions]\nproduct_types = ["variable"]\n', Decision.APPROVE, "default.approve"),
    Case("final sale", "", Decision.DECLINE, "exclusion.final_sale", Product(final_sale=True)),
    Case("final sale not honoured", KEEP_EXCLUSIONS_OFF, Decision.APPROVE, "default.approve",
         Product(final_sale=True)),
    Case("outcomes by product type", '[[outcomes.rules]]\nproduct_types = ["simple"]\nallowed = ["store_credit"]\n',
         Decision.DECLINE, "outcome.not_allowed"),
    Case("outcomes by tag", '[[outcomes.rules]]\ntags = ["cotton"]\nallowed = ["refund"]\n', Decision.APPROVE,
         "default.approve"),
    Case("window by tag", WINDOW + 'overrides = [{ kind = "tag", match = "gift idea", days = 60 }]\n',
         Decision.APPROVE, "default.approve", days_after_delivery=45),
    Case("outside the window without an override", "", Decision.DECLINE, "window.expired.delivered",
         days_after_delivery=45),
    Case("outcomes by category", '[[outcomes.rules]]\ncollections = ["summer sale"]\nallowed = ["store_credit"]\n',
         Decision.DECLINE, "outcome.not_allowed"),
    Case("window by category", WINDOW + 'overrides = [{ kind = "collection", match = "Summer Sale", '
         'days = 60 }]\n', Decision.APPROVE, "default.approve", days_after_delivery=45),
]


def _params() -> list[Any]:
    return [pytest.param(case, platform, id=f"{platform}-{case.name}") for case in CASES for platform in PLATFORMS]


def _policy_text(case: Case) -> str:
    return BASE + case.rules if case.rules.startswith(WINDOW) else BASE + WINDOW + case.rules


@pytest.mark.parametrize(("case", "platform"), _params())
def test_the_same_rules_decide_the_same_on_both_platforms(case: Case, platform: str) -> None:
    order = PLATFORMS[platform](case.product)
    line = order.lines[0]
    assert line.delivered_at is not None
    now = line.delivered_at + timedelta(days=case.days_after_delivery)
    wanted = want(line.id, reason=ReasonCode.SIZE_TOO_SMALL, resolution=case.resolution)
    evaluation = evaluate(policy(_policy_text(case)), order, draft(wanted), ctx(now))
    assert evaluation.decision is case.expected
    assert case.key in evaluation.explanation.message_keys()


def test_both_platforms_map_the_same_product_facts() -> None:
    product = Product(tags=("Cotton", "Gift Idea"), product_type="variable", final_sale=True)
    shopify, woo = (PLATFORMS[p](product).lines[0] for p in PLATFORMS)
    assert shopify.product_type == woo.product_type == "variable"
    assert {"cotton", "gift idea"} <= shopify.tags and {"cotton", "gift idea"} <= woo.tags
    assert shopify.final_sale and woo.final_sale
    assert shopify.collections == woo.collections == {"summer sale", "summer-sale"}

