"""Issue 15 §2, WooCommerce: the customer's payment of an exchange order moves the return on at once.

The exchange order for a dearer replacement is created ``pending`` with its payment link, and the return waits.
When the customer pays, WooCommerce sends ``order.updated`` for that order: the waiting exchange is looked at
then (find, never create), not only at the executor's next 5-minute poll. Nothing here runs the executor by
hand: the return closes within seconds only if the webhook moved it on. Checked in the shop's records.
"""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from connector.demo.stack import Stack
from connector.domain.actions import ActionKind
from connector.domain.money import Money
from connector.domain.states import ReturnStatus
from connector.services.executor import PAYMENT_POLL
from connector.store.actions_repo import ActionState
from tests.e2e.test_exchange_difference import (
    _action,
    _ask,
    _eur_order,
    _exchange_orders,
    _replacements,
    _resolve,
    _status,
    _woo,
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
        lambda: (a := _action(running, woo_id, return_id, ActionKind.EXCHANGE)) and a.result and a,
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
