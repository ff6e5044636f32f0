"""Exchanges for another product at its real price, end to end on the Shopify sandbox (issue 15 §2).

The customer asks through the portal over HTTP, which reads the replacement's price with ``VariantPrice``
(``ProductVariant.contextualPricing`` for the order's country, validated against Shopify's published schema),
and the return is created with ``exchangeLineItems``. An agent receives, inspects and resolves; the worker
pays out with ``returnProcess``. What is checked is the shop's own records (``/__sandbox/state``):

* dearer replacement: the exchange's fulfillment order is ON_HOLD (AWAITING_PAYMENT) and the order's
  ``totalOutstandingSet`` holds the difference, the way Shopify collects an exchange's balance
  (shopify.dev/docs/apps/build/orders-fulfillment/returns-apps/manage-exchanges); our exchange waits, visibly,
  and once the customer pays the return closes, the hold released, nothing processed twice;
* cheaper replacement: the difference is refunded to the original payment inside the same ``returnProcess``
  that releases the exchange, and nothing is outstanding;
* cheaper replacement, the customer chose credit: the difference is store credit, through the same
  ``returnProcess`` (``refundMethods.storeCreditRefund``), nothing back to the card.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import requests

from connector.domain.actions import ActionKind
from connector.domain.money import Money
from connector.domain.orders import Order
from connector.domain.returns import ReturnRequest
from connector.domain.states import ReturnStatus
from connector.services.executor import ActionExecutor
from connector.store.actions_repo import ActionRecord, ActionState
from demo.scenario import _candidates, _ready_for_agent, act_as_agent
from demo.stack import Stack
from tests.e2e.demo_stack import connected, load, running_stack, shopify_state
from tests.e2e.test_exchange_difference import POLICY, parked_exchange, wait_until

pytestmark = pytest.mark.e2e

@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Stack, str]]:
    monkeypatch = pytest.MonkeyPatch()
    data_dir: Path = tmp_path_factory.mktemp("shopify-exchange") / "data"
    try:
        with running_stack(data_dir, monkeypatch, 30) as running:
            shopify_id, _woo_id = connected(running, POLICY)
            yield running, shopify_id
    finally:
        monkeypatch.undo()


def _priced_variants(stack: Stack, shop_id: str, order: Order) -> list[tuple[str, Money]]:
    """Variants sold in the shop's orders and in stock, with the price Shopify charges this order's market."""
    with stack.container.uow() as uow:
        adapter = stack.container.adapter_for(uow, uow.shops.get(shop_id))
        orders = uow.orders(shop_id).recent(limit=500)
    assert adapter is not None
    variants = sorted({line.variant_id for o in orders for line in o.lines if line.variant_id})
    found = []
    for variant in variants:
        stock = adapter.available_stock(variant)
        price = adapter.variant_price(variant, order)
        if price is not None and (stock is None or stock > 2):
            found.append((variant, price))
    return found


def _ask(
    stack: Stack, shop_id: str, order: Order, line_id: str, variant: str, *, as_credit: bool = False
) -> dict[str, Any]:
    portal = f"{stack.app_url}/api/v1/portal/{shop_id}"
    token = requests.post(f"{portal}/lookup", json={"order_number": order.name, "email": order.email}, timeout=30)
    assert token.status_code == 200, token.text
    body = {
        "method": "relay_point",
        "lines": [{"order_line_id": line_id, "quantity": 1, "reason": "style",
                   "resolution": {"kind": "exchange", "exchange_variant_id": variant,
                                  "difference_as_credit": as_credit}}],
    }
    answer = requests.post(f"{portal}/returns", json=body, timeout=60,
                           headers={"Authorization": f"Bearer {token.json()['token']}"})
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def _action(stack: Stack, shop_id: str, return_id: str, kind: ActionKind) -> ActionRecord | None:
    with stack.container.uow() as uow:
        return next((a for a in uow.actions(shop_id).for_return(return_id) if a.kind is kind), None)


def _resolve(stack: Stack, shop_id: str, return_id: str) -> None:
    wait_until("the return at the shop", lambda: _ready_for_agent(stack, load(stack, shop_id, return_id)))
    act_as_agent(stack, load(stack, shop_id, return_id))


def _exchange_orders(state: dict[str, Any], platform_return_id: str) -> list[dict[str, Any]]:
    return [f for f in state["fulfillment_orders"] if f["return_id"] == platform_return_id]


def _single_line_order(stack: Stack, shop_id: str, skip: int) -> tuple[Order, str]:
    found = [(o, line) for o, line in _candidates(stack, shop_id, 20, needs_fulfillment_ids=True)
             if o.line(line).quantity_ordered == 1 and o.country and o.email]
    return found[skip]


def _closed(stack: Stack, shop_id: str, return_id: str) -> tuple[ReturnRequest, dict[str, Any]]:
    """Resolve the return as an agent, wait for it to close; the return and the shop's records then."""
    _resolve(stack, shop_id, return_id)
    wait_until("the return to close", lambda: load(stack, shop_id, return_id).status is ReturnStatus.CLOSED)
    request = load(stack, shop_id, return_id)
    assert request.platform_return_id
    return request, shopify_state(stack)


def _cheaper_replacement(stack: Stack, shop_id: str, skip: int) -> tuple[Order, str, Money, str, Money]:
    """An order line and a replacement sold for less than was paid for it (the merchant owes the rest)."""
    order, line_id = _single_line_order(stack, shop_id, skip)
    paid = order.line(line_id).paid_for(1)
    variant, price = next(
        v for v in _priced_variants(stack, shop_id, order) if Decimal(1) < v[1].amount < paid.amount - 1
    )
    return order, line_id, paid, variant, price


def test_customer_owes_the_balance_of_a_dearer_replacement(stack: tuple[Stack, str]) -> None:
    running, shop_id = stack
    order, line_id = _single_line_order(running, shop_id, 0)
    paid = order.line(line_id).paid_for(1)
    variant, price = next(v for v in _priced_variants(running, shop_id, order) if v[1].amount > paid.amount + 5)

    shown = _ask(running, shop_id, order, line_id, variant)["return"]
    quoted = shown["lines"][0]["resolution"]["exchange_price"]
    assert quoted == {"amount": str(price.amount), "currency": price.currency}
    due = price - paid
    assert shown["amounts"]["balance_due"] == {"amount": str(due.amount), "currency": due.currency}
    return_id = shown["id"]

    _resolve(running, shop_id, return_id)
    waiting = wait_until(
        "the exchange awaiting the customer's payment",
        lambda: parked_exchange(running, shop_id, return_id),
    )
    assert waiting.state is ActionState.PENDING and "awaiting payment" in (waiting.last_error or "")
    request = load(running, shop_id, return_id)
    assert request.status is ReturnStatus.RESOLVED  # waits, visibly, for the payment
    assert request.platform_return_id
    state = shopify_state(running)
    held = _exchange_orders(state, request.platform_return_id)
    assert [(f["status"], f["hold"]) for f in held] == [("ON_HOLD", "AWAITING_PAYMENT")]
    order_gid = held[0]["order_id"]
    assert [o for o in state["outstanding"] if o["order_id"] == order_gid] == [
        {"order_id": order_gid, "amount": str(due.amount), "currency": due.currency}
    ]
    refunded = [r for r in state["refunds"] if r["return_id"] == request.platform_return_id]
    assert all(Decimal(r["amount"]) == 0 and Decimal(r["store_credit"]) == 0 for r in refunded)  # nothing paid back

    # The customer pays the balance (Shopify's checkout for the invoice); the next look closes the return.
    number = order_gid.rsplit("/", 1)[-1]
    paid_now = requests.post(f"{running.shopify_url}/__sandbox/orders/{number}/pay", timeout=30)
    assert paid_now.status_code == 200, paid_now.text
    ActionExecutor(running.container).run(shop_id, waiting.id)
    wait_until("the return to close", lambda: load(running, shop_id, return_id).status is ReturnStatus.CLOSED)
    done = _action(running, shop_id, return_id, ActionKind.EXCHANGE)
    assert done is not None and done.state is ActionState.SUCCEEDED
    after = shopify_state(running)
    assert [(f["status"], f["hold"]) for f in _exchange_orders(after, request.platform_return_id)] == [("OPEN", None)]
    assert not [o for o in after["outstanding"] if o["order_id"] == order_gid]
    assert [p["amount"] for p in after["payments"] if p["order_id"] == order_gid] == [str(due.amount)]


def test_merchant_refunds_the_difference_of_a_cheaper_replacement(stack: tuple[Stack, str]) -> None:
    running, shop_id = stack
    order, line_id, paid, variant, price = _cheaper_replacement(running, shop_id, 1)

    shown = _ask(running, shop_id, order, line_id, variant)["return"]
    difference = paid - price
    assert shown["amounts"]["refund"] == {"amount": str(difference.amount), "currency": difference.currency}
    assert shown["amounts"].get("balance_due") is None
    request, state = _closed(running, shop_id, shown["id"])
    refunds = [r for r in state["refunds"] if r["return_id"] == request.platform_return_id]
    assert [Decimal(r["amount"]) for r in refunds] == [difference.amount]  # the difference, once, to the card
    assert all(t["parent_id"] for t in refunds[0]["transactions"])  # against the original payment
    made = _exchange_orders(state, request.platform_return_id)
    assert [(f["status"], f["hold"]) for f in made] == [("OPEN", None)]  # paid for by the returned goods
    assert not [o for o in state["outstanding"] if o["order_id"] == made[0]["order_id"]]
    exchange = _action(running, shop_id, request.id, ActionKind.EXCHANGE)
    assert exchange is not None and exchange.state is ActionState.SUCCEEDED


def test_merchant_credits_the_difference_when_the_customer_chose_credit(stack: tuple[Stack, str]) -> None:
    running, shop_id = stack
    order, line_id, paid, variant, price = _cheaper_replacement(running, shop_id, 2)

    answer = _ask(running, shop_id, order, line_id, variant, as_credit=True)
    shown = answer["return"]
    difference = paid - price
    assert shown["lines"][0]["resolution"]["difference_as_credit"] is True
    assert shown["amounts"]["store_credit"] == {"amount": str(difference.amount), "currency": difference.currency}
    assert shown["amounts"]["refund"]["amount"] == str(Money.zero(difference.currency).amount)
    assert "store credit" in str(shown["explanation"])
    request, state = _closed(running, shop_id, shown["id"])
    refunds = [r for r in state["refunds"] if r["return_id"] == request.platform_return_id]
    assert len(refunds) == 1
    assert Decimal(refunds[0]["amount"]) == 0  # nothing back to the card
    assert Decimal(refunds[0]["store_credit"]) == difference.amount
    refund_number = refunds[0]["id"].rsplit("/", 1)[-1]
    credited = [c for c in state["credits"] if c["origin"] == f"Refund/{refund_number}"]
    assert [Decimal(c["amount"]) for c in credited] == [difference.amount]
    made = _exchange_orders(state, request.platform_return_id)
    assert [(f["status"], f["hold"]) for f in made] == [("OPEN", None)]
