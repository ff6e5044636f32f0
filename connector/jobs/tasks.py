"""The RQ jobs. Each takes ids, reloads its state from the database, and is safe to run twice."""

from __future__ import annotations

import json
import logging
from decimal import Decimal

from connector.jobs.runtime import worker_container
from connector.services.executor import ActionExecutor
from connector.services.incoming import IncomingEventHandler
from connector.services.sync import sync_shop_orders
from platforms.registry import translate_webhook
from webhooks.inbox import InboxState, load_delivery, mark_delivery

log = logging.getLogger("connector.tasks")


def _done(outbox_id: int | None) -> None:
    if outbox_id is None:
        return
    container = worker_container()
    with container.uow() as uow:
        uow.outbox.mark_done(outbox_id)
        uow.commit()


def run_action(shop_id: str, action_id: str, outbox_id: int | None = None) -> str | None:
    state = ActionExecutor(worker_container()).run(shop_id, action_id)
    _done(outbox_id)
    return None if state is None else state.value


def handle_event(shop_id: str, inbox_id: str, outbox_id: int | None = None) -> str:
    container = worker_container()
    delivery = load_delivery(container, int(inbox_id))
    if delivery is None or delivery.state is InboxState.DONE:
        _done(outbox_id)
        return "already-done"
    try:
        with container.uow() as uow:
            shop = uow.shops.find_by_id(shop_id)
        if shop is None:  # removed after the delivery was stored (the intake tables have no foreign key)
            mark_delivery(container, delivery.id, InboxState.DONE, result="shop-removed")
            _done(outbox_id)
            return "shop-removed"
        payload = json.loads(delivery.body, parse_float=Decimal)
        event = translate_webhook(container, shop, delivery.topic, payload)
        result = IncomingEventHandler(container).apply(shop_id, event)
    except Exception as exc:
        mark_delivery(container, delivery.id, InboxState.FAILED, error=f"{type(exc).__name__}: {exc}")
        raise
    mark_delivery(container, delivery.id, InboxState.DONE, result=result)
    _done(outbox_id)
    return result


def sync_shop(shop_id: str, ref_id: str, outbox_id: int | None = None) -> int:
    count = sync_shop_orders(worker_container(), shop_id)
    _done(outbox_id)
    return count
