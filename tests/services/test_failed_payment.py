"""An agent pays a resolved return whose refund the shop refused, with another amount (issue 16, P2-10).

The failed action stays failed; a new action with its own key pays the agent's amount once; the return's
amounts and history say what was paid, by whose decision and why. Actions that may have paid are never
paid again this way.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from connector.bootstrap import Container
from connector.domain import Condition, Disposition, ReturnStatus
from connector.domain.actions import ActionKind, PlatformEffect
from connector.domain.errors import InvalidReturn
from connector.domain.resolutions import Resolution
from connector.services.executor import FAILED_BEFORE_EFFECT
from connector.services.failed_payment import NotPayableAgain, _failed_action, pay_failed_action
from connector.services.returns import Outcome, ReturnNotFound, ReturnService
from connector.store.actions_repo import ActionRecord, ActionState
from tests.factories import AGENT, NOW, money
from tests.fakes import FakeShop
from tests.services.test_returns_flow import _open, _run_all, container, shop  # noqa: F401  (fixtures)


def _resolved(container: Container, resolution: Resolution | None = None) -> tuple[str, Outcome]:  # noqa: F811
    service = ReturnService(container)
    return_id = _open(container, resolution, quantity=1)
    service.receive("shop-a", return_id, AGENT, {f"{return_id}-1": 1})
    service.inspect("shop-a", return_id, AGENT, f"{return_id}-1", Condition.NEW, Disposition.DISPOSE)
    return return_id, service.resolve("shop-a", return_id, AGENT)


def _action(container: Container, action_id: str) -> ActionRecord:  # noqa: F811
    with container.uow() as uow:
        found = uow.actions("shop-a").get(action_id)
    assert found is not None
    return found


def _refused(container: Container, shop: FakeShop) -> tuple[str, ActionRecord]:  # noqa: F811
    return_id, outcome = _resolved(container)
    shop.fail_next = ["refuse"]
    assert _run_all(container, outcome.action_ids) == [ActionState.FAILED]
    failed = _action(container, outcome.action_ids[0])
    assert failed.kind is ActionKind.REFUND and (failed.result or {}).get(FAILED_BEFORE_EFFECT) is True
    return return_id, failed


def test_a_refused_refund_is_paid_once_with_the_agents_amount(container: Container, shop: FakeShop) -> None:  # noqa: F811
    return_id, failed = _refused(container, shop)
    paid = pay_failed_action(container, "shop-a", return_id, AGENT, money("5.00"), "only 5.00 left at the shop")
    new = _action(container, paid.action_ids[0])
    assert new.id != failed.id and new.idempotency_key == f"ret:{return_id}:refund:r2"
    assert new.state is ActionState.PENDING and paid.outbox_ids
    assert _run_all(container, paid.action_ids) == [ActionState.SUCCEEDED]

    assert {key: effect.amount for key, effect in shop.refunds.items()} == {new.idempotency_key: money("5.00")}
    assert _action(container, failed.id).state is ActionState.FAILED  # kept in the history as it was
    with container.uow() as uow:
        request = uow.returns("shop-a").get(return_id)
    assert request is not None and request.status is ReturnStatus.CLOSED
    assert request.amounts is not None and request.amounts.refund == money("5.00")
    decided = next(e for e in request.events if e.data.get("replaces_action") == failed.id)
    assert (decided.actor, decided.reason, decided.data["override"]) == (AGENT, "only 5.00 left at the shop", "5.00")

    with pytest.raises(NotPayableAgain):  # a second time: nothing more is paid
        pay_failed_action(container, "shop-a", return_id, AGENT, money("5.00"), "again", failed.id)
    with pytest.raises(NotPayableAgain):
        pay_failed_action(container, "shop-a", return_id, AGENT, money("5.00"), "again", new.id)
    assert len(shop.refunds) == 1


def test_the_amount_is_capped_by_what_is_left_and_in_the_returns_currency(
    container: Container, shop: FakeShop  # noqa: F811
) -> None:
    return_id, failed = _refused(container, shop)
    left = shop.orders["O1"].total_paid  # the fake shop lists no refunds: all of it is left
    with pytest.raises(InvalidReturn, match=f"{left} left to refund"):
        pay_failed_action(container, "shop-a", return_id, AGENT, left + money("0.01"), "too much")
    with pytest.raises(InvalidReturn, match="EUR"):
        pay_failed_action(container, "shop-a", return_id, AGENT, money("5.00", "USD"), "wrong currency")
    with pytest.raises(InvalidReturn, match="reason"):
        pay_failed_action(container, "shop-a", return_id, AGENT, money("5.00"), " ")
    with pytest.raises(ReturnNotFound):
        pay_failed_action(container, "shop-a", return_id, AGENT, money("5.00"), "x", "no-such-action")
    assert _action(container, failed.id).state is ActionState.FAILED
    assert len(_all_actions(container, return_id)) == 1 and not shop.refunds


def test_an_action_that_may_have_paid_is_never_paid_again(container: Container, shop: FakeShop) -> None:  # noqa: F811
    return_id, outcome = _resolved(container)
    shop.fail_next = ["lost"]  # sent, answer lost: unknown
    assert _run_all(container, outcome.action_ids) == [ActionState.UNKNOWN]
    with pytest.raises(NotPayableAgain, match="unknown"):
        pay_failed_action(container, "shop-a", return_id, AGENT, money("5.00"), "x", outcome.action_ids[0])
    with pytest.raises(NotPayableAgain, match="no failed refund"):
        pay_failed_action(container, "shop-a", return_id, AGENT, money("5.00"), "x")


def test_an_action_given_up_after_retries_is_only_retried(container: Container, shop: FakeShop) -> None:  # noqa: F811
    return_id, outcome = _resolved(container)
    shop.fail_next = ["retry", "retry", "retry"]
    for _ in range(3):
        _run_all(container, outcome.action_ids)
        container.clock.now += timedelta(seconds=10)  # type: ignore[attr-defined]
    assert _action(container, outcome.action_ids[0]).state is ActionState.FAILED
    with pytest.raises(NotPayableAgain, match="may have paid"):
        pay_failed_action(container, "shop-a", return_id, AGENT, money("5.00"), "x")


def test_an_effect_the_shop_holds_for_the_failed_key_is_not_paid_again(
    container: Container, shop: FakeShop  # noqa: F811
) -> None:
    return_id, failed = _refused(container, shop)
    shop.refunds[failed.idempotency_key] = PlatformEffect(ActionKind.REFUND, "refund-9", money("20.00"))
    with pytest.raises(NotPayableAgain, match="retry that action"):
        pay_failed_action(container, "shop-a", return_id, AGENT, money("5.00"), "x")
    assert len(_all_actions(container, return_id)) == 1


def _all_actions(container: Container, return_id: str) -> list[ActionRecord]:  # noqa: F811
    with container.uow() as uow:
        return [a for a in uow.actions("shop-a").for_return(return_id) if a.kind is ActionKind.REFUND]


def test_a_refused_store_credit_is_issued_again_with_the_agents_amount(
    container: Container, shop: FakeShop  # noqa: F811
) -> None:
    return_id, outcome = _resolved(container, Resolution.store_credit())
    shop.fail_next = ["refuse"]
    assert _run_all(container, outcome.action_ids) == [ActionState.FAILED]
    paid = pay_failed_action(container, "shop-a", return_id, AGENT, money("7.00"), "the coupon code was taken")
    assert _action(container, paid.action_ids[0]).idempotency_key == f"ret:{return_id}:credit:r2"
    assert _run_all(container, paid.action_ids) == [ActionState.SUCCEEDED]
    assert [e.amount for e in shop.credits.values()] == [money("7.00")]
    with container.uow() as uow:
        request = uow.returns("shop-a").get(return_id)
    assert request is not None and request.status is ReturnStatus.CLOSED
    assert request.amounts is not None and request.amounts.store_credit == money("7.00")


def test_the_policys_credit_bonus_is_never_paid_with_another_amount() -> None:
    bonus = ActionRecord("A1", "shop-a", "R1", ActionKind.STORE_CREDIT, "ret:R1:credit-bonus", ActionState.FAILED,
                         {"bonus": True}, {FAILED_BEFORE_EFFECT: True}, 1, "refused", None, NOW, NOW)
    with pytest.raises(NotPayableAgain, match="bonus"):
        _failed_action([bonus], "R1", "A1")


def test_a_refund_refused_before_the_mark_existed_is_paid_too(container: Container, shop: FakeShop) -> None:  # noqa: F811
    """Failed actions recorded before the executor marked refusals (a real store kept two such returns stuck):
    one that failed at its first attempt was refused outright, and can be paid with another amount."""
    return_id, failed = _refused(container, shop)
    with container.uow() as uow:
        uow.actions("shop-a").transition(failed.id, None, ActionState.FAILED, result={"legacy": True})
        uow.commit()
    assert FAILED_BEFORE_EFFECT not in (_action(container, failed.id).result or {})

    paid = pay_failed_action(container, "shop-a", return_id, AGENT, money("5.00"), "only 5.00 left at the shop")

    assert _run_all(container, paid.action_ids) == [ActionState.SUCCEEDED]
    assert [effect.amount for effect in shop.refunds.values()] == [money("5.00")]
