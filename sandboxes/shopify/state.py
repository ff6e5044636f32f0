"""In-memory shop state: seed orders kept as compact frozen records, mutable copies only once touched.

100,000 seeded orders stay as the seed generator's frozen dataclasses (a list); an order is turned into a
mutable :class:`OrderState` only when a mutation touches it. IDs are derived arithmetically from the order
index (line items, fulfillments, fulfillment line items, sale transactions) so nothing per-line is stored
for untouched orders. Objects created at run time (returns, refunds, credits...) get ids from a counter.
"""

from __future__ import annotations

import bisect
import itertools
import threading
import zlib
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Final

from sandboxes.kit.seed import SeedOrder, SeedProduct, catalogue, quantize
from sandboxes.shopify.collections_seed import CollectionState, seed_collections

ORDER_BASE: Final = 5_100_000_000
PRODUCT_BASE: Final = 7_200_000
CUSTOMER_BASE: Final = 6_000_000_000
LOCATION_ID: Final = 80_100_001
SHOP_ID: Final = 60_100_001
_GID_PREFIX: Final = "gid://shopify/"


def gid(kind: str, number: int) -> str:
    return f"{_GID_PREFIX}{kind}/{number}"


def parse_gid(value: object, kind: str) -> int | None:
    """The numeric id of ``gid://shopify/<kind>/<n>``; None when the id is of another kind or malformed."""
    if not isinstance(value, str) or not value.startswith(_GID_PREFIX):
        return None
    rest = value[len(_GID_PREFIX) :]
    found_kind, _, number = rest.partition("/")
    number = number.split("?", 1)[0]
    if found_kind != kind or not number.isdigit():
        return None
    return int(number)


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class LineState:
    index: int
    product_key: int
    variant_index: int
    quantity: int
    unit_price: Decimal
    discount: Decimal
    tax_rate: Decimal
    tax: Decimal
    refunded: int = 0  # quantity removed by refunds

    @property
    def net(self) -> Decimal:
        return self.unit_price * self.quantity - self.discount


@dataclass(slots=True)
class FulfillmentState:
    id: int
    created_at: datetime
    delivered_at: datetime | None
    quantities: dict[int, int]  # line index -> quantity
    tracking_number: str | None = None


@dataclass(slots=True)
class TransactionState:
    id: int
    kind: str
    status: str
    gateway: str
    amount: Decimal
    parent_id: int | None
    created_at: datetime


@dataclass(slots=True)
class RefundLineState:
    line_index: int
    quantity: int
    restock_type: str
    subtotal: Decimal
    tax: Decimal
    restocked: bool


@dataclass(slots=True)
class RefundState:
    id: int
    order_index: int
    created_at: datetime
    note: str | None
    lines: list[RefundLineState]
    transactions: list[TransactionState]
    shipping: Decimal
    store_credit: Decimal
    idempotency_key: str | None
    return_id: int | None

    @property
    def total(self) -> Decimal:
        return sum((t.amount for t in self.transactions), self.store_credit)


@dataclass(slots=True)
class OrderState:
    index: int
    seed: SeedOrder
    lines: list[LineState]
    fulfillments: list[FulfillmentState]
    transactions: list[TransactionState]
    updated_at: datetime
    tags: list[str]
    refunds: list[int] = field(default_factory=list)
    returns: list[int] = field(default_factory=list)
    fulfillment_orders: list[int] = field(default_factory=list)
    outstanding: Decimal = Decimal(0)
    """What the customer still owes on the order (``totalOutstandingSet``): an exchange's dearer items."""

    @property
    def id(self) -> int:
        return ORDER_BASE + self.index

    @property
    def currency(self) -> str:
        return self.seed.currency

    def fulfilled(self, line_index: int) -> int:
        return sum(f.quantities.get(line_index, 0) for f in self.fulfillments)

    def subtotal(self) -> Decimal:
        return sum((line.net for line in self.lines), Decimal(0))

    def total_tax(self) -> Decimal:
        return sum((line.tax for line in self.lines), self.seed.shipping_tax)

    def total(self) -> Decimal:
        extra = Decimal(0) if self.seed.taxes_included else self.total_tax()
        return self.subtotal() + self.seed.shipping + extra

    def total_discounts(self) -> Decimal:
        return sum((line.discount for line in self.lines), Decimal(0))

    def received(self) -> Decimal:
        return sum((t.amount for t in self.transactions if t.kind in ("SALE", "CAPTURE")), Decimal(0))

    def refunded_cash(self) -> Decimal:
        return sum((t.amount for t in self.transactions if t.kind == "REFUND"), Decimal(0))


@dataclass(slots=True)
class ReturnLineState:
    id: int
    return_id: int
    order_index: int
    line_index: int
    fulfillment_line_item_id: int
    quantity: int
    reason: str
    reason_note: str
    customer_note: str | None
    rfo_line_id: int
    restocking_fee_percentage: float | None = None
    processed: int = 0
    refunded: int = 0
    dispositions: list[dict[str, Any]] = field(default_factory=list)


@dataclass(slots=True)
class ExchangeLineState:
    id: int
    return_id: int
    variant_id: int
    quantity: int
    processed: int = 0


@dataclass(slots=True)
class ReturnState:
    id: int
    order_index: int
    name: str
    status: str
    created_at: datetime
    lines: list[int]
    exchange_lines: list[int]
    rfo_id: int
    approved_at: datetime | None = None
    closed_at: datetime | None = None
    decline_reason: str | None = None
    decline_note: str | None = None
    shipping_fee: Decimal | None = None
    refunds: list[int] = field(default_factory=list)
    reverse_deliveries: list[int] = field(default_factory=list)
    fulfillment_orders: list[int] = field(default_factory=list)


@dataclass(slots=True)
class ReverseDeliveryState:
    id: int
    return_id: int
    lines: list[tuple[int, int]]  # (rfo line id, quantity)
    tracking_number: str | None
    tracking_url: str | None
    label_url: str | None
    created_at: datetime
    notify_customer: bool = True  # the mutation's default: Shopify e-mails the customer the instructions


@dataclass(slots=True)
class FulfillmentOrderState:
    id: int
    order_index: int
    return_id: int | None
    status: str
    lines: list[tuple[int, int, int]]  # (line id, variant id, quantity)
    created_at: datetime
    updated_at: datetime
    hold: str | None = None  # a FulfillmentHoldReason while ON_HOLD (AWAITING_PAYMENT for an exchange's balance)


@dataclass(slots=True)
class CreditAccountState:
    id: int
    customer_id: int
    currency: str
    balance: Decimal
    transactions: list[int] = field(default_factory=list)


@dataclass(slots=True)
class CreditTransactionState:
    id: int
    account_id: int
    amount: Decimal
    balance_after: Decimal
    created_at: datetime
    expires_at: datetime | None
    origin: str  # "storeCreditAccountCredit" or "Refund/<id>"

    @property
    def event(self) -> str:
        """Shopify's ``StoreCreditSystemEvent``: ORDER_REFUND for a refund's credit, ADJUSTMENT for one by hand."""
        return "ORDER_REFUND" if self.origin.startswith("Refund/") else "ADJUSTMENT"


@dataclass(slots=True)
class GiftCardState:
    id: int
    code: str
    currency: str
    initial_value: Decimal
    balance: Decimal
    customer_id: int | None
    note: str | None
    expires_on: str | None
    created_at: datetime
    recipient_id: int | None = None  # the customer Shopify notifies of the card (recipientAttributes.id)


@dataclass(slots=True)
class SubscriptionState:
    id: int
    topic: str  # GraphQL enum, e.g. RETURNS_REQUEST
    uri: str
    name: str | None
    include_fields: list[str]
    filter: str | None
    api_version: str
    created_at: datetime


def customer_id_for(email: str) -> int:
    """A stable customer id per email, so customers need no table of their own."""
    return CUSTOMER_BASE + zlib.crc32(email.lower().encode()) % 1_000_000_000


class Shop:
    """All state of one sandbox shop; callers mutate under :attr:`lock`."""

    def __init__(self, *, name: str, domain: str, seed: int, products: int = 40, currency: str = "EUR") -> None:
        self.lock = threading.RLock()
        self.name = name
        self.domain = domain
        self.currency = currency
        self.seed = seed
        self.catalogue: list[SeedProduct] = catalogue(seed, products)
        self.collections: dict[int, tuple[CollectionState, ...]] = seed_collections(self.catalogue)
        self.inventory: dict[int, int] = {}
        self.variants: dict[int, tuple[SeedProduct, int]] = {}
        for product in self.catalogue:
            for vidx, variant in enumerate(product.variants):
                vid = self.variant_id(product.key, vidx)
                self.inventory[vid] = variant.stock
                self.variants[vid] = (product, vidx)
        self.seed_orders: list[SeedOrder] = []
        self._touched: dict[int, OrderState] = {}
        self._index_ts = array("d")
        self._index_idx = array("q")
        self._override: dict[int, float] = {}
        self._emails: dict[str, list[int]] | None = None
        self._ids = itertools.count(9_000_000_001)
        self.returns: dict[int, ReturnState] = {}
        self.return_lines: dict[int, ReturnLineState] = {}
        self.rfo_lines: dict[int, int] = {}  # rfo line id -> return line id
        self.rfo_to_return: dict[int, int] = {}
        self.exchange_lines: dict[int, ExchangeLineState] = {}
        self.refunds: dict[int, RefundState] = {}
        self.idempotency: dict[str, tuple[str, int]] = {}  # key -> (input fingerprint, refund id)
        self.credit_accounts: dict[int, CreditAccountState] = {}
        self.credit_transactions: dict[int, CreditTransactionState] = {}
        self.gift_cards: dict[int, GiftCardState] = {}
        self.fulfillment_orders: dict[int, FulfillmentOrderState] = {}
        self.payments: list[dict[str, Any]] = []  # balances the customer paid (an exchange's difference)
        self.reverse_deliveries: dict[int, ReverseDeliveryState] = {}
        self.restocks: list[dict[str, Any]] = []
        self.subscriptions: dict[int, SubscriptionState] = {}

    # ------------------------------------------------------------------ ids

    def next_id(self) -> int:
        return next(self._ids)

    @staticmethod
    def product_id(key: int) -> int:
        return PRODUCT_BASE + key

    @staticmethod
    def variant_id(key: int, vidx: int) -> int:
        return (PRODUCT_BASE + key) * 100 + vidx

    @staticmethod
    def line_item_id(order_index: int, line_index: int) -> int:
        return (ORDER_BASE + order_index) * 10 + line_index

    @staticmethod
    def split_line_item_id(line_id: int) -> tuple[int, int]:
        return line_id // 10 - ORDER_BASE, line_id % 10

    @staticmethod
    def fulfillment_line_item_id(fulfillment_id: int, line_index: int) -> int:
        return fulfillment_id * 10 + line_index

    @staticmethod
    def order_index_of_fulfillment(fulfillment_id: int) -> int:
        return fulfillment_id // 10 - ORDER_BASE

    # ------------------------------------------------------------------ loading

    def load(self, orders: Iterable[SeedOrder]) -> int:
        """Append seed orders (streamed) and rebuild the updated-at index once."""
        count = 0
        with self.lock:
            append = self.seed_orders.append
            for order in orders:
                append(order)
                count += 1
            self._rebuild_index()
            self._emails = None
        return count

    def _rebuild_index(self) -> None:
        stamps = sorted(
            ((_seed_updated(o).timestamp(), i) for i, o in enumerate(self.seed_orders)),
        )
        self._index_ts = array("d", (s for s, _ in stamps))
        self._index_idx = array("q", (i for _, i in stamps))

    def order_count(self) -> int:
        return len(self.seed_orders)

    # ------------------------------------------------------------------ orders

    def order(self, index: int) -> OrderState | None:
        """A read view of an order (the touched copy if any, else a fresh materialisation)."""
        if not 0 <= index < len(self.seed_orders):
            return None
        touched = self._touched.get(index)
        return touched if touched is not None else self._materialise(index)

    def order_by_id(self, order_id: int) -> OrderState | None:
        return self.order(order_id - ORDER_BASE)

    def mutable_order(self, index: int) -> OrderState:
        """The order's mutable copy; call under :attr:`lock`."""
        touched = self._touched.get(index)
        if touched is None:
            touched = self._materialise(index)
            self._touched[index] = touched
        return touched

    def touch(self, order: OrderState, when: datetime | None = None) -> None:
        order.updated_at = when or utcnow()
        self._touched[order.index] = order
        self._override[order.index] = order.updated_at.timestamp()

    def add_order(self, seed_order: SeedOrder) -> OrderState:
        """Append a new order (admin helper); it is immediately touched so its updated_at is now."""
        with self.lock:
            self.seed_orders.append(seed_order)
            index = len(self.seed_orders) - 1
            state = self.mutable_order(index)
            self.touch(state, seed_order.created_at)
            if self._emails is not None:
                self._emails.setdefault(seed_order.email.lower(), []).append(index)
            return state

    def _materialise(self, index: int) -> OrderState:
        seed = self.seed_orders[index]
        order_id = ORDER_BASE + index
        lines = [
            LineState(j, ln.product_key, ln.variant_index, ln.quantity, ln.unit_price, ln.discount,
                      ln.tax_rate, ln.tax)
            for j, ln in enumerate(seed.lines)
        ]  # fmt: skip
        fulfillments: list[FulfillmentState] = []
        done = {j: ln.fulfilled_quantity for j, ln in enumerate(seed.lines) if ln.fulfilled_quantity}
        if done and seed.fulfilled_at is not None:
            fulfillments.append(
                FulfillmentState(order_id * 10, seed.fulfilled_at, seed.delivered_at, done, f"1Z{order_id}")
            )
        state = OrderState(index, seed, lines, fulfillments, [], _seed_updated(seed), [])
        if seed.discount_code:
            state.tags.append("discounted")
        state.transactions.append(
            TransactionState(order_id * 100, "SALE", "SUCCESS", seed.gateway, state.total(), None,
                             seed.created_at)
        )  # fmt: skip
        return state

    def orders_by_email(self, email: str) -> list[int]:
        with self.lock:
            if self._emails is None:
                emails: dict[str, list[int]] = {}
                for i, order in enumerate(self.seed_orders):
                    emails.setdefault(order.email.lower(), []).append(i)
                self._emails = emails
            return list(self._emails.get(email.lower(), ()))

    def updated_since(self, stamp: float, inclusive: bool) -> list[int]:
        """Indexes of orders updated after ``stamp`` (from the sorted index plus touched overrides)."""
        with self.lock:
            ts = self._index_ts
            pos = bisect.bisect_left(ts, stamp) if inclusive else bisect.bisect_right(ts, stamp)
            found = {self._index_idx[i] for i in range(pos, len(ts))}
            found.difference_update(self._override)
            for index, value in self._override.items():
                if value > stamp or (inclusive and value == stamp):
                    found.add(index)
            return sorted(found)

    def updated_timestamp(self, index: int) -> float:
        override = self._override.get(index)
        if override is not None:
            return override
        return _seed_updated(self.seed_orders[index]).timestamp()

    def touched_orders(self) -> Iterator[OrderState]:
        return iter(list(self._touched.values()))

    # ------------------------------------------------------------------ rules shared by mutations

    def returned_quantity(self, fulfillment_line_item_id: int) -> int:
        """Quantity of a fulfillment line already in an active (not declined/cancelled) return."""
        total = 0
        for line in self.return_lines.values():
            if line.fulfillment_line_item_id == fulfillment_line_item_id:
                status = self.returns[line.return_id].status
                if status not in ("DECLINED", "CANCELED"):
                    total += line.quantity
        return total

    def fulfillment_line(self, fli_id: int) -> tuple[OrderState, FulfillmentState, int] | None:
        """(order, fulfillment, line index) for a FulfillmentLineItem id."""
        fulfillment_id, line_index = divmod(fli_id, 10)
        order = self.order(self.order_index_of_fulfillment(fulfillment_id))
        if order is None:
            return None
        for fulfillment in order.fulfillments:
            if fulfillment.id == fulfillment_id and line_index in fulfillment.quantities:
                return order, fulfillment, line_index
        return None

    def returnable_quantity(self, fli_id: int) -> int:
        found = self.fulfillment_line(fli_id)
        if found is None:
            return 0
        _order, fulfillment, line_index = found
        return max(0, fulfillment.quantities[line_index] - self.returned_quantity(fli_id))

    def refundable_amount(self, order: OrderState) -> Decimal:
        credited = sum((self.refunds[r].store_credit for r in order.refunds), Decimal(0))
        return quantize(order.received() - order.refunded_cash() - credited, order.currency)

    def restock(self, variant_id: int, quantity: int, reason: str, ref: str) -> None:
        self.inventory[variant_id] = self.inventory.get(variant_id, 0) + quantity
        self.restocks.append(
            {"variant_id": gid("ProductVariant", variant_id), "delta": quantity, "reason": reason,
             "reference": ref, "at": utcnow().isoformat()}
        )  # fmt: skip

    def credit_account(self, customer_id: int, currency: str) -> CreditAccountState:
        for account in self.credit_accounts.values():
            if account.customer_id == customer_id and account.currency == currency:
                return account
        account = CreditAccountState(self.next_id(), customer_id, currency, Decimal(0) * quantize(Decimal(1), currency))
        self.credit_accounts[account.id] = account
        return account

    def credit(self, account: CreditAccountState, amount: Decimal, expires_at: datetime | None,
               origin: str) -> CreditTransactionState:  # fmt: skip
        account.balance = quantize(account.balance + amount, account.currency)
        txn = CreditTransactionState(self.next_id(), account.id, amount, account.balance, utcnow(), expires_at,
                                     origin)  # fmt: skip
        self.credit_transactions[txn.id] = txn
        account.transactions.append(txn.id)
        return txn

    def customer_known(self, customer_id: int) -> tuple[str, str, str] | None:
        """(email, first, last) of a customer id, scanning touched then seed orders."""
        for order in self.seed_orders:
            if customer_id_for(order.email) == customer_id:
                return order.email, order.first_name, order.last_name
        return None


def _seed_updated(order: SeedOrder) -> datetime:
    latest = order.created_at
    for moment in (order.fulfilled_at, order.delivered_at):
        if moment is not None and moment > latest:
            latest = moment
    return latest
