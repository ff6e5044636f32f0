"""The return's steps that tracking takes (issue 19), in the domain: ``resolve_at_first_scan`` only from in_transit,
the receipt of a return paid at first scan recorded without changing its state, the carrier's alert keeping
the state; and the policy's ``refund_on_first_scan_max``, absent from the stored form (and fingerprint) of a
policy that does not set it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from connector.domain.errors import IllegalTransition, InvalidReturn
from connector.domain.events import Actor
from connector.domain.money import Money
from connector.domain.states import ReturnStatus
from connector.policy.schema import policy_from_dict, policy_to_dict
from tests.factories import AGENT, NOW, order, order_line, return_request

CARRIER = Actor.system("carrier")


def _in_transit(quantity: int = 2):  # type: ignore[no-untyped-def]
    request = return_request(order(order_line(ordered=2, fulfilled=2)), quantity=quantity)
    request.approve(AGENT, NOW)
    request.mark_in_transit(CARRIER, NOW, "TRK1")
    return request


def test_resolve_at_first_scan_only_from_in_transit() -> None:
    approved = return_request()
    approved.approve(AGENT, NOW)
    with pytest.raises(IllegalTransition, match="cannot resolve_at_first_scan a return that is approved"):
        approved.resolve_at_first_scan(CARRIER, NOW)
    received = _in_transit()
    received.receive(AGENT, NOW, {received.lines[0].id: 2})
    with pytest.raises(IllegalTransition):
        received.resolve_at_first_scan(CARRIER, NOW)
    scanned = _in_transit()
    scanned.resolve_at_first_scan(CARRIER, NOW, "refund on first scan", {"limit": "100.00"})
    last = scanned.events[-1]
    assert scanned.status is ReturnStatus.RESOLVED
    assert (last.action, last.from_status, last.data) == ("resolve_at_first_scan", ReturnStatus.IN_TRANSIT,
                                                          {"limit": "100.00"})


def test_the_receipt_of_a_return_paid_at_first_scan_keeps_its_state() -> None:
    paid = _in_transit()
    line = paid.lines[0].id
    paid.resolve_at_first_scan(CARRIER, NOW)
    paid.record_money_moved(CARRIER, NOW, "refund", Money("36", "EUR"))
    paid.close(CARRIER, NOW, "paid out")
    with pytest.raises(InvalidReturn):
        paid.receive_after_first_scan(CARRIER, NOW, {line: 3})  # more than expected
    paid.receive_after_first_scan(CARRIER, NOW, {line: 2})
    assert paid.status is ReturnStatus.CLOSED and paid.fully_received
    assert paid.events[-1].action == "receive_after_first_scan"
    assert paid.events[-1].from_status is paid.events[-1].to_status is ReturnStatus.CLOSED

    inspected = _in_transit()
    inspected.receive(AGENT, NOW, {inspected.lines[0].id: 1})
    with pytest.raises(IllegalTransition, match="not paid at first scan"):
        inspected.receive_after_first_scan(CARRIER, NOW, {inspected.lines[0].id: 1})


def test_a_carrier_alert_keeps_the_state() -> None:
    request = _in_transit()
    request.alert_tracking(CARRIER, NOW, "", {"carrier_status": "80"})
    alert = request.events[-1]
    assert request.status is ReturnStatus.IN_TRANSIT
    assert (alert.action, alert.reason, alert.to_status) == ("tracking_alert", "carrier exception",
                                                             ReturnStatus.IN_TRANSIT)


def test_the_policys_first_scan_cap() -> None:
    plain = policy_from_dict({"name": "p"})
    assert plain.refund_on_first_scan_max is None and "refund_on_first_scan_max" not in policy_to_dict(plain)
    capped = policy_from_dict({"name": "p", "refund_on_first_scan_max": {"EUR": "80", "JPY": 9000}})
    assert capped.refund_on_first_scan_max is not None
    assert capped.refund_on_first_scan_max.get("EUR") == Money(Decimal("80"), "EUR")
    assert capped.refund_on_first_scan_max.get("USD") is None
    assert policy_from_dict(policy_to_dict(capped)) == capped
    with pytest.raises(Exception, match="refund_on_first_scan_max"):
        policy_from_dict({"name": "p", "refund_on_first_scan_max": {"EUR": "-1"}})
