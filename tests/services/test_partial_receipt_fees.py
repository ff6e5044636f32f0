"""A return that comes back in part pays each fee once.

The restocking fee is per line and already comes out of each line's figure; only the return-level fee (return
shipping) is taken from the total of a partial receipt. Before, the partial total also lost the whole
restocking fee again: one shirt of two back, with a 10 % restocking fee, was refunded 3.20 short.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from types import MappingProxyType

import pytest
from sqlalchemy import Engine

from connector.bootstrap import Container
from connector.config.model import Config
from connector.domain import Condition, Disposition, Platform, ReturnMethod
from connector.domain.money import Money
from connector.domain.reasons import ReasonCode
from connector.domain.resolutions import Resolution
from connector.policy import Decision, Policy
from connector.policy.model import Amounts, Fees
from connector.services.executor import ActionExecutor
from connector.services.policies import set_policy
from connector.services.returns import LineInput, ReturnService
from connector.store.crypto import CredentialCipher
from tests.factories import AGENT, CUSTOMER, NOW, order, order_line
from tests.fakes import FakeAdapter, FakeShop

SHOP = "shop-a"
FEES = Fees(
    return_shipping=Amounts(MappingProxyType({"EUR": Decimal("5.00")})),
    restocking_percent=MappingProxyType({ReasonCode.STYLE: Decimal("10")}),
)


@pytest.fixture
def shop() -> FakeShop:
    source = order(order_line("L1", ordered=2, fulfilled=2))
    return FakeShop(orders={source.id: source})


@pytest.fixture
def container(engine: Engine, shop: FakeShop) -> Iterator[Container]:
    built = Container(Config(), _cipher=CredentialCipher([CredentialCipher.generate_key()]), clock=lambda: NOW,
                      adapter_factory=lambda _c, _s, _creds: FakeAdapter(shop))
    built.__dict__["engine"] = engine
    with built.uow() as uow:
        uow.shops.add(Platform.WOOCOMMERCE, "https://shop.example", shop_id=SHOP, credentials={"k": "v"})
        set_policy(uow, SHOP, Policy(name="fees", default_action=Decision.APPROVE, fees=FEES))
        uow.commit()
    yield built


def test_one_of_two_back_pays_that_unit_less_its_restocking_fee_and_the_return_fee(
    container: Container, shop: FakeShop
) -> None:
    service = ReturnService(container)
    request = service.open_return(SHOP, "O1", [LineInput("L1", 2, ReasonCode.STYLE, Resolution.refund())],
                                  ReturnMethod.PREPAID_LABEL, CUSTOMER).request
    assert request.amounts is not None
    (line,) = request.amounts.lines
    assert line.restocking_fee > Money.zero("EUR")
    line_id = request.lines[0].id
    service.receive(SHOP, request.id, AGENT, {line_id: 1})
    service.inspect(SHOP, request.id, AGENT, line_id, Condition.NEW, Disposition.RESTOCK)

    outcome = service.resolve(SHOP, request.id, AGENT)
    for action_id in outcome.action_ids:
        ActionExecutor(container).run(SHOP, action_id)

    one_unit = line.net.prorate(1, 2)  # paid for one unit, less that unit's restocking fee
    assert [effect.amount for effect in shop.refunds.values()] == [one_unit - Money("5.00", "EUR")]
