"""The ports the core depends on. Platform adapters implement ``ShopAdapter`` over the common model;
carriers (``carriers/``) implement ``CarrierAdapter`` and notifiers (``notifications/``) ``Notifier``."""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from connector.domain.actions import (
    ExchangeInstruction,
    PlatformEffect,
    RefundInstruction,
    StoreCreditInstruction,
)
from connector.domain.exchange_options import CatalogueQuery, ExchangeOption
from connector.domain.messages import Delivery, EmailMessage, OutgoingWebhook
from connector.domain.money import Money
from connector.domain.orders import Order
from connector.domain.returns import ReturnRequest
from connector.domain.shipments import ShippingAttachment
from connector.domain.shipping import (
    CancelResult,
    CarrierCapability,
    LabelRequest,
    PaperSize,
    PickupBooking,
    PickupWindow,
    PostalAddress,
    ReturnLabel,
    ServicePoint,
    ServicePointQuery,
    TrackingEvent,
)
from connector.domain.shop_refunds import ShopRefund


class EventKind(enum.StrEnum):
    """What an incoming event says happened at the shop. The values are the words stored with each delivery's
    outcome and in the logs; ``services.incoming`` holds one handler per kind."""

    ORDER_CHANGED = "order_changed"
    ORDER_DELETED = "order_deleted"
    RETURN_REQUESTED = "return_requested"
    RETURN_APPROVED = "return_approved"
    RETURN_DECLINED = "return_declined"
    RETURN_CANCELED = "return_canceled"
    RETURN_CLOSED = "return_closed"
    RETURN_REOPENED = "return_reopened"
    REFUND_CREATED = "refund_created"
    APP_UNINSTALLED = "app_uninstalled"
    CUSTOMER_DATA_REQUEST = "customer_data_request"
    CUSTOMER_REDACT = "customer_redact"
    SHOP_REDACT = "shop_redact"
    IGNORED = "ignored"
    """A topic we do not act on: acknowledged, so the platform does not retry it."""


@dataclass(frozen=True, slots=True)
class IncomingEvent:
    """A webhook or polled change, translated by an adapter; the core never sees the raw payload."""

    kind: EventKind
    shop_address: str
    resource_id: str
    occurred_at: datetime | None
    order: Order | None = None
    data: Mapping[str, Any] | None = None
    shop_named_in_body: str | None = None
    """The shop address the signed body itself names, when it names exactly one. Destructive kinds
    (app_uninstalled, customer_redact, shop_redact) are applied only when it is the shop's own address:
    the header that routed the delivery is not signed."""


class ShopAdapter(Protocol):
    """One shop's platform, seen through the common model. Methods raise ``connector.errors`` types."""

    platform: str

    def fetch_order(self, order_id: str) -> Order: ...

    def find_order(self, order_number: str, email: str) -> Order | None: ...

    def orders_changed_since(self, since: datetime | None) -> Iterator[Order]: ...

    def create_return(self, request: ReturnRequest, order: Order) -> str | None: ...

    def approve_return(self, request: ReturnRequest) -> None: ...

    def decline_return(self, request: ReturnRequest, reason: str) -> None: ...

    def refund(self, instruction: RefundInstruction) -> PlatformEffect: ...

    def find_refund(self, order_id: str, idempotency_key: str) -> PlatformEffect | None: ...

    def issue_store_credit(self, instruction: StoreCreditInstruction) -> PlatformEffect: ...

    def find_store_credit(self, instruction: StoreCreditInstruction) -> PlatformEffect | None: ...

    def create_exchange(self, instruction: ExchangeInstruction) -> PlatformEffect: ...

    def find_exchange(self, instruction: ExchangeInstruction) -> PlatformEffect | None: ...

    def restock(self, instruction: RefundInstruction) -> PlatformEffect:
        """Put the instruction's RESTOCK units back in stock, paying nothing (``amount`` is zero)."""
        ...

    def find_restock(self, instruction: RefundInstruction) -> PlatformEffect | None: ...

    def available_stock(self, variant_id: str) -> int | None: ...

    def variant_price(self, variant_id: str, order: Order, product_id: str | None = None) -> Money | None:
        """A replacement's unit price as the shop sells it to this order's buyer, in the order's currency
        (None: the shop quotes no price in that currency)."""
        ...

    def exchange_options(self, order: Order, query: CatalogueQuery) -> list[ExchangeOption]:
        """What the order's buyer could get instead, in the shop's order: ``query``'s product's variants, or the
        products whose title contains its search with theirs. Priced as ``variant_price`` prices (an option with
        no price in the order's currency is left out); an unknown product gives an empty list."""
        ...

    def close_return(self, request: ReturnRequest) -> None: ...

    def cancel_return(self, request: ReturnRequest) -> None: ...

    def add_order_note(self, order_id: str, note: str) -> None: ...

    def subscribe_webhooks(self, callback_url: str) -> list[str]: ...


@runtime_checkable
class WritesReturnLinkNotes(Protocol):
    """The adapter of a platform with ``Capability.RETURN_LINK_BY_CUSTOMER_NOTE``: it writes the portal's
    "Request a return" link on an order as a note the shop e-mails to the customer (answering the note's id),
    and finds one already there. No platform takes an idempotency key for a note, so the note's own text is
    what a retry looks for: a second note is a second e-mail."""

    def add_return_link_note(self, order: Order) -> str: ...

    def find_return_link_note(self, order_id: str) -> str | None: ...


@runtime_checkable
class ListsShopRefunds(Protocol):
    """The adapter of a platform with ``Capability.LISTS_ORDER_REFUNDS``: it reads an order's refunds on request
    (ours and those made by hand at the shop)."""

    def shop_refunds(self, order_id: str) -> list[ShopRefund]: ...


@runtime_checkable
class AttachesReturnShipping(Protocol):
    """The adapter of a platform that can show a return's parcel in the shop's own admin: on Shopify a reverse
    delivery (tracking and label) on the return, on WooCommerce a private order note and order meta. No platform
    takes an idempotency key for these, so the tracking number is what a retry looks for first: the merchant
    must not see the parcel twice."""

    def attach_return_shipping(self, attachment: ShippingAttachment) -> str:
        """Attach the tracking and label link; answers the shop-side id (reverse delivery id, note id)."""
        ...

    def find_return_shipping(self, attachment: ShippingAttachment) -> str | None:
        """The shop-side id of an attachment already made for this return's tracking number, or None."""
        ...


class CarrierAdapter(Protocol):
    """One carrier account (Sendcloud, a self-issued label, a relay network), seen through the common values.

    Implemented in ``carriers/``. The core reads ``capabilities`` to offer only the return methods this carrier
    can serve. Methods raise ``connector.errors`` types; a label asked for twice with the same idempotency key
    gives the same label, never a second one.
    """

    key: str
    capabilities: frozenset[CarrierCapability]

    def create_return_label(self, request: LabelRequest, paper_sizes: tuple[PaperSize, ...]) -> ReturnLabel:
        """Make (or find, by ``request.idempotency_key``) the return's label, as PDF in each size asked."""
        ...

    def find_service_points(self, query: ServicePointQuery) -> list[ServicePoint]:
        """Relay points near a postcode, an address or coordinates, nearest first."""
        ...

    def pickup_windows(self, address: PostalAddress, after: datetime) -> list[PickupWindow]:
        """The collection windows the carrier offers at ``address`` after ``after`` (UTC), earliest first, for the
        customer to pick one; empty when the carrier collects nothing (no ``HOME_PICKUP``)."""
        ...

    def book_pickup(self, carrier_ref: str, address: PostalAddress, window: PickupWindow | None) -> PickupBooking:
        """Ask the carrier to collect the labelled parcel at the customer's address."""
        ...

    def verify_tracking_webhook(self, raw_body: bytes, headers: Mapping[str, str]) -> bool:
        """Whether a tracking webhook is the carrier's own (its signature over the raw body)."""
        ...

    def parse_tracking_webhook(self, raw_body: bytes) -> list[TrackingEvent]:
        """The events in a verified delivery; an event the connector does not follow gives none."""
        ...

    def poll_tracking(self, carrier_ref: str) -> list[TrackingEvent]:
        """The parcel's events so far, for carriers whose webhooks miss return parcels."""
        ...

    def cancel_label(self, carrier_ref: str) -> CancelResult: ...


@runtime_checkable
class CompletesLabels(Protocol):
    """A carrier that announces labels after answering (Sendcloud's asynchronous returns): it reads the label of a
    return it already made, by the reference ``create_return_label`` handed back without documents, so the label
    job completes it later without asking for it again."""

    def complete_label(self, carrier_ref: str, paper_sizes: tuple[PaperSize, ...]) -> ReturnLabel: ...


class Notifier(Protocol):
    """Delivers rendered messages: e-mail to customers and agents, webhooks to the merchant's systems.

    Implemented in ``notifications/``. Sending the same idempotency key again must not deliver twice.
    """

    def send_email(self, message: EmailMessage) -> Delivery: ...

    def post_webhook(self, webhook: OutgoingWebhook) -> Delivery: ...
