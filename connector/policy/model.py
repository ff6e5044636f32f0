"""The policy as a frozen dataclass tree: what a shop promises its customers about returns.

Money-valued settings are tables keyed by currency (``{EUR = "4.90", JPY = "600"}``) because one shop can
sell in several currencies; a currency missing from a table means "no fee" / "no threshold".
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import MappingProxyType

from connector.domain.money import Money
from connector.domain.reasons import ReasonCode
from connector.domain.resolutions import ResolutionKind, ReturnMethod

ALL_OUTCOMES: frozenset[ResolutionKind] = frozenset(ResolutionKind)


class Anchor(enum.StrEnum):
    """Where the return window starts."""

    DELIVERY = "delivery"  # delivery date, else fulfilment + transit buffer
    FULFILLMENT = "fulfillment"  # fulfilment date + transit buffer
    ORDER = "order"  # order creation date


class OverrideKind(enum.StrEnum):
    """Override kinds, most specific first: this order is the documented precedence."""

    SKU = "sku"
    TAG = "tag"
    COLLECTION = "collection"
    PRODUCT_TYPE = "product_type"


OVERRIDE_PRECEDENCE: tuple[OverrideKind, ...] = tuple(OverrideKind)


class Decision(enum.StrEnum):
    APPROVE = "approve"
    DECLINE = "decline"
    REVIEW = "review"


class ExchangeScope(enum.StrEnum):
    VARIANT = "variant"  # another variant of the same product only
    ANY_PRODUCT = "any_product"  # any product ("shop now")


class BonusKind(enum.StrEnum):
    FLAT = "flat"  # per return, spread over credit/exchange lines by value
    PERCENT = "percent"  # of each credit/exchange line's value


class ShippingRefund(enum.StrEnum):
    NEVER = "never"
    ALWAYS = "always"
    MERCHANT_FAULT = "merchant_fault"  # any returned line has a merchant-fault reason
    FULL_RETURN = "full_return"  # the return takes every remaining unit of the order


def _frozen(mapping: Mapping[str, Decimal] | None = None) -> Mapping[str, Decimal]:
    return MappingProxyType(dict(sorted((mapping or {}).items())))


@dataclass(frozen=True, slots=True)
class Amounts:
    """A money setting per currency."""

    by_currency: Mapping[str, Decimal] = field(default_factory=_frozen)

    def get(self, currency: str) -> Money | None:
        value = self.by_currency.get(currency)
        return None if value is None else Money(value, currency)


@dataclass(frozen=True, slots=True)
class WindowOverride:
    kind: OverrideKind
    match: str
    days: int


@dataclass(frozen=True, slots=True)
class HolidayExtension:
    """Orders placed from ``start`` to ``end`` (inclusive, shop dates) may be returned until ``until``."""

    start: date
    end: date
    until: date


@dataclass(frozen=True, slots=True)
class Windows:
    days: int = 30
    anchor: Anchor = Anchor.DELIVERY
    transit_buffer_days: int = 5
    overrides: tuple[WindowOverride, ...] = ()
    holidays: tuple[HolidayExtension, ...] = ()


@dataclass(frozen=True, slots=True)
class Exclusions:
    """Items that cannot be returned at all (commercially)."""

    tags: frozenset[str] = frozenset()
    product_types: frozenset[str] = frozenset()
    skus: frozenset[str] = frozenset()
    final_sale: bool = True  # honour OrderLine.final_sale


@dataclass(frozen=True, slots=True)
class CustomerLimit:
    max_returns: int
    period_days: int = 365


@dataclass(frozen=True, slots=True)
class OutcomeRule:
    """Allowed outcomes for lines matching every non-empty condition; the first matching rule wins."""

    allowed: frozenset[ResolutionKind]
    reasons: frozenset[ReasonCode] = frozenset()
    tags: frozenset[str] = frozenset()
    product_types: frozenset[str] = frozenset()
    collections: frozenset[str] = frozenset()
    skus: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Outcomes:
    allowed: frozenset[ResolutionKind] = ALL_OUTCOMES
    exchange_scope: ExchangeScope = ExchangeScope.VARIANT
    rules: tuple[OutcomeRule, ...] = ()


@dataclass(frozen=True, slots=True)
class Bonus:
    kind: BonusKind
    percent: Decimal = Decimal(0)
    flat: Amounts = field(default_factory=Amounts)
    outcomes: frozenset[ResolutionKind] = frozenset({ResolutionKind.STORE_CREDIT, ResolutionKind.EXCHANGE})


@dataclass(frozen=True, slots=True)
class KeepItem:
    """Refund or credit without sending the goods back when the return is worth less than ``below``."""

    below: Amounts
    outcomes: frozenset[ResolutionKind] = frozenset({ResolutionKind.REFUND, ResolutionKind.STORE_CREDIT})


@dataclass(frozen=True, slots=True)
class Fees:
    return_shipping: Amounts = field(default_factory=Amounts)  # per return; empty = free returns
    waive_shipping_for: frozenset[ResolutionKind] = frozenset()
    restocking_percent: Mapping[ReasonCode, Decimal] = field(default_factory=lambda: MappingProxyType({}))
    shipping_refund: ShippingRefund = ShippingRefund.NEVER
    by_method: Mapping[ReturnMethod, Amounts] = field(default_factory=lambda: MappingProxyType({}))
    """A method's own return fee in place of ``return_shipping`` (a relay point cheaper, a home pickup dearer);
    a method or a currency missing here costs ``return_shipping``. Waivers apply to it all the same."""

    def return_fee(self, method: ReturnMethod, currency: str) -> Money | None:
        """The return shipping fee of ``method`` before any waiver; None (or zero) means free."""
        own = self.by_method.get(method)
        fee = None if own is None else own.get(currency)
        return fee if fee is not None else self.return_shipping.get(currency)


@dataclass(frozen=True, slots=True)
class RuleConditions:
    """All non-empty conditions must hold. Set conditions match when any line (or the order) matches."""

    reasons: frozenset[ReasonCode] = frozenset()
    min_value: Amounts | None = None
    max_value: Amounts | None = None
    min_customer_returns: int | None = None
    max_customer_returns: int | None = None
    history_days: int = 365
    countries: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()
    methods: frozenset[ReturnMethod] = frozenset()
    outcomes: frozenset[ResolutionKind] = frozenset()
    keep_item: bool | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    """An automatic decision. Lower ``priority`` runs first; ties keep file order."""

    id: str
    priority: int
    action: Decision
    when: RuleConditions = field(default_factory=RuleConditions)
    message: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))  # locale -> text


EU_COUNTRIES: frozenset[str] = frozenset(
    {
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
        "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class EuWithdrawal:
    """The statutory right of withdrawal (Code de la consommation L221-18 and following).

    Combined with the commercial policy line by line: whichever is more generous for the customer applies.
    """

    days: int = 14  # L221-18: from receipt of the goods
    refund_days: int = 14  # L221-24: from the customer's decision
    customer_not_informed: bool = False  # L221-20: +12 months
    countries: frozenset[str] = EU_COUNTRIES
    excluded_tags: frozenset[str] = frozenset()  # L221-28: personalised, unsealed hygiene goods...
    excluded_product_types: frozenset[str] = frozenset()
    cheapest_delivery: Amounts = field(default_factory=Amounts)  # cheapest standard delivery (L221-24)
    refund_delivery_on_partial: bool = False
    merchant_pays_return_shipping: bool = False


@dataclass(frozen=True, slots=True)
class Policy:
    name: str
    version: int = 1
    timezone: str = "UTC"
    locale: str = "en"
    windows: Windows = field(default_factory=Windows)
    exclusions: Exclusions = field(default_factory=Exclusions)
    customer_limit: CustomerLimit | None = None
    outcomes: Outcomes = field(default_factory=Outcomes)
    bonus: Bonus | None = None
    keep_item: KeepItem | None = None
    fees: Fees = field(default_factory=Fees)
    rules: tuple[Rule, ...] = ()
    default_action: Decision = Decision.REVIEW
    eu_withdrawal: EuWithdrawal | None = None
    methods: frozenset[ReturnMethod] = frozenset({ReturnMethod.PREPAID_LABEL})
    """The ways back the shop offers its customers; the portal offers only these, with ``fees.return_fee``."""
    refund_on_first_scan_max: Amounts | None = None
    """The most a return may be worth (refund, credit and exchange together) to be paid at the carrier's first scan,
    when the shop's carrier account has ``refund_on_first_scan``; a currency missing here is never paid early."""
    # Written once by connector.policy.schema.fingerprint: the model does not know its canonical form.
    _fingerprint: str | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def ordered_rules(self) -> tuple[Rule, ...]:
        return tuple(sorted(self.rules, key=lambda r: r.priority))  # sorted() is stable: ties keep order
