"""The values a carrier deals in: a return's label, the relay points near a customer, a pickup and tracking.

Why here: ``connector.ports.CarrierAdapter`` speaks these, so a carrier package (``carriers/``) and the
core meet on plain values, as shops and the core meet on ``connector.domain.orders``. No carrier's own
shapes (Sendcloud's parcel statuses, Colissimo's formats) appear here: an adapter translates them.
Money is ``Money``; every time is timezone-aware UTC (checked on construction).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from connector.domain.errors import DomainError
from connector.domain.money import Money
from connector.domain.timeutil import require_utc


class CarrierCapability(enum.StrEnum):
    """What a carrier adapter declares it can do; the portal offers only the methods its carriers can serve."""

    LABEL_PDF = "label_pdf"
    QR_LABELLESS = "qr_labelless"  # no printer: the customer shows a QR code at the counter
    SERVICE_POINTS = "service_points"
    HOME_PICKUP = "home_pickup"
    IN_STORE = "in_store"
    TRACKING_WEBHOOKS = "tracking_webhooks"
    CANCEL = "cancel"


class PaperSize(enum.StrEnum):
    """A6 fits label printers (10x15 cm); A4 is for home printers."""

    A6 = "A6"
    A4 = "A4"


@dataclass(frozen=True, slots=True)
class PostalAddress:
    """Where a parcel is collected from or goes to."""

    name: str
    street: str
    postal_code: str
    city: str
    country: str  # ISO 3166-1 alpha-2
    house_number: str = ""
    company: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True, slots=True)
class Parcel:
    """What is sent back, as a carrier prices and labels it."""

    weight_grams: int
    declared_value: Money | None = None
    length_cm: int | None = None
    width_cm: int | None = None
    height_cm: int | None = None


@dataclass(frozen=True, slots=True)
class PackingLine:
    """One line of the return as the customer packs it: what goes in the parcel, and how many."""

    title: str
    quantity: int

    def __post_init__(self) -> None:
        if self.quantity < 1:
            raise DomainError(f"a packing line needs at least one unit, not {self.quantity}")


@dataclass(frozen=True, slots=True)
class LabelWording:
    """The words a label the connector draws itself prints, already in the customer's language.

    Why the caller translates: the connector's words live in one catalogue (the pages' Babel one), so a carrier
    that draws a label prints what it is given and keeps no translations of its own. ``language`` is the
    BCP 47 tag of these words (``"fr"``), written into the PDF for screen readers.
    """

    language: str
    return_to: str  # heading over the merchant's return address
    sender: str  # heading over the customer's address
    return_number: str  # caption of the return's number
    contents: str  # heading over the lines to put in the parcel
    instructions: tuple[str, ...] = ()  # what to do with the parcel, one step a line


@dataclass(frozen=True, slots=True)
class LabelRequest:
    """One return's label, asked for once: ``idempotency_key`` lets a retry find the label already made.

    ``service_point_id`` is the relay point the customer chose, for drop-off methods, and
    ``service_point_carrier`` its network (``ServicePoint.carrier``): a point takes only its own network's
    parcels, so a carrier aggregating several picks the label's option by it (None: unknown). ``lines``,
    ``verification_url`` and ``wording`` are for a label the connector draws itself: the URL is signed by the
    core, so a carrier prints it without holding the secret; carriers that print their own labels ignore them.
    """

    return_id: str
    idempotency_key: str
    sender: PostalAddress
    recipient: PostalAddress
    parcel: Parcel
    method: str  # connector.domain.returns.ReturnMethod value
    option_code: str = ""  # the carrier's own shipping option, from the shop's configuration
    service_point_id: str | None = None
    lines: tuple[PackingLine, ...] = ()
    verification_url: str = ""
    wording: LabelWording | None = None
    service_point_carrier: str | None = None


@dataclass(frozen=True, slots=True)
class LabelDocument:
    """A printable label: PDF bytes in one paper size."""

    paper_size: PaperSize
    pdf: bytes = field(repr=False)


@dataclass(frozen=True, slots=True)
class ReturnLabel:
    """A label the carrier made: how to print it (or show it as a QR) and how to follow the parcel.

    ``carrier_ref`` is the carrier's id for the parcel or return, used to poll, track and cancel.
    """

    carrier: str
    carrier_ref: str
    tracking_number: str
    tracking_url: str
    documents: tuple[LabelDocument, ...] = ()
    qr_png: bytes | None = field(default=None, repr=False)
    price: Money | None = None
    created_at: datetime | None = None

    def __post_init__(self) -> None:
        require_utc(self.created_at)


@dataclass(frozen=True, slots=True)
class ServicePointQuery:
    """Where to look for relay points: a postcode or an address, or coordinates, in one country."""

    country: str
    postal_code: str | None = None
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    carriers: tuple[str, ...] = ()
    radius_m: int = 5000
    limit: int = 20


@dataclass(frozen=True, slots=True)
class ServicePoint:
    """A relay point, locker or post office where a customer can drop the parcel.

    ``opening_hours`` maps an ISO weekday (1 = Monday) to ``"HH:MM-HH:MM"`` ranges in the point's local time.
    """

    id: str
    carrier: str
    name: str
    address: PostalAddress
    latitude: float
    longitude: float
    distance_m: int | None = None
    opening_hours: Mapping[int, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PickupWindow:
    """When the driver may come, in UTC."""

    starts_at: datetime
    ends_at: datetime

    def __post_init__(self) -> None:
        require_utc(self.starts_at)
        require_utc(self.ends_at)


@dataclass(frozen=True, slots=True)
class PickupBooking:
    """A collection the carrier accepted for a return's parcel."""

    carrier_ref: str
    window: PickupWindow | None
    confirmation: str = ""


class TrackingStatus(enum.StrEnum):
    """A parcel's state in the connector's words; adapters map the carrier's status codes onto these.

    States only move forward, except ``EXCEPTION``, which alerts and keeps the state.
    """

    LABEL_PENDING = "label_pending"
    AWAITING_DROPOFF = "awaiting_dropoff"
    LABEL_FAILED = "label_failed"
    IN_TRANSIT = "in_transit"
    EXCEPTION = "exception"
    DELIVERED = "delivered"  # at the warehouse: the return is received
    CANCEL_REQUESTED = "cancel_requested"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class TrackingEvent:
    """One scan or status change. ``(carrier_ref, carrier_status, occurred_at)`` identifies it for dedup,
    since carriers deliver their webhooks more than once and out of order."""

    carrier_ref: str
    tracking_number: str
    status: TrackingStatus
    carrier_status: str  # the carrier's own code, kept for support and dedup
    occurred_at: datetime
    message: str = ""

    def __post_init__(self) -> None:
        require_utc(self.occurred_at)


class CancelResult(enum.StrEnum):
    """A label cancellation: some carriers cancel later, and a scanned parcel cannot be cancelled."""

    REQUESTED = "requested"
    CANCELLED = "cancelled"
    NOT_CANCELLABLE = "not_cancellable"
