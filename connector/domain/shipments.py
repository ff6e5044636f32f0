"""A return's parcel as the connector follows it: the label made for it, the customer's choices (relay point,
pickup window), and its tracking state, which only moves forward.

Why an aggregate of its own: carriers deliver tracking webhooks more than once and out of order, and a poll may
repeat what a webhook said. ``Shipment.apply`` is the one place that decides whether an event changes anything,
so a late or older event never moves a parcel (and with it the return) back. The return's own lifecycle
(``connector.domain.returns``) is moved by the service that applies the events, from what ``apply`` answers.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

from connector.domain.errors import DomainError
from connector.domain.shipping import PickupWindow, ServicePoint, TrackingEvent, TrackingStatus
from connector.domain.timeutil import require_utc

__all__ = ["Applied", "Shipment", "ShippingAttachment", "TrackingEffect", "status_rank"]

_RANK: dict[TrackingStatus, int] = {
    TrackingStatus.LABEL_PENDING: 0,
    TrackingStatus.LABEL_FAILED: 0,
    TrackingStatus.AWAITING_DROPOFF: 1,
    TrackingStatus.IN_TRANSIT: 2,
    TrackingStatus.DELIVERED: 3,
    TrackingStatus.CANCEL_REQUESTED: 1,
    TrackingStatus.CANCELLED: 1,
}
"""How far along a parcel is. ``EXCEPTION`` has no rank: it alerts and keeps the state."""


def status_rank(status: TrackingStatus) -> int | None:
    """The parcel's progress for ``status``; None for ``EXCEPTION``, which never moves it."""
    return _RANK.get(status)


class TrackingEffect(enum.StrEnum):
    """What one event did to the shipment, for the service that moves the return."""

    IGNORED = "ignored"  # older than or equal to what we know: a duplicate or a late delivery
    FIRST_SCAN = "first_scan"  # the carrier has the parcel: the return is in transit
    DELIVERED = "delivered"  # at the warehouse: the return is received, awaiting inspection
    ALERT = "alert"  # failed delivery, lost, returned to sender: agents are told, the state is kept
    ADVANCED = "advanced"  # moved forward without a step the return cares about (awaiting drop-off...)


@dataclass(frozen=True, slots=True)
class Applied:
    effect: TrackingEffect
    status: TrackingStatus


@dataclass(slots=True)
class Shipment:
    """One return's parcel. ``idempotency_key`` is stored before the carrier is asked for a label, and reused
    by every retry; ``carrier_ref`` is stored as soon as the carrier answers (its id for the return/parcel)."""

    id: str
    shop_id: str
    return_id: str
    carrier: str
    method: str  # connector.domain.resolutions.ReturnMethod value
    idempotency_key: str
    status: TrackingStatus = TrackingStatus.LABEL_PENDING
    carrier_ref: str | None = None
    tracking_number: str = ""
    tracking_url: str = ""
    service_point: ServicePoint | None = None
    pickup_window: PickupWindow | None = None
    pickup_ref: str = ""
    last_event_at: datetime | None = None
    alert: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 0
    paper_sizes: tuple[str, ...] = field(default_factory=tuple)
    """The label documents stored for it (``PaperSize`` values), served from a signed link."""

    def __post_init__(self) -> None:
        require_utc(self.last_event_at)
        require_utc(self.created_at)
        require_utc(self.updated_at)

    @property
    def has_label(self) -> bool:
        return self.carrier_ref is not None

    def apply(self, event: TrackingEvent) -> Applied:
        """Take one tracking event into account, whatever order it arrives in.

        An event no newer than the last one applied, or not further along, changes nothing, so duplicates,
        replays and late deliveries are harmless. An exception is recorded as an alert and keeps the state.
        """
        if self.carrier_ref is not None and event.carrier_ref not in (self.carrier_ref, self.tracking_number):
            raise DomainError(f"event for parcel {event.carrier_ref} applied to shipment {self.id}")
        if event.status is TrackingStatus.EXCEPTION:
            if self.last_event_at is not None and event.occurred_at <= self.last_event_at:
                return Applied(TrackingEffect.IGNORED, self.status)
            self.alert = event.message or event.carrier_status
            self.last_event_at = event.occurred_at
            return Applied(TrackingEffect.ALERT, self.status)
        new_rank, old_rank = status_rank(event.status), status_rank(self.status)
        if new_rank is None or old_rank is None or new_rank <= old_rank:
            return Applied(TrackingEffect.IGNORED, self.status)
        self.status = event.status
        self.last_event_at = max(event.occurred_at, self.last_event_at or event.occurred_at)
        self.alert = ""
        if event.status is TrackingStatus.DELIVERED:
            return Applied(TrackingEffect.DELIVERED, self.status)
        if event.status is TrackingStatus.IN_TRANSIT:
            return Applied(TrackingEffect.FIRST_SCAN, self.status)
        return Applied(TrackingEffect.ADVANCED, self.status)


@dataclass(frozen=True, slots=True)
class ShippingAttachment:
    """What the shop is told about a return's parcel, so the merchant sees it in the shop's own admin: on
    Shopify a reverse delivery on the return, on WooCommerce an order note and order meta."""

    return_id: str
    order_id: str
    platform_return_id: str | None
    carrier: str
    tracking_number: str
    tracking_url: str
    label_url: str  # a signed link to the label PDF, served by the connector
    method: str
