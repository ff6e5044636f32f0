"""Once per received order, the portal's "Request a return" link, written as a note the shop e-mails to the
customer (``Capability.RETURN_LINK_BY_CUSTOMER_NOTE``: WooCommerce, until its plugin shows the link itself).

Why an action: the note reaches the customer's mailbox, so it must be written exactly once per order, whatever
the webhooks do (``order.updated`` repeats, arrives late, twice at once). The action's key names the shop and
the order and is stored before the shop is called; the executor then has the platform's adapter write it (the
adapter signs the link: ``connector.pages.return_link``), looking first for a note of ours already on the order
(``action_table``), so neither a retry nor a repeated webhook writes it twice.

When: the order becomes received, i.e. WooCommerce's ``completed`` (or a plugin's ``delivered``), or a line
gets a delivery date: returns are asked for goods in hand, and the return window of most policies counts from
then. Only a change we see happen counts (our snapshot from before says "not received"), never a poll.
"""

from __future__ import annotations

from typing import Final

from connector.domain.actions import ActionKind
from connector.domain.orders import Order
from connector.ports import IncomingEvent
from connector.providers import Capability
from connector.services.deps import Deps
from connector.store.outbox_repo import JobKind

RECEIVED_STATUSES: Final = frozenset({"completed", "delivered"})


def return_link_key(shop_id: str, order_id: str) -> str:
    return f"return-link-note:{shop_id}:{order_id}"


def is_received(order: Order | None, status: str | None) -> bool:
    if status in RECEIVED_STATUSES:
        return True
    return order is not None and (order.status in RECEIVED_STATUSES or order.delivered_at is not None)


def offer_return_link(deps: Deps, shop_id: str, event: IncomingEvent, before: Order | None) -> bool:
    """Record the note when ``event`` (an order's change) is the order becoming received at a shop that needs
    the link, once; True when recorded by this call. ``before`` is our snapshot from before the event: an order
    we never saw, or saw already received, gets no note (an old order edited today is not sent a link, nor is
    every past customer of a shop that just installed the app)."""
    status = (event.data or {}).get("status")
    if before is None or is_received(before, None) or not is_received(event.order, status):
        return False
    key = return_link_key(shop_id, event.resource_id)
    with deps.uow() as uow:
        shop = uow.shops.get(shop_id)
        if not deps.provider_for(shop.platform).has(Capability.RETURN_LINK_BY_CUSTOMER_NOTE):
            return False
        if uow.actions(shop_id).by_key(key) is not None:
            return False
    if not (event.order or before).email:
        return False  # nobody to send it to, nor to check the link against
    with deps.uow() as uow:
        actions = uow.actions(shop_id)
        if actions.by_key(key) is not None:
            return False
        record = actions.record(ActionKind.RETURN_LINK_NOTE, key, {"order_id": event.resource_id})
        uow.outbox.add(shop_id, JobKind.ACTION, record.id)
        uow.commit()
    return True
