"""Every field of the policy form, as data: where its value goes in the policy document, what kind of value it
takes and its bounds. ``form`` reads and writes a policy through this list alone.

Why a list rather than a form class per section: the policy model already says what a policy is (``connector.
policy.model``) and the schema checks it (``connector.policy.schema``); the form only has to say how each value
is typed in, and one list keeps a new policy setting down to one line here (``tests/services/
test_policy_form.py`` checks that every setting of the model has its field).

Names: a field's name (its HTML name and id, and the key of its errors) is its path joined with ``-``:
``windows-days``, ``windows-overrides-0-match``, ``fees-restocking_percent-unwanted``, ``rules-2-when-tags``.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from connector.domain.reasons import ReasonCode
from connector.domain.resolutions import ResolutionKind, ReturnMethod
from connector.policy.model import (
    Anchor,
    BonusKind,
    Decision,
    ExchangeScope,
    OverrideKind,
    ShippingRefund,
)

SEP = "-"
REMOVE = "remove"
"""The box of a row that drops it (``rules-1-remove``)."""
EU_SWITCH = "enabled"
"""``eu_withdrawal-enabled``: the EU preset's box; it is the form's, not the document's."""


class Kind(enum.Enum):
    TEXT = "text"
    TIMEZONE = "timezone"
    RULE_ID = "rule_id"
    INT = "int"
    DECIMAL = "decimal"
    AMOUNTS = "amounts"
    WORDS = "words"
    COUNTRIES = "countries"
    DATE = "date"
    CHOICE = "choice"
    CHOICES = "choices"
    FLAG = "flag"
    TRISTATE = "tristate"  # "", "yes" or "no": a condition that may be left out


@dataclass(frozen=True, slots=True)
class Field:
    path: tuple[str, ...]
    kind: Kind
    choices: tuple[str, ...] = ()
    minimum: int | Decimal | None = None
    maximum: int | Decimal | None = None
    required: bool = False
    new_row: str = ""
    """What a new, empty row shows (``365`` days of history): a row holding only such values is left out."""


@dataclass(frozen=True, slots=True)
class Rows:
    """A list of the policy (window overrides, holidays, outcome rules, rules): one row of fields per item."""

    path: tuple[str, ...]
    fields: tuple[Field, ...]


@dataclass(frozen=True, slots=True)
class Section:
    """A table of the policy. ``switch`` (a field of it) turns an optional table on when it has a value."""

    path: tuple[str, ...]
    fields: tuple[Field | Rows, ...]
    switch: str | None = None


def _values(kind: type[enum.Enum]) -> tuple[str, ...]:
    return tuple(str(member.value) for member in kind)


OUTCOMES = _values(ResolutionKind)
METHODS = _values(ReturnMethod)
REASONS = _values(ReasonCode)
CHARGEABLE_REASONS = tuple(r.value for r in ReasonCode if not r.is_merchant_fault)
"""Reasons a restocking fee may apply to: never one of the merchant's fault (the schema refuses those)."""


def _int(name: str, minimum: int | None = 0, **kw: object) -> Field:
    return Field((name,), Kind.INT, minimum=minimum, **kw)  # type: ignore[arg-type]


def _words(name: str) -> Field:
    return Field((name,), Kind.WORDS)


TOP = Section(
    (),
    (
        Field(("name",), Kind.TEXT, required=True),
        Field(("timezone",), Kind.TIMEZONE, required=True),
        Field(("locale",), Kind.CHOICE, ("en", "fr"), required=True),
        Field(("methods",), Kind.CHOICES, METHODS, required=True),
        Field(("refund_on_first_scan_max",), Kind.AMOUNTS),
        Field(("default_action",), Kind.CHOICE, _values(Decision), required=True),
        Rows(
            ("rules",),
            (
                Field(("id",), Kind.RULE_ID, required=True),
                Field(("priority",), Kind.INT, required=True),
                Field(("action",), Kind.CHOICE, _values(Decision), required=True),
                Field(("message", "en"), Kind.TEXT),
                Field(("message", "fr"), Kind.TEXT),
                Field(("when", "reasons"), Kind.CHOICES, REASONS),
                Field(("when", "min_value"), Kind.AMOUNTS),
                Field(("when", "max_value"), Kind.AMOUNTS),
                Field(("when", "min_customer_returns"), Kind.INT, minimum=0),
                Field(("when", "max_customer_returns"), Kind.INT, minimum=0),
                Field(("when", "history_days"), Kind.INT, minimum=1, required=True, new_row="365"),
                Field(("when", "countries"), Kind.COUNTRIES),
                Field(("when", "tags"), Kind.WORDS),
                Field(("when", "methods"), Kind.CHOICES, METHODS),
                Field(("when", "outcomes"), Kind.CHOICES, OUTCOMES),
                Field(("when", "keep_item"), Kind.TRISTATE),
            ),
        ),
    ),
)

WINDOWS = Section(
    ("windows",),
    (
        _int("days", required=True),
        Field(("anchor",), Kind.CHOICE, _values(Anchor), required=True),
        _int("transit_buffer_days", required=True),
        Rows(
            ("overrides",),
            (
                Field(("kind",), Kind.CHOICE, _values(OverrideKind), required=True),
                Field(("match",), Kind.TEXT, required=True),
                _int("days", required=True),
            ),
        ),
        Rows(
            ("holidays",),
            tuple(Field((name,), Kind.DATE, required=True) for name in ("start", "end", "until")),
        ),
    ),
)

EXCLUSIONS = Section(
    ("exclusions",), (Field(("final_sale",), Kind.FLAG), _words("tags"), _words("product_types"), _words("skus"))
)

CUSTOMER_LIMIT = Section(
    ("customer_limit",), (_int("max_returns"), _int("period_days", minimum=1, required=True)), switch="max_returns"
)

OUTCOMES_SECTION = Section(
    ("outcomes",),
    (
        Field(("allowed",), Kind.CHOICES, OUTCOMES, required=True),
        Field(("exchange_scope",), Kind.CHOICE, _values(ExchangeScope), required=True),
        Rows(
            ("rules",),
            (
                Field(("allowed",), Kind.CHOICES, OUTCOMES, required=True),
                Field(("reasons",), Kind.CHOICES, REASONS),
                *(_words(name) for name in ("tags", "product_types", "collections", "skus")),
            ),
        ),
    ),
)

BONUS = Section(
    ("bonus",),
    (
        Field(("kind",), Kind.CHOICE, _values(BonusKind)),
        Field(("percent",), Kind.DECIMAL, minimum=Decimal(0), maximum=Decimal(100)),
        Field(("flat",), Kind.AMOUNTS),
        Field(("outcomes",), Kind.CHOICES, OUTCOMES, required=True),
    ),
    switch="kind",
)

KEEP_ITEM = Section(
    ("keep_item",),
    (Field(("below",), Kind.AMOUNTS), Field(("outcomes",), Kind.CHOICES, OUTCOMES, required=True)),
    switch="below",
)

FEES = Section(
    ("fees",),
    (
        Field(("return_shipping",), Kind.AMOUNTS),
        Field(("waive_shipping_for",), Kind.CHOICES, OUTCOMES),
        *(
            Field(("restocking_percent", reason), Kind.DECIMAL, minimum=Decimal(0), maximum=Decimal(100))
            for reason in CHARGEABLE_REASONS
        ),
        Field(("shipping_refund",), Kind.CHOICE, _values(ShippingRefund), required=True),
        *(Field(("by_method", method), Kind.AMOUNTS) for method in METHODS),
    ),
)

EU_WITHDRAWAL = Section(
    ("eu_withdrawal",),
    (
        Field((EU_SWITCH,), Kind.FLAG),
        _int("days", minimum=14, required=True),
        Field(("refund_days",), Kind.INT, minimum=1, maximum=14, required=True),
        Field(("customer_not_informed",), Kind.FLAG),
        Field(("countries",), Kind.COUNTRIES),
        _words("excluded_tags"),
        _words("excluded_product_types"),
        Field(("cheapest_delivery",), Kind.AMOUNTS),
        Field(("refund_delivery_on_partial",), Kind.FLAG),
        Field(("merchant_pays_return_shipping",), Kind.FLAG),
    ),
    switch=EU_SWITCH,
)

SECTIONS: tuple[Section, ...] = (
    TOP, WINDOWS, EXCLUSIONS, CUSTOMER_LIMIT, OUTCOMES_SECTION, BONUS, KEEP_ITEM, FEES, EU_WITHDRAWAL,
)  # fmt: skip


def name_of(*parts: str | int) -> str:
    return SEP.join(str(part) for part in parts)


def all_rows() -> Iterator[tuple[Section, Rows]]:
    for section in SECTIONS:
        for item in section.fields:
            if isinstance(item, Rows):
                yield section, item


def rows_name(section: Section, rows: Rows) -> str:
    """``windows-overrides``: the prefix of every field of the list's rows."""
    return name_of(*section.path, *rows.path)
