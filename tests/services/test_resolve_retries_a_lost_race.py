"""An agent's resolve is not refused because the worker saved the return meanwhile.

Seen on a real WooCommerce store: resolving right after a return was approved answered ``409
concurrent_update`` two times in five, because the worker recorded the approval's note (saving the return)
while the resolve was reading what the order has left to refund at the shop. The resolve now runs again on
the fresh return; a return someone else resolved is still refused by its lifecycle.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from connector.bootstrap import Container
from connector.config.model import Config
from connector.domain import Condition, Disposition, Platform, ReturnMethod, ReturnStatus
from connector.domain.errors import DomainError
from connector.domain.reasons import ReasonCode
from connector.domain.resolutions import Resolution
from connector.domain.shop_refunds import ShopRefund
from connector.policy import Decision, Policy
from connector.services.policies import set_policy
from connector.services.returns import LineInput, ReturnService
from connector.store.crypto import CredentialCipher
from tests.factories import AGENT, CUSTOMER, NOW, order, order_line
from tests.fakes import FakeAdapter, FakeShop

SHOP = "shop-a"
WORKER = AGENT  # who saves does not matter: any save moves the return's version on


class WorkerSavesWhileTheShopIsRead(FakeAdapter):
    """While resolve asks the shop what is left to refund, the worker records a note on the return."""

    container: Container
    return_id = ""
    saves_left = 0

    def shop_refunds(self, order_id: str) -> list[ShopRefund]:
        if WorkerSavesWhileTheShopIsRead.saves_left:
            WorkerSavesWhileTheShopIsRead.saves_left -= 1
            with self.container.uow() as uow:
                request = uow.returns(SHOP).get(self.return_id)
                assert request is not None
                request.note(WORKER, NOW, "approval sent to the shop")
                uow.returns(SHOP).save(request)
                uow.commit()
        return []


@pytest.fixture
def container(engine: Engine) -> Iterator[Container]:
    source = order(order_line("L1", ordered=1, fulfilled=1))
    shop = FakeShop(orders={source.id: source})
    built = Container(Config(), _cipher=CredentialCipher([CredentialCipher.generate_key()]), clock=lambda: NOW,
                      adapter_factory=lambda _c, _s, _creds: WorkerSavesWhileTheShopIsRead(shop))
    built.__dict__["engine"] = engine
    WorkerSavesWhileTheShopIsRead.container = built
    with built.uow() as uow:
        uow.shops.add(Platform.WOOCOMMERCE, "https://shop.example", shop_id=SHOP, credentials={"k": "v"})
        set_policy(uow, SHOP, Policy(name="approve", default_action=Decision.APPROVE))
        uow.commit()
    yield built


def _inspected(container: Container) -> str:
    service = ReturnService(container)
    request = service.open_return(SHOP, "O1", [LineInput("L1", 1, ReasonCode.STYLE, Resolution.refund())],
                                  ReturnMethod.PREPAID_LABEL, CUSTOMER).request
    line_id = request.lines[0].id
    service.receive(SHOP, request.id, AGENT, {line_id: 1})
    service.inspect(SHOP, request.id, AGENT, line_id, Condition.NEW, Disposition.RESTOCK)
    WorkerSavesWhileTheShopIsRead.return_id = request.id
    return request.id


def test_a_resolve_that_lost_the_race_to_the_worker_runs_again(container: Container) -> None:
    return_id = _inspected(container)
    WorkerSavesWhileTheShopIsRead.saves_left = 1

    outcome = ReturnService(container).resolve(SHOP, return_id, AGENT)

    assert outcome.request.status is ReturnStatus.RESOLVED and outcome.action_ids
    assert WorkerSavesWhileTheShopIsRead.saves_left == 0  # the race did happen


def test_a_return_resolved_meanwhile_is_not_resolved_twice(container: Container) -> None:
    return_id = _inspected(container)
    first = ReturnService(container).resolve(SHOP, return_id, AGENT)

    with pytest.raises(DomainError):
        ReturnService(container).resolve(SHOP, return_id, AGENT)

    with container.uow() as uow:
        actions = uow.actions(SHOP).for_return(return_id)
    assert sorted(a.id for a in actions if a.id in first.action_ids) == sorted(first.action_ids)
    assert len([a for a in actions if a.kind.value == "refund"]) == 1
