"""Orders as the connector knows them: the stored snapshot, refreshed from the shop when asked.

Why the read and the shop's answer are apart: asking the shop is a call over HTTP, and no transaction is
held open while it runs (a slow shop would hold a database connection and its locks for seconds). A use
case reads the snapshot, asks the shop when it has none, then decides in a transaction of its own, which
stores the order it was given (``OrderAtHand.keep``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from connector.domain.orders import Order, Shop
from connector.ports import ShopAdapter
from connector.services.deps import Deps
from connector.store.errors import UnknownShop
from connector.store.uow import UnitOfWork


class OrderNotFound(UnknownShop):
    """The shop has no such order (or it is not this shop's)."""


@dataclass(frozen=True, slots=True)
class OrderAtHand:
    """A shop, its adapter and an order read for a decision: the stored snapshot, or the shop's answer."""

    shop: Shop
    adapter: ShopAdapter | None
    order: Order
    fetched: bool
    """Asked of the shop just now: the deciding transaction stores it."""

    def keep(self, uow: UnitOfWork) -> None:
        """Store the order the shop just gave, in the transaction that decides on it."""
        if self.fetched:
            uow.orders(self.shop.id).upsert(self.order)


def fetched_order(shop: Shop, order_id: str, adapter: ShopAdapter | None) -> Order:
    """The order as the shop has it now. A call over HTTP: never made with a transaction open."""
    if adapter is None:
        raise OrderNotFound(f"order {order_id} is not known for shop {shop.address}")
    order = adapter.fetch_order(order_id)
    return order if order.shop_id == shop.id else replace(order, shop_id=shop.id)


def order_at_hand(deps: Deps, shop_id: str, order_id: str, *, fresh: bool = False) -> OrderAtHand:
    """The shop, its adapter and the order's snapshot, read in one short transaction; then, when there is no
    snapshot (or, with ``fresh``, for decisions that need today's returned quantities, when a webhook marked it
    stale), the shop's current order, asked once that transaction is closed."""
    with deps.uow() as uow:
        shop = uow.shops.get(shop_id)
        adapter = deps.adapter_for(uow, shop)
        snapshot = uow.orders(shop_id).get(order_id, fresh=fresh)
    if snapshot is not None:
        return OrderAtHand(shop, adapter, snapshot, fetched=False)
    return OrderAtHand(shop, adapter, fetched_order(shop, order_id, adapter), fetched=True)


def current_order(deps: Deps, shop: Shop, order_id: str, adapter: ShopAdapter | None) -> Order:
    """The stored snapshot, else the shop's order, stored in a transaction of its own once the shop answered
    (for a reader that decides nothing on it, such as the executor building a return at the shop)."""
    with deps.uow() as uow:
        snapshot = uow.orders(shop.id).get(order_id)
    if snapshot is not None:
        return snapshot
    order = fetched_order(shop, order_id, adapter)
    with deps.uow() as uow:
        uow.orders(shop.id).upsert(order)
        uow.commit()
    return order
