"""What the carrier actions read and write, each in a short transaction of its own: never one held open while the
carrier or the shop is asked.

Why writes reload and retry: the tracking worker saves the same shipment when an event arrives, and the
shipment's version check refuses a save over a change made meanwhile, so each write applies its one change to the
shipment as it is now, a few times if need be.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from connector.domain.orders import Order, Shop
from connector.domain.shipments import Shipment
from connector.errors import ConfigError, OutcomeUnknown, PermanentError
from connector.ports import CarrierAdapter, ShopAdapter
from connector.services.deps import Deps
from connector.services.orders import OrderAtHand, current_order, fetched_order
from connector.shipping_texts import LabelTexts
from connector.store.errors import ConcurrentUpdate

SAVE_TRIES: Final = 5


def load_shipment(deps: Deps, shop: Shop, shipment_id: str) -> tuple[Shipment, CarrierAdapter | None]:
    """The shipment as stored, and the shop's carrier adapter (None when the shop has no carrier any more)."""
    with deps.uow() as uow:
        shipment = uow.shipments(shop.id).get(shipment_id)
        carrier = deps.carrier_for(uow, shop)
    if shipment is None:
        raise PermanentError(f"no shipment {shipment_id} in shop {shop.id}")
    return shipment, carrier


def store_shipment(deps: Deps, shop_id: str, shipment_id: str, change: Callable[[Shipment], None]) -> Shipment:
    """Apply ``change`` to the shipment as stored now and save it; ``OutcomeUnknown`` if it kept changing under us
    (the executor looks again, finding what the carrier did, and asks nothing twice)."""
    for _ in range(SAVE_TRIES):
        try:
            with deps.uow() as uow:
                repo = uow.shipments(shop_id)
                shipment = repo.get(shipment_id)
                if shipment is None:
                    raise PermanentError(f"no shipment {shipment_id} in shop {shop_id}")
                change(shipment)
                repo.save(shipment, deps.clock())
                uow.commit()
            return shipment
        except ConcurrentUpdate:
            continue
    raise OutcomeUnknown(f"shipment {shipment_id} kept changing: its update is left for the next attempt")


def required_texts(deps: Deps) -> LabelTexts:
    texts = deps.label_texts
    if texts is None:
        raise ConfigError("this process has no label texts (Container.label_texts): it cannot make labels")
    return texts


def order_for_parcel(deps: Deps, shop: Shop, order_id: str, adapter: ShopAdapter | None) -> Order:
    """The order a parcel comes from: its snapshot, asked of the shop again (and kept) when the snapshot was
    stored before orders carried their shipping address."""
    order = current_order(deps, shop, order_id, adapter)
    if order.shipping_address is not None or adapter is None:
        return order
    fresh = OrderAtHand(shop, adapter, fetched_order(shop, order_id, adapter), fetched=True)
    with deps.uow() as uow:
        fresh.keep(uow)
        uow.commit()
    return fresh.order
