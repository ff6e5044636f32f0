"""Issue 15 §1 and §3 at the service level, over the real store with an in-memory shop behind the port.

§1: where credit travels in the return's refund (Shopify), the policy's bonus is a store-credit action of its
own (key ``ret:<id>:credit-bonus``), run after the refund, found before any retry, and shown apart in the
amounts and the history. Elsewhere (WooCommerce) the credit, bonus included, stays one coupon.
§3: keep-the-item resolves at once when granted (also after an agent's approval), and is refused, opening
nothing, when not.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, update

from connector.bootstrap import Container
from connector.config.model import Config, QueueSettings
from connector.domain import Condition, Disposition, Platform, ReturnMethod, ReturnStatus
from connector.domain.actions import ActionKind
from connector.domain.reasons import ReasonCode
from connector.domain.resolutions import Resolution
from connector.policy.schema import policy_from_dict
from connector.services import instructions
from connector.services.executor import ActionExecutor
from connector.services.policies import set_policy
from connector.services.returns import KeepItemRefused, LineInput, ReturnService
from connector.store.actions_repo import ActionRecord, ActionState
from connector.store.crypto import CredentialCipher
from connector.store.tables import returns
from tests.factories import AGENT, CUSTOMER, NOW, money, order, order_line
from tests.fakes import FakeAdapter, FakeShop

SHOPIFY, WOO = "shop-b", "shop-a"
PLATFORM_RETURN = "gid://shopify/Return/77"
# L1: 2 x 40.00 with 8.00 off the line, so one unit was paid 36.00.
BONUS_POLICY = {"name": "bonus", "default_action": "approve",
                "bonus": {"kind": "percent", "percent": "10", "outcomes": ["store_credit"]}}
BIG_BONUS_POLICY = {"name": "big bonus", "default_action": "approve",
                    "bonus": {"kind": "flat", "flat": {"EUR": "50.00"}, "outcomes": ["store_credit"]}}
KEEP_POLICY = {"name": "keep", "default_action": "approve", "keep_item": {"below": {"EUR": "50"}}}


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self):  # type: ignore[no-untyped-def]
        return self.now


@pytest.fixture
def shop() -> FakeShop:
    source = order(order_line("L1", ordered=2, fulfilled=2), order_line("L2", ordered=1, fulfilled=1))
    other = order(order_line("L1", ordered=2, fulfilled=2), order_line("L2", ordered=1, fulfilled=1),
                  shop_id=SHOPIFY, order_id="B1")
    return FakeShop(orders={source.id: source, other.id: other})


@pytest.fixture
def container(engine: Engine, shop: FakeShop) -> Iterator[Container]:
    config = replace(Config(), queue=QueueSettings(max_attempts=3, backoff_base_seconds=1, backoff_max_seconds=2))
    built = Container(config, _cipher=CredentialCipher([CredentialCipher.generate_key()]), clock=Clock(),
                      adapter_factory=lambda _c, _shop, _creds: FakeAdapter(shop))
    built.__dict__["engine"] = engine
    with built.uow() as uow:
        uow.shops.add(Platform.WOOCOMMERCE, "https://shop.example", shop_id=WOO,
                      credentials={"consumer_key": "ck", "consumer_secret": "cs"})
        uow.shops.add(Platform.SHOPIFY, "b-shop.myshopify.com", shop_id=SHOPIFY, credentials={"access_token": "t"})
        uow.commit()
    yield built


def _policy(container: Container, data: dict[str, Any]) -> None:
    with container.uow() as uow:
        for shop_id in (WOO, SHOPIFY):
            set_policy(uow, shop_id, policy_from_dict(data, source="test"))
        uow.commit()


def _resolved_credit_return(container: Container, shop_id: str, *, received: int = 1, quantity: int = 1) -> str:
    service = ReturnService(container)
    order_id = "B1" if shop_id == SHOPIFY else "O1"
    opened = service.open_return(
        shop_id, order_id, [LineInput("L1", quantity, ReasonCode.STYLE, Resolution.store_credit())],
        ReturnMethod.IN_STORE, CUSTOMER, platform_return_id=PLATFORM_RETURN if shop_id == SHOPIFY else None,
    )
    return_id = opened.request.id
    line = f"{return_id}-1"
    service.receive(shop_id, return_id, AGENT, {line: received})
    service.inspect(shop_id, return_id, AGENT, line, Condition.NEW, Disposition.RESTOCK)
    service.resolve(shop_id, return_id, AGENT)
    with container.uow() as uow:
        approvals = [a.id for a in uow.actions(shop_id).for_return(return_id) if a.kind is ActionKind.APPROVE]
    for action_id in approvals:  # the shop is told first: the money waits for it
        assert ActionExecutor(container).run(shop_id, action_id) is ActionState.SUCCEEDED
    container.clock.now += timedelta(seconds=2)  # type: ignore[attr-defined]
    return return_id


def _money_actions(container: Container, shop_id: str, return_id: str) -> list[ActionRecord]:
    with container.uow() as uow:
        found = uow.actions(shop_id).for_return(return_id)
    return [a for a in found if a.kind in (ActionKind.REFUND, ActionKind.STORE_CREDIT)]


def test_on_shopify_the_bonus_is_a_credit_of_its_own(container: Container, shop: FakeShop) -> None:
    _policy(container, BONUS_POLICY)
    return_id = _resolved_credit_return(container, SHOPIFY)
    with container.uow() as uow:
        request = uow.returns(SHOPIFY).get(return_id)
    assert request is not None and request.amounts is not None
    assert request.amounts.store_credit == money("39.60")  # 36.00 paid + 3.60 bonus
    assert request.amounts.store_credit_bonus == money("3.60")

    refund, bonus = _money_actions(container, SHOPIFY, return_id)
    assert refund.kind is ActionKind.REFUND
    assert instructions.refund_from_json(refund.payload).store_credit_amount == money("36.00")
    assert bonus.kind is ActionKind.STORE_CREDIT and bonus.idempotency_key == f"ret:{return_id}:credit-bonus"
    credit = instructions.credit_from_json(bonus.payload)
    assert credit.bonus and credit.amount == money("3.60") and credit.not_before == NOW

    executor = ActionExecutor(container)
    assert executor.run(SHOPIFY, bonus.id) is None  # waits for the return's own refund
    assert shop.calls.count("credit") == 0
    assert executor.run(SHOPIFY, refund.id) is ActionState.SUCCEEDED
    container.clock.now += timedelta(seconds=2)  # type: ignore[attr-defined]
    assert executor.run(SHOPIFY, bonus.id) is ActionState.SUCCEEDED
    assert shop.credits[bonus.idempotency_key].amount == money("3.60")
    with container.uow() as uow:
        paid = uow.returns(SHOPIFY).get(return_id)
    assert paid is not None and paid.status is ReturnStatus.CLOSED
    moved = {e.action: e.data["amount"] for e in paid.events if "amount" in e.data}
    assert moved["store_credit_bonus"] == "3.60"


def test_a_bonus_larger_than_what_was_paid(container: Container) -> None:
    _policy(container, BIG_BONUS_POLICY)
    return_id = _resolved_credit_return(container, SHOPIFY)
    refund, bonus = _money_actions(container, SHOPIFY, return_id)
    assert instructions.refund_from_json(refund.payload).store_credit_amount == money("36.00")
    assert instructions.credit_from_json(bonus.payload).amount == money("50.00")


def test_the_bonus_found_after_a_lost_answer_is_not_paid_again(container: Container, shop: FakeShop) -> None:
    _policy(container, BONUS_POLICY)
    return_id = _resolved_credit_return(container, SHOPIFY)
    refund, bonus = _money_actions(container, SHOPIFY, return_id)
    executor = ActionExecutor(container)
    assert executor.run(SHOPIFY, refund.id) is ActionState.SUCCEEDED
    shop.fail_next = ["lost"]
    assert executor.run(SHOPIFY, bonus.id) is ActionState.UNKNOWN
    container.clock.now += timedelta(seconds=5)  # type: ignore[attr-defined]
    assert executor.run(SHOPIFY, bonus.id) is ActionState.SUCCEEDED
    assert shop.calls.count("credit") == 1 and shop.calls.count("find_credit") == 1


def test_partial_receipt_scales_the_bonus(container: Container) -> None:
    _policy(container, BONUS_POLICY)
    return_id = _resolved_credit_return(container, SHOPIFY, quantity=2, received=1)
    refund, bonus = _money_actions(container, SHOPIFY, return_id)
    assert instructions.refund_from_json(refund.payload).store_credit_amount == money("36.00")
    assert instructions.credit_from_json(bonus.payload).amount == money("3.60")


def test_on_woocommerce_the_credit_stays_one_coupon(container: Container) -> None:
    _policy(container, BONUS_POLICY)
    return_id = _resolved_credit_return(container, WOO)
    (credit,) = _money_actions(container, WOO, return_id)
    assert credit.idempotency_key == f"ret:{return_id}:credit"
    instruction = instructions.credit_from_json(credit.payload)
    assert instruction.amount == money("39.60") and not instruction.bonus


def test_amounts_stored_before_the_bonus_line_get_it_from_their_lines(container: Container) -> None:
    _policy(container, BONUS_POLICY)
    opened = ReturnService(container).open_return(
        WOO, "O1", [LineInput("L1", 1, ReasonCode.STYLE, Resolution.store_credit())], ReturnMethod.IN_STORE, CUSTOMER
    )
    with container.uow() as uow:
        row = uow.connection.execute(returns.select().where(returns.c.id == opened.request.id)).mappings().one()
        older = {k: v for k, v in row["amounts"].items() if k != "store_credit_bonus"}
        uow.connection.execute(update(returns).where(returns.c.id == opened.request.id).values(amounts=older))
        uow.commit()
    with container.uow() as uow:
        loaded = uow.returns(WOO).get(opened.request.id)
    assert loaded is not None and loaded.amounts is not None
    assert loaded.amounts.store_credit_bonus == money("3.60")


def test_keep_the_item_resolves_at_once(container: Container, shop: FakeShop) -> None:
    _policy(container, KEEP_POLICY)
    outcome = ReturnService(container).open_return(
        SHOPIFY, "B1", [LineInput("L1", 1, ReasonCode.STYLE, Resolution.refund())], ReturnMethod.RELAY_POINT,
        CUSTOMER, keep_item=True,
    )
    request = outcome.request
    assert request.keep_item and request.status is ReturnStatus.RESOLVED
    assert [e.action for e in request.events] == ["request", "approve", "resolve"]
    assert request.events[-1].data == {"keep_item": True, "skipped": ["in_transit", "received", "inspected"]}
    assert request.events[-1].reason.startswith("Nothing to send back or inspect")
    assert outcome.evaluation is not None
    assert "keep_item.resolved" in outcome.evaluation.explanation.message_keys()
    with container.uow() as uow:
        kinds = [a.kind for a in uow.actions(SHOPIFY).for_return(request.id)]
    assert kinds == [ActionKind.CREATE_RETURN, ActionKind.REFUND]


def test_keep_the_item_refused_opens_nothing(container: Container) -> None:
    _policy(container, KEEP_POLICY)
    service = ReturnService(container)
    with pytest.raises(KeepItemRefused) as refused:  # 2 units: 72.00, not below 50
        service.open_return(WOO, "O1", [LineInput("L1", 2, ReasonCode.STYLE, Resolution.refund())],
                            ReturnMethod.RELAY_POINT, CUSTOMER, keep_item=True)
    assert refused.value.text("en") == "Keeping the item is not possible here (return worth €72.00, limit €50.00)."
    assert refused.value.text("fr").startswith("Garder l'article n'est pas possible ici")
    with pytest.raises(KeepItemRefused) as by_outcome:
        service.open_return(WOO, "O1", [LineInput("L1", 1, ReasonCode.STYLE, Resolution.exchange("V-L1"))],
                            ReturnMethod.RELAY_POINT, CUSTOMER, keep_item=True)
    assert by_outcome.value.text("en") == "Keeping the item only comes with a refund or store credit."
    with container.uow() as uow:
        assert uow.returns(WOO).for_order("O1") == []


def test_keep_the_item_approved_by_an_agent_resolves_at_once(container: Container) -> None:
    _policy(container, {**KEEP_POLICY, "default_action": "review"})
    service = ReturnService(container)
    opened = service.open_return(WOO, "O1", [LineInput("L1", 1, ReasonCode.STYLE, Resolution.refund())],
                                 ReturnMethod.RELAY_POINT, CUSTOMER, keep_item=True)
    assert opened.request.status is ReturnStatus.REQUESTED and opened.request.keep_item
    approved = service.approve(WOO, opened.request.id, AGENT, "fine")
    assert approved.request.status is ReturnStatus.RESOLVED
    with container.uow() as uow:
        kinds = [a.kind for a in uow.actions(WOO).for_return(opened.request.id)]
    assert ActionKind.REFUND in kinds
