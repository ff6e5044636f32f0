"""Polling: fetch the orders a shop changed since our last sync. For WooCommerce this is the only
source of truth for missed webhooks; for Shopify it backs up late or lost deliveries.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from connector.services.deps import Deps
from connector.services.shop_refunds import attach_refunds_of_order

log = logging.getLogger("connector.sync")
_REFUNDED = frozenset({"refunded", "partially_refunded"})
OVERLAP = timedelta(minutes=2)  # clocks differ; re-reading a little is cheap, missing a change is not


def sync_shop_orders(deps: Deps, shop_id: str, limit: int = 10_000) -> int:
    started = deps.clock()
    with deps.uow() as uow:
        shop = uow.shops.get(shop_id)
        since = uow.shops.last_synced_at(shop_id)
        adapter = deps.adapter_for(uow, shop)
    if adapter is None or not shop.active:
        return 0
    cursor = None if since is None else since - OVERLAP
    count = 0
    newest = None
    for order in adapter.orders_changed_since(cursor):
        with deps.uow() as uow:
            uow.orders(shop_id).upsert(order)
            uow.commit()
        if order.financial_status in _REFUNDED:  # a refund made by hand may settle an open return
            attach_refunds_of_order(deps, shop_id, order.id, adapter)
        count += 1
        if order.updated_at is not None and (newest is None or order.updated_at > newest):
            newest = order.updated_at
        if count >= limit:
            break
    # Stopped early: resume from the newest change read, not from now, so nothing is skipped.
    mark = newest if count >= limit and newest is not None else started
    with deps.uow() as uow:
        uow.shops.mark_synced(shop_id, mark)
        uow.commit()
    log.info("sync.done", extra={"shop": shop_id, "orders": count})
    return count
