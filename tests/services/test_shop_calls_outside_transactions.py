"""The shop is asked before or after a transaction, never inside one (``tests.watched_shop`` says why).

For each use case that asks the shop: the portal's lookup, eligible lines and create, opening a return from a
webhook without its order, an agent's resolve (what the order has left to refund) and paying a failed refund
again.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from connector.bootstrap import Container
from connector.config.model import Config
from connector.domain import Condition, Disposition, Platform, ReturnMethod, ReturnStatus
from connector.domain.money import Money
from connector.domain.reasons import ReasonCode
from connector.domain.resolutions import Resolution
from connector.policy import Decision, Policy
from connector.services.eligible_lines import eligible_lines
from connector.services.executor import ActionExecutor
from connector.services.failed_payment import pay_failed_action
from connector.services.policies import set_policy
from connector.services.portal_lookup import find_customer_order
from connector.services.portal_return import AskedLine, ask_for_return
from connector.services.returns import LineInput, ReturnService
from connector.store.actions_repo import ActionState
from connector.store.crypto import CredentialCipher
from tests.factories import AGENT, CUSTOMER, NOW, order, order_line
from tests.fakes import FakeShop
from tests.watched_shop import OpenConnections, WatchedShop, watching

SHOP = "shop-a"


@pytest.fixture
def connections(engine: Engine) -> Iterator[OpenConnections]:
    yield from watching(engine)


@pytest.fixture
def fake_shop() -> FakeShop:
    source = order(order_line("L1", ordered=2, fulfilled=2), order_line("L2", ordered=1, fulfilled=1))
    return FakeShop(orders={source.id: source}, stock={"V-9": 3}, prices={"V-9": Money("20.00", "EUR")})


@pytest.fixture
def adapter(fake_shop: FakeShop, connections: OpenConnections) -> WatchedShop:
    return WatchedShop(fake_shop, connections)


@pytest.fixture
def container(engine: Engine, adapter: WatchedShop) -> Container:
    built = Container(Config(), _cipher=CredentialCipher([CredentialCipher.generate_key()]), clock=lambda: NOW,
                      adapter_factory=lambda _c, _s, _creds: adapter)
    built.__dict__["engine"] = engine
    with built.uow() as uow:  # a WooCommerce shop: it lists an order's refunds, which resolve asks for
        uow.shops.add(Platform.WOOCOMMERCE, "https://shop.example", shop_id=SHOP, credentials={"k": "v"})
        set_policy(uow, SHOP, Policy(name="approve", default_action=Decision.APPROVE))
        uow.commit()
    return built


def _refund(order_line_id: str = "L1") -> LineInput:
    return LineInput(order_line_id, 1, ReasonCode.SIZE_TOO_SMALL, Resolution.refund())


def _resolved(container: Container) -> str:
    """A return received, inspected and resolved: its refund action is recorded, not yet paid."""
    service = ReturnService(container)
    request = service.open_return(SHOP, "O1", [_refund()], ReturnMethod.PREPAID_LABEL, CUSTOMER).request
    line_id = request.lines[0].id
    service.receive(SHOP, request.id, AGENT, {line_id: 1})
    service.inspect(SHOP, request.id, AGENT, line_id, Condition.NEW, Disposition.RESTOCK)
    service.resolve(SHOP, request.id, AGENT)
    return request.id


def test_the_watch_sees_a_call_made_inside_a_transaction(container: Container, adapter: WatchedShop) -> None:
    with container.uow():
        adapter.fetch_order("O1")
    adapter.fetch_order("O1")

    assert adapter.inside == ["fetch_order"] and adapter.asked == ["fetch_order", "fetch_order"]


def test_the_portal_lookup_asks_the_shop_after_reading_the_snapshots(
    container: Container, adapter: WatchedShop
) -> None:
    found = find_customer_order(container, SHOP, "1001", "ANA@example.com")

    assert found is not None and found.id == "O1"
    assert adapter.asked == ["find_order"] and adapter.inside == []


def test_eligible_lines_fetch_the_order_before_their_transaction(container: Container, adapter: WatchedShop) -> None:
    found = eligible_lines(container, SHOP, "O1")

    assert [line.line_id for line in found.lines] == ["L1", "L2"]
    assert adapter.asked == ["fetch_order"] and adapter.inside == []
    eligible_lines(container, SHOP, "O1")
    assert adapter.asked == ["fetch_order"]  # the deciding transaction stored what the shop said


def test_asking_for_an_exchange_asks_the_shop_before_opening(container: Container, adapter: WatchedShop) -> None:
    asked = [AskedLine("L1", 1, ReasonCode.SIZE_TOO_SMALL, Resolution.exchange("V-9"))]

    done = ask_for_return(container, SHOP, "O1", asked, ReturnMethod.PREPAID_LABEL, CUSTOMER, keep_item=False)

    assert done.outcome is not None and done.outcome.request.status is ReturnStatus.APPROVED
    assert done.outcome.request.lines[0].resolution.exchange_price == Money("20.00", "EUR")
    assert adapter.asked[:3] == ["fetch_order", "available_stock", "variant_price"] and adapter.inside == []


def test_opening_without_the_order_fetches_it_before_the_transaction(
    container: Container, adapter: WatchedShop
) -> None:
    outcome = ReturnService(container).open_return(
        SHOP, "O1", [_refund()], ReturnMethod.PREPAID_LABEL, CUSTOMER, platform_return_id="shop-return-1"
    )

    assert outcome.request.order_id == "O1"
    assert adapter.asked == ["fetch_order"] and adapter.inside == []


def test_resolve_asks_what_is_left_to_refund_before_its_transaction(
    container: Container, adapter: WatchedShop
) -> None:
    return_id = _resolved(container)

    with container.uow() as uow:
        request = uow.returns(SHOP).get(return_id)
    assert request is not None and request.status is ReturnStatus.RESOLVED
    assert "shop_refunds" in adapter.asked and adapter.inside == []


def test_paying_a_refused_refund_again_asks_the_shop_between_transactions(
    container: Container, adapter: WatchedShop, fake_shop: FakeShop
) -> None:
    return_id = _resolved(container)
    with container.uow() as uow:
        refund = next(a for a in uow.actions(SHOP).for_return(return_id) if a.kind.value == "refund")
    fake_shop.fail_next.append("refuse")
    assert ActionExecutor(container).run(SHOP, refund.id) is ActionState.FAILED  # refused before any effect
    adapter.asked.clear()

    outcome = pay_failed_action(container, SHOP, return_id, AGENT, Money("5.00", "EUR"), "part refunded by hand")

    assert outcome.action_ids
    assert {"shop_refunds", "find_refund"} <= set(adapter.asked) and adapter.inside == []
