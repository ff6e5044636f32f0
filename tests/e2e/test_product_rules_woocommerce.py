"""Issue 16 §1 end to end: product rules decide WooCommerce returns asked for through the portal.

The demo stack syncs the WooCommerce sandbox's orders (their products read in one request per order); a
customer then sees a final-sale line refused with the final-sale explanation, and a return of a line whose
product carries the tag a rule names is sent for review by that rule. The facts are checked against the shop's
own product records.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests

from connector.domain.orders import Order, OrderLine
from demo.stack import Stack
from platforms.woocommerce.adapter import WooCommerceAdapter
from tests.e2e.demo_stack import connected, portal_post, portal_token, running_stack

pytestmark = pytest.mark.e2e

TAG = "spring-2026"  # a seeded tag (sandboxkit/seed.py): about half of the catalogue carries it
POLICY = {
    "name": "Final sale excluded, spring collection reviewed",
    "default_action": "approve",
    "windows": {"days": 3650},
    "exclusions": {"final_sale": True},
    "rules": [{"id": "spring", "priority": 1, "action": "review", "when": {"tags": [TAG.upper()]}}],
}


def _woo_product(stack: Stack, shop_id: str, product_id: str) -> dict[str, Any]:
    """The shop's own record of a product, read with the shop's stored keys."""
    with stack.container.uow() as uow:
        adapter = stack.container.adapter_for(uow, uow.shops.get(shop_id))
    assert isinstance(adapter, WooCommerceAdapter)
    product: dict[str, Any] = adapter.client.get(f"products/{product_id}")
    return product


def _find(stack: Stack, shop_id: str, wanted: Callable[[OrderLine], bool]) -> tuple[Order, OrderLine]:
    with stack.container.uow() as uow:
        orders = uow.orders(shop_id).recent(limit=500)
    for order in orders:
        for line in order.lines:
            if line.returnable_quantity >= 1 and wanted(line):
                return order, line
    raise AssertionError("no such line in the seeded orders")


def _lines(stack: Stack, shop_id: str, token: str) -> dict[str, dict[str, Any]]:
    answer = requests.get(f"{stack.app_url}/api/v1/portal/{shop_id}/lines", params={"locale": "en"},
                          headers={"Authorization": f"Bearer {token}"}, timeout=30)  # fmt: skip
    assert answer.status_code == 200, answer.text
    return {line["line_id"]: line for line in answer.json()["lines"]}


def test_final_sale_refused_and_tag_rule_matches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with running_stack(tmp_path / "demo", monkeypatch, 40) as stack:
        _shopify_id, shop_id = connected(stack, POLICY)

        order, line = _find(stack, shop_id, lambda line: line.final_sale)
        record = _woo_product(stack, shop_id, line.platform_ids["product_id"])
        assert "final-sale" in {tag["slug"] for tag in record["tags"]}  # the shop says so too
        shown = _lines(stack, shop_id, portal_token(stack, shop_id, order.name, order.email))[line.id]
        assert shown["eligible"] is False and shown["returnable_quantity"] == 0
        assert f"{line.title}: final sale, cannot be returned." in shown["explanation"]

        order, line = _find(stack, shop_id, lambda line: TAG in line.tags and not line.final_sale)
        record = _woo_product(stack, shop_id, line.platform_ids["product_id"])
        assert TAG in {tag["name"] for tag in record["tags"]} and record["type"] == line.product_type == "variable"
        token = portal_token(stack, shop_id, order.name, order.email)
        body = {
            "lines": [{"order_line_id": line.id, "quantity": 1, "reason": "unwanted",
                       "resolution": {"kind": "refund"}}],
            "method": "relay_point",
        }  # fmt: skip
        answer = portal_post(stack, shop_id, token, body)
        assert answer.status_code == 201, answer.text
        assert answer.json()["decision"] == "review"
        assert "Sent for review (rule “spring”)." in answer.json()["return"]["explanation"]
