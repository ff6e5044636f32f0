"""Refunds made by hand in the shop's admin, attached to our returns over the real store (issue 15 §4).

The in-memory shop counts every money call, so "nothing is paid twice" is checked as no refund call at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import Engine

from connector.bootstrap import Container
from connector.config.model import Config
from connector.domain import Condition, Disposition, Platform, ReturnMethod, ReturnStatus
from connector.domain.money import Money
from connector.domain.reasons import ReasonCode
from connector.domain.resolutions import Resolution
from connector.domain.returns import ReturnLine, ReturnRequest
from connector.domain.shop_refunds import RefundedLine, ShopRefund
from connector.policy import Decision, Policy
from connector.ports import IncomingEvent
from connector.services.executor import ActionExecutor
from connector.services.incoming import IncomingEventHandler
from connector.services.policies import set_policy
from connector.services.returns import LineInput, ReturnService
from connector.services.shop_refunds import attach_shop_refund
from connector.services.sync import sync_shop_orders
from connector.store.actions_repo import ActionState
from connector.store.crypto import CredentialCipher
from tests.factories import AGENT, CUSTOMER, NOW, order, order_line
from tests.fakes import FakeAdapter, FakeShop

SHOP = "shop-a"


class ReadsReturns(FakeAdapter):
    """The Shopify adapter's ``fetch_return`` (for a decline whose body has no lines), and the WooCommerce
    adapter's ``shop_refunds`` (the order's refunds, as polling and ``order.updated`` read them)."""

    listed: list[ShopRefund] = []

    def shop_refunds(self, order_id: str) -> list[ShopRefund]:
        self.shop.calls.append("shop_refunds")
        return [r for r in self.listed if r.order_id == order_id]

    def fetch_return(self, return_id: str) -> ReturnRequest:
        self.shop.calls.append("fetch_return")
        source = self.shop.orders["O1"]
        line = ReturnLine("x-1", "L1", 1, ReasonCode.STYLE, Resolution.refund(), platform_line_id="RL1")
        return ReturnRequest.open(id="x", order=source, lines=[line], method=ReturnMethod.PREPAID_LABEL,
                                  actor=AGENT, at=NOW, platform_return_id=return_id, check_quantities=False)


@pytest.fixture
def shop() -> FakeShop:
    source = order(order_line("L1", ordered=2, fulfilled=2), order_line("L2", ordered=1, fulfilled=1))
    return FakeShop(orders={source.id: source})


def _container(engine: Engine, shop: FakeShop, platform: Platform) -> Container:
    built = Container(Config(), _cipher=CredentialCipher([CredentialCipher.generate_key()]), clock=lambda: NOW,
                      adapter_factory=lambda _c, _s, _creds: ReadsReturns(shop))
    built.__dict__["engine"] = engine
    address = "s.myshopify.com" if platform is Platform.SHOPIFY else "https://shop.example"
    with built.uow() as uow:
        uow.shops.add(platform, address, shop_id=SHOP, credentials={"access_token": "t"})
        set_policy(uow, SHOP, Policy(name="approve everything", default_action=Decision.APPROVE))
        uow.commit()
    return built


@pytest.fixture
def container(engine: Engine, shop: FakeShop) -> Iterator[Container]:
    yield _container(engine, shop, Platform.WOOCOMMERCE)


def _open(container: Container, quantity: int = 2) -> ReturnRequest:
    outcome = ReturnService(container).open_return(
        SHOP, "O1", [LineInput("L1", quantity, ReasonCode.SIZE_TOO_SMALL, Resolution.refund())],
        ReturnMethod.PREPAID_LABEL, CUSTOMER,
    )
    return outcome.request


def _refund(quantity: int = 2, *, refund_id: str = "901", keys: frozenset[str] = frozenset(),
            platform_return_id: str | None = None) -> ShopRefund:
    return ShopRefund(
        refund_id=refund_id, order_id="O1", amount=Money("40.00", "EUR"),
        lines=(RefundedLine("L1", quantity, Money("40.00", "EUR"), restocked=True),),
        platform_return_id=platform_return_id, adjustment=Money("-2.50", "EUR"), our_keys=keys,
    )


def _load(container: Container, return_id: str) -> ReturnRequest:
    with container.uow() as uow:
        found = uow.returns(SHOP).get(return_id)
    assert found is not None
    return found


def test_a_refund_made_by_hand_pays_the_pending_refund_action_instead_of_paying_twice(
    container: Container, shop: FakeShop
) -> None:
    service = ReturnService(container)
    request = _open(container)
    service.receive(SHOP, request.id, AGENT, {f"{request.id}-1": 2})
    service.inspect(SHOP, request.id, AGENT, f"{request.id}-1", Condition.NEW, Disposition.RESTOCK)
    resolved = service.resolve(SHOP, request.id, AGENT)
    assert len(resolved.action_ids) == 1  # our refund, not yet run

    assert attach_shop_refund(container, SHOP, _refund()) == "refund-attached-resolved"
    assert attach_shop_refund(container, SHOP, _refund()) == "refund-known"  # a repeated webhook or poll

    executor = ActionExecutor(container)
    assert [executor.run(SHOP, a) for a in resolved.action_ids] == [ActionState.SUCCEEDED]
    assert "refund" not in shop.calls and not shop.refunds  # the shop was never asked to pay again
    final = _load(container, request.id)
    assert final.status is ReturnStatus.CLOSED and final.money_moved
    recorded = [e for e in final.events if e.action == "refund_at_shop"]
    assert len(recorded) == 1
    assert recorded[0].data["amount"] == "40.00" and recorded[0].data["adjustment"] == "-2.50"
    assert recorded[0].data["restocked"] is True and recorded[0].data["settles_return"] is True
    with container.uow() as uow:
        action = uow.actions(SHOP).get(resolved.action_ids[0])
    assert action is not None and action.result is not None and action.result["platform_id"] == "901"


def test_a_refund_by_hand_before_the_goods_came_back_moves_the_return_on_and_closes_it(
    container: Container, shop: FakeShop
) -> None:
    request = _open(container)
    assert attach_shop_refund(container, SHOP, _refund()) == "refund-attached-closed"
    final = _load(container, request.id)
    assert final.status is ReturnStatus.CLOSED
    assert final.lines[0].received_quantity == 2 and final.lines[0].disposition is Disposition.RESTOCK
    with container.uow() as uow:
        kinds = [a.kind.value for a in uow.actions(SHOP).for_return(request.id)]
    assert "refund" not in kinds and "refund" not in shop.calls


def test_our_own_refund_and_one_for_other_lines_are_left_alone(container: Container) -> None:
    request = _open(container, quantity=1)
    assert attach_shop_refund(container, SHOP, _refund(keys=frozenset({"k1"}))) == "refund-ours"
    other = replace(_refund(), lines=(RefundedLine("L2", 1, Money("9.00", "EUR"), restocked=False),))
    assert attach_shop_refund(container, SHOP, other) == "refund-no-return"
    assert not [e for e in _load(container, request.id).events if e.action == "refund_at_shop"]


def test_a_partial_refund_by_hand_is_recorded_and_left_to_an_agent(container: Container) -> None:
    request = _open(container, quantity=2)
    assert attach_shop_refund(container, SHOP, _refund(quantity=1)) == "refund-attached-partial"
    kept = _load(container, request.id)
    assert kept.status is ReturnStatus.APPROVED and kept.money_moved
    assert kept.events[-1].action == "note" and "agent" in kept.events[-1].reason


@pytest.fixture
def shopify(engine: Engine, shop: FakeShop) -> Container:
    return _container(engine, shop, Platform.SHOPIFY)


def _decline(data: dict[str, object]) -> IncomingEvent:
    return IncomingEvent("return_declined", "s.myshopify.com", "gid://shopify/Return/7", NOW,
                         data={"return_id": "gid://shopify/Return/7", "decline_reason": "final_sale",
                               "decline_note": "Final sale item", **data})


def test_a_decline_for_a_return_never_seen_opens_it_declined(shopify: Container, shop: FakeShop) -> None:
    handler = IncomingEventHandler(shopify)
    # Shopify's documented returns/decline body: no lines, so the return is read from the shop.
    assert handler.apply(SHOP, _decline({"order_id": "O1", "lines": []})) == "return-opened-declined"
    assert shop.calls.count("fetch_return") == 1
    with shopify.uow() as uow:
        seen = uow.returns(SHOP).get_by_platform_id("gid://shopify/Return/7")
        assert seen is not None
        actions = uow.actions(SHOP).for_return(seen.id)
    assert seen.status is ReturnStatus.DECLINED and seen.decline_reason == "Final sale item"
    assert [line.order_line_id for line in seen.lines] == ["L1"]
    assert actions == []  # nothing is sent back to the shop that declined it
    assert handler.apply(SHOP, _decline({})) == "return-decline-skipped-declined"


def test_a_return_closed_at_the_shop_closes_ours_and_shipping_fees_are_the_shops(
    shopify: Container, shop: FakeShop
) -> None:
    handler = IncomingEventHandler(shopify)
    requested = {"return_id": "gid://shopify/Return/8", "order_id": "O1", "exchange_variant_ids": [],
                 "lines": [{"id": "RL8", "order_line_id": "L1", "quantity": 1, "reason": "style"}],
                 "return_shipping_fee": {"amount": "4.50", "currency": "EUR"}}
    assert handler.apply(SHOP, IncomingEvent("return_requested", "s", "gid://shopify/Return/8", NOW,
                                             data=requested)) == "return-opened-approved"
    with shopify.uow() as uow:
        opened = uow.returns(SHOP).get_by_platform_id("gid://shopify/Return/8")
    assert opened is not None and opened.fees is not None and opened.amounts is not None
    assert opened.fees.return_shipping == Money("4.50", "EUR")
    assert opened.amounts.refund == opened.amounts.paid - Money("4.50", "EUR")
    closed = IncomingEvent("return_closed", "s", "gid://shopify/Return/8", NOW,
                           data={"return_id": "gid://shopify/Return/8"})
    assert handler.apply(SHOP, closed) == "return-closed-at-shop"
    with shopify.uow() as uow:
        final = uow.returns(SHOP).get_by_platform_id("gid://shopify/Return/8")
    assert final is not None and final.status is ReturnStatus.CLOSED and final.events[-1].action == "close_at_shop"


def test_polling_attaches_a_refund_made_on_the_order_screen(
    container: Container, shop: FakeShop, monkeypatch: pytest.MonkeyPatch
) -> None:
    request = _open(container)
    monkeypatch.setattr(ReadsReturns, "listed", [_refund(keys=frozenset({"ours"}), refund_id="1"), _refund()])
    shop.orders["O1"] = replace(shop.orders["O1"], financial_status="paid")
    assert sync_shop_orders(container, SHOP) == 1
    assert "shop_refunds" not in shop.calls  # nothing refunded on the order: the shop is not asked
    changed = NOW + timedelta(minutes=10)  # the refund changed the order after the last poll
    shop.orders["O1"] = replace(shop.orders["O1"], financial_status="partially_refunded", updated_at=changed)
    assert sync_shop_orders(container, SHOP) == 1
    final = _load(container, request.id)
    assert final.status is ReturnStatus.CLOSED
    assert [e.data["platform_refund_id"] for e in final.events if e.action == "refund_at_shop"] == ["901"]
    # order.updated for the same change (WooCommerce sends one) finds it already recorded.
    hint = IncomingEvent("order_changed", "https://shop.example", "O1", NOW, data={"own_write": False})
    assert IncomingEventHandler(container).apply(SHOP, hint) == "order-marked-stale"
