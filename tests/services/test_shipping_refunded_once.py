"""An order's shipping is refunded once, not on every return of the order.

Seen on a real WooCommerce store: two defective mugs from one order, returned one after the other, were
each quoted the order's whole shipping back. The second return now gets only what is left of it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from sqlalchemy import Engine

from connector.bootstrap import Container
from connector.config.model import Config
from connector.domain import Platform, ReturnMethod
from connector.domain.money import Money
from connector.domain.reasons import ReasonCode
from connector.domain.resolutions import Resolution
from connector.domain.returns import ReturnRequest
from connector.policy import Decision, Policy
from connector.policy.model import Fees, ShippingRefund
from connector.services.policies import set_policy
from connector.services.returns import LineInput, ReturnService
from connector.store.crypto import CredentialCipher
from tests.factories import AGENT, CUSTOMER, NOW, order, order_line
from tests.fakes import FakeAdapter, FakeShop

SHOP = "shop-a"
SHIPPING = Money("5.90", "EUR")


@pytest.fixture
def container(engine: Engine) -> Iterator[Container]:
    source = order(order_line("L1", ordered=3, fulfilled=3))
    built = Container(Config(), _cipher=CredentialCipher([CredentialCipher.generate_key()]), clock=lambda: NOW,
                      adapter_factory=lambda _c, _s, _creds: FakeAdapter(FakeShop(orders={source.id: source})))
    built.__dict__["engine"] = engine
    policy = Policy(name="shipping back for faults", default_action=Decision.APPROVE,
                    fees=Fees(shipping_refund=ShippingRefund.MERCHANT_FAULT))
    with built.uow() as uow:
        uow.shops.add(Platform.WOOCOMMERCE, "https://shop.example", shop_id=SHOP, credentials={"k": "v"})
        set_policy(uow, SHOP, policy)
        uow.commit()
    yield built


def _defective_unit(container: Container) -> ReturnRequest:
    outcome = ReturnService(container).open_return(
        SHOP, "O1", [LineInput("L1", 1, ReasonCode.DEFECTIVE, Resolution.refund())],
        ReturnMethod.PREPAID_LABEL, CUSTOMER,
    )
    assert outcome.request.amounts is not None
    return outcome.request


def test_the_second_return_of_an_order_does_not_refund_its_shipping_again(container: Container) -> None:
    first = _defective_unit(container)
    second = _defective_unit(container)

    assert first.amounts is not None and first.amounts.shipping_refund == SHIPPING
    assert second.amounts is not None and second.amounts.shipping_refund == Money.zero("EUR")
    assert second.amounts.refund == first.amounts.refund - SHIPPING


def test_shipping_promised_on_a_cancelled_return_is_offered_again(container: Container) -> None:
    first = _defective_unit(container)
    ReturnService(container).cancel(SHOP, first.id, AGENT, reason="sent by mistake")

    again = _defective_unit(container)

    assert again.amounts is not None and again.amounts.shipping_refund == SHIPPING


@pytest.mark.parametrize(("refunded_at_shop", "offered"), [("5.90", "0.00"), ("2.00", "3.90"), ("0.00", "5.90")])
def test_shipping_the_merchant_refunded_at_the_shop_is_not_offered_again(
    engine: Engine, refunded_at_shop: str, offered: str
) -> None:
    """A merchant refunded shipping by hand in the shop's admin: the return offers only what is left of it
    (a real store failed the return's refund, which asked for the whole shipping again)."""
    source = replace(order(order_line("L1", ordered=1, fulfilled=1)), shipping_refunded=Money(refunded_at_shop, "EUR"))
    built = Container(Config(), _cipher=CredentialCipher([CredentialCipher.generate_key()]), clock=lambda: NOW,
                      adapter_factory=lambda _c, _s, _creds: FakeAdapter(FakeShop(orders={source.id: source})))
    built.__dict__["engine"] = engine
    with built.uow() as uow:
        uow.shops.add(Platform.WOOCOMMERCE, "https://shop.example", shop_id=SHOP, credentials={"k": "v"})
        set_policy(uow, SHOP, Policy(name="shipping back for faults", default_action=Decision.APPROVE,
                                     fees=Fees(shipping_refund=ShippingRefund.MERCHANT_FAULT)))
        uow.commit()

    request = _defective_unit(built)

    assert request.amounts is not None and request.amounts.shipping_refund == Money(offered, "EUR")
