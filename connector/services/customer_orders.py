"""A signed-in customer's orders at one shop, for the storefront portal: Shopify's app proxy tells us who is
logged in to the shop (``logged_in_customer_id``, verified by its signature), so the customer skips the
order-number-and-e-mail lookup and picks an order from a list.

Why ownership is checked here: the list is the customer's door to each order's return pages (each entry links
with a signed order access), so an order is listed only when the platform names this customer on it. The
snapshot's customer is the platform's word as last read; a snapshot a webhook marked stale (the order changed
at the shop, perhaps its customer) is read again from the shop once the transaction is closed, stored, and
listed only when it still names the customer. An order the shop cannot be asked about is left out, never
listed on an old word.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Final

from connector.domain.orders import Order, Shop
from connector.errors import ConnectorError
from connector.ports import ShopAdapter
from connector.services.deps import Deps
from connector.services.orders import fetched_order

log = logging.getLogger("connector.portal")

MAX_LISTED: Final = 20
"""The most recent orders shown: returns are asked for recent purchases, and a long list helps nobody."""


@dataclass(frozen=True, slots=True)
class CustomerOrders:
    shop: Shop
    orders: tuple[Order, ...]
    """Newest first; every one names the customer."""


def customer_orders(deps: Deps, shop_id: str, customer_id: str, limit: int = MAX_LISTED) -> CustomerOrders:
    """The orders of ``customer_id`` (as the platform spells it in ``Order.customer.id``) at the shop.
    ``UnknownShop`` for a shop we do not serve."""
    with deps.uow() as uow:
        shop = uow.shops.get(shop_id)
        held = uow.orders(shop_id).for_customer(customer_id, limit)
        adapter = deps.adapter_for(uow, shop) if any(stale for _, stale in held) else None
    listed: list[Order] = []
    for order, stale in held:
        current = _read_again(deps, shop, order.id, adapter) if stale else order
        if current is not None and owned_by(current, customer_id):
            listed.append(current)
    listed.sort(key=lambda order: (order.created_at, order.id), reverse=True)
    return CustomerOrders(shop, tuple(listed))


def owned_by(order: Order, customer_id: str) -> bool:
    return bool(customer_id) and order.customer is not None and order.customer.id == customer_id


def _read_again(deps: Deps, shop: Shop, order_id: str, adapter: ShopAdapter | None) -> Order | None:
    try:
        order = fetched_order(shop, order_id, adapter)
    except ConnectorError as exc:
        log.info("portal.customer-order-unread", extra={"shop": shop.id, "order_id": order_id, "error": str(exc)})
        return None
    with deps.uow() as uow:
        uow.orders(shop.id).upsert(order)
        uow.commit()
    return order
