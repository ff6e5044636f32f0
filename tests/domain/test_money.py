from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from connector.domain import Money, minor_units
from connector.domain.errors import CurrencyMismatch


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [("10.005", "EUR", Decimal("10.01")), ("10.004", "EUR", Decimal("10.00")), ("100.5", "JPY", Decimal("101")),
     ("1.2345", "KWD", Decimal("1.235")), ("3", "usd", Decimal("3.00"))],
)
def test_rounds_to_the_currency_minor_unit(amount: str, currency: str, expected: Decimal) -> None:
    value = Money(amount, currency)
    assert value.amount == expected
    assert value.amount.as_tuple().exponent == -minor_units(value.currency)


def test_refuses_floats_and_bad_codes() -> None:
    with pytest.raises(TypeError):
        Money(1.5, "EUR")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Money("1", "EURO")
    with pytest.raises(ValueError):
        Money("NaN", "EUR")


def test_currencies_never_mix() -> None:
    with pytest.raises(CurrencyMismatch):
        Money("1", "EUR") + Money("1", "USD")


def test_prorate_rounds_down() -> None:
    assert Money("10.00", "EUR").prorate(1, 3) == Money("3.33", "EUR")
    assert Money("100", "JPY").prorate(2, 3) == Money("66", "JPY")


@given(
    st.integers(min_value=-10**9, max_value=10**9),
    st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=12),
    st.sampled_from(["EUR", "JPY", "KWD"]),
)
def test_allocate_adds_up_exactly(minor: int, weights: list[int], currency: str) -> None:
    total = Money.from_minor(minor, currency)
    shares = total.allocate(weights)
    assert len(shares) == len(weights)
    if sum(weights) == 0:
        assert all(not share for share in shares)
    else:
        assert Money.sum(shares, currency) == total
