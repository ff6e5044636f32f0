"""Properties of the money and quantity splitting in platforms/shopify/mapping.py."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import example, given
from hypothesis import strategies as st

from connector.domain import Money
from platforms.shopify import mapping

cents = st.integers(min_value=0, max_value=500_000)
currencies = st.sampled_from(["USD", "JPY", "KWD"])


@example("USD", [0, 500], 300)
@given(currencies, st.lists(cents, min_size=0, max_size=5), cents)
def test_refund_allocation_is_exact_and_never_exceeds_a_parent(currency: str, held: list[int], wanted: int) -> None:
    parents = [mapping.ParentTransaction(f"t{i}", "gw", Money.from_minor(m, currency)) for i, m in enumerate(held)]
    amount = Money.from_minor(wanted, currency)
    try:
        parts = mapping.allocate_refund(amount, parents)
    except mapping.MappingError:
        assert wanted > sum(held)  # refused only when the parents cannot cover it
        return
    assert Money.sum((part for _, part in parts), currency) == amount
    assert all(Money.zero(currency) < part <= parent.refundable for parent, part in parts)


@given(st.lists(st.integers(min_value=0, max_value=5), max_size=5), st.integers(min_value=1, max_value=20))
def test_fulfillment_split_conserves_quantity(available: list[int], quantity: int) -> None:
    pool = [(f"fli-{i}", q) for i, q in enumerate(available)]
    try:
        parts = mapping.allocate_fulfillment_lines(quantity, pool, "line")
    except mapping.MappingError:
        assert quantity > sum(available)
        return
    assert sum(q for _, q in parts) == quantity
    limits = dict(pool)
    assert all(0 < q <= limits[f] for f, q in parts)


@given(st.text(max_size=600), st.from_regex(r"[A-Za-z0-9_\-]{1,64}", fullmatch=True), st.integers(30, 600))
def test_marker_always_survives_truncation(text: str, key: str, limit: int) -> None:
    note = mapping.note_with_marker(text, key, limit)
    assert mapping.has_marker(note, key)
    assert len(note) <= max(limit, len(mapping.marker(key)))


@given(st.decimals(min_value=Decimal("0"), max_value=Decimal("100000"), places=2, allow_nan=False))
def test_money_strings_round_trip(amount: Decimal) -> None:
    money = mapping.money_of({"presentmentMoney": {"amount": str(amount), "currencyCode": "EUR"}}, "EUR")
    assert money.amount == amount
    assert Decimal(mapping.money_input(money)["amount"]) == amount
