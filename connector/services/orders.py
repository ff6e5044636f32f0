"""Orders as the connector knows them: the stored snapshot, refreshed from the shop when asked."""

from __future__ import annotations

from dataclasses import replace

from connector.domain.orders import Order, Shop
from connector.ports import ShopAdapter
from connector.store.errors import UnknownShop
from connector.store.uow import UnitOfWork


class OrderNotFound(UnknownShop):
    """The shop has no such order (or it is not this shop's)."""


def current_order(
    uow: UnitOfWork,
    shop: Shop,
    order_id: str,
    adapter: ShopAdapter | None,
    refresh: bool = False,
    *,
    fresh: bool = False,
) -> Order:
    """The stored snapshot; re-read from the shop when ``refresh``, when missing, or — with ``fresh``, for
    decisions that need today's returned quantities — when a webhook marked it stale."""
    repo = uow.orders(shop.id)
    order = None if refresh else repo.get(order_id, fresh=fresh)
    if order is None:
        if adapter is None:
            raise OrderNotFound(f"order {order_id} is not known for shop {shop.address}")
        order = adapter.fetch_order(order_id)
        if order.shop_id != shop.id:
            order = replace(order, shop_id=shop.id)
        repo.upsert(order)
    return order
