"""One return as the agents' admin shows it (issue 20): the return with its order's item names, each line's
photos, the policy's evaluation, the platform actions that pay it out, and its parcel with the carrier's
tracking events, read in one short transaction.

Why a read of its own beside ``store_counter.counter_return``: the counter needs what staff check at a desk;
agents decide and pay, so they also see the policy's reasons, the money actions and where the parcel is. The
page (``connector.pages.admin``) is a thin view over this and over ``ReturnService``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from connector.domain.orders import Order, Shop
from connector.domain.returns import ReturnRequest
from connector.domain.shipments import Shipment
from connector.domain.shipping import TrackingStatus
from connector.services.deps import Deps
from connector.services.store_counter import CounterLine, CounterReturn, printable
from connector.store.actions_repo import ActionRecord
from connector.store.photos_repo import StoredPhoto


@dataclass(frozen=True, slots=True)
class AdminLine(CounterLine):
    """A line as the counter reads it (its item, the units still expected), with its photos themselves."""

    stored_photos: tuple[StoredPhoto, ...] = ()
    index: int = 0
    """1-based place in the return: form fields are named by it (``qty-2``), whatever the line's id looks like."""


@dataclass(frozen=True, slots=True)
class TrackingLine:
    status: TrackingStatus
    carrier_status: str
    at: datetime
    message: str


@dataclass(frozen=True, slots=True)
class AdminReturn:
    shop: Shop
    request: ReturnRequest
    order: Order | None
    lines: tuple[AdminLine, ...]
    evaluation: Mapping[str, Any] | None
    actions: tuple[ActionRecord, ...]
    shipment: Shipment | None
    tracking: tuple[TrackingLine, ...]
    other_photos: tuple[StoredPhoto, ...] = ()
    """Photos of the whole return rather than of one line."""

    @property
    def receivable(self) -> bool:
        return self.request.can("receive") and not self.request.keep_item and any(x.remaining for x in self.lines)

    @property
    def inspectable(self) -> bool:
        return self.request.can("inspect")

    @property
    def resolvable(self) -> bool:
        """Whether the resolve step is open: inspected, or a keep-the-item return approved."""
        return self.request.can("resolve") and (self.request.keep_item or self.request.status.value == "inspected")

    def as_counter(self) -> CounterReturn:
        """The same return as the store counter reads it: the receive and inspect forms are read the same way."""
        photos = sum(x.photos for x in self.lines)
        return CounterReturn(self.shop, self.request, self.order, self.lines, self.shipment, photos)

    def photo(self, photo_id: int) -> StoredPhoto | None:
        every = [p for line in self.lines for p in line.stored_photos] + list(self.other_photos)
        return next((p for p in every if p.id == photo_id), None)


def admin_return(deps: Deps, shop_id: str, return_id: str) -> AdminReturn | None:
    """``return_id`` of ``shop_id`` as agents see it; None when the shop has no such return."""
    if not printable(shop_id) or not printable(return_id) or len(return_id) > 200:
        return None
    with deps.uow() as uow:
        shop = uow.shops.find_by_id(shop_id)
        repo = uow.returns(shop_id)
        request = repo.get(return_id) if shop is not None else None
        if shop is None or request is None:
            return None
        order = uow.orders(shop_id).get(request.order_id)
        photos = uow.photos(shop_id).for_return(return_id)
        evaluation = repo.evaluation(return_id)
        actions = tuple(uow.actions(shop_id).for_return(return_id))
        shipments = uow.shipments(shop_id)
        shipment = shipments.for_return(return_id)
        tracking = tuple(TrackingLine(*event) for event in shipments.events(shipment.id)) if shipment else ()
    ordered = {line.id: line for line in order.lines} if order is not None else {}
    lines = []
    for index, line in enumerate(request.lines, start=1):
        own = tuple(p for p in photos if p.line_id == line.id)
        lines.append(AdminLine(line, ordered.get(line.order_line_id), len(own), own, index))
    known = {line.id for line in request.lines}
    others = tuple(p for p in photos if p.line_id not in known)
    return AdminReturn(shop, request, order, tuple(lines), evaluation, actions, shipment, tracking, others)
