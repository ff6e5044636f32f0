"""Issue 15 §2, WooCommerce: settling an exchange's difference, checked in the shop's records.

* A cheaper replacement's difference as store credit when the customer chose it (``difference_as_credit``):
  nothing back to the card, a store-credit coupon for the customer's email, the exchange order paid by the
  returned goods.
* The customer's payment of an exchange order moves the return on at once. The exchange order for a dearer
  replacement is created ``pending`` with its payment link, and the return waits. When the customer pays,
  WooCommerce sends ``order.updated`` for that order: the waiting exchange is looked at then (find, never
  create), not only at the executor's next 5-minute poll. Nothing here runs the executor by hand: the return
  closes within seconds only if the webhook moved it on.
"""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

import pytest
import requests

from connector.domain.actions import ActionKind
from connector.domain.money import Money
from connector.domain.orders import Order
from connector.domain.states import ReturnStatus
from connector.services.executor import PAYMENT_POLL
from connector.store.actions_repo import ActionState
from demo.stack import Stack
from tests.e2e.test_exchange_difference import (
    _action,
    _ask,
    _eur_order,
    _exchange_orders,
    _replacements,
    _resolve,
    _status,
    _woo,
    parked_exchange,
    stack,
    wait_until,
)

pytestmark = pytest.mark.e2e
__all__ = ["stack"]  # the module's stack fixture, shared with the WooCommerce exchange tests


def test_paying_the_exchange_order_closes_the_return_without_waiting_for_the_poll(stack: tuple[Stack, str]) -> None:
    running, woo_id = stack
    order, line_id = _eur_order(running, woo_id, 0)
    paid = order.line(line_id).paid_for(1)
    dearer = next(r for r in _replacements(running, woo_id) if r[2] > paid.amount + 5)
    return_id = _ask(running, woo_id, order, line_id, dearer)["return"]["id"]

    _resolve(running, woo_id, return_id)
    waiting = wait_until(
        "the exchange order awaiting payment",
        lambda: parked_exchange(running, woo_id, return_id),
    )
    assert waiting.state is ActionState.PENDING and waiting.next_attempt_at is not None
    made = _woo(running, f"orders/{waiting.result['platform_id']}")
    assert made["status"] == "pending" and Decimal(made["total"]) == (Money(dearer[2], "EUR") - paid).amount

    # The customer pays at the link: the shop marks the order processing and sends order.updated. Not in the
    # second the order was created: WooCommerce dates a change to the second, and a webhook showing the very
    # state we wrote is taken for our own write's echo (platforms/woocommerce/echo.py), which pays nothing.
    time.sleep(1.1)
    _woo(running, f"orders/{made['id']}/touch", "POST", {"status": "processing"})
    assert PAYMENT_POLL.total_seconds() >= 60  # closing within 30 s below can only be the webhook's doing
    wait_until("the return to close", lambda: _status(running, woo_id, return_id) is ReturnStatus.CLOSED, 30.0)
    done = _action(running, woo_id, return_id, ActionKind.EXCHANGE)
    assert done is not None and done.state is ActionState.SUCCEEDED
    assert len(_exchange_orders(running, woo_id, order.id)) == 1  # found again, never created twice


def _ask_credit(stack: Stack, woo_id: str, order: Order, line_id: str, target: tuple[str, str, Decimal]) -> Any:
    portal = f"{stack.app_url}/api/v1/portal/{woo_id}"
    token = requests.post(f"{portal}/lookup", json={"order_number": order.name, "email": order.email}, timeout=30)
    assert token.status_code == 200, token.text
    resolution = {"kind": "exchange", "exchange_variant_id": target[1], "exchange_product_id": target[0],
                  "difference_as_credit": True}
    body = {"method": "relay_point",
            "lines": [{"order_line_id": line_id, "quantity": 1, "reason": "style", "resolution": resolution}]}
    answer = requests.post(f"{portal}/returns", json=body, timeout=60,
                           headers={"Authorization": f"Bearer {token.json()['token']}"})
    assert answer.status_code == 201, answer.text
    return answer.json()["return"]


def test_the_difference_of_a_cheaper_replacement_as_store_credit(stack: tuple[Stack, str]) -> None:
    running, woo_id = stack
    offered = _replacements(running, woo_id)
    order, line_id, paid, cheaper = next(
        (o, line, o.line(line).paid_for(1), r)
        for o, line in (_eur_order(running, woo_id, skip) for skip in range(2, 12))
        for r in offered
        if Decimal(1) < r[2] < o.line(line).paid_for(1).amount - 1
    )
    difference = paid - Money(cheaper[2], "EUR")

    shown = _ask_credit(running, woo_id, order, line_id, cheaper)
    assert shown["amounts"]["store_credit"] == {"amount": str(difference.amount), "currency": "EUR"}
    assert shown["amounts"]["refund"]["amount"] == "0.00"
    return_id = shown["id"]

    _resolve(running, woo_id, return_id)
    wait_until("the return to close", lambda: _status(running, woo_id, return_id) is ReturnStatus.CLOSED)
    refunds = _woo(running, f"refunds?order_id={order.id}")
    # nothing back to the card: only the restock of the returned unit (a 0.00 refund, issue 16)
    assert [r["amount"] for r in refunds["refunds"]] in ([], ["0.00"]) and not refunds["gateway_calls"]
    with running.container.uow() as uow:
        adapter = running.container.adapter_for(uow, uow.shops.get(woo_id))
    assert adapter is not None
    listed = adapter.client.paginate("coupons", {})  # type: ignore[attr-defined]  # the shop's REST list
    coupons = [c for c in listed if order.email in (c.get("email_restrictions") or [])]
    assert [Decimal(c["amount"]) for c in coupons] == [difference.amount]
    made = _exchange_orders(running, woo_id, order.id)
    assert len(made) == 1 and Decimal(made[0]["total"]) == 0
