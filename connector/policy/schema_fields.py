"""The marshmallow fields a policy document is written with: decimals as text, amounts per currency, sets,
percentages per reason, texts per language and plain dates.

Why apart from ``schema``: these say how one value is read and written (and refused, with a message that
names it); ``schema`` says which values a policy has. Numbers become ``Decimal`` from their written digits
(a TOML float included), so no binary float reaches a fee or a percentage.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any

from marshmallow import ValidationError, fields, validate

from connector.domain.money import Money, minor_units
from connector.domain.reasons import ReasonCode
from connector.domain.resolutions import ResolutionKind
from connector.policy.model import Amounts

NON_NEGATIVE = validate.Range(min=0)


def _to_decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise ValidationError("Not a valid number.")
    if isinstance(value, float):
        value = repr(value)  # TOML floats: take the written digits, never the binary value
    try:
        result = Decimal(value)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise ValidationError("Not a valid number.") from exc
    if not result.is_finite():
        raise ValidationError("Not a valid number.")
    return result


def _plain(value: Decimal) -> str:
    """Canonical text for a Decimal: no exponent, no trailing zeros."""
    text = format(value.normalize(), "f")
    return text


class DecimalText(fields.Field[Decimal]):
    """A number written as an int, a string or a TOML float; stored as canonical text."""

    def __init__(self, *, min_value: Decimal | None = None, max_value: Decimal | None = None, **kw: Any):
        super().__init__(**kw)
        self.min_value = min_value
        self.max_value = max_value

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kw: Any) -> Decimal:
        result = _to_decimal(value)
        if self.min_value is not None and result < self.min_value:
            raise ValidationError(f"Must be greater than or equal to {self.min_value}.")
        if self.max_value is not None and result > self.max_value:
            raise ValidationError(f"Must be less than or equal to {self.max_value}.")
        return result

    def _serialize(self, value: Decimal | None, attr: str | None, obj: Any, **kw: Any) -> str | None:
        return None if value is None else _plain(value)


class AmountsField(fields.Field[Amounts]):
    """``{EUR = "4.90", JPY = 600}``: non-negative amounts per ISO currency, exact to the minor unit."""

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kw: Any) -> Amounts:
        if not isinstance(value, Mapping):
            raise ValidationError("Not a valid mapping of currency to amount.")
        result: dict[str, Decimal] = {}
        errors: dict[str, list[str]] = {}
        for code, raw in value.items():
            try:
                if not isinstance(code, str) or len(code) != 3 or not code.isalpha() or not code.isupper():
                    raise ValidationError("Not an ISO 4217 currency code.")
                amount = _to_decimal(raw)
                if amount < 0:
                    raise ValidationError("Must be greater than or equal to 0.")
                if Money(amount, code).amount != amount:
                    raise ValidationError(f"More decimals than {code} has ({minor_units(code)}).")
                result[code] = Money(amount, code).amount
            except ValidationError as exc:
                errors[str(code)] = list(exc.messages) if isinstance(exc.messages, list) else [str(exc)]
        if errors:
            raise ValidationError(errors)
        return Amounts(MappingProxyType(dict(sorted(result.items()))))

    def _serialize(self, value: Amounts | None, attr: str | None, obj: Any, **kw: Any) -> Any:
        if value is None:
            return None
        return {code: str(Money(amount, code).amount) for code, amount in sorted(value.by_currency.items())}


class SetField(fields.List[Any]):
    """A list in documents, a frozenset in the model, a sorted list in storage."""

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kw: Any) -> Any:
        return frozenset(super()._deserialize(value, attr, data, **kw))

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kw: Any) -> list[Any] | None:
        if value is None:
            return None
        items = super()._serialize(list(value), attr, obj, **kw) or []
        return sorted(items, key=str)


class PercentByReason(fields.Field[Mapping[ReasonCode, Decimal]]):
    """``{unwanted = 10, style = "7.5"}``: restocking percentage per reason code."""

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kw: Any) -> Any:
        if not isinstance(value, Mapping):
            raise ValidationError("Not a valid mapping of reason to percentage.")
        result: dict[ReasonCode, Decimal] = {}
        errors: dict[str, list[str]] = {}
        for key, raw in value.items():
            try:
                try:
                    reason = ReasonCode(key)
                except ValueError as exc:
                    raise ValidationError(f"Not a reason code (one of {', '.join(ReasonCode)}).") from exc
                rate = _to_decimal(raw)
                if not 0 <= rate <= 100:
                    raise ValidationError("Must be between 0 and 100.")
                result[reason] = rate
            except ValidationError as exc:
                errors[str(key)] = list(exc.messages) if isinstance(exc.messages, list) else [str(exc)]
        if errors:
            raise ValidationError(errors)
        return MappingProxyType(dict(sorted(result.items())))

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kw: Any) -> Any:
        if value is None:
            return None
        return {str(reason): _plain(rate) for reason, rate in sorted(value.items())}


class TextByLocale(fields.Dict):
    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kw: Any) -> Any:
        loaded = super()._deserialize(value, attr, data, **kw)  # type: ignore[no-untyped-call]
        return MappingProxyType(dict(sorted(loaded.items())))

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kw: Any) -> Any:
        return None if value is None else dict(sorted(value.items()))


class DateOnly(fields.Date):
    """A calendar date; a TOML date-time is refused rather than silently compared with dates."""

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kw: Any) -> date:
        if isinstance(value, datetime):
            raise ValidationError("Not a valid date (give a date without a time).")
        if isinstance(value, date):
            return value
        return super()._deserialize(value, attr, data, **kw)


def non_negative_int(**kw: Any) -> fields.Integer:
    return fields.Integer(strict=True, validate=NON_NEGATIVE, **kw)


def word_set() -> SetField:
    return SetField(fields.String(validate=validate.Length(min=1)), load_default=frozenset())


def outcome_set(**kw: Any) -> SetField:
    return SetField(fields.Enum(ResolutionKind, by_value=True), **kw)
