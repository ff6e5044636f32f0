"""Structured explanations: (rule id, message key, params) items rendered per locale on demand."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal, Union

from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_currency, format_decimal

from connector.domain.money import Money
from connector.policy import messages_en, messages_fr

CATALOGUES: dict[str, Mapping[str, str]] = {"en": messages_en.MESSAGES, "fr": messages_fr.MESSAGES}
DEFAULT_LOCALE = "en"


@dataclass(frozen=True, slots=True)
class Label:
    """A word from the catalogue (an outcome, a reason, a decision), translated when rendered."""

    key: str


@dataclass(frozen=True, slots=True)
class Text:
    """Merchant-written text per locale (a rule's decline message)."""

    by_locale: tuple[tuple[str, str], ...]

    def pick(self, locale: str) -> str:
        texts = dict(self.by_locale)
        return texts.get(locale) or texts.get(DEFAULT_LOCALE) or next(iter(texts.values()), "")


@dataclass(frozen=True, slots=True)
class Listing:
    """Several words or labels, joined the locale's way ("a, b and c" / "a, b et c")."""

    values: tuple[Label | str, ...]
    style: Literal["standard", "or"] = "standard"  # "a, b and c" or "a, b or c"


Param = Union[str, int, Decimal, date, Money, Label, Text, Listing]  # noqa: UP007 - runtime alias


@dataclass(frozen=True, slots=True)
class Item:
    """One reason the engine gave: which rule, what it said, with which values, about which order line."""

    rule: str
    key: str
    params: tuple[tuple[str, Param], ...] = ()
    line_id: str | None = None

    @classmethod
    def of(cls, rule_id: str, key: str, line_id: str | None = None, /, **params: Param) -> Item:
        return cls(rule_id, key, tuple(sorted(params.items())), line_id)

    def param(self, name: str) -> Param | None:
        return dict(self.params).get(name)

    def render(self, locale: str) -> str:
        catalogue = CATALOGUES.get(locale, CATALOGUES[DEFAULT_LOCALE])
        template = catalogue.get(self.key) or CATALOGUES[DEFAULT_LOCALE].get(self.key, self.key)
        values = {name: _format(value, locale, catalogue) for name, value in self.params}
        return template.format(**values)


def _format(value: Param, locale: str, catalogue: Mapping[str, str]) -> str:
    if isinstance(value, Money):
        return str(format_currency(value.amount, value.currency, locale=locale))
    if isinstance(value, datetime):
        return str(format_date(value.date(), "d MMMM", locale=locale))
    if isinstance(value, date):
        return str(format_date(value, "d MMMM", locale=locale))
    if isinstance(value, Decimal):
        return str(format_decimal(value, locale=locale))
    if isinstance(value, Label):
        return catalogue.get(value.key) or CATALOGUES[DEFAULT_LOCALE].get(value.key, value.key)
    if isinstance(value, Text):
        return value.pick(locale)
    if isinstance(value, Listing):
        words = [_format(v, locale, catalogue) for v in value.values]
        return str(format_list(words, style=value.style, locale=locale)) if words else ""
    return str(value)


@dataclass(frozen=True, slots=True)
class Explanation:
    items: tuple[Item, ...] = ()

    def lines(self, locale: str) -> list[str]:
        return [item.render(locale) for item in self.items]

    def render(self, locale: str) -> str:
        return "\n".join(self.lines(locale))

    def message_keys(self) -> list[str]:
        return [item.key for item in self.items]

    def find(self, key: str) -> Item | None:
        return next((item for item in self.items if item.key == key), None)

    def to_list(self) -> list[dict[str, object]]:
        """Storable form: values as text (ISO dates, amounts with currency)."""
        return [
            {
                "rule": item.rule,
                "key": item.key,
                "line_id": item.line_id,
                "params": {name: _store(value) for name, value in item.params},
            }
            for item in self.items
        ]


def _store(value: Param) -> object:
    if isinstance(value, Money):
        return {"amount": str(value.amount), "currency": value.currency}
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Label):
        return {"label": value.key}
    if isinstance(value, Text):
        return dict(value.by_locale)
    if isinstance(value, Listing):
        return [_store(v) for v in value.values]
    return value
