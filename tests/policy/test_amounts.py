"""Fees and amounts: restocking by reason, return shipping and its waiver, bonus, keep-item, exchanges,
shipping refund rules, per-line discount and tax, rounding in EUR and JPY."""

from __future__ import annotations

from decimal import Decimal

import pytest

from connector.domain import Money, ReasonCode, Resolution
from connector.policy import Decision, evaluate
from tests.policy.builders import at, ctx, draft, eur, line, order, policy, request_from, want

NOW = at(2026, 3, 5)


def run(toml: str, *lines_: object, shipping: str = "0", keep: bool = False, **kw: object):  # type: ignore[no-untyped-def]
    o = order(
        line("L1", price="50.00", delivered=at(2026, 3, 3)),
        line("L2", price="30.00", delivered=at(2026, 3, 3)),
        shipping=shipping,
    )
    return o, evaluate(policy(toml), o, draft(*lines_, keep=keep), ctx(NOW, **kw))  # type: ignore[arg-type]


RESTOCK = "[fees]\nrestocking_percent = { unwanted = 10, style = 5, size_too_small = 0 }"


@pytest.mark.parametrize(
    ("reason", "fee"),
    [
        (ReasonCode.UNWANTED, "5.00"),
        (ReasonCode.STYLE, "2.50"),
        (ReasonCode.SIZE_TOO_SMALL, "0.00"),
        (ReasonCode.COLOUR, "0.00"),  # not listed
    ],
)
def test_restocking_fee_by_reason(reason: ReasonCode, fee: str) -> None:
    _, e = run(RESTOCK, want("L1", reason=reason))
    assert e.fees.restocking == eur(fee)
    assert e.amounts.lines[0].restocking_fee == eur(fee)
    assert e.amounts.refund == eur("50.00") - eur(fee)


@pytest.mark.parametrize(
    "reason", [ReasonCode.DEFECTIVE, ReasonCode.DAMAGED_IN_TRANSIT, ReasonCode.WRONG_ITEM, ReasonCode.NOT_AS_DESCRIBED]
)
def test_never_a_restocking_fee_for_merchant_fault(reason: ReasonCode) -> None:
    # Even a policy built in code (bypassing the schema check) cannot charge it.
    from dataclasses import replace
    from types import MappingProxyType

    p = policy(RESTOCK)
    p = replace(p, fees=replace(p.fees, restocking_percent=MappingProxyType({reason: Decimal(25)})))
    o = order(line("L1", price="50.00", delivered=at(2026, 3, 3)))
    e = evaluate(p, o, draft(want("L1", reason=reason)), ctx(NOW))
    assert e.fees.restocking == eur("0")
    assert e.amounts.refund == eur("50.00")
    assert "fee.restocking.merchant_fault" in e.explanation.message_keys()


SHIP_FEE = '[fees]\nreturn_shipping = { EUR = "4.90" }\nwaive_shipping_for = ["store_credit", "exchange"]'


@pytest.mark.parametrize(
    ("lines", "fee", "key"),
    [
        ((want("L1"),), "4.90", "fee.return_shipping"),
        ((want("L1", resolution=Resolution.store_credit()),), "0", "fee.return_shipping.waived"),
        ((want("L1", resolution=Resolution.exchange(variant_id="V2")),), "0", "fee.return_shipping.waived"),
        ((want("L1", resolution=Resolution.store_credit()), want("L2")), "4.90", "fee.return_shipping"),
        ((want("L1", reason=ReasonCode.DEFECTIVE),), "0", "fee.return_shipping.merchant_fault"),
    ],
)
def test_return_shipping_fee_and_waiver(lines: tuple[object, ...], fee: str, key: str) -> None:
    _, e = run(SHIP_FEE, *lines)
    assert e.fees.return_shipping == eur(fee)
    assert e.amounts.return_shipping_fee == eur(fee)
    assert key in e.explanation.message_keys()


def test_free_returns_when_no_fee_for_the_currency() -> None:
    o = order(line("L1", price="5000", currency="JPY", delivered=at(2026, 3, 3)))
    e = evaluate(policy(SHIP_FEE), o, draft(want("L1")), ctx(NOW))
    assert e.fees.return_shipping == Money(0, "JPY")
    assert "fee.free_returns" in e.explanation.message_keys()


def test_return_shipping_fee_is_taken_from_the_refund() -> None:
    _, e = run(SHIP_FEE, want("L1"))
    assert e.amounts.refund == eur("45.10")


PERCENT_BONUS = '[bonus]\nkind = "percent"\npercent = 10'
FLAT_BONUS = '[bonus]\nkind = "flat"\nflat = { EUR = "5.00" }'


def test_percent_bonus_only_on_credit_line() -> None:
    _, e = run(PERCENT_BONUS, want("L1", resolution=Resolution.store_credit()), want("L2"))
    credit_line, refund_line = e.amounts.lines
    assert credit_line.bonus == eur("5.00")
    assert refund_line.bonus == eur("0")
    assert e.amounts.store_credit == eur("55.00")
    assert e.amounts.refund == eur("30.00")
    assert e.amounts.bonus == eur("5.00")


def test_flat_bonus_is_split_by_value_over_credit_lines() -> None:
    _, e = run(
        FLAT_BONUS, want("L1", resolution=Resolution.store_credit()), want("L2", resolution=Resolution.store_credit())
    )
    assert [la.bonus for la in e.amounts.lines] == [eur("3.13"), eur("1.87")]
    assert e.amounts.store_credit == eur("85.00")


def test_no_bonus_for_a_refund() -> None:
    _, e = run(FLAT_BONUS, want("L1"))
    assert e.amounts.bonus == eur("0")
    assert "bonus.flat" not in e.explanation.message_keys()


@pytest.mark.parametrize(
    ("price", "exchange_value", "refund", "due", "bonus"),
    [
        ("60.00", "55.00", "0", "5.00", "5.00"),  # dearer: bonus used, 5 left to pay
        ("52.00", "52.00", "0", "0", "2.00"),  # bonus covers the difference
        ("40.00", "40.00", "10.00", "0", "0"),  # cheaper: the cash difference is refunded, no bonus
        (None, "50.00", "0", "0", "0"),  # like-for-like variant swap
    ],
)
def test_exchange_price_difference(price: str | None, exchange_value: str, refund: str, due: str, bonus: str) -> None:
    target = Resolution.exchange(variant_id="V2")
    _, e = run(PERCENT_BONUS, want("L1", resolution=target, exchange_price=eur(price) if price else None))
    assert e.amounts.exchange_value == eur(exchange_value)
    assert e.amounts.refund == eur(refund)
    assert e.balance_due == eur(due)
    assert e.amounts.lines[0].bonus == eur(bonus)


KEEP = '[keep_item]\nbelow = { EUR = "40.00" }\n' + SHIP_FEE + "\nrestocking_percent = { unwanted = 10 }"


@pytest.mark.parametrize(
    ("line_id", "resolution", "granted"),
    [
        ("L2", Resolution.refund(), True),  # 30 < 40
        ("L1", Resolution.refund(), False),  # 50 >= 40
        ("L2", Resolution.exchange(variant_id="V2"), False),  # keep-item is refund or credit only
    ],
)
def test_keep_item_below_threshold(line_id: str, resolution: Resolution, granted: bool) -> None:
    _, e = run(
        KEEP + '\n[[rules]]\nid = "all"\npriority = 1\naction = "approve"',
        want(line_id, resolution=resolution, reason=ReasonCode.UNWANTED),
        keep=True,
    )
    assert e.keep_item is granted
    if granted:
        assert e.decision is Decision.APPROVE
        assert e.fees.total == eur("0")  # no return shipping, nothing to restock
        assert e.amounts.refund == eur("30.00")
        assert "keep_item.granted" in e.explanation.message_keys()
    else:
        assert e.decision is Decision.REVIEW
        assert any(key.startswith("keep_item.refused") for key in e.explanation.message_keys())


def test_keep_item_is_offered_but_not_imposed() -> None:
    _, e = run(KEEP, want("L2"), keep=False)
    assert e.keep_item_offered and not e.keep_item
    assert e.fees.return_shipping == eur("4.90")


@pytest.mark.parametrize(
    ("rule", "lines", "refund"),
    [
        ("never", (want("L1", reason=ReasonCode.DEFECTIVE),), "0"),
        ("always", (want("L1"),), "6.00"),
        ("merchant_fault", (want("L1", reason=ReasonCode.DEFECTIVE),), "6.00"),
        ("merchant_fault", (want("L1"),), "0"),
        ("full_return", (want("L1"), want("L2")), "6.00"),
        ("full_return", (want("L1"),), "0"),
    ],
)
def test_shipping_refund_rule(rule: str, lines: tuple[object, ...], refund: str) -> None:
    _, e = run(f'[fees]\nshipping_refund = "{rule}"', *lines, shipping="6.00")
    assert e.amounts.shipping_refund == eur(refund)
    paid = sum((la.paid.amount for la in e.amounts.lines), Decimal(0))
    assert e.amounts.refund == Money(paid, "EUR") + eur(refund)


def test_shipping_is_not_refunded_twice() -> None:
    _, e = run('[fees]\nshipping_refund = "always"', want("L1"), shipping="6.00", shipping_refunded=eur("4.00"))
    assert e.amounts.shipping_refund == eur("2.00")
    _, e = run('[fees]\nshipping_refund = "always"', want("L1"), shipping="6.00", shipping_refunded=eur("6.00"))
    assert e.amounts.shipping_refund == eur("0")
    assert "shipping.already_refunded" in e.explanation.message_keys()


def test_amounts_use_the_lines_own_discount_and_tax() -> None:
    o = order(
        line(
            "L1", price="100.00", qty=2, discount="20.00", tax="36.00", taxes_included=False, delivered=at(2026, 3, 3)
        ),
        line("L2", price="10.00", delivered=at(2026, 3, 3)),
    )
    e = evaluate(policy(), o, draft(want("L1", qty=1)), ctx(NOW))
    (la,) = e.amounts.lines
    assert la.paid == eur("108.00")  # (200 - 20 + 36) / 2
    assert la.tax == eur("18.00")
    assert e.amounts.refund == eur("108.00")


@pytest.mark.parametrize(
    ("currency", "price", "discount", "paid", "restocking", "refund"),
    [
        ("EUR", "10.00", "1.00", "9.66", "0.96", "8.70"),  # 29.00 / 3 rounds down; 10 % of 9.66 rounds down
        ("JPY", "1000", "100", "966", "96", "870"),
    ],
)
def test_rounding_follows_the_currency(
    currency: str, price: str, discount: str, paid: str, restocking: str, refund: str
) -> None:
    o = order(line("L1", price=price, qty=3, discount=discount, currency=currency, delivered=at(2026, 3, 3)))
    p = policy("[fees]\nrestocking_percent = { unwanted = 10 }")
    e = evaluate(p, o, draft(want("L1", reason=ReasonCode.UNWANTED)), ctx(NOW))
    (la,) = e.amounts.lines
    assert la.paid == Money(paid, currency)
    assert la.restocking_fee == Money(restocking, currency)
    assert e.amounts.refund == Money(refund, currency)
    assert e.amounts.refund.amount.as_tuple().exponent == (0 if currency == "JPY" else -2)


def test_amounts_are_accepted_by_return_request() -> None:
    o, e = run(
        SHIP_FEE + "\nrestocking_percent = { unwanted = 10 }\n" + PERCENT_BONUS,
        want("L1", reason=ReasonCode.UNWANTED),
        want("L2", resolution=Resolution.store_credit()),
    )
    request = request_from(
        draft(want("L1", reason=ReasonCode.UNWANTED), want("L2", resolution=Resolution.store_credit())), o, NOW
    )
    request.set_amounts(e.fees, e.amounts, o)
    assert request.amounts == e.amounts
