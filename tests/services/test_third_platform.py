"""A third platform, registered from the tests, carries a return through the services and the executor.

It is the proof that a platform is a plugin: the core asks the shop's provider what it can do, never which
platform it is, so a platform the core has never heard of works with no change to ``connector/``. This one
keeps a return record of its own (like Shopify) but folds no credit into refunds and lists no refunds.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from connector import providers
from connector.bootstrap import Container
from connector.config.model import Config
from connector.domain import Condition, Disposition, ReturnMethod, ReturnStatus
from connector.domain.actions import ActionKind
from connector.domain.orders import Shop
from connector.domain.reasons import ReasonCode
from connector.domain.resolutions import Resolution
from connector.errors import ConfigError
from connector.policy import Decision, Policy
from connector.ports import ShopAdapter
from connector.providers import Capability, PlatformProvider
from connector.services.executor import ActionExecutor
from connector.services.policies import set_policy
from connector.services.returns import LineInput, ReturnService
from connector.store.actions_repo import ActionState
from connector.store.crypto import CredentialCipher
from tests.factories import AGENT, CUSTOMER, NOW, money, order, order_line
from tests.fakes import FakeAdapter, FakeShop

PARCEL = "parcelshop"
AT_SHOP: dict[str, FakeShop] = {}
"""The in-memory shops of the fake platform, by shop id: what its adapter factory builds adapters over."""


def _adapter(_container: Container, shop: Shop, _credentials: dict[str, str]) -> ShopAdapter:
    return FakeAdapter(AT_SHOP[shop.id])


PROVIDER = PlatformProvider(
    key=PARCEL,
    adapter_factory=_adapter,
    poll_interval=lambda _config: 600,
    admit_address=lambda raw, _config: raw,
    capabilities=frozenset({Capability.RETURNS_MIRRORED_AT_SHOP}),
)


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fake platform is known for this test only (the registry is restored afterwards)."""
    monkeypatch.setattr(providers, "_providers", dict(providers._providers))
    providers.register(PROVIDER)


@pytest.fixture
def shop() -> FakeShop:
    return FakeShop(orders={"O1": order(order_line("L1", ordered=2, fulfilled=2))})


@pytest.fixture
def shop_id(engine: Engine, shop: FakeShop, registered: None) -> Iterator[str]:
    shop_id = f"parcel-{uuid.uuid4().hex[:8]}"  # a shop id of its own: adapters are cached by shop id
    AT_SHOP[shop_id] = shop
    yield shop_id
    del AT_SHOP[shop_id]


@pytest.fixture
def container(engine: Engine, shop_id: str) -> Container:
    """No adapter factory of the test's own: the shop's adapter comes from its provider, as in production."""
    built = Container(Config(), _cipher=CredentialCipher([CredentialCipher.generate_key()]), clock=lambda: NOW)
    built.__dict__["engine"] = engine
    with built.uow() as uow:
        uow.shops.add(PARCEL, "https://parcel.example", shop_id=shop_id, credentials={"token": "t"})
        set_policy(uow, shop_id, Policy(name="approve everything", default_action=Decision.APPROVE))
        uow.commit()
    return built


def _run_pending(container: Container, shop_id: str, return_id: str) -> list[ActionKind]:
    """Run the return's actions until none is left to do; the kinds run, in order."""
    executor, ran = ActionExecutor(container), list[ActionKind]()
    while True:
        with container.uow() as uow:
            records = uow.actions(shop_id).for_return(return_id)
        pending = [r for r in records if r.state is ActionState.PENDING]
        if not pending:
            return ran
        for record in pending:
            assert executor.run(shop_id, record.id) is ActionState.SUCCEEDED
            ran.append(record.kind)


def test_a_return_at_a_third_platform_is_opened_at_the_shop_paid_and_closed(
    container: Container, shop_id: str, shop: FakeShop,
) -> None:
    service = ReturnService(container)
    opened = service.open_return(shop_id, "O1", [LineInput("L1", 2, ReasonCode.SIZE_TOO_SMALL, Resolution.refund())],
                                 ReturnMethod.PREPAID_LABEL, CUSTOMER)
    return_id = opened.request.id
    assert opened.request.status is ReturnStatus.APPROVED

    assert _run_pending(container, shop_id, return_id) == [ActionKind.CREATE_RETURN]
    assert list(shop.returns) == ["gid://fake/Return/1"]  # mirrored at the shop: no order note
    assert shop.notes == []

    service.receive(shop_id, return_id, AGENT, {f"{return_id}-1": 2})
    service.inspect(shop_id, return_id, AGENT, f"{return_id}-1", Condition.NEW, Disposition.RESTOCK)
    service.resolve(shop_id, return_id, AGENT)
    ran = _run_pending(container, shop_id, return_id)

    assert ran == [ActionKind.REFUND, ActionKind.CLOSE]  # paid, then closed at the shop
    with container.uow() as uow:
        final = uow.returns(shop_id).get(return_id)
    assert final is not None and final.status is ReturnStatus.CLOSED
    assert final.amounts is not None and final.amounts.refund > money("0.00")
    assert [effect.amount for effect in shop.refunds.values()] == [final.amounts.refund]
    assert final.platform_return_id == "gid://fake/Return/1"
    assert shop.notes == [] and "close_return" in shop.calls


def test_a_platform_nobody_registered_is_refused_by_name() -> None:
    container = Container(Config(), _cipher=CredentialCipher([CredentialCipher.generate_key()]))
    with pytest.raises(ConfigError, match="no provider registered for platform parcelshop"):
        container.provider_for(PARCEL)
