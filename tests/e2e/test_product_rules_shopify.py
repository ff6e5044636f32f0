"""Issue 16 §1 end to end on Shopify: a rule by collection decides a return asked for through the portal.

The demo stack syncs the Shopify sandbox's orders (each order's product collections read in one ``nodes(ids:)``
request, apart from its lines); the policy allows only store credit for the ``Bottoms`` collection. A customer
then sees store credit as the only outcome for a pair of jeans and is refused a refund for it, with the
rule's explanation, while a line of another collection keeps every outcome. The collections are checked
against the shop's own product record.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests

from connector.domain.orders import Order, OrderLine
from demo.stack import Stack
from platforms.shopify.adapter import ShopifyAdapter
from tests.e2e.demo_stack import connected, portal_post, portal_token, running_stack

pytestmark = pytest.mark.e2e

COLLECTION = "bottoms"  # seeded (shopify/sandbox/collections_seed.py): jeans, skirts and shorts
POLICY = {
    "name": "Bottoms for store credit only",
    "default_action": "approve",
    "windows": {"days": 3650},
    "exclusions": {"final_sale": True},
    "outcomes": {"rules": [{"collections": [COLLECTION.upper()], "allowed": ["store_credit"]}]},
}
PRODUCT_COLLECTIONS = """
query ProductOwnCollections($id: ID!) { product(id: $id) { collections(first: 10) { nodes { handle title } } } }
"""


def _shop_collections(stack: Stack, shop_id: str, product_id: str) -> set[str]:
    """The shop's own record of a product's collections (handles), read with the shop's stored token."""
    with stack.container.uow() as uow:
        adapter = stack.container.adapter_for(uow, uow.shops.get(shop_id))
    assert isinstance(adapter, ShopifyAdapter)
    product = adapter.client.query(PRODUCT_COLLECTIONS, {"id": product_id})["product"]
    return {str(node["handle"]) for node in product["collections"]["nodes"]}


def _find(stack: Stack, shop_id: str, wanted: Callable[[OrderLine], bool]) -> tuple[Order, OrderLine]:
    with stack.container.uow() as uow:
        orders = uow.orders(shop_id).recent(limit=500)
    for order in orders:
        for line in order.lines:
            if line.returnable_quantity >= 1 and not line.final_sale and wanted(line):
                return order, line
    raise AssertionError("no such line in the seeded orders")


def _shown(stack: Stack, shop_id: str, order: Order, line: OrderLine) -> dict[str, Any]:
    token = portal_token(stack, shop_id, order.name, order.email)
    answer = requests.get(f"{stack.app_url}/api/v1/portal/{shop_id}/lines", params={"locale": "en"},
                          headers={"Authorization": f"Bearer {token}"}, timeout=30)  # fmt: skip
    assert answer.status_code == 200, answer.text
    shown: dict[str, Any] = {item["line_id"]: item for item in answer.json()["lines"]}[line.id]
    return shown


def test_a_collection_rule_decides_the_outcome(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with running_stack(tmp_path / "demo", monkeypatch, 40) as stack:
        shop_id, _woo_id = connected(stack, POLICY)

        order, line = _find(stack, shop_id, lambda line: COLLECTION in line.collections)
        assert line.product_id is not None and COLLECTION in _shop_collections(stack, shop_id, line.product_id)
        assert _shown(stack, shop_id, order, line)["allowed_outcomes"] == ["store_credit"]
        body = {
            "lines": [{"order_line_id": line.id, "quantity": 1, "reason": "unwanted",
                       "resolution": {"kind": "refund"}}],
            "method": "relay_point",
        }  # fmt: skip
        answer = portal_post(stack, shop_id, portal_token(stack, shop_id, order.name, order.email), body)
        assert answer.status_code == 201, answer.text
        assert answer.json()["decision"] == "decline"
        explanation = answer.json()["return"]["explanation"]
        assert f"{line.title}: a refund is not available for this item and reason (no longer wanted)." in explanation

        order, line = _find(stack, shop_id, lambda line: bool(line.collections) and COLLECTION not in line.collections)
        assert COLLECTION not in _shop_collections(stack, shop_id, str(line.product_id))
        assert "refund" in _shown(stack, shop_id, order, line)["allowed_outcomes"]
