"""Issue 19: refund on first scan. When the shop's carrier account asks for it and the return is worth no more than
the policy's ``refund_on_first_scan_max``, the carrier's first scan pays the return (as if received in full,
through the usual refund action) and the later delivery records the receipt without paying again. Over the
limit, or without the option, the return waits for its inspection. Paid amounts are read from the shop's own
records (the in-memory shop's refunds), the webhooks come from the sandbox carrier over HTTP.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import Engine

from connector.domain.actions import ActionKind
from connector.domain.states import ReturnStatus
from connector.services.return_tracking import tracked_return
from tests.logistics.tracking_stack import SHOP, tracking_stack


def test_a_return_under_the_limit_is_paid_once_at_first_scan(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    with tracking_stack(engine, monkeypatch, refund_on_first_scan=True, first_scan_max="100") as stack:
        return_id, shipment = stack.label_return()
        stack.sandbox("PUT", "webhooks", json={"duplicate_next": 1})
        stack.advance(shipment)  # the first scan, delivered twice
        stack.work()
        paid = stack.stored(return_id)
        assert paid.amounts is not None and Decimal(0) < paid.amounts.refund.amount <= Decimal(100)
        assert paid.status is ReturnStatus.CLOSED and paid.money_moved  # resolved at the scan, closed once paid
        steps = [(e.action, e.from_status, e.to_status) for e in paid.events]
        assert ("mark_in_transit", ReturnStatus.APPROVED, ReturnStatus.IN_TRANSIT) in steps
        assert ("resolve_at_first_scan", ReturnStatus.IN_TRANSIT, ReturnStatus.RESOLVED) in steps
        resolved = next(e for e in paid.events if e.action == "resolve_at_first_scan")
        assert str(resolved.actor) == "system:carrier" and resolved.data["refund_on_first_scan"] is True
        assert resolved.data["limit"] == "100.00" and Decimal(resolved.data["value"]) == paid.amounts.refund.amount
        assert list(stack.shop.refunds) == [f"ret:{return_id}:refund"]
        assert stack.shop.refunds[f"ret:{return_id}:refund"].amount == paid.amounts.refund
        assert paid.received_quantity == 0

        stack.advance(shipment, steps=4)  # ... and the parcel reaches the warehouse
        stack.advance(shipment, status=11)  # told twice
        stack.work()
        received = stack.stored(return_id)
        assert received.status is ReturnStatus.CLOSED and received.received_quantity == 1
        assert [e.action for e in received.events].count("receive_after_first_scan") == 1
        assert stack.shop.calls.count("refund") == 1 and len(stack.shop.refunds) == 1
        with stack.container.uow() as uow:
            money = [a for a in uow.actions(SHOP).for_return(return_id) if a.kind is ActionKind.REFUND]
        assert len(money) == 1
        seen = tracked_return(stack.container, SHOP, return_id)  # what the customer's tracking page lists
        assert seen is not None
        assert [step.action for step in seen.timeline] == [
            "request", "approve", "mark_in_transit", "resolve_at_first_scan", "refund", "close",
            "receive_after_first_scan",
        ]


@pytest.mark.parametrize(("option", "limit"), [(True, "10"), (False, "100"), (True, None)])
def test_over_the_limit_or_without_the_option_the_return_waits_for_inspection(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, option: bool, limit: str | None
) -> None:
    with tracking_stack(engine, monkeypatch, refund_on_first_scan=option, first_scan_max=limit) as stack:
        return_id, shipment = stack.label_return()
        stack.advance(shipment)
        stack.work()
        assert stack.stored(return_id).status is ReturnStatus.IN_TRANSIT
        stack.advance(shipment, steps=4)
        stack.work()
        received = stack.stored(return_id)
        assert received.status is ReturnStatus.RECEIVED and not received.money_moved
        assert "resolve_at_first_scan" not in [e.action for e in received.events]
        assert stack.shop.refunds == {} and "refund" not in stack.shop.calls
