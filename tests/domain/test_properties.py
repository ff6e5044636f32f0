"""Hypothesis properties of the model: amounts, quantities and the state machine."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from connector.domain import (
    Condition,
    Disposition,
    DomainError,
    InvalidReturn,
    LineAmounts,
    Money,
    ReturnAmounts,
    ReturnFees,
    ReturnStatus,
)
from connector.domain.states import TERMINAL, TRANSITIONS
from tests.factories import AGENT, NOW, order, order_line, return_request

CURRENCIES = st.sampled_from(["EUR", "JPY", "USD", "KWD"])


@st.composite
def lines(draw: st.DrawFn) -> tuple[object, int]:
    currency = draw(CURRENCIES)
    ordered = draw(st.integers(min_value=1, max_value=20))
    fulfilled = draw(st.integers(min_value=0, max_value=ordered))
    returned = draw(st.integers(min_value=0, max_value=fulfilled))
    price = draw(st.decimals(min_value=Decimal("0"), max_value=Decimal("5000"), places=3))
    gross = price * ordered
    discount = draw(st.decimals(min_value=Decimal("0"), max_value=gross, places=3))
    tax = draw(st.decimals(min_value=Decimal("0"), max_value=Decimal("1000"), places=3))
    line = order_line(currency=currency, ordered=ordered, fulfilled=fulfilled, returned=returned,
                      price=str(price), discount=str(discount), tax=str(tax),
                      taxes_included=draw(st.booleans()))
    quantity = draw(st.integers(min_value=1, max_value=25))
    return line, quantity


@given(lines())
def test_a_line_never_returns_more_than_fulfilled_minus_returned(case: tuple[object, int]) -> None:
    line, quantity = case
    source = order(line, currency=line.currency)  # type: ignore[attr-defined]
    allowed = line.quantity_fulfilled - line.quantity_returned  # type: ignore[attr-defined]
    if quantity > allowed:
        with pytest.raises(InvalidReturn):
            return_request(source, quantity=quantity)
    else:
        assert return_request(source, quantity=quantity).lines[0].quantity == quantity


@given(lines())
def test_amounts_never_exceed_what_was_paid(case: tuple[object, int]) -> None:
    line, quantity = case
    quantity = min(quantity, line.quantity_ordered)  # type: ignore[attr-defined]
    paid_share = line.paid_for(quantity)  # type: ignore[attr-defined]
    assert paid_share <= line.paid_total  # type: ignore[attr-defined]
    assert not paid_share.is_negative()
    per_unit_sum = Money.sum((line.paid_for(1) for _ in range(quantity)), line.currency)  # type: ignore[attr-defined]
    assert per_unit_sum <= line.paid_total  # type: ignore[attr-defined]


@given(lines(), st.integers(min_value=0, max_value=500))
def test_set_amounts_refuses_anything_above_paid(case: tuple[object, int], extra_minor: int) -> None:
    line, _ = case
    if line.returnable_quantity == 0:  # type: ignore[attr-defined]
        return
    source = order(line, currency=line.currency, shipping="0")  # type: ignore[attr-defined]
    ret = return_request(source, quantity=1)
    currency = line.currency  # type: ignore[attr-defined]
    paid = line.paid_for(1)  # type: ignore[attr-defined]
    asked = paid + Money.from_minor(extra_minor, currency)
    zero = Money.zero(currency)
    amounts = ReturnAmounts(currency, (LineAmounts(ret.lines[0].id, asked, zero, zero, zero),), zero, zero,
                            asked, zero, zero)
    if extra_minor == 0:
        ret.set_amounts(ReturnFees.none(currency), amounts, source)
        assert ret.amounts == amounts
    else:
        with pytest.raises(InvalidReturn):
            ret.set_amounts(ReturnFees.none(currency), amounts, source)
        assert ret.amounts is None


class ReturnLifecycle(RuleBasedStateMachine):
    """Random sequences of actions: the status only ever moves along the transition table."""

    def __init__(self) -> None:
        super().__init__()
        self.ret = return_request(order(order_line(ordered=3, fulfilled=3)), quantity=3)
        self.history: list[ReturnStatus] = [self.ret.status]
        self.paid = False

    def _attempt(self, action: str, call: object) -> None:
        before = self.ret.status
        events_before = len(self.ret.events)
        try:
            call()  # type: ignore[operator]
        except DomainError:
            assert self.ret.status is before
            return
        transition = TRANSITIONS.get(action)
        if transition is not None and self.ret.status is not before:
            assert before in transition.sources and self.ret.status is transition.target
        assert len(self.ret.events) > events_before
        self.history.append(self.ret.status)

    @rule()
    def approve(self) -> None:
        self._attempt("approve", lambda: self.ret.approve(AGENT, NOW))

    @rule()
    def decline(self) -> None:
        self._attempt("decline", lambda: self.ret.decline(AGENT, NOW, "no"))

    @rule()
    def ship(self) -> None:
        self._attempt("mark_in_transit", lambda: self.ret.mark_in_transit(AGENT, NOW))

    @rule(quantity=st.integers(min_value=1, max_value=3))
    def receive(self, quantity: int) -> None:
        self._attempt("receive", lambda: self.ret.receive(AGENT, NOW, {self.ret.lines[0].id: quantity}))

    @rule(disposition=st.sampled_from(list(Disposition)))
    def inspect(self, disposition: Disposition) -> None:
        self._attempt("inspect", lambda: self.ret.inspect(AGENT, NOW, self.ret.lines[0].id, Condition.NEW, disposition))

    @rule()
    def pay(self) -> None:
        if self.ret.status in (ReturnStatus.INSPECTED, ReturnStatus.RESOLVED):
            self.ret.record_money_moved(AGENT, NOW, "refund", Money("1", "EUR"))
            self.paid = True

    @rule()
    def resolve(self) -> None:
        self._attempt("resolve", lambda: self.ret.resolve(AGENT, NOW))

    @rule()
    def close(self) -> None:
        self._attempt("close", lambda: self.ret.close(AGENT, NOW))

    @rule()
    def cancel(self) -> None:
        self._attempt("cancel", lambda: self.ret.cancel(AGENT, NOW, "changed mind"))

    @invariant()
    def terminal_states_are_final(self) -> None:
        for index, status in enumerate(self.history[:-1]):
            if status in TERMINAL:
                assert self.history[index + 1] is status

    @invariant()
    def never_canceled_after_goods_or_money(self) -> None:
        if self.ret.status is ReturnStatus.CANCELED:
            assert self.ret.received_quantity == 0 and not self.ret.money_moved

    @invariant()
    def received_never_exceeds_expected(self) -> None:
        line = self.ret.lines[0]
        assert 0 <= line.received_quantity <= line.quantity

    @invariant()
    def events_are_numbered_in_order(self) -> None:
        assert [e.seq for e in self.ret.events] == list(range(1, len(self.ret.events) + 1))


ReturnLifecycle.TestCase.settings = settings(max_examples=150, stateful_step_count=30, deadline=None)
TestReturnLifecycle = ReturnLifecycle.TestCase
