"""Dry run of a policy change over past returns."""

from __future__ import annotations

from decimal import Decimal

from connector.domain import ReasonCode, Resolution
from connector.policy import Decision, simulate
from connector.policy.context import EvaluationContext
from tests.policy.builders import at, draft, line, order, policy, request_from, want

OLD = 'default_action = "approve"\n[windows]\ndays = 30'
NEW = 'default_action = "approve"\n[windows]\ndays = 14\n[fees]\nrestocking_percent = { unwanted = 10 }'


def case(delivered_day: int, reason: ReasonCode, resolution: Resolution, currency: str = "EUR", price: str = "40.00"):  # type: ignore[no-untyped-def]
    o = order(line("L1", price=price, currency=currency, delivered=at(2026, 3, delivered_day)))
    when = at(2026, 3, 25)
    d = draft(want("L1", reason=reason, resolution=resolution))
    return o, request_from(d, o, when), EvaluationContext(now=when)


def test_simulation_reports_what_would_change() -> None:
    cases = [
        case(20, ReasonCode.SIZE_TOO_SMALL, Resolution.refund()),  # unchanged
        case(2, ReasonCode.SIZE_TOO_SMALL, Resolution.refund()),  # 23 days: approve -> decline
        case(20, ReasonCode.UNWANTED, Resolution.refund()),  # restocking fee appears
        case(20, ReasonCode.UNWANTED, Resolution.store_credit(), currency="JPY", price="4000"),
    ]
    report = simulate(policy(OLD), policy(NEW), cases)
    assert report.cases == 4
    assert report.old_decisions == {Decision.APPROVE: 4}
    assert report.new_decisions == {Decision.APPROVE: 3, Decision.DECLINE: 1}
    assert report.transitions == {(Decision.APPROVE, Decision.DECLINE): 1}
    assert report.old_totals.refund == {"EUR": Decimal("120.00"), "JPY": Decimal("0")}
    assert report.new_totals.refund == {"EUR": Decimal("76.00"), "JPY": Decimal("0")}  # 40 + 36, one declined
    assert report.new_totals.store_credit == {"EUR": Decimal("0.00"), "JPY": Decimal("3600")}
    assert [c.index for c in report.changed] == [1, 2, 3]
    assert report.changed[0].changes == ("decision", "outcomes")
    assert report.changed[1].changes == ("refund", "fees")
    assert report.outcomes_changed == 1
    assert report.old_fingerprint != report.new_fingerprint
    summary = report.summary()
    assert "4 cases, 3 would change" in summary
    assert "decline: 0 -> 1" in summary


def test_same_policy_changes_nothing() -> None:
    cases = [case(20, ReasonCode.UNWANTED, Resolution.refund()), case(1, ReasonCode.DEFECTIVE, Resolution.refund())]
    report = simulate(policy(NEW), policy(NEW), cases)
    assert report.changed == ()
    assert report.old_decisions == report.new_decisions
    assert report.transitions == {}
