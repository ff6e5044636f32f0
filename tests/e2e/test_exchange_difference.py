"""Exchanges for another product at its real price, end to end on the WooCommerce sandbox.

The customer asks through the portal over HTTP (which reads the replacement's price from the shop), an agent
receives, inspects and resolves, and the demo's worker pays out. What is checked is the shop's own records:
the exchange order and its total, its payment link, the refund of the difference on the original order.
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
from connector.domain.resolutions import Condition, Disposition
from connector.domain.states import ReturnStatus
from connector.policy.schema import policy_from_dict
from connector.services.executor import ActionExecutor
from connector.services.policies import set_policy
from connector.services.returns import ReturnService
from connector.services.sync import sync_shop_orders
from connector.store.actions_repo import ActionRecord, ActionState
from demo.scenario import AGENT, connect_shops
from demo.stack import Stack, start_stack
from tests.reliability.harness import wait_until

pytestmark = pytest.mark.e2e

POLICY = {
    "name": "exchanges for any product, no bonus",
    "default_action": "approve",
    "windows": {"days": 3650},
    "outcomes": {"exchange_scope": "any_product"},
}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Stack, str]]:
    data_dir: Path = tmp_path_factory.mktemp("exchange") / "data"
    running = start_stack(data_dir, orders=40)
    try:
        _shopify_id, woo_id = connect_shops(running, lambda _line: None)
        with running.container.uow() as uow:
            set_policy(uow, woo_id, policy_from_dict(POLICY, source="test"))
            uow.commit()
        sync_shop_orders(running.container, woo_id)
        yield running, woo_id
    finally:
        running.stop()


def _woo(stack: Stack, path: str, method: str = "GET", body: Any = None) -> Any:
    """The shop's own records (the sandbox's inspection routes), never our database."""
    reply = requests.request(method, f"{stack.woo_url}/__sandbox/{path}", json=body, timeout=30)
    reply.raise_for_status()
    return reply.json()


def _replacements(stack: Stack, woo_id: str) -> list[tuple[str, str, Decimal]]:
    """(product id, variation id, price) of every variation in stock, as the shop's REST API lists them."""
    with stack.container.uow() as uow:
        adapter = stack.container.adapter_for(uow, uow.shops.get(woo_id))
    assert adapter is not None
    client = adapter.client  # type: ignore[attr-defined]
    found = []
    for product in client.paginate("products", {}):
        for variation in client.paginate(f"products/{product['id']}/variations", {}):
            if variation.get("stock_status") == "instock":
                found.append((str(product["id"]), str(variation["id"]), Decimal(str(variation["price"]))))
    return found


def _eur_order(stack: Stack, woo_id: str, skip: int) -> tuple[Order, str]:
    with stack.container.uow() as uow:
        orders = uow.orders(woo_id).recent(limit=500)
    found = [
        (o, line.id)
        for o in sorted(orders, key=lambda o: int(o.id))
        if o.currency == "EUR" and o.email
        for line in o.lines[:1]
        if line.returnable_quantity >= 1 and line.quantity_ordered == 1 and not line.final_sale  # returnable
    ]
    return found[skip]


def _ask(stack: Stack, woo_id: str, order: Order, line_id: str, target: tuple[str, str, Decimal]) -> dict[str, Any]:
    portal = f"{stack.app_url}/api/v1/portal/{woo_id}"
    token = requests.post(f"{portal}/lookup", json={"order_number": order.name, "email": order.email}, timeout=30)
    assert token.status_code == 200, token.text
    body = {
        "method": "relay_point",
        "lines": [{"order_line_id": line_id, "quantity": 1, "reason": "style",
                   "resolution": {"kind": "exchange", "exchange_variant_id": target[1],
                                  "exchange_product_id": target[0]}}],
    }
    answer = requests.post(f"{portal}/returns", json=body, timeout=60,
                           headers={"Authorization": f"Bearer {token.json()['token']}"})
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def _resolve(stack: Stack, woo_id: str, return_id: str) -> None:
    service = ReturnService(stack.container)
    with stack.container.uow() as uow:
        request = uow.returns(woo_id).get(return_id)
    assert request is not None and request.status is ReturnStatus.APPROVED
    service.mark_in_transit(woo_id, return_id, AGENT, tracking="6A00000000002")
    service.receive(woo_id, return_id, AGENT, {line.id: line.quantity for line in request.lines})
    for line in request.lines:
        service.inspect(woo_id, return_id, AGENT, line.id, Condition.NEW, Disposition.RESTOCK)
    service.resolve(woo_id, return_id, AGENT, reason="inspected, as new")


def _action(stack: Stack, woo_id: str, return_id: str, kind: ActionKind) -> ActionRecord | None:
    with stack.container.uow() as uow:
        return next((a for a in uow.actions(woo_id).for_return(return_id) if a.kind is kind), None)


def parked_exchange(stack: Stack, shop_id: str, return_id: str) -> ActionRecord | None:
    """The exchange once made at the shop and parked, pending, awaiting the customer's payment. Its result alone
    is not enough: the new order's own webhook wakes it, and a run may be under way that parks it again."""
    found = _action(stack, shop_id, return_id, ActionKind.EXCHANGE)
    return found if found is not None and found.result and found.state is ActionState.PENDING else None


def _status(stack: Stack, woo_id: str, return_id: str) -> ReturnStatus:
    with stack.container.uow() as uow:
        request = uow.returns(woo_id).get(return_id)
    assert request is not None
    return request.status


def _exchange_orders(stack: Stack, woo_id: str, original_id: str) -> list[dict[str, Any]]:
    """Orders the shop holds whose parent is the original order (its REST list, as an admin would filter)."""
    with stack.container.uow() as uow:
        adapter = stack.container.adapter_for(uow, uow.shops.get(woo_id))
    assert adapter is not None
    return list(adapter.client.paginate("orders", {"parent": int(original_id)}))  # type: ignore[attr-defined]


def test_customer_owes_the_difference_of_a_dearer_replacement(stack: tuple[Stack, str]) -> None:
    running, woo_id = stack
    order, line_id = _eur_order(running, woo_id, 0)
    paid = order.line(line_id).paid_for(1)
    dearer = next(r for r in _replacements(running, woo_id) if r[2] > paid.amount + 5)
    price = Money(dearer[2], "EUR")

    answer = _ask(running, woo_id, order, line_id, dearer)
    shown = answer["return"]
    assert answer["decision"] == "approve", shown["explanation"]
    assert shown["lines"][0]["resolution"]["exchange_price"] == {"amount": str(price.amount), "currency": "EUR"}
    assert shown["amounts"]["balance_due"] == {"amount": str((price - paid).amount), "currency": "EUR"}
    assert shown["amounts"]["refund"]["amount"] == "0.00"
    return_id = shown["id"]

    _resolve(running, woo_id, return_id)
    waiting = wait_until(
        "the exchange order awaiting payment",
        lambda: parked_exchange(running, woo_id, return_id),
    )
    assert waiting.state is ActionState.PENDING and "awaiting payment" in (waiting.last_error or "")
    made = _woo(running, f"orders/{waiting.result['platform_id']}")
    assert made["parent_id"] == int(order.id)
    assert made["status"] == "pending" and made["needs_payment"]
    assert Decimal(made["total"]) == (price - paid).amount  # the customer pays exactly the difference
    assert made["payment_url"] and waiting.result["extra"]["payment_url"] == made["payment_url"]
    assert _status(running, woo_id, return_id) is ReturnStatus.RESOLVED  # waits, visibly, for the payment
    refunds = _woo(running, f"refunds?order_id={order.id}")
    # nothing refunded for it: only the restock of the returned unit (a 0.00 refund, issue 16), no gateway call
    assert [r["amount"] for r in refunds["refunds"]] in ([], ["0.00"]) and not refunds["gateway_calls"]

    # The customer pays at the link (the shop marks the order processing); the next look closes the return.
    _woo(running, f"orders/{made['id']}/touch", "POST", {"status": "processing"})
    ActionExecutor(running.container).run(woo_id, waiting.id)
    wait_until("the return to close", lambda: _status(running, woo_id, return_id) is ReturnStatus.CLOSED)
    done = _action(running, woo_id, return_id, ActionKind.EXCHANGE)
    assert done is not None and done.state is ActionState.SUCCEEDED
    assert len(_exchange_orders(running, woo_id, order.id)) == 1  # looked for again, never created twice


def test_merchant_refunds_the_difference_of_a_cheaper_replacement(stack: tuple[Stack, str]) -> None:
    running, woo_id = stack
    order, line_id = _eur_order(running, woo_id, 1)
    paid = order.line(line_id).paid_for(1)
    cheaper = next(r for r in _replacements(running, woo_id) if Decimal(1) < r[2] < paid.amount - 1)
    price = Money(cheaper[2], "EUR")

    answer = _ask(running, woo_id, order, line_id, cheaper)
    shown = answer["return"]
    assert shown["lines"][0]["resolution"]["exchange_price"]["amount"] == str(price.amount)
    assert shown["amounts"]["refund"] == {"amount": str((paid - price).amount), "currency": "EUR"}
    assert "balance_due" not in shown["amounts"] or shown["amounts"]["balance_due"] is None
    return_id = shown["id"]

    _resolve(running, woo_id, return_id)
    wait_until("the return to close", lambda: _status(running, woo_id, return_id) is ReturnStatus.CLOSED)
    refunds = _woo(running, f"refunds?order_id={order.id}")["refunds"]
    paid_back = [Decimal(r["amount"]) for r in refunds if Decimal(r["amount"])]  # not the 0.00 restock (issue 16)
    assert paid_back == [(paid - price).amount]  # the difference, once
    made = _exchange_orders(running, woo_id, order.id)
    assert len(made) == 1
    assert made[0]["status"] == "processing" and Decimal(made[0]["total"]) == 0  # paid by the returned goods
    assert [(i["variation_id"], i["quantity"]) for i in made[0]["line_items"]] == [(int(cheaper[1]), 1)]
