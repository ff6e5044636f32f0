"""EU withdrawal preset (Code de la consommation L221-18, -20, -24, -28) combined with a commercial policy."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from connector.domain import ReasonCode, Resolution
from connector.domain.resolutions import ResolutionKind
from connector.policy import Decision, evaluate, line_eligibility
from tests.policy.builders import at, ctx, draft, eur, line, order, policy, want

COMMERCIAL = """
[windows]
days = 7
[outcomes]
rules = [{ reasons = ["unwanted"], allowed = ["store_credit"] }]
[fees]
restocking_percent = { unwanted = 10 }
"""
EU = """
[eu_withdrawal]
excluded_tags = ["personalised"]
cheapest_delivery = { EUR = "4.90" }
"""
DELIVERED = at(2026, 3, 3)


def shop(extra: str = "") -> str:
    return COMMERCIAL + EU + extra


@pytest.mark.parametrize(
    ("now", "eligible", "withdrawal"),
    [
        (at(2026, 3, 9), True, True),  # inside both
        (at(2026, 3, 15), True, True),  # commercial (7 days) closed, legal 14 days open
        (at(2026, 3, 17, 23), True, True),  # last legal day
        (at(2026, 3, 18), False, False),
    ],
)
def test_withdrawal_window_is_14_days_from_receipt(now: datetime, eligible: bool, withdrawal: bool) -> None:
    o = order(line("L1", delivered=DELIVERED))
    (result,) = line_eligibility(policy(shop()), o, now)
    assert result.eligible is eligible
    assert result.withdrawal is withdrawal
    e = evaluate(policy(shop()), o, draft(want("L1")), ctx(now))
    assert (e.decision is Decision.DECLINE) is (not eligible)


def test_deadline_is_the_more_generous_of_the_two() -> None:
    o = order(line("L1", delivered=DELIVERED))
    (legal,) = line_eligibility(policy(shop()), o, at(2026, 3, 4))
    assert legal.deadline == date(2026, 3, 17)
    (commercial,) = line_eligibility(policy(EU + "[windows]\ndays = 30"), o, at(2026, 3, 4))
    assert commercial.deadline == date(2026, 4, 2)


def test_customer_not_informed_adds_twelve_months() -> None:
    o = order(line("L1", delivered=DELIVERED))
    p = policy(shop("customer_not_informed = true"))
    (result,) = line_eligibility(p, o, at(2027, 3, 10))
    assert result.eligible and result.withdrawal
    assert result.deadline == date(2027, 3, 17)
    (late,) = line_eligibility(p, o, at(2027, 3, 18))
    assert not late.eligible


def test_refund_due_within_14_days_of_the_request() -> None:
    o = order(line("L1", delivered=DELIVERED))
    requested = at(2026, 3, 10, 9)
    e = evaluate(policy(shop()), o, draft(want("L1", reason=ReasonCode.SIZE_TOO_LARGE)), ctx(requested))
    assert e.refund_due_by == requested + timedelta(days=14)
    assert e.withdrawal
    assert "Remboursement dû au plus tard le 24 mars" in e.explanation.render("fr")
    assert "proof of dispatch" in e.explanation.render("en")


def test_no_refund_deadline_outside_withdrawal() -> None:
    o = order(line("L1", delivered=DELIVERED))
    e = evaluate(policy(EU + "[windows]\ndays = 30"), o, draft(want("L1")), ctx(at(2026, 3, 25)))
    assert e.decision is not Decision.DECLINE
    assert not e.withdrawal and e.refund_due_by is None


def test_refund_cannot_be_refused_during_withdrawal_but_credit_may_be_chosen() -> None:
    o = order(line("L1", delivered=DELIVERED))
    p = policy(shop())
    refund = evaluate(p, o, draft(want("L1", reason=ReasonCode.UNWANTED)), ctx(at(2026, 3, 5)))
    assert refund.decision is not Decision.DECLINE
    assert ResolutionKind.REFUND in refund.lines[0].allowed_outcomes
    assert "eu.refund_original_payment" in refund.explanation.message_keys()
    credit = evaluate(
        p, o, draft(want("L1", reason=ReasonCode.UNWANTED, resolution=Resolution.store_credit())), ctx(at(2026, 3, 5))
    )
    assert "eu.credit_chosen" in credit.explanation.message_keys()
    # Without the preset the commercial rule (credit only for "unwanted") applies.
    commercial = evaluate(policy(COMMERCIAL), o, draft(want("L1", reason=ReasonCode.UNWANTED)), ctx(at(2026, 3, 5)))
    assert commercial.decline_reason == "outcome.not_allowed"


def test_no_restocking_fee_during_withdrawal() -> None:
    o = order(line("L1", price="50.00", delivered=DELIVERED))
    d = draft(want("L1", reason=ReasonCode.UNWANTED, resolution=Resolution.store_credit()))
    inside = evaluate(policy(shop()), o, d, ctx(at(2026, 3, 5)))
    assert inside.fees.restocking == eur("0")
    assert "eu.no_restocking" in inside.explanation.message_keys()
    later = evaluate(
        policy(EU + "[windows]\ndays = 30\n[fees]\nrestocking_percent = { unwanted = 10 }"), o, d, ctx(at(2026, 3, 25))
    )
    assert later.fees.restocking == eur("5.00")


@pytest.mark.parametrize(
    ("extra", "lines", "shipping_refund"),
    [
        ("", ("L1", "L2"), "4.90"),  # whole order withdrawn: cheapest standard delivery, not the express paid
        ("", ("L1",), "0"),  # partial withdrawal: delivery not refunded by default
        ("refund_delivery_on_partial = true", ("L1",), "4.90"),
    ],
)
def test_cheapest_standard_delivery_is_refunded(extra: str, lines: tuple[str, ...], shipping_refund: str) -> None:
    o = order(line("L1", delivered=DELIVERED), line("L2", delivered=DELIVERED), shipping="9.90")
    e = evaluate(policy(shop(extra)), o, draft(*(want(i) for i in lines)), ctx(at(2026, 3, 5)))
    assert e.amounts.shipping_refund == eur(shipping_refund)
    if shipping_refund != "0":
        assert "eu.delivery_refunded" in e.explanation.message_keys()


def test_delivery_refund_without_configured_cheapest_is_what_was_paid() -> None:
    o = order(line("L1", delivered=DELIVERED), shipping="9.90")
    e = evaluate(policy(COMMERCIAL + "[eu_withdrawal]\n"), o, draft(want("L1")), ctx(at(2026, 3, 5)))
    assert e.amounts.shipping_refund == eur("9.90")


def test_more_generous_commercial_shipping_refund_wins() -> None:
    o = order(line("L1", delivered=DELIVERED), shipping="9.90")
    e = evaluate(policy(EU + '[fees]\nshipping_refund = "always"'), o, draft(want("L1")), ctx(at(2026, 3, 5)))
    assert e.amounts.shipping_refund == eur("9.90")


def test_final_sale_still_has_the_legal_withdrawal() -> None:
    o = order(line("L1", delivered=DELIVERED, final_sale=True))
    e = evaluate(policy(shop()), o, draft(want("L1")), ctx(at(2026, 3, 5)))
    assert e.decision is not Decision.DECLINE and e.withdrawal
    without = evaluate(policy(COMMERCIAL), o, draft(want("L1")), ctx(at(2026, 3, 5)))
    assert without.decline_reason == "exclusion.final_sale"


def test_l221_28_exclusions_have_no_withdrawal() -> None:
    personalised = order(line("L1", delivered=DELIVERED, tags=frozenset({"personalised"})))
    # Commercial window still open: returnable commercially, but no legal withdrawal and no refund deadline.
    e = evaluate(policy(shop()), personalised, draft(want("L1")), ctx(at(2026, 3, 5)))
    assert not e.withdrawal and e.refund_due_by is None
    assert "eu.excluded" in e.explanation.message_keys()
    # After the commercial window: nothing left.
    late = evaluate(policy(shop()), personalised, draft(want("L1")), ctx(at(2026, 3, 12)))
    assert late.decision is Decision.DECLINE


def test_preset_only_covers_configured_countries() -> None:
    o = order(line("L1", delivered=DELIVERED), country="US")
    e = evaluate(policy(shop()), o, draft(want("L1")), ctx(at(2026, 3, 12)))
    assert e.decision is Decision.DECLINE and not e.withdrawal


def test_legal_withdrawal_is_never_declined_automatically() -> None:
    rules = '\n[[rules]]\nid = "deny"\npriority = 1\naction = "decline"\n'
    o = order(line("L1", delivered=DELIVERED))
    e = evaluate(policy(shop() + rules), o, draft(want("L1")), ctx(at(2026, 3, 5)))
    assert e.decision is Decision.REVIEW
    assert "eu.no_auto_decline" in e.explanation.message_keys()
    outside = evaluate(policy(EU + "[windows]\ndays = 30" + rules), o, draft(want("L1")), ctx(at(2026, 3, 25)))
    assert outside.decision is Decision.DECLINE


def test_customer_limit_does_not_apply_to_withdrawal() -> None:
    o = order(line("L1", delivered=DELIVERED))
    now = at(2026, 3, 5)
    history = (now - timedelta(days=1),)
    p = policy(shop("[customer_limit]\nmax_returns = 1"))
    e = evaluate(p, o, draft(want("L1")), ctx(now, customer_returns=history))
    assert e.decision is not Decision.DECLINE
    assert "eu.limit_not_applied" in e.explanation.message_keys()
