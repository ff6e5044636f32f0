"""In-memory records of the sandbox shop and the store that holds them under one lock.

Records use ``__slots__`` and share interned Decimals so 100,000 seeded orders stay small. Ids follow
WordPress: products, variations, orders, refunds and coupons share one post-id sequence; order items,
notes, meta rows and webhooks have their own.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

ZERO = Decimal("0.00")

EventListener = Callable[[str, str, int], None]
"""(resource, event, resource id), e.g. ("order", "updated", 1234): feeds the webhook dispatcher."""


@dataclass(slots=True)
class Meta:
    id: int
    key: str
    value: Any


@dataclass(slots=True)
class LineItem:
    id: int
    name: str
    product_id: int
    variation_id: int
    quantity: int
    subtotal: Decimal  # excluding tax, before discounts (WooCommerce stores line amounts net)
    subtotal_tax: Decimal
    total: Decimal  # excluding tax, after discounts
    total_tax: Decimal
    tax_rate_id: int  # 0 = untaxed
    sku: str
    attrs: tuple[tuple[str, str], ...] = ()  # variation attributes shown as item meta (pa_size=M)
    meta: list[Meta] | None = None
    reduced_stock: int = 0  # hidden item meta _reduced_stock: what the order took from stock
    restocked: int = 0  # hidden item meta _restock_refunded_items


@dataclass(slots=True)
class ShippingLine:
    id: int
    method_id: str
    method_title: str
    total: Decimal
    total_tax: Decimal
    tax_rate_id: int


@dataclass(slots=True)
class FeeLine:
    id: int
    name: str
    total: Decimal
    total_tax: Decimal
    tax_status: str = "none"
    tax_rate_id: int = 0  # the rate its tax (a negative fee's too) was charged at


@dataclass(slots=True)
class CouponLine:
    id: int
    code: str
    discount: Decimal
    discount_tax: Decimal


@dataclass(slots=True)
class Order:
    id: int
    status: str
    currency: str
    created: datetime
    modified: datetime
    customer_id: int
    first_name: str
    last_name: str
    email: str
    country: str
    payment_method: str
    payment_method_title: str
    prices_include_tax: bool
    order_key: str
    lines: list[LineItem]
    shipping_lines: list[ShippingLine]
    parent_id: int = 0
    paid: datetime | None = None
    completed: datetime | None = None
    transaction_id: str = ""
    created_via: str = "checkout"
    customer_note: str = ""
    fee_lines: list[FeeLine] | None = None
    coupon_lines: list[CouponLine] | None = None
    meta: list[Meta] | None = None
    refund_ids: list[int] | None = None
    billing: dict[str, str] | None = None  # None: derived from the compact name/email/country fields
    shipping: dict[str, str] | None = None
    stock_reduced: bool = False
    status_before_trash: str = ""


@dataclass(slots=True)
class RefundLine:
    id: int
    item_id: int  # the order item refunded (_refunded_item_id)
    kind: str  # line_item | shipping | fee
    name: str
    product_id: int
    variation_id: int
    quantity: int  # positive here, negated in the API like WooCommerce
    total: Decimal
    tax: Decimal
    tax_rate_id: int
    sku: str


@dataclass(slots=True)
class Refund:
    id: int
    order_id: int
    created: datetime
    amount: Decimal
    reason: str
    refunded_by: int
    refunded_payment: bool
    lines: list[RefundLine]
    meta: list[Meta] = field(default_factory=list)


@dataclass(slots=True)
class Note:
    id: int
    order_id: int
    note: str
    customer_note: bool
    author: str
    added_by_user: bool
    created: datetime


@dataclass(slots=True)
class Product:
    id: int
    name: str
    slug: str
    sku: str
    product_type: str
    price: Decimal
    attributes: list[tuple[str, list[str]]]
    variation_ids: list[int]
    tags: list[str]
    created: datetime
    modified: datetime
    status: str = "publish"
    manage_stock: bool = False
    stock_quantity: int | None = None
    backorders: str = "no"
    meta: list[Meta] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)  # names; ids and slugs in sandbox/terms.py


@dataclass(slots=True)
class Variation:
    id: int
    parent_id: int
    sku: str
    price: Decimal
    attrs: tuple[tuple[str, str], ...]
    created: datetime
    modified: datetime
    manage_stock: bool = True
    stock_quantity: int | None = 0
    backorders: str = "no"
    status: str = "publish"
    meta: list[Meta] = field(default_factory=list)


@dataclass(slots=True)
class Coupon:
    id: int
    code: str
    discount_type: str
    amount: Decimal
    created: datetime
    modified: datetime
    description: str = ""
    date_expires: datetime | None = None
    individual_use: bool = False
    usage_limit: int | None = None
    usage_limit_per_user: int | None = None
    usage_count: int = 0
    email_restrictions: list[str] = field(default_factory=list)
    product_ids: list[int] = field(default_factory=list)
    excluded_product_ids: list[int] = field(default_factory=list)
    free_shipping: bool = False
    exclude_sale_items: bool = False
    minimum_amount: Decimal = ZERO
    maximum_amount: Decimal = ZERO
    used_by: list[str] = field(default_factory=list)
    meta: list[Meta] = field(default_factory=list)
    status: str = "publish"


@dataclass(slots=True)
class Webhook:
    id: int
    name: str
    status: str
    topic: str
    delivery_url: str
    secret: str
    created: datetime
    modified: datetime
    user_id: int = 1
    api_version: str = "wp_api_v3"
    failure_count: int = 0


@dataclass(slots=True)
class ApiKey:
    key_id: int
    user_id: int
    description: str
    permissions: str  # read | write | read_write
    consumer_key: str
    consumer_secret: str
    last_access: datetime | None = None


@dataclass(slots=True)
class Gateway:
    id: str
    title: str
    supports_refunds: bool = True
    fail_refunds: bool = False  # supports refunds but process_refund() fails (declined, API down)
    delay_ms: int = 0  # how long process_refund() takes (client timeouts while the refund exists)


@dataclass(slots=True)
class TaxRate:
    id: int
    country: str
    rate: Decimal  # fraction, 0.2
    name: str


@dataclass(slots=True)
class Customer:
    id: int
    email: str
    first_name: str
    last_name: str


@dataclass(slots=True)
class StockChange:
    at: datetime
    product_id: int
    variation_id: int
    delta: int
    stock_after: int
    reason: str
    order_id: int


@dataclass(slots=True)
class GatewayRefund:
    """A refund the gateway was asked to pay (kept even when it failed, for assertions)."""

    at: datetime
    order_id: int
    refund_id: int
    gateway: str
    amount: Decimal
    ok: bool
    message: str


class Store:
    """Every record of the shop; callers hold ``lock`` for multi-step changes."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._post_ids = itertools.count(100)
        self._item_ids = itertools.count(1)
        self._meta_ids = itertools.count(1)
        self._note_ids = itertools.count(1)
        self._webhook_ids = itertools.count(1)
        self._key_ids = itertools.count(1)
        self._user_ids = itertools.count(2)  # user 1 is the shop admin
        self.orders: dict[int, Order] = {}
        self.refunds: dict[int, Refund] = {}
        self.notes: dict[int, list[Note]] = {}
        self.products: dict[int, Product] = {}
        self.variations: dict[int, Variation] = {}
        self.coupons: dict[int, Coupon] = {}
        self.coupon_codes: dict[str, int] = {}  # lower-case code -> id
        self.webhooks: dict[int, Webhook] = {}
        self.api_keys: dict[str, ApiKey] = {}  # consumer_key -> key
        self.gateways: dict[str, Gateway] = {}
        self.tax_rates: dict[int, TaxRate] = {}
        self.terms: dict[tuple[str, str], int] = {}  # (taxonomy, slug) -> term id (sandbox/terms.py)
        self.base_country = "FR"  # woocommerce_default_country: the largest seeded market (sandbox/taxes.py)
        self.customers: dict[int, Customer] = {}
        self.customer_emails: dict[str, int] = {}
        self.settings: dict[str, str] = {}  # WordPress options behind /settings (see settings.py)
        self.stock_log: list[StockChange] = []
        self.gateway_refunds: list[GatewayRefund] = []
        self.listeners: list[EventListener] = []
        self.version = 0  # bumped on every order change (list caches key on it)
        self.list_cache: dict[Any, list[int]] = {}

    def post_id(self) -> int:
        return next(self._post_ids)

    def item_id(self) -> int:
        return next(self._item_ids)

    def meta_id(self) -> int:
        return next(self._meta_ids)

    def note_id(self) -> int:
        return next(self._note_ids)

    def webhook_id(self) -> int:
        return next(self._webhook_ids)

    def key_id(self) -> int:
        return next(self._key_ids)

    def user_id(self) -> int:
        return next(self._user_ids)

    def emit(self, resource: str, event: str, resource_id: int) -> None:
        if resource == "order":
            self.version += 1
        for listener in list(self.listeners):
            listener(resource, event, resource_id)

    def add_customer(self, email: str, first_name: str, last_name: str) -> Customer:
        existing = self.customer_emails.get(email.lower())
        if existing is not None:
            return self.customers[existing]
        customer = Customer(self.user_id(), email, first_name, last_name)
        self.customers[customer.id] = customer
        self.customer_emails[email.lower()] = customer.id
        return customer

    def iter_orders(self) -> Iterator[Order]:
        return iter(self.orders.values())

    def refunded_total(self, order: Order) -> Decimal:
        return sum((self.refunds[rid].amount for rid in order.refund_ids or ()), ZERO)

    def meta(self, key: str, value: Any) -> Meta:
        return Meta(self.meta_id(), key, value)
