"""Return use cases end to end over the real store, with an in-memory shop behind the adapter port."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import Engine

from connector.bootstrap import Container
from connector.config.model import Config, QueueSettings
from connector.domain import Condition, Disposition, Platform, ReturnMethod, ReturnStatus
from connector.domain.actions import ActionKind
from connector.domain.reasons import ReasonCode
from connector.domain.resolutions import Resolution
from connector.policy import Decision, Policy
from connector.services.executor import ActionExecutor
from connector.services.policies import set_policy
from connector.services.returns import LineInput, ReturnService
from connector.store.actions_repo import ActionState
from connector.store.crypto import CredentialCipher
from tests.factories import AGENT, CUSTOMER, NOW, money, order, order_line
from tests.fakes import FakeAdapter, FakeShop


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self):  # type: ignore[no-untyped-def]
        return self.now


@pytest.fixture
def shop() -> FakeShop:
    source = order(order_line("L1", ordered=2, fulfilled=2), order_line("L2", ordered=1, fulfilled=1))
    return FakeShop(orders={source.id: source})


@pytest.fixture
def container(engine: Engine, shop: FakeShop) -> Iterator[Container]:
    clock = Clock()
    config = replace(Config(), queue=QueueSettings(max_attempts=3, backoff_base_seconds=1, backoff_max_seconds=2))
    built = Container(config, _cipher=CredentialCipher([CredentialCipher.generate_key()]), clock=clock,
                      adapter_factory=lambda _c, _shop, _creds: FakeAdapter(shop))
    built.__dict__["engine"] = engine
    with built.uow() as uow:
        uow.shops.add(Platform.WOOCOMMERCE, "https://shop.example", shop_id="shop-a",
                      credentials={"consumer_key": "ck", "consumer_secret": "cs"})
        set_policy(uow, "shop-a", Policy(name="approve everything", default_action=Decision.APPROVE))
        uow.commit()
    yield built


def _run_all(container: Container, ids: tuple[str, ...]) -> list[ActionState | None]:
    executor = ActionExecutor(container)
    return [executor.run("shop-a", action_id) for action_id in ids]


def _open(container: Container, resolution: Resolution | None = None, quantity: int = 2) -> str:
    resolution = resolution or Resolution.refund()
    outcome = ReturnService(container).open_return(
        "shop-a", "O1", [LineInput("L1", quantity, ReasonCode.SIZE_TOO_SMALL, resolution)],
        ReturnMethod.PREPAID_LABEL, CUSTOMER,
    )
    assert outcome.evaluation is not None
    return outcome.request.id


def test_open_applies_the_policy_and_keeps_its_explanation(container: Container, shop: FakeShop) -> None:
    return_id = _open(container)
    with container.uow() as uow:
        stored = uow.returns("shop-a").get(return_id)
        evaluation = uow.returns("shop-a").evaluation(return_id)
    assert stored is not None and stored.status is ReturnStatus.APPROVED
    assert stored.amounts is not None and stored.amounts.refund <= stored.amounts.paid + stored.amounts.shipping_refund
    assert evaluation is not None and evaluation["decision"] == "approve"
    assert evaluation["explanation"]["en"] and evaluation["explanation"]["fr"]
    assert "fetch_order" in shop.calls


def test_full_refund_flow_pays_once_and_closes(container: Container, shop: FakeShop) -> None:
    service = ReturnService(container)
    return_id = _open(container)
    service.mark_in_transit("shop-a", return_id, AGENT, "6A0001")
    service.receive("shop-a", return_id, AGENT, {f"{return_id}-1": 2})
    service.inspect("shop-a", return_id, AGENT, f"{return_id}-1", Condition.NEW, Disposition.RESTOCK)
    outcome = service.resolve("shop-a", return_id, AGENT)
    assert len(outcome.action_ids) == 1
    assert _run_all(container, outcome.action_ids) == [ActionState.SUCCEEDED]
    assert _run_all(container, outcome.action_ids) == [None]  # a second run does nothing
    assert shop.calls.count("refund") == 1 and len(shop.refunds) == 1
    with container.uow() as uow:
        final = uow.returns("shop-a").get(return_id)
    assert final is not None and final.status is ReturnStatus.CLOSED and final.money_moved
    paid = next(iter(shop.refunds.values())).amount
    assert paid is not None and final.amounts is not None and paid == final.amounts.refund


def test_lost_answer_is_found_not_paid_again(container: Container, shop: FakeShop) -> None:
    service = ReturnService(container)
    return_id = _open(container, Resolution.store_credit(), quantity=1)
    service.receive("shop-a", return_id, AGENT, {f"{return_id}-1": 1})
    service.inspect("shop-a", return_id, AGENT, f"{return_id}-1", Condition.NEW, Disposition.RESTOCK)
    outcome = service.resolve("shop-a", return_id, AGENT)
    shop.fail_next = ["lost"]
    # the credit's answer is lost; the restocked unit goes back in stock on its own action (issue 16)
    assert _run_all(container, outcome.action_ids) == [ActionState.UNKNOWN, ActionState.SUCCEEDED]
    container.clock.now += timedelta(seconds=5)  # type: ignore[attr-defined]
    assert _run_all(container, outcome.action_ids) == [ActionState.SUCCEEDED, None]
    assert shop.calls.count("credit") == 1 and shop.calls.count("find_credit") == 1
    assert shop.restocked == {"L1": 1}
    assert len(shop.credits) == 1


def test_retries_then_fails_visibly(container: Container, shop: FakeShop) -> None:
    service = ReturnService(container)
    return_id = _open(container, quantity=1)
    service.receive("shop-a", return_id, AGENT, {f"{return_id}-1": 1})
    service.inspect("shop-a", return_id, AGENT, f"{return_id}-1", Condition.NEW, Disposition.DISPOSE)
    outcome = service.resolve("shop-a", return_id, AGENT)
    shop.fail_next = ["retry", "retry", "retry"]
    states = []
    for _ in range(3):
        states += _run_all(container, outcome.action_ids)
        container.clock.now += timedelta(seconds=10)  # type: ignore[attr-defined]
    assert states == [ActionState.PENDING, ActionState.PENDING, ActionState.FAILED]
    with container.uow() as uow:
        failed = uow.actions("shop-a").get(outcome.action_ids[0])
    assert failed is not None and failed.state is ActionState.FAILED and "503" in (failed.last_error or "")
    assert not shop.refunds


def test_missing_items_are_not_paid(container: Container, shop: FakeShop) -> None:
    service = ReturnService(container)
    return_id = _open(container, quantity=2)
    service.receive("shop-a", return_id, AGENT, {f"{return_id}-1": 1})
    with container.uow() as uow:
        before = uow.returns("shop-a").get(return_id)
    assert before is not None and before.amounts is not None
    service.inspect("shop-a", return_id, AGENT, f"{return_id}-1", Condition.NEW, Disposition.RESTOCK)
    outcome = service.resolve("shop-a", return_id, AGENT)
    _run_all(container, outcome.action_ids)
    paid = next(iter(shop.refunds.values())).amount
    assert paid is not None and paid < before.amounts.refund


def test_override_needs_a_reason_and_cannot_exceed_paid(container: Container, shop: FakeShop) -> None:
    from connector.domain.errors import InvalidReturn

    service = ReturnService(container)
    return_id = _open(container, quantity=1)
    service.receive("shop-a", return_id, AGENT, {f"{return_id}-1": 1})
    service.inspect("shop-a", return_id, AGENT, f"{return_id}-1", Condition.DAMAGED, Disposition.DISPOSE)
    with pytest.raises(InvalidReturn):
        service.resolve("shop-a", return_id, AGENT, override=money("5.00"))
    with pytest.raises(InvalidReturn):
        service.resolve("shop-a", return_id, AGENT, override=money("5000.00"), reason="goodwill")
    outcome = service.resolve("shop-a", return_id, AGENT, override=money("5.00"), reason="worn item, goodwill")
    _run_all(container, outcome.action_ids)
    assert [e.amount for e in shop.refunds.values()] == [money("5.00")]


def test_woocommerce_steps_write_order_notes(container: Container, shop: FakeShop) -> None:
    return_id = _open(container)
    with container.uow() as uow:
        kinds = [a.kind for a in uow.actions("shop-a").for_return(return_id)]
        ids = tuple(a.id for a in uow.actions("shop-a").for_return(return_id))
    assert kinds == [ActionKind.NOTE]
    _run_all(container, ids)
    assert shop.notes and return_id in shop.notes[0][1]


def test_review_waits_for_an_agent(container: Container, shop: FakeShop) -> None:
    with container.uow() as uow:
        set_policy(uow, "shop-a", Policy(name="review everything", default_action=Decision.REVIEW))
        uow.commit()
    return_id = _open(container)
    service = ReturnService(container)
    with container.uow() as uow:
        waiting = uow.returns("shop-a").get(return_id)
        assert waiting is not None and waiting.status is ReturnStatus.REQUESTED
        assert uow.policies("shop-a").current().version == 2  # type: ignore[union-attr]
    approved = service.approve("shop-a", return_id, AGENT, "looks fine")
    assert approved.request.status is ReturnStatus.APPROVED
    assert approved.request.events[-1].actor == AGENT


def test_customers_read_the_rule_message_not_our_rule_id(container: Container, shop: FakeShop) -> None:
    from connector.policy.schema import policy_from_dict

    strict = policy_from_dict({
        "name": "no style returns", "default_action": "approve",
        "rules": [{"id": "no-style", "priority": 1, "action": "decline", "when": {"reasons": ["size_too_small"]},
                   "message": {"en": "Sizing returns are not accepted.", "fr": "Pas de retour pour la taille."}}],
    })
    with container.uow() as uow:
        set_policy(uow, "shop-a", strict)
        uow.commit()
    return_id = _open(container)
    with container.uow() as uow:
        declined = uow.returns("shop-a").get(return_id)
        evaluation = uow.returns("shop-a").evaluation(return_id)
    assert declined is not None and declined.status is ReturnStatus.DECLINED
    assert declined.decline_reason == "Sizing returns are not accepted."
    assert evaluation is not None and any("no-style" in line for line in evaluation["explanation"]["en"])


def test_an_exchange_waits_for_the_refund_of_the_same_return(container: Container, shop: FakeShop) -> None:
    service = ReturnService(container)
    outcome = service.open_return(
        "shop-a", "O1",
        [LineInput("L1", 1, ReasonCode.STYLE, Resolution.refund()),
         LineInput("L2", 1, ReasonCode.DEFECTIVE, Resolution.exchange(variant_id="V-L2"))],
        ReturnMethod.IN_STORE, CUSTOMER,
    )
    return_id = outcome.request.id
    service.receive("shop-a", return_id, AGENT, {f"{return_id}-1": 1, f"{return_id}-2": 1})
    for line in (f"{return_id}-1", f"{return_id}-2"):
        service.inspect("shop-a", return_id, AGENT, line, Condition.NEW, Disposition.RESTOCK)
    resolved = service.resolve("shop-a", return_id, AGENT)
    with container.uow() as uow:
        by_kind = {a.kind: a.id for a in uow.actions("shop-a").list() if a.id in resolved.action_ids}
    executor = ActionExecutor(container)
    assert executor.run("shop-a", by_kind[ActionKind.EXCHANGE]) is None  # the refund has not run yet
    assert shop.calls.count("exchange") == 0
    assert executor.run("shop-a", by_kind[ActionKind.REFUND]) is ActionState.SUCCEEDED
    container.clock.now += timedelta(seconds=2)  # type: ignore[attr-defined]
    assert executor.run("shop-a", by_kind[ActionKind.EXCHANGE]) is ActionState.SUCCEEDED
    assert shop.calls.index("refund") < shop.calls.index("exchange")


def test_credit_return_restocks_only_the_units_inspected_restock(container: Container, shop: FakeShop) -> None:
    """Issue 16: credit and exchange returns restock too (a restock action of their own, paying nothing)."""
    service = ReturnService(container)
    return_id = ReturnService(container).open_return(
        "shop-a", "O1", [LineInput("L1", 1, ReasonCode.SIZE_TOO_SMALL, Resolution.store_credit()),
                         LineInput("L2", 1, ReasonCode.SIZE_TOO_SMALL, Resolution.store_credit())],
        ReturnMethod.PREPAID_LABEL, CUSTOMER,
    ).request.id
    service.receive("shop-a", return_id, AGENT, {f"{return_id}-1": 1, f"{return_id}-2": 1})
    service.inspect("shop-a", return_id, AGENT, f"{return_id}-1", Condition.NEW, Disposition.RESTOCK)
    service.inspect("shop-a", return_id, AGENT, f"{return_id}-2", Condition.DAMAGED, Disposition.DISPOSE)
    outcome = service.resolve("shop-a", return_id, AGENT)
    with container.uow() as uow:
        kinds = [a.kind for a in uow.actions("shop-a").for_return(return_id) if a.id in outcome.action_ids]
    assert kinds == [ActionKind.STORE_CREDIT, ActionKind.RESTOCK]
    assert _run_all(container, outcome.action_ids) == [ActionState.SUCCEEDED, ActionState.SUCCEEDED]
    assert shop.restocked == {"L1": 1}
