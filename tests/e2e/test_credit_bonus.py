"""Issue 15 §1: a credit bonus on Shopify is paid apart from the return's refund, checked in the shop's records.

Shopify refuses store credit above an order's refundable amount in ``returnProcess``, and a bonus is by nature
more than what was paid. So the return's refund carries the refundable part of the credit
(``refundMethods.storeCreditRefund``) and the bonus goes out as its own ``storeCreditAccountCredit``, with its
own idempotency key (``ret:<id>:credit-bonus``, stored before the call) and its own find-before-retry.

* The demo scenario runs for every ``--orders`` value from 5 to 60 (``returns-connector demo --exit-when-done``
  failed on some of them). It runs in this process (``demo_stack``). Measured on a 2-core machine: the
  command in a subprocess took 5 s at 20 orders, 12 s at 40 and 17 to 19 s at 60, about 11 minutes for the
  56 values, most of it the first sync of the Shopify sandbox waiting on its query-cost bucket (in-process on
  the same bucket saves only the interpreter start, 1 to 2 s a run); in-process on a Plus plan's bucket a run
  takes 3.3 to 4.9 s, and the 56 values about 3 minutes 20. ``test_demo.py`` still runs the real command in a
  subprocess, on the default bucket.
* A bonus larger than the item's price.
"""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from connector.domain.money import Money
from connector.domain.orders import Platform
from connector.domain.reasons import ReasonCode
from connector.domain.resolutions import Resolution, ResolutionKind, ReturnMethod
from connector.domain.returns import ReturnRequest
from connector.services.returns import LineInput, ReturnService
from connector.store.returns_repo import ReturnFilter
from demo.scenario import CUSTOMER, _candidates, _ready_for_agent, act_as_agent, run_scenario
from demo.stack import Stack
from tests.e2e.demo_stack import agent_key, agent_view, connected, load, running_stack, shopify_state, wait_until_closed

pytestmark = pytest.mark.e2e


def _shopify_credit_returns(stack: Stack) -> tuple[str, list[ReturnRequest]]:
    with stack.container.uow() as uow:
        shop = uow.shops.find(Platform.SHOPIFY, stack.shopify_domain)
        assert shop is not None
        found = uow.returns(shop.id).list(ReturnFilter(limit=100))
    credit = [r for r in found if any(line.resolution.kind is ResolutionKind.STORE_CREDIT for line in r.lines)]
    return shop.id, credit


def assert_bonus_paid_apart(state: dict[str, Any], request: ReturnRequest) -> None:
    """The shop's records: the return's refund holds the refundable credit, the bonus is a credit of its own."""
    amounts = request.amounts
    assert amounts is not None and amounts.store_credit_bonus, f"{request.id} has no credit bonus"
    bonus = amounts.store_credit_bonus
    refundable = amounts.store_credit - bonus
    refunds = [r for r in state["refunds"] if r["return_id"] == request.platform_return_id]
    assert len(refunds) == 1, refunds
    assert Decimal(refunds[0]["store_credit"]) == refundable.amount
    by_hand = [
        c for c in state["credits"]
        if c["origin"] == "storeCreditAccountCredit" and c["currency"] == request.currency
        and Decimal(c["amount"]) == bonus.amount
    ]  # fmt: skip
    assert len(by_hand) == 1, state["credits"]
    assert by_hand[0]["event"] == "ADJUSTMENT"
    from_refund = [c for c in state["credits"] if c["origin"] == f"Refund/{refunds[0]['id'].rsplit('/', 1)[-1]}"]
    assert [Decimal(c["amount"]) for c in from_refund] == ([refundable.amount] if refundable else [])


@pytest.mark.parametrize("orders", range(5, 61))
def test_demo_scenario_for_every_order_count(orders: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with running_stack(tmp_path / "demo", monkeypatch, orders) as stack:
        summary = run_scenario(stack, timeout=60, echo=lambda _line: None)
        assert summary.ok, "\n".join(summary.lines)
        _shop_id, credited = _shopify_credit_returns(stack)
        assert len(credited) == 1
        assert_bonus_paid_apart(shopify_state(stack), credited[0])


BIG_BONUS = {
    "name": "A credit bonus worth more than any item",
    "default_action": "approve",
    "windows": {"days": 365},
    "bonus": {
        "kind": "flat",
        "flat": {"EUR": "500.00", "USD": "500.00", "GBP": "500.00", "JPY": "80000"},
        "outcomes": ["store_credit"],
    },
}


def test_a_bonus_larger_than_the_items_price(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with running_stack(tmp_path / "demo", monkeypatch, 20) as stack:
        shopify_id, _woo_id = connected(stack, BIG_BONUS)
        ((order, line_id),) = _candidates(stack, shopify_id, 1, needs_fulfillment_ids=True)
        paid = order.line(line_id).paid_for(1)
        opened = ReturnService(stack.container).open_return(
            shopify_id, order.id, [LineInput(line_id, 1, ReasonCode.STYLE, Resolution.store_credit())],
            ReturnMethod.RELAY_POINT, CUSTOMER,
        )
        return_id = opened.request.id
        bonus = Money(BIG_BONUS["bonus"]["flat"][order.currency], order.currency)  # type: ignore[index]
        assert bonus > paid
        _wait(lambda: _ready_for_agent(stack, load(stack, shopify_id, return_id)))
        act_as_agent(stack, load(stack, shopify_id, return_id))
        closed = wait_until_closed(stack, shopify_id, return_id)

        assert closed.amounts is not None
        assert closed.amounts.store_credit_bonus == bonus
        assert closed.amounts.store_credit == paid + bonus
        assert_bonus_paid_apart(shopify_state(stack), closed)

        view = agent_view(stack, shopify_id, return_id, agent_key(stack, shopify_id))
        assert view["amounts"]["store_credit_bonus"] == {"amount": str(bonus.amount), "currency": order.currency}
        assert view["amounts"]["store_credit"]["amount"] == str((paid + bonus).amount)
        paid_out = {e["action"]: e["data"]["amount"] for e in view["events"] if "amount" in e["data"]}
        assert paid_out["store_credit_bonus"] == str(bonus.amount)
        keys = {a["kind"]: a["idempotency_key"] for a in view["actions"] if a["payload"].get("bonus")}
        assert keys == {"store_credit": f"ret:{return_id}:credit-bonus"}


def _wait(ready: Any, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            pytest.fail("timed out")
        time.sleep(0.2)
