"""Issue 16 §2: units inspected "restock" go back in stock at WooCommerce whatever the return's outcome.

Only a refund carries quantities to WooCommerce, so a store-credit or exchange return used to leave every unit
out of stock. Each return here has a line inspected RESTOCK and one DISPOSE; only the restocked unit must come
back, which the sandbox's own stock log shows (a ``refund`` change on the original order).
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
import requests

from connector.domain.actions import ActionKind
from connector.domain.orders import Order, Platform
from connector.domain.reasons import ReasonCode
from connector.domain.resolutions import Resolution, ReturnMethod
from connector.domain.states import ReturnStatus
from connector.policy import line_eligibility
from connector.services.policies import current_policy
from connector.services.returns import LineInput, ReturnService
from demo.scenario import CUSTOMER
from demo.stack import Stack
from tests.e2e.demo_stack import agent_key, connected, running_stack, wait_until_closed

pytestmark = pytest.mark.e2e

POLICY = {"name": "Approve everything", "default_action": "approve", "windows": {"days": 365}}


def _post(stack: Stack, shop_id: str, key: str, return_id: str, step: str, body: dict[str, Any]) -> None:
    answer = requests.post(f"{stack.app_url}/api/v1/shops/{shop_id}/returns/{return_id}/{step}", json=body,
                           headers={"X-API-Key": key, "Idempotency-Key": uuid.uuid4().hex}, timeout=30)
    assert answer.status_code == 200, answer.text


def _product(stack: Stack, reader: tuple[str, str], product_id: str, variant_id: str) -> dict[str, Any]:
    path = f"products/{product_id}/variations/{variant_id}" if variant_id != product_id else f"products/{product_id}"
    found: dict[str, Any] = requests.get(f"{stack.woo_url}/wp-json/wc/v3/{path}", auth=reader, timeout=10).json()
    return found


def _two_line_orders(stack: Stack, shop_id: str, count: int) -> list[tuple[Order, str, str]]:
    """Orders with two returnable lines whose products manage stock (and have some to send as a swap)."""
    now = stack.container.clock()
    with stack.container.uow() as uow:
        policy = current_policy(uow, shop_id)
        orders = uow.orders(shop_id).recent(limit=500)
    key = requests.post(f"{stack.woo_url}/__sandbox/keys", json={"description": "reader"}, timeout=10).json()
    reader = (key["consumer_key"], key["consumer_secret"])
    found: list[tuple[Order, str, str]] = []
    for order in orders:
        lines = [e.line_id for e in line_eligibility(policy, order, now)
                 if e.eligible and e.returnable_quantity >= 1 and order.line(e.line_id).variant_id]
        managed = [line_id for line_id in lines if _managed(stack, reader, order, line_id)]
        if len(managed) >= 2:
            found.append((order, managed[0], managed[1]))
        if len(found) == count:
            return found
    raise AssertionError("too few orders with two stock-managed returnable lines")


def _managed(stack: Stack, reader: tuple[str, str], order: Order, line_id: str) -> bool:
    line = order.line(line_id)
    product = _product(stack, reader, str(line.product_id or line.variant_id), str(line.variant_id))
    return product.get("manage_stock") is True and int(product.get("stock_quantity") or 0) >= 2


def _restocked(stack: Stack, order_id: str) -> list[tuple[int, int]]:
    log = requests.get(f"{stack.woo_url}/__sandbox/stock", timeout=10).json()
    return [(c["variation_id"] or c["product_id"], c["delta"]) for c in log
            if c["order_id"] == int(order_id) and c["reason"] == "refund"]


@pytest.mark.parametrize("outcome", ["store_credit", "exchange"])
def test_only_the_restocked_unit_goes_back_in_stock(outcome: str, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    with running_stack(tmp_path / "demo", monkeypatch, 12) as stack:
        connected(stack, POLICY)
        with stack.container.uow() as uow:
            shop = uow.shops.find(Platform.WOOCOMMERCE, stack.woo_url)
        assert shop is not None
        ((order, keep, toss),) = _two_line_orders(stack, shop.id, 1)

        def resolution(line_id: str) -> Resolution:
            line = order.line(line_id)
            return (Resolution.store_credit() if outcome == "store_credit"
                    else Resolution.exchange(line.variant_id, line.product_id))

        opened = ReturnService(stack.container).open_return(
            shop.id, order.id, [LineInput(line_id, 1, ReasonCode.STYLE, resolution(line_id), "portal")
                                for line_id in (keep, toss)],
            ReturnMethod.RELAY_POINT, CUSTOMER,
        ).request
        agent = agent_key(stack, shop.id)
        if opened.status is ReturnStatus.REQUESTED:
            _post(stack, shop.id, agent, opened.id, "approve", {"reason": "ok"})
        kept, tossed = (next(r.id for r in opened.lines if r.order_line_id == x) for x in (keep, toss))
        _post(stack, shop.id, agent, opened.id, "receive",
              {"lines": [{"line_id": kept, "quantity": 1}, {"line_id": tossed, "quantity": 1}]})
        _post(stack, shop.id, agent, opened.id, "inspect", {"line_id": kept, "disposition": "restock"})
        _post(stack, shop.id, agent, opened.id, "inspect", {"line_id": tossed, "disposition": "dispose"})
        _post(stack, shop.id, agent, opened.id, "resolve", {})
        wait_until_closed(stack, shop.id, opened.id)
        with stack.container.uow() as uow:
            kinds = sorted(a.kind.value for a in uow.actions(shop.id).for_return(opened.id))
        assert ActionKind.RESTOCK.value in kinds and ActionKind.REFUND.value not in kinds

        assert _restocked(stack, order.id) == [(int(order.line(keep).variant_id or 0), 1)]
        refunds = requests.get(f"{stack.woo_url}/__sandbox/refunds", params={"order_id": order.id}, timeout=10).json()
        assert [r["amount"] for r in refunds["refunds"]] == ["0.00"]  # nothing paid back through the gateway
        assert refunds["gateway_calls"] == []
