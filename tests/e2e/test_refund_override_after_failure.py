"""Issue 16, P2-10 on the WooCommerce sandbox: a resolved return whose refund the shop refused is paid with
the agent's corrected amount, once.

The merchant refunds part of the order by hand on the shop's order screen (REST refunds, as the real store's
admin does) while the return is being paid: resolving saw enough left, but when our refund reaches the shop
less is left than the return is worth, and WooCommerce refuses it (``RefundExceedsRemaining``). The return
is resolved, so an override on ``resolve`` is too late; ``refund-override`` pays what is left as a new action
with its own key. The shop's own refunds then show that amount once, the return closes, and neither a second
override nor a retry of the refused action pays anything more.
"""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import requests

from connector.cli import jobscmd
from connector.cli.main import main
from connector.domain.actions import ActionKind
from connector.domain.money import Money
from connector.domain.orders import Shop
from connector.domain.reasons import ReasonCode
from connector.domain.resolutions import Resolution, ReturnMethod
from connector.domain.returns import ReturnRequest
from connector.domain.states import ReturnStatus
from connector.services.executor import FAILED_BEFORE_EFFECT, ActionExecutor
from connector.services.returns import LineInput, ReturnService
from connector.store.actions_repo import ActionRecord, ActionState
from demo.scenario import CUSTOMER, _candidates
from demo.stack import Stack
from tests.e2e.demo_stack import agent_key, connected, load, running_stack, woo_shop_and_merchant
from tests.e2e.test_override_remaining import _agent

pytestmark = pytest.mark.e2e
BY_HAND = "Refunded by hand at the shop"


def _refund_actions(stack: Stack, shop_id: str, return_id: str) -> list[ActionRecord]:
    with stack.container.uow() as uow:
        return [a for a in uow.actions(shop_id).for_return(return_id) if a.kind is ActionKind.REFUND]


def _wait(stack: Stack, shop_id: str, return_id: str, done: Any, what: str) -> list[ActionRecord]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = _refund_actions(stack, shop_id, return_id)
        if done(load(stack, shop_id, return_id), found):
            return found
        time.sleep(0.2)
    pytest.fail(f"{what}: " + ", ".join(f"{a.idempotency_key} {a.state.value} {a.last_error}" for a in found))


def _our_refunds(stack: Stack, order_id: str) -> list[Decimal]:
    refunds = requests.get(f"{stack.woo_url}/__sandbox/refunds", params={"order_id": order_id}, timeout=10).json()
    return [Decimal(r["amount"]) for r in refunds["refunds"] if r["reason"] != BY_HAND]


def _inspected_return(stack: Stack, shop: Shop, order_id: str, line_id: str, agent: str) -> ReturnRequest:
    opened = ReturnService(stack.container).open_return(
        shop.id, order_id, [LineInput(line_id, 1, ReasonCode.DEFECTIVE, Resolution.refund(), "portal")],
        ReturnMethod.RELAY_POINT, CUSTOMER,
    ).request
    if opened.status is ReturnStatus.REQUESTED:
        assert _agent(stack, shop.id, agent, opened.id, "approve", {"reason": "ok"}).status_code == 200
    line = opened.lines[0].id
    assert _agent(stack, shop.id, agent, opened.id, "receive",
                  {"lines": [{"line_id": line, "quantity": 1}]}).status_code == 200
    assert _agent(stack, shop.id, agent, opened.id, "inspect",
                  {"line_id": line, "disposition": "dispose"}).status_code == 200
    return load(stack, shop.id, opened.id)


def test_a_refused_refund_is_paid_once_with_what_is_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with running_stack(tmp_path / "demo", monkeypatch, 12) as stack:
        connected(stack)
        shop, merchant = woo_shop_and_merchant(stack)
        order, line_id = _candidates(stack, shop.id, 1, needs_fulfillment_ids=False)[0]
        agent = agent_key(stack, shop.id)
        request = _inspected_return(stack, shop, order.id, line_id, agent)
        assert request.amounts is not None
        worth = request.amounts.refund
        total = Money(str(merchant.get(f"orders/{order.id}")["total"]), order.currency)
        left = worth - Money("1.00", order.currency)
        assert left.amount > 0

        perform = ActionExecutor._perform
        raced: list[str] = []

        def merchant_refunds_meanwhile(self: ActionExecutor, adapter: Any, shop_: Shop, record: ActionRecord,
                                       request_: ReturnRequest | None) -> Any:
            """The merchant's refund by hand reaches the shop just before ours (once)."""
            if record.kind is ActionKind.REFUND and request_ is not None and request_.id == request.id and not raced:
                raced.append(record.id)
                merchant.post(f"orders/{order.id}/refunds", {
                    "amount": str((total - left).amount), "reason": BY_HAND, "api_refund": False})
            return perform(self, adapter, shop_, record, request_)

        monkeypatch.setattr(ActionExecutor, "_perform", merchant_refunds_meanwhile)
        assert _agent(stack, shop.id, agent, request.id, "resolve", {}).status_code == 200
        [refused] = _wait(stack, shop.id, request.id, lambda _r, acts: acts and acts[0].state is ActionState.FAILED,
                          "the refund should be refused")
        assert (refused.last_error or "").startswith("RefundExceedsRemaining")
        assert (refused.result or {}).get(FAILED_BEFORE_EFFECT) and _our_refunds(stack, order.id) == []
        monkeypatch.setattr(ActionExecutor, "_perform", perform)

        def override(amount: Money) -> requests.Response:
            return _agent(stack, shop.id, agent, request.id, "refund-override", {
                "override": {"amount": str(amount.amount), "currency": amount.currency},
                "reason": "refunded by hand at the shop meanwhile: paying what is left"})

        too_much = override(left + Money("0.01", order.currency))
        assert too_much.status_code == 422 and f"{left} left to refund" in too_much.json()["error"]["message"]
        paid = override(left)
        assert paid.status_code == 200, paid.text
        assert paid.json()["return"]["amounts"]["refund"]["amount"] == str(left.amount)

        def closed(found: ReturnRequest, acts: list[ActionRecord]) -> bool:
            return found.status is ReturnStatus.CLOSED and acts[-1].state is ActionState.SUCCEEDED

        refund_actions = _wait(stack, shop.id, request.id, closed, "the return should close")
        assert [(a.idempotency_key, a.state) for a in refund_actions] == [
            (f"ret:{request.id}:refund", ActionState.FAILED), (f"ret:{request.id}:refund:r2", ActionState.SUCCEEDED)]
        assert _our_refunds(stack, order.id) == [left.amount]
        assert merchant.get(f"orders/{order.id}")["status"] == "refunded"

        assert override(left).status_code == 409  # a second override pays nothing more
        monkeypatch.setattr(jobscmd, "container_from", lambda _args: stack.container)
        assert main(["actions", "retry", refused.id]) == 1  # nor does a retry of the refused action
        assert "paid with another amount" in capsys.readouterr().err
        time.sleep(1.5)  # what the worker would have done by now
        assert _our_refunds(stack, order.id) == [left.amount]
        assert load(stack, shop.id, request.id).status is ReturnStatus.CLOSED
