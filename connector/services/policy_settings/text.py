"""One form field's text and the policy document's value, both ways: whole numbers, decimals, amounts per
currency, lists of words or countries, dates, and the refusal of each as a ``Problem`` the page words.

Why text for every value, amounts included: an HTML form sends text, and the same field must come back exactly
as typed when something is wrong. The French decimal comma is read as well as the point (``4,90 EUR``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Final, TypeVar

from connector.domain.money import minor_units
from connector.services.settings_form import Problem

MAX_TEXT: Final = 2000
"""The longest value a field takes: a policy's field never needs more, and parsing stays cheap."""
_INTEGER: Final = re.compile(r"^[+-]?[0-9]{1,9}$")
_NUMBER: Final = re.compile(r"^[+-]?[0-9]{1,12}(?:[.,][0-9]{1,6})?$")
_TOKEN: Final = re.compile(r"[A-Za-z]+|[0-9]+(?:[.,][0-9]+)?|[;,]|\S")
_COUNTRY: Final = re.compile(r"^[A-Z]{2}$")
_SPLIT: Final = re.compile(r"[,\n;]")
_SEPARATORS: Final = (";", ",")
N = TypeVar("N", int, Decimal)


class Refused(ValueError):
    """A field's text cannot be read; ``problem`` says why."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.code)
        self.problem = problem


def refuse(code: str, **params: str | int) -> Refused:
    return Refused(Problem.of(code, **params))


def integer(text: str, minimum: int | None = None, maximum: int | None = None) -> int:
    if not _INTEGER.match(text):
        raise refuse("integer")
    return bounded(int(text), minimum, maximum)


def decimal(text: str, minimum: Decimal | None = None, maximum: Decimal | None = None) -> Decimal:
    if not _NUMBER.match(text):
        raise refuse("number")
    return bounded(Decimal(text.replace(",", ".")), minimum, maximum)


def bounded(value: N, minimum: N | None, maximum: N | None) -> N:
    if minimum is not None and value < minimum:
        raise refuse("at_least", min=str(minimum))
    if maximum is not None and value > maximum:
        raise refuse("at_most", max=str(maximum))
    return value


def amounts(text: str) -> dict[str, str]:
    """``EUR 4.90; USD 5`` (or ``4,90 EUR``) -> ``{"EUR": "4.90", "USD": "5"}``, exact to each currency's minor
    unit, never negative, each currency once."""
    found: dict[str, str] = {}
    pending: list[str] = []
    for piece in _TOKEN.findall(text):
        if piece in _SEPARATORS:
            if pending:
                raise refuse("amounts", entry=" ".join(pending))
            continue
        pending.append(piece)
        if len(pending) == 2:
            currency, amount = _pair(pending)
            if currency in found:
                raise refuse("currency_twice", currency=currency)
            found[currency] = amount
            pending = []
    if pending:
        raise refuse("amounts", entry=" ".join(pending))
    return dict(sorted(found.items()))


def _pair(tokens: Sequence[str]) -> tuple[str, str]:
    """A currency and an amount, in either order."""
    first, second = tokens
    code, number = (first, second) if first[:1].isalpha() else (second, first)
    entry = " ".join(tokens)
    if not number[:1].isdigit() or not code.isalpha():
        raise refuse("amounts", entry=entry)
    if len(code) != 3:
        raise refuse("currency", entry=code)
    code = code.upper()
    try:
        value = Decimal(number.replace(",", "."))
    except InvalidOperation as exc:  # pragma: no cover - the token is digits by construction
        raise refuse("amounts", entry=entry) from exc
    places = minor_units(code)
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int) or -exponent > places:
        raise refuse("decimals", currency=code, places=places)
    return code, str(value)


def amounts_text(document: Mapping[str, str] | None) -> str:
    """The document's ``{"EUR": "4.90"}`` as the field shows it: ``EUR 4.90``."""
    return "; ".join(f"{code} {amount}" for code, amount in sorted((document or {}).items()))


def words(text: str) -> list[str]:
    """Tags, product types, SKUs: separated by commas, semicolons or lines; blanks dropped, each kept once."""
    return list(dict.fromkeys(part.strip() for part in _SPLIT.split(text) if part.strip()))


def countries(text: str) -> list[str]:
    """ISO 3166-1 alpha-2 codes, any case: ``fr, be`` -> ``["BE", "FR"]``."""
    found = [part.upper() for part in words(text)]
    for code in found:
        if not _COUNTRY.match(code):
            raise refuse("country", entry=code)
    return sorted(set(found))


def words_text(values: Sequence[str] | None) -> str:
    return ", ".join(values or ())


def calendar_date(text: str) -> date:
    """``2026-12-31``, as a browser's date field sends it."""
    try:
        return date.fromisoformat(text) if len(text) == 10 else _no_date()
    except ValueError as exc:
        raise refuse("date") from exc


def _no_date() -> date:
    raise refuse("date")
