"""Money as a Decimal amount in an ISO 4217 currency, always rounded to the currency's minor unit."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Final

from connector.domain.errors import CurrencyMismatch

# ISO 4217 currencies whose minor unit is not 2 decimal places. Everything else uses 2.
_MINOR_UNITS: Final[dict[str, int]] = {
    "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0,
    "RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
    "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
    "CLF": 4, "UYW": 4,
}  # fmt: skip
_CODE = re.compile(r"^[A-Z]{3}$")


def minor_units(currency: str) -> int:
    """Decimal places of a currency's minor unit (EUR 2, JPY 0, KWD 3)."""
    return _MINOR_UNITS.get(currency, 2)


def _quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-minor_units(currency))


def _to_decimal(value: Decimal | int | str) -> Decimal:
    if isinstance(value, float):
        raise TypeError("money never comes from a float; pass a Decimal, int or str")
    try:
        result = Decimal(value)
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"not an amount: {value!r}") from exc
    if not result.is_finite():
        raise ValueError(f"not a finite amount: {value!r}")
    return result


@dataclass(frozen=True, slots=True, order=False)
class Money:
    """An amount in one currency; construction rounds half-up to the minor unit."""

    amount: Decimal
    currency: str

    def __init__(self, amount: Decimal | int | str, currency: str) -> None:
        code = currency.upper() if isinstance(currency, str) else currency
        if not isinstance(code, str) or not _CODE.match(code):
            raise ValueError(f"not an ISO 4217 currency code: {currency!r}")
        value = _to_decimal(amount).quantize(_quantum(code), rounding=ROUND_HALF_UP)
        object.__setattr__(self, "amount", value)
        object.__setattr__(self, "currency", code)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    @classmethod
    def from_minor(cls, minor: int, currency: str) -> Money:
        return cls(Decimal(minor).scaleb(-minor_units(currency.upper())), currency)

    @classmethod
    def rounded_down(cls, amount: Decimal, currency: str) -> Money:
        """Round towards zero: used for refunds so that partial returns never over-refund."""
        return cls(_to_decimal(amount).quantize(_quantum(currency.upper()), rounding=ROUND_DOWN), currency)

    @classmethod
    def sum(cls, items: Iterable[Money], currency: str) -> Money:
        total = cls.zero(currency)
        for item in items:
            total = total + item
        return total

    def to_minor(self) -> int:
        return int(self.amount.scaleb(minor_units(self.currency)))

    def _check(self, other: object) -> Money:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatch(f"{self.currency} and {other.currency} cannot be combined")
        return other

    def __add__(self, other: Money) -> Money:
        return Money(self.amount + self._check(other).amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        return Money(self.amount - self._check(other).amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __mul__(self, factor: int | Decimal) -> Money:
        if isinstance(factor, float | bool):
            raise TypeError("multiply money by an int or a Decimal")
        return Money(self.amount * factor, self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: Money) -> bool:
        return self.amount < self._check(other).amount

    def __le__(self, other: Money) -> bool:
        return self.amount <= self._check(other).amount

    def __gt__(self, other: Money) -> bool:
        return self.amount > self._check(other).amount

    def __ge__(self, other: Money) -> bool:
        return self.amount >= self._check(other).amount

    def __bool__(self) -> bool:
        return self.amount != 0

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"

    def is_negative(self) -> bool:
        return self.amount < 0

    def min(self, other: Money) -> Money:
        return self if self <= other else other

    def max(self, other: Money) -> Money:
        return self if self >= other else other

    def clamp_non_negative(self) -> Money:
        return self.max(Money.zero(self.currency))

    def percent(self, rate: Decimal) -> Money:
        """``rate`` percent of this amount, rounded half-up."""
        return Money(self.amount * _to_decimal(rate) / 100, self.currency)

    def prorate(self, part: int, whole: int) -> Money:
        """The share ``part/whole`` of this amount, rounded down so shares never exceed the whole."""
        if whole <= 0 or part < 0 or part > whole:
            raise ValueError(f"cannot prorate {part} of {whole}")
        return Money.rounded_down(self.amount * part / whole, self.currency)

    def allocate(self, weights: Sequence[int | Decimal]) -> list[Money]:
        """Split into shares proportional to ``weights`` that add up exactly (largest remainder)."""
        if not weights or any(w < 0 for w in weights):
            raise ValueError("weights must be non-empty and non-negative")
        total_weight = sum(Decimal(w) for w in weights)
        minor = self.to_minor()
        if total_weight == 0:
            return [Money.zero(self.currency) for _ in weights]
        raw = [Decimal(minor) * Decimal(w) / total_weight for w in weights]
        floors = [int(r.to_integral_value(rounding=ROUND_DOWN)) for r in raw]
        left = minor - sum(floors)
        order = sorted(range(len(weights)), key=lambda i: raw[i] - floors[i], reverse=True)
        step = 1 if left >= 0 else -1
        for i in order[: abs(left)]:
            floors[i] += step
        return [Money.from_minor(f, self.currency) for f in floors]
