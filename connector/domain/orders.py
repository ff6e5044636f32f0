"""Shops, customers and orders as the connector sees them, whatever platform they came from."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from connector.domain.errors import InvalidReturn
from connector.domain.money import Money
from connector.domain.shipping import PostalAddress
from connector.domain.timeutil import require_utc


class Platform(enum.StrEnum):
    """The built-in platforms' keys. A shop's platform is any registered provider's key (``connector.providers``):
    these two, or one a plugin (a test's fake) adds."""

    SHOPIFY = "shopify"
    WOOCOMMERCE = "woocommerce"

    @classmethod
    def key(cls, value: str) -> str:
        """A stored platform key: the built-in member when it is one (so ``is Platform.SHOPIFY`` holds), else the
        key as it is."""
        return cls(value) if value in cls._value2member_map_ else value


@dataclass(frozen=True, slots=True)
class Shop:
    """A merchant's shop. ``address`` is the myshopify domain or the WooCommerce site URL."""

    id: str
    platform: str
    """The key of the platform's provider; a ``Platform`` member for the built-in ones."""
    address: str
    currency: str = "EUR"
    locale: str = "en"
    name: str = ""
    active: bool = True


@dataclass(frozen=True, slots=True)
class Customer:
    id: str | None
    email: str
    first_name: str = ""
    last_name: str = ""
    locale: str | None = None

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p) or self.email


@dataclass(frozen=True, slots=True)
class OrderLine:
    """One line of an order. Amounts cover the whole line (all units), in the order currency.

    ``unit_price`` is before discounts; ``discount`` is the line's share of every discount;
    ``tax`` is the line's tax, already inside the price when ``taxes_included``.
    """

    id: str
    title: str
    quantity_ordered: int
    quantity_fulfilled: int
    unit_price: Money
    discount: Money
    tax: Money
    quantity_returned: int = 0
    taxes_included: bool = False
    sku: str | None = None
    product_id: str | None = None
    variant_id: str | None = None
    variant_title: str | None = None
    product_type: str | None = None
    fulfillment_line_ids: tuple[str, ...] = ()
    platform_ids: Mapping[str, str] = field(default_factory=dict)
    fulfilled_at: datetime | None = None
    delivered_at: datetime | None = None
    tags: frozenset[str] = frozenset()
    collections: frozenset[str] = frozenset()
    final_sale: bool = False

    def __post_init__(self) -> None:
        if self.quantity_ordered < 0 or self.quantity_fulfilled < 0 or self.quantity_returned < 0:
            raise InvalidReturn(f"line {self.id}: quantities cannot be negative")
        if self.quantity_fulfilled > self.quantity_ordered:
            raise InvalidReturn(f"line {self.id}: fulfilled more than ordered")
        currencies = {self.unit_price.currency, self.discount.currency, self.tax.currency}
        if len(currencies) != 1:
            raise InvalidReturn(f"line {self.id}: amounts in several currencies {sorted(currencies)}")
        if self.discount.is_negative() or self.tax.is_negative() or self.unit_price.is_negative():
            raise InvalidReturn(f"line {self.id}: negative price, discount or tax")
        for stamp in (self.fulfilled_at, self.delivered_at):
            require_utc(stamp)

    @property
    def currency(self) -> str:
        return self.unit_price.currency

    @property
    def returnable_quantity(self) -> int:
        """Fulfilled units not yet returned: the most a new return may take from this line."""
        return max(0, self.quantity_fulfilled - self.quantity_returned)

    @property
    def paid_total(self) -> Money:
        """What the customer paid for the whole line, tax included, never below zero."""
        gross = self.unit_price * self.quantity_ordered - self.discount
        if not self.taxes_included:
            gross = gross + self.tax
        return gross.clamp_non_negative()

    def paid_for(self, quantity: int) -> Money:
        """The share of ``paid_total`` for ``quantity`` units, rounded down."""
        return self.paid_total.prorate(quantity, self.quantity_ordered)

    def tax_for(self, quantity: int) -> Money:
        return self.tax.prorate(quantity, self.quantity_ordered)

    def discount_for(self, quantity: int) -> Money:
        return self.discount.prorate(quantity, self.quantity_ordered)


@dataclass(frozen=True, slots=True)
class Order:
    """A snapshot of a platform order, in the order's currency."""

    id: str
    shop_id: str
    name: str
    currency: str
    email: str
    created_at: datetime
    lines: tuple[OrderLine, ...]
    shipping_total: Money
    customer: Customer | None = None
    updated_at: datetime | None = None
    status: str = "open"
    financial_status: str | None = None
    country: str | None = None
    tags: frozenset[str] = frozenset()
    gateways: tuple[str, ...] = ()
    platform_ids: Mapping[str, str] = field(default_factory=dict)
    shipping_refunded: Money | None = None
    """Shipping the shop has already refunded, by anyone (our returns or the merchant by hand); None when the
    shop's answer did not say. A return's shipping refund is capped by what is left of it."""
    shipping_address: PostalAddress | None = None
    """Where the order went, so where a return parcel comes from (the label's sender, a pickup's address); None
    when the shop gave none (a digital order) or the snapshot predates it."""

    def __post_init__(self) -> None:
        require_utc(self.created_at)
        require_utc(self.updated_at)
        for line in self.lines:
            if line.currency != self.currency:
                raise InvalidReturn(f"line {line.id} is in {line.currency}, order is in {self.currency}")
        if self.shipping_total.currency != self.currency:
            raise InvalidReturn("shipping is not in the order currency")
        if self.shipping_refunded is not None and self.shipping_refunded.currency != self.currency:
            raise InvalidReturn("refunded shipping is not in the order currency")
        ids = [line.id for line in self.lines]
        if len(ids) != len(set(ids)):
            raise InvalidReturn(f"order {self.id} has duplicate line ids")

    def line(self, line_id: str) -> OrderLine:
        for line in self.lines:
            if line.id == line_id:
                return line
        raise InvalidReturn(f"order {self.name} has no line {line_id}")

    @property
    def total_paid(self) -> Money:
        return Money.sum((line.paid_total for line in self.lines), self.currency) + self.shipping_total

    @property
    def delivered_at(self) -> datetime | None:
        """The latest delivery among lines, or None when any fulfilled line has no delivery date."""
        stamps = [line.delivered_at for line in self.lines if line.quantity_fulfilled]
        if not stamps or any(s is None for s in stamps):
            return None
        return max(s for s in stamps if s is not None)
