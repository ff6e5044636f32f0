"""What the connector asks a shop to do, and what the shop answered, in platform-neutral terms.

Every instruction that moves money or stock carries ``idempotency_key``: stored by us before the
platform call, reused on every retry, and used to look for an earlier effect after an unknown outcome.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from connector.domain.money import Money
from connector.domain.resolutions import Disposition


class ActionKind(enum.StrEnum):
    APPROVE = "approve"
    DECLINE = "decline"
    CREATE_RETURN = "create_return"
    REFUND = "refund"
    STORE_CREDIT = "store_credit"
    EXCHANGE = "exchange"
    RESTOCK = "restock"
    """Units inspected RESTOCK of lines paid as store credit or exchange back in stock (a refund's own lines
    restock with the refund)."""
    CLOSE = "close"
    CANCEL = "cancel"
    NOTIFY = "notify"
    NOTE = "note"
    RETURN_LINK_NOTE = "return_link_note"
    """The portal's "Request a return" link, written once on a received order as a note the shop e-mails to
    the customer (no return yet: the action belongs to the order)."""
    CREATE_LABEL = "create_label"
    """The return's label, asked of the shop's carrier once with the shipment's key (``ret:<id>:label``)."""
    ATTACH_SHIPPING = "attach_shipping"
    """The label and tracking shown in the shop's own admin (Shopify reverse delivery, WooCommerce note)."""
    BOOK_PICKUP = "book_pickup"
    """A home pickup of the labelled parcel, booked with the carrier."""
    CANCEL_LABEL = "cancel_label"
    """The label of a canceled return, cancelled at the carrier (when it can cancel)."""


@dataclass(frozen=True, slots=True)
class RefundLine:
    order_line_id: str
    quantity: int
    amount: Money
    tax: Money
    disposition: Disposition | None = None
    restock_location_id: str | None = None
    platform_return_line_id: str | None = None
    restocking_fee: Money | None = None
    """The restocking fee already taken out of ``amount`` (``amount`` + fee = what was paid for the units): a
    shop shows it as a deduction, and splits the refunded tax in the line's own proportion."""


@dataclass(frozen=True, slots=True)
class RefundInstruction:
    """Refund to the original payment (and/or to store credit where the platform supports it)."""

    idempotency_key: str
    order_id: str
    amount: Money
    lines: tuple[RefundLine, ...]
    shipping: Money
    reason: str
    return_id: str
    platform_return_id: str | None = None
    store_credit_amount: Money | None = None
    notify_customer: bool = True
    return_shipping_fee: Money | None = None
    """The return's shipping fee, deducted from this refund (at most): a shop shows it as a deduction so the
    refund's lines and deductions add up to ``amount``."""


@dataclass(frozen=True, slots=True)
class StoreCreditInstruction:
    idempotency_key: str
    customer_email: str
    customer_id: str | None
    amount: Money
    return_id: str
    order_id: str
    expires_at: datetime | None = None
    note: str = ""
    bonus: bool = False
    """The policy's credit bonus, issued on its own: it is no refund of what was paid, so it cannot go
    through the return's refund (Shopify refuses store credit above the order's refundable amount)."""
    not_before: datetime | None = None
    """When the credit was planned: an earlier credit at the shop cannot be this one's effect."""


@dataclass(frozen=True, slots=True)
class ExchangeItem:
    variant_id: str
    quantity: int
    price: Money
    product_id: str | None = None


@dataclass(frozen=True, slots=True)
class ExchangeInstruction:
    """Send replacement items; ``credit_value`` is what the returned goods are worth towards them."""

    idempotency_key: str
    order_id: str
    return_id: str
    items: tuple[ExchangeItem, ...]
    credit_value: Money
    customer_email: str
    platform_return_id: str | None = None


@dataclass(frozen=True, slots=True)
class PlatformEffect:
    """A confirmed effect at the shop: the platform's id for it, the amount, and whether it was manual."""

    kind: ActionKind
    platform_id: str
    amount: Money | None = None
    manual: bool = False
    detail: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)
