from __future__ import annotations

from datetime import timedelta

import pytest

from connector.domain import (
    Condition,
    Disposition,
    IllegalTransition,
    InvalidReturn,
    ReturnStatus,
)
from connector.domain.reasons import ReasonCode, reason_from_shopify
from connector.domain.resolutions import Resolution
from tests.factories import AGENT, NOW, money, order, order_line, return_request


def test_open_refuses_more_than_fulfilled_minus_returned() -> None:
    source = order(order_line(ordered=3, fulfilled=2, returned=1))
    with pytest.raises(InvalidReturn, match="1 can be returned"):
        return_request(source, quantity=2)
    assert return_request(source, quantity=1).total_quantity == 1


def test_open_counts_units_on_other_open_returns() -> None:
    from connector.domain import ReturnLine, ReturnMethod, ReturnRequest

    source = order(order_line(ordered=2, fulfilled=2))
    line = ReturnLine(id="x", order_line_id="L1", quantity=2, reason=ReasonCode.STYLE, resolution=Resolution.refund())
    with pytest.raises(InvalidReturn):
        ReturnRequest.open(id="R2", order=source, lines=[line], method=ReturnMethod.IN_STORE, actor=AGENT, at=NOW,
                           pending_quantities={"L1": 1})


def test_full_lifecycle_records_every_transition_with_actor() -> None:
    ret = return_request(quantity=2)
    ret.approve(AGENT, NOW)
    ret.mark_in_transit(AGENT, NOW, tracking="6A123")
    ret.receive(AGENT, NOW, {"R1-1": 1})
    assert ret.status is ReturnStatus.RECEIVED and not ret.fully_received
    ret.receive(AGENT, NOW + timedelta(days=1), {"R1-1": 1})
    assert ret.fully_received
    ret.inspect(AGENT, NOW, "R1-1", Condition.NEW, Disposition.RESTOCK)
    assert ret.status is ReturnStatus.INSPECTED
    ret.resolve(AGENT, NOW)
    ret.close(AGENT, NOW)
    actions = [e.action for e in ret.events]
    assert actions == ["request", "approve", "mark_in_transit", "receive", "receive", "inspect", "resolve", "close"]
    assert [e.seq for e in ret.events] == list(range(1, 9))
    assert all(e.actor == AGENT for e in ret.events[1:])
    assert ret.events[2].data == {"tracking": "6A123"}


def test_illegal_transition_names_the_current_state() -> None:
    ret = return_request()
    with pytest.raises(IllegalTransition, match="cannot close a return that is requested"):
        ret.close(AGENT, NOW)
    assert ret.status is ReturnStatus.REQUESTED
    assert len(ret.events) == 1


def test_cannot_receive_more_than_expected() -> None:
    ret = return_request(quantity=1)
    ret.approve(AGENT, NOW)
    with pytest.raises(InvalidReturn):
        ret.receive(AGENT, NOW, {"R1-1": 2})
    assert ret.line("R1-1").received_quantity == 0


def test_cancel_only_before_goods_or_money_move() -> None:
    ret = return_request()
    ret.approve(AGENT, NOW)
    ret.record_money_moved(AGENT, NOW, "refund", money("10.00"))
    with pytest.raises(IllegalTransition, match="money"):
        ret.cancel(AGENT, NOW, "changed my mind")
    other = return_request(return_id="R2")
    other.approve(AGENT, NOW)
    other.mark_in_transit(AGENT, NOW)
    with pytest.raises(IllegalTransition):
        other.cancel(AGENT, NOW, "too late")
    fresh = return_request(return_id="R3")
    fresh.cancel(AGENT, NOW, "changed my mind")
    assert fresh.status is ReturnStatus.CANCELED


def test_decline_needs_a_reason() -> None:
    ret = return_request()
    with pytest.raises(InvalidReturn):
        ret.decline(AGENT, NOW, "  ")
    ret.decline(AGENT, NOW, "final sale")
    assert ret.decline_reason == "final sale" and ret.status is ReturnStatus.DECLINED


def test_keep_item_may_resolve_without_receipt_but_others_may_not() -> None:
    ret = return_request()
    ret.approve(AGENT, NOW)
    with pytest.raises(IllegalTransition):
        ret.resolve(AGENT, NOW)
    ret.keep_item = True
    ret.resolve(AGENT, NOW)
    assert ret.status is ReturnStatus.RESOLVED


def test_bonus_only_with_credit_or_exchange() -> None:
    with pytest.raises(InvalidReturn):
        Resolution(Resolution.refund().kind, bonus=money("5"))
    assert Resolution.store_credit(bonus=money("5")).bonus == money("5")
    with pytest.raises(InvalidReturn):
        Resolution.exchange()


def test_naive_datetimes_are_refused() -> None:
    from datetime import datetime

    from connector.domain.errors import DomainError

    ret = return_request()
    with pytest.raises(DomainError):
        ret.approve(AGENT, datetime(2026, 1, 1))


@pytest.mark.parametrize(
    ("enum", "handle", "expected"),
    [("SIZE_TOO_SMALL", None, ReasonCode.SIZE_TOO_SMALL), ("wrong_item", None, ReasonCode.WRONG_ITEM),
     ("OTHER", "arrived-late", ReasonCode.ARRIVED_LATE), (None, "unknown-handle", ReasonCode.OTHER),
     ("UNKNOWN", None, ReasonCode.OTHER), ("COLOR", None, ReasonCode.COLOUR)],
)
def test_shopify_reason_mapping(enum: str | None, handle: str | None, expected: ReasonCode) -> None:
    assert reason_from_shopify(enum, handle) is expected
