"""Issue 16 §2: when an order has less left to refund than a return is worth, an agent pays what is left.

The merchant refunds most of a WooCommerce order by hand; a return on it is then worth more than what is left.
Resolving as computed is refused up front (the refund could only fail, and a resolved return is not resolved
again); the agent's override is capped by what is left at the shop (not by the order's total paid): one cent
more is a 422 naming what is left, exactly what is left is paid, and the shop's own refunds show it.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import requests

from connector.domain.money import Money
from connector.domain.reasons import ReasonCode
from connector.domain.resolutions import Resolution, ReturnMethod
from connector.domain.states import ReturnStatus
from connector.services.returns import LineInput, ReturnService
from demo.scenario import CUSTOMER, _candidates
from demo.stack import Stack
from tests.e2e.demo_stack import agent_key, connected, running_stack, wait_until_closed, woo_shop_and_merchant

pytestmark = pytest.mark.e2e


def _agent(stack: Stack, shop_id: str, key: str, return_id: str, step: str, body: dict[str, Any]) -> requests.Response:
    return requests.post(
        f"{stack.app_url}/api/v1/shops/{shop_id}/returns/{return_id}/{step}", json=body,
        headers={"X-API-Key": key, "Idempotency-Key": uuid.uuid4().hex}, timeout=30,
    )


def test_an_override_pays_exactly_what_is_left_to_refund(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with running_stack(tmp_path / "demo", monkeypatch, 12) as stack:
        _shopify_id, _ = connected(stack)
        shop, merchant = woo_shop_and_merchant(stack)
        order, line_id = _candidates(stack, shop.id, 1, needs_fulfillment_ids=False)[0]
        total = Money(str(merchant.get(f"orders/{order.id}")["total"]), order.currency)
        left = Money("1.00", order.currency)
        assert order.line(line_id).paid_for(1) > left
        merchant.post(f"orders/{order.id}/refunds", {"amount": str((total - left).amount), "reason": "Goodwill",
                                                     "api_refund": False})
        opened = ReturnService(stack.container).open_return(
            shop.id, order.id, [LineInput(line_id, 1, ReasonCode.STYLE, Resolution.refund(), "portal")],
            ReturnMethod.RELAY_POINT, CUSTOMER,
        ).request
        agent = agent_key(stack, shop.id)
        if opened.status is ReturnStatus.REQUESTED:  # a partly refunded order goes to review
            approved = _agent(stack, shop.id, agent, opened.id, "approve", {"reason": "ok"})
            assert approved.status_code == 200, approved.text
        line = opened.lines[0].id
        received = _agent(stack, shop.id, agent, opened.id, "receive", {"lines": [{"line_id": line, "quantity": 1}]})
        assert received.status_code == 200, received.text
        assert _agent(stack, shop.id, agent, opened.id, "inspect",
                      {"line_id": line, "disposition": "restock"}).status_code == 200

        unpayable = _agent(stack, shop.id, agent, opened.id, "resolve", {})  # the return is worth more than that
        assert unpayable.status_code == 422, unpayable.text
        assert f"override of at most {left}" in unpayable.json()["error"]["message"]

        too_much = _agent(stack, shop.id, agent, opened.id, "resolve", {
            "override": {"amount": str((left + Money("0.01", order.currency)).amount), "currency": order.currency},
            "reason": "only what is left"})
        assert too_much.status_code == 422, too_much.text
        assert f"{left} left to refund" in too_much.json()["error"]["message"]

        paid = _agent(stack, shop.id, agent, opened.id, "resolve", {
            "override": {"amount": str(left.amount), "currency": order.currency}, "reason": "only what is left"})
        assert paid.status_code == 200, paid.text
        wait_until_closed(stack, shop.id, opened.id)
        refunds = requests.get(f"{stack.woo_url}/__sandbox/refunds", params={"order_id": order.id}, timeout=10).json()
        ours = [r for r in refunds["refunds"] if r["reason"] != "Goodwill"]
        assert [Decimal(r["amount"]) for r in ours] == [left.amount]
        assert merchant.get(f"orders/{order.id}")["status"] == "refunded"  # nothing left to refund
