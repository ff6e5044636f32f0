"""What a return asks for and what it is worth: the method, the outcome per line (``Resolution``), the
goods' condition and disposition, and the money (``ReturnFees``, ``LineAmounts``, ``ReturnAmounts``).

Why apart from ``returns``: these are immutable values the policy, the planning and the adapters all use;
``returns`` is the aggregate with its lifecycle, which holds them. ``connector.domain.returns`` still
exports every name here, so callers import them from either.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from connector.domain.errors import InvalidReturn
from connector.domain.money import Money


class ReturnMethod(enum.StrEnum):
    PREPAID_LABEL = "prepaid_label"
    RELAY_POINT = "relay_point"
    IN_STORE = "in_store"
    HOME_PICKUP = "home_pickup"


class ResolutionKind(enum.StrEnum):
    REFUND = "refund"
    STORE_CREDIT = "store_credit"
    EXCHANGE = "exchange"


class Condition(enum.StrEnum):
    NEW = "new"
    OPENED = "opened"
    USED = "used"
    DAMAGED = "damaged"
    DEFECTIVE = "defective"


class Disposition(enum.StrEnum):
    RESTOCK = "restock"
    DISPOSE = "dispose"
    MISSING = "missing"


@dataclass(frozen=True, slots=True)
class Resolution:
    """What the customer gets for a line. A bonus only ever comes with credit or an exchange."""

    kind: ResolutionKind
    bonus: Money | None = None
    exchange_variant_id: str | None = None
    exchange_product_id: str | None = None
    exchange_price: Money | None = None
    """The replacement's unit price in the order's currency, read from the shop when the return was asked
    for: the difference with what the returned units are worth is settled, not given away."""
    difference_as_credit: bool = False
    """A cheaper replacement's difference goes to store credit, not back to the original payment: the
    customer's choice (never the merchant's, so an EU withdrawal keeps its refund unless asked)."""

    def __post_init__(self) -> None:
        price = self.exchange_price
        if price is not None and (self.kind is not ResolutionKind.EXCHANGE or price.is_negative()):
            raise InvalidReturn("only an exchange has a replacement price, and it cannot be negative")
        if self.difference_as_credit and self.kind is not ResolutionKind.EXCHANGE:
            raise InvalidReturn("only an exchange has a difference to take as credit")
        if self.bonus is not None:
            if self.kind is ResolutionKind.REFUND:
                raise InvalidReturn("a bonus is only offered with store credit or an exchange")
            if self.bonus.is_negative():
                raise InvalidReturn("a bonus cannot be negative")
        is_exchange = self.kind is ResolutionKind.EXCHANGE
        has_target = bool(self.exchange_variant_id or self.exchange_product_id)
        if is_exchange and not has_target:
            raise InvalidReturn("an exchange names the variant or product to send")
        if has_target and not is_exchange:
            raise InvalidReturn("only an exchange names a variant or product")

    @classmethod
    def refund(cls) -> Resolution:
        return cls(ResolutionKind.REFUND)

    @classmethod
    def store_credit(cls, bonus: Money | None = None) -> Resolution:
        return cls(ResolutionKind.STORE_CREDIT, bonus=bonus)

    @classmethod
    def exchange(
        cls,
        variant_id: str | None = None,
        product_id: str | None = None,
        bonus: Money | None = None,
        *,
        difference_as_credit: bool = False,
    ) -> Resolution:
        return cls(
            ResolutionKind.EXCHANGE, bonus, variant_id, product_id, difference_as_credit=difference_as_credit
        )


@dataclass(frozen=True, slots=True)
class ReturnFees:
    return_shipping: Money
    restocking: Money

    @classmethod
    def none(cls, currency: str) -> ReturnFees:
        return cls(Money.zero(currency), Money.zero(currency))

    @property
    def total(self) -> Money:
        return self.return_shipping + self.restocking


@dataclass(frozen=True, slots=True)
class LineAmounts:
    """Per-line figures: ``paid`` is what the customer paid for the returned units (tax included)."""

    line_id: str
    paid: Money
    tax: Money
    restocking_fee: Money
    bonus: Money

    @property
    def net(self) -> Money:
        """What this line gives back before return-level fees; never below zero."""
        return (self.paid - self.restocking_fee).clamp_non_negative()


@dataclass(frozen=True, slots=True)
class ReturnAmounts:
    """Computed money for a return, split by outcome. ``refund`` never exceeds what was paid."""

    currency: str
    lines: tuple[LineAmounts, ...]
    return_shipping_fee: Money
    shipping_refund: Money
    refund: Money
    store_credit: Money
    exchange_value: Money
    balance_due: Money | None = None
    """What the customer still pays for replacements dearer than the returned goods (None: nothing)."""
    store_credit_bonus: Money | None = None
    """The part of ``store_credit`` that is the policy's bonus (None: no bonus). It is not a refund of what
    was paid, so it is issued as a credit of its own, never through the return's refund."""

    def __post_init__(self) -> None:
        # A fee taken from the credit comes out of what was paid first: the bonus is at most what is left.
        bonus = self.store_credit_bonus
        if bonus is not None and bonus > self.store_credit:
            object.__setattr__(self, "store_credit_bonus", self.store_credit if self.store_credit else None)

    @property
    def paid(self) -> Money:
        return Money.sum((line.paid for line in self.lines), self.currency)

    @property
    def bonus(self) -> Money:
        return Money.sum((line.bonus for line in self.lines), self.currency)
