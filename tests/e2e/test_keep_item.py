"""Issue 15 §3: keep-the-item (returnless refunds) from the portal, end to end against the sandbox shops.

A customer asks the portal (over HTTP) to keep the goods. When the shop's policy grants it, the return skips
shipping and inspection, resolves at once with the policy's outcome, paid through the usual actions (checked
in the shop's own records), its explanation says why (English and French), and agents see it in its history.
When the policy does not grant it, the portal answers 422 ``keep_item_refused`` naming why, and opens nothing.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import requests

from connector.domain.orders import Order
from connector.domain.states import ReturnStatus
from connector.policy.schema import policy_from_dict
from connector.services.policies import set_policy
from demo.scenario import _candidates
from demo.stack import Stack
from tests.e2e.demo_stack import (
    agent_key,
    agent_view,
    connected,
    portal_post,
    portal_token,
    running_stack,
    shopify_state,
    wait_until_closed,
)

pytestmark = pytest.mark.e2e

KEEP_POLICY = {
    "name": "Keep anything worth less than 1000",
    "default_action": "approve",
    "windows": {"days": 365},
    "keep_item": {"below": {"EUR": "1000", "USD": "1000", "GBP": "1000", "JPY": "160000"}},
    "bonus": {"kind": "percent", "percent": "10", "outcomes": ["store_credit", "exchange"]},
}
NARROW_POLICY = {**KEEP_POLICY, "keep_item": {"below": {"EUR": "1", "USD": "1", "GBP": "1", "JPY": "100"}}}


def _body(line_id: str, kind: str, *, keep: bool = True, variant: str | None = None) -> dict[str, Any]:
    resolution: dict[str, Any] = {"kind": kind}
    if variant:
        resolution["exchange_variant_id"] = variant
    return {
        "lines": [{"order_line_id": line_id, "quantity": 1, "reason": "unwanted", "resolution": resolution}],
        "method": "relay_point",
        "keep_item": keep,
    }


def _pick(stack: Stack, shop_id: str, shopify: bool) -> tuple[Order, str, str]:
    ((order, line_id),) = _candidates(stack, shop_id, 1, needs_fulfillment_ids=shopify)
    return order, line_id, portal_token(stack, shop_id, order.name, order.email)


def _woo_refunds(stack: Stack, order_id: str) -> list[dict[str, Any]]:
    answer = requests.get(f"{stack.woo_url}/__sandbox/refunds", params={"order_id": order_id}, timeout=30).json()
    return list(answer["refunds"])


@pytest.mark.parametrize(
    ("platform", "kind"),
    [("shopify", "refund"), ("shopify", "store_credit"), ("woocommerce", "refund")],
)
def test_keep_the_item_resolves_at_once_and_is_paid(
    platform: str, kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with running_stack(tmp_path / "demo", monkeypatch, 12) as stack:
        shopify_id, woo_id = connected(stack, KEEP_POLICY)
        shop_id = shopify_id if platform == "shopify" else woo_id
        order, line_id, token = _pick(stack, shop_id, platform == "shopify")

        answer = portal_post(stack, shop_id, token, _body(line_id, kind), locale="fr")
        assert answer.status_code == 201, answer.text
        created = answer.json()
        assert created["decision"] == "approve"
        customer_view = created["return"]
        assert customer_view["status"] == "resolved" and customer_view["keep_item"] is True
        assert any("Gardez l'article" in line for line in customer_view["explanation"])
        assert any("résolu tout de suite" in line for line in customer_view["explanation"])
        assert [h["action"] for h in customer_view["history"]] == ["request", "approve", "resolve"]
        return_id = customer_view["id"]

        closed = wait_until_closed(stack, shop_id, return_id)
        assert closed.amounts is not None and closed.fees is not None
        assert not closed.fees.return_shipping and not closed.fees.restocking  # nothing sent back
        actions = [e.action for e in closed.events]
        for skipped in ("mark_in_transit", "receive", "inspect", "inspect_line"):
            assert skipped not in actions
        assert actions[:3] == ["request", "approve", "resolve"]

        view = agent_view(stack, shop_id, return_id, agent_key(stack, shop_id))
        resolve = next(e for e in view["events"] if e["action"] == "resolve")
        assert resolve["from_status"] == "approved" and resolve["actor_id"] == "policy"
        assert resolve["data"] == {"keep_item": True, "skipped": ["in_transit", "received", "inspected"]}
        assert "resolved at once" in resolve["reason"]
        assert view["keep_item"] is True
        assert any(line.startswith("Keep the item") for line in view["explanation"])
        assert view["evaluation"]["keep_item"] is True

        paid = order.line(line_id).paid_for(1)
        if platform == "shopify":
            state = shopify_state(stack)
            shop_return = next(r for r in state["returns"] if r["id"] == closed.platform_return_id)
            assert shop_return["status"] == "CLOSED" and not shop_return["reverse_deliveries"]
            refunds = [r for r in state["refunds"] if r["return_id"] == closed.platform_return_id]
            assert len(refunds) == 1
            if kind == "refund":
                assert Decimal(refunds[0]["amount"]) == closed.amounts.refund.amount == paid.amount
            else:
                bonus = closed.amounts.store_credit_bonus
                assert bonus is not None and bonus
                assert Decimal(refunds[0]["store_credit"]) == paid.amount
                assert any(
                    c["origin"] == "storeCreditAccountCredit" and Decimal(c["amount"]) == bonus.amount
                    for c in state["credits"]
                )
        else:
            (refund,) = _woo_refunds(stack, order.id)
            assert Decimal(refund["amount"]) == closed.amounts.refund.amount == paid.amount
            assert requests.get(f"{stack.woo_url}/__sandbox/state", timeout=30).json()["refunds"] >= 1


def test_keep_the_item_refused_names_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with running_stack(tmp_path / "demo", monkeypatch, 12) as stack:
        _shopify_id, woo_id = connected(stack, NARROW_POLICY)
        order, line_id, token = _pick(stack, woo_id, False)
        before = requests.get(f"{stack.woo_url}/__sandbox/state", timeout=30).json()["refunds"]

        too_dear = portal_post(stack, woo_id, token, _body(line_id, "refund"))
        assert too_dear.status_code == 422, too_dear.text
        error = too_dear.json()["error"]
        assert error["code"] == "keep_item_refused"
        assert error["message"].startswith("Keeping the item is not possible here (return worth")
        assert error["fields"] == {"keep_item": [error["message"]]}
        in_french = portal_post(stack, woo_id, token, _body(line_id, "refund"), locale="fr")
        assert in_french.json()["error"]["message"].startswith("Garder l'article n'est pas possible ici")

        with stack.container.uow() as uow:
            set_policy(uow, woo_id, policy_from_dict(KEEP_POLICY, source="test"))
            uow.commit()
        line = order.line(line_id)
        exchange = portal_post(stack, woo_id, token, _body(line_id, "exchange", variant=line.variant_id))
        assert exchange.status_code == 422, exchange.text
        assert exchange.json()["error"]["message"] == "Keeping the item only comes with a refund or store credit."

        listed = requests.get(f"{stack.app_url}/api/v1/portal/{woo_id}/returns",
                              headers={"Authorization": f"Bearer {token}"}, timeout=30).json()
        assert listed["items"] == []  # nothing was opened
        assert requests.get(f"{stack.woo_url}/__sandbox/state", timeout=30).json()["refunds"] == before

        # Without keep_item, the same return opens as usual: the goods are to be sent back.
        sent_back = portal_post(stack, woo_id, token, _body(line_id, "refund", keep=False))
        assert sent_back.status_code == 201, sent_back.text
        assert sent_back.json()["return"]["status"] == ReturnStatus.APPROVED.value
        assert sent_back.json()["return"]["keep_item"] is False
