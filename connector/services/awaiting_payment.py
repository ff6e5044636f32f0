"""An order that changed at the shop may be the payment an exchange is waiting for: look at it now.

An exchange whose difference the customer owes waits, pending, until the shop marks it paid (the WooCommerce
exchange order, the Shopify order's outstanding balance), and the executor looks again every few minutes
because webhooks can be lost. When the shop tells us the order changed, there is no reason to wait for that
poll: the waiting action is made due at once and queued. The executor then only *finds* (the action has an
attempt behind it): nothing is created or paid twice, and an order that is still unpaid simply waits again.
"""

from __future__ import annotations

import logging

from connector.domain.actions import ActionKind
from connector.services.deps import Deps
from connector.store.actions_repo import ActionRecord, ActionState
from connector.store.outbox_repo import JobKind

log = logging.getLogger("connector.awaiting-payment")
WAKEABLE = (ActionState.PENDING, ActionState.RUNNING)
"""A running action is woken too: the run under way may have read the order just before it was paid."""
LOOKED_AT = 500
"""Exchanges read per event and state: far more than a shop has waiting for a payment at once. Only exchanges
are read: every order webhook asks, and the shop's other pending actions are none of its business."""


def waiting_on(record: ActionRecord, order_id: str) -> bool:
    """An exchange, already made at the shop, still awaiting payment on this order.

    WooCommerce's exchange order is the action's result; Shopify's balance is on the original order, the
    instruction's ``order_id``.
    """
    if record.kind is not ActionKind.EXCHANGE or record.state not in WAKEABLE or not record.result:
        return False
    return order_id in (str(record.result.get("platform_id") or ""), str(record.payload.get("order_id") or ""))


def wake_exchanges_awaiting(deps: Deps, shop_id: str, order_id: str) -> list[str]:
    """Make every exchange waiting for this order's payment due now and queue it; returns their ids.

    One that is running is marked instead, and its run queues it again when it ends (``ActionExecutor``).
    """
    woken: list[str] = []
    now = deps.clock()
    with deps.uow() as uow:
        repo = uow.actions(shop_id)
        for state in WAKEABLE:
            for record in repo.list(state, limit=LOOKED_AT, kind=ActionKind.EXCHANGE):
                if waiting_on(record, order_id) and repo.wake(record.id, now):
                    if state is ActionState.PENDING:
                        uow.outbox.add(shop_id, JobKind.ACTION, record.id)
                    woken.append(record.id)
        uow.commit()
    if woken:
        log.info("awaiting-payment.woken", extra={"shop": shop_id, "order": order_id, "actions": woken})
    return woken
