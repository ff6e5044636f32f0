"""The shipped example policies do what their comments say."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from connector.domain import ReasonCode, Resolution, ReturnMethod
from connector.policy import Decision, evaluate, line_eligibility, load
from connector.policy.model import Policy
from tests.policy.builders import at, ctx, draft, eur, line, order, want

POLICIES = Path(__file__).resolve().parents[2] / "policies"


@pytest.fixture(scope="module")
def default() -> Policy:
    return load(POLICIES / "default.toml")


@pytest.fixture(scope="module")
def french() -> Policy:
    return load(POLICIES / "eu-fr-withdrawal.toml")


def test_default_sale_collection_gets_14_days_and_credit_only(default: Policy) -> None:
    o = order(line("L1", delivered=at(2026, 3, 3), collections=frozenset({"sale"})))
    (result,) = line_eligibility(default, o, at(2026, 3, 5))
    assert result.deadline == date(2026, 3, 17)
    e = evaluate(default, o, draft(want("L1")), ctx(at(2026, 3, 5)))
    assert e.decline_reason == "outcome.not_allowed"
    faulty = evaluate(default, o, draft(want("L1", reason=ReasonCode.DEFECTIVE)), ctx(at(2026, 3, 5)))
    assert faulty.decision is Decision.APPROVE
    assert "rule.approve" in faulty.explanation.message_keys()


def test_default_refund_pays_restocking_and_return_shipping(default: Policy) -> None:
    o = order(line("L1", price="60.00", delivered=at(2026, 3, 3)))
    e = evaluate(default, o, draft(want("L1", reason=ReasonCode.UNWANTED)), ctx(at(2026, 3, 5)))
    assert e.decision is Decision.APPROVE
    assert e.fees.restocking == eur("6.00") and e.fees.return_shipping == eur("4.90")
    assert e.amounts.refund == eur("49.10")


def test_default_credit_gets_bonus_and_free_shipping(default: Policy) -> None:
    o = order(line("L1", price="60.00", delivered=at(2026, 3, 3)))
    e = evaluate(default, o, draft(want("L1", resolution=Resolution.store_credit())), ctx(at(2026, 3, 5)))
    assert e.fees.total == eur("0")
    assert e.amounts.store_credit == eur("66.00")


def test_default_serial_returner_goes_to_review(default: Policy) -> None:
    o = order(line("L1", delivered=at(2026, 3, 3)))
    now = at(2026, 3, 5)
    history = tuple(now - timedelta(days=10 * i + 1) for i in range(4))
    e = evaluate(default, o, draft(want("L1"), method=ReturnMethod.RELAY_POINT), ctx(now, customer_returns=history))
    assert e.decision is Decision.REVIEW
    assert "rule.review" in e.explanation.message_keys()


def test_default_holiday_orders_until_end_of_january(default: Policy) -> None:
    o = order(line("L1", delivered=at(2026, 12, 5)), created=at(2026, 12, 2))
    (result,) = line_eligibility(default, o, at(2026, 12, 6))
    assert result.deadline == date(2027, 1, 31)


def test_french_withdrawal_keeps_the_refund_and_sets_deadline(french: Policy) -> None:
    o = order(line("L1", title="Robe", price="80.00", delivered=at(2026, 3, 3)), shipping="6.90")
    e = evaluate(french, o, draft(want("L1", reason=ReasonCode.UNWANTED)), ctx(at(2026, 3, 10)))
    assert e.decision is Decision.APPROVE
    assert e.refund_due_by == at(2026, 3, 24)
    assert e.fees.restocking == eur("0")
    assert e.amounts.shipping_refund == eur("4.90")  # whole order withdrawn: cheapest standard delivery
    assert e.amounts.refund == eur("80.00") + eur("4.90") - eur("5.90")
    text = e.explanation.render("fr")
    assert "droit de rétractation" in text and "Remboursement dû au plus tard le 24 mars" in text


def test_french_after_withdrawal_commercial_terms_apply(french: Policy) -> None:
    o = order(line("L1", price="80.00", delivered=at(2026, 3, 3)))
    refund = evaluate(french, o, draft(want("L1", reason=ReasonCode.UNWANTED)), ctx(at(2026, 3, 20)))
    assert refund.decline_reason == "outcome.not_allowed"
    credit = evaluate(
        french,
        o,
        draft(want("L1", reason=ReasonCode.UNWANTED, resolution=Resolution.store_credit())),
        ctx(at(2026, 3, 20)),
    )
    assert credit.decision is Decision.APPROVE
    assert credit.refund_due_by is None
    assert credit.amounts.store_credit == eur("80.00") - eur("8.00") + eur("5.00") - eur("5.90")


def test_french_personalised_goods_have_no_withdrawal(french: Policy) -> None:
    o = order(line("L1", delivered=at(2026, 3, 3), tags=frozenset({"personnalise"})))
    e = evaluate(french, o, draft(want("L1")), ctx(at(2026, 3, 5)))
    assert not e.withdrawal
    assert "eu.excluded" in e.explanation.message_keys()


def test_french_outside_eu_is_declined_with_message(french: Policy) -> None:
    o = order(line("L1", delivered=at(2026, 3, 3)), country="CH")
    e = evaluate(french, o, draft(want("L1")), ctx(at(2026, 3, 5)))
    assert e.decision is Decision.DECLINE
    assert e.decline_text("fr") == (
        "Refusé (règle « hors-ue ») : Les retours hors Union européenne se font par le service client."
    )
