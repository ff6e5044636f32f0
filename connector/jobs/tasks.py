"""The RQ jobs. Each takes ids, reloads its state from the database, and is safe to run twice."""

from __future__ import annotations

import json
import logging
from decimal import Decimal

from connector.bootstrap import Container
from connector.jobs.runtime import worker_container
from connector.ports import IncomingEvent
from connector.services.executor import ActionExecutor
from connector.services.incoming import IncomingEventHandler
from connector.services.sync import sync_shop_orders
from connector.services.tracking import apply_tracking
from connector.services.tracking_poll import poll_tracking
from connector.store.inbox_repo import Delivery, InboxState

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


def _load_delivery(container: Container, inbox_id: int) -> Delivery | None:
    with container.uow() as uow:
        return uow.inbox.load(inbox_id)


def _mark_delivery(
    container: Container, inbox_id: int, state: InboxState, *, result: str = "", error: str = ""
) -> None:
    with container.uow() as uow:
        uow.inbox.mark(inbox_id, state, container.clock(), result=result, error=error)
        uow.commit()


def _translate(container: Container, shop_id: str, delivery: Delivery) -> IncomingEvent | None:
    """The delivery as the common event, by its platform's provider; None when the shop was removed after the
    delivery was stored (the intake tables have no foreign key)."""
    with container.uow() as uow:
        shop = uow.shops.find_by_id(shop_id)
    if shop is None:
        return None
    translate = container.provider_for(shop.platform).translate_webhook
    if translate is None:
        raise LookupError(f"platform {shop.platform} stores webhooks but cannot translate them")
    payload = json.loads(delivery.body, parse_float=Decimal)
    return translate(container, shop, delivery.topic, payload)


def handle_event(shop_id: str, inbox_id: str, outbox_id: int | None = None) -> str:
    container = worker_container()
    delivery = _load_delivery(container, int(inbox_id))
    if delivery is None or delivery.state is InboxState.DONE:
        _done(outbox_id)
        return "already-done"
    try:
        event = _translate(container, shop_id, delivery)
        result = "shop-removed" if event is None else IncomingEventHandler(container).apply(shop_id, event)
    except Exception as exc:
        _mark_delivery(container, delivery.id, InboxState.FAILED, error=f"{type(exc).__name__}: {exc}")
        raise
    _mark_delivery(container, delivery.id, InboxState.DONE, result=result)
    _done(outbox_id)
    return result


def sync_shop(shop_id: str, ref_id: str, outbox_id: int | None = None) -> int:
    count = sync_shop_orders(worker_container(), shop_id)
    _done(outbox_id)
    return count


def track_shipment(shop_id: str, shipment_id: str, outbox_id: int | None = None) -> str:
    """Apply a shipment's pending tracking events to it and to its return (its outbox row done with them)."""
    return apply_tracking(worker_container(), shop_id, shipment_id, outbox_id)


def poll_shipment(shop_id: str, shipment_id: str, outbox_id: int | None = None) -> int:
    """Ask the carrier for a quiet shipment's events; the new ones are applied by a ``track_shipment`` job."""
    stored = poll_tracking(worker_container(), shop_id, shipment_id)
    _done(outbox_id)
    return stored
