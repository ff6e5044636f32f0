"""The portal's exchange step over the fake shop: a line's other variants, a search under the policy, and the
shop asked only once every transaction is closed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from connector.bootstrap import Container
from connector.config.model import Config
from connector.domain import Platform
from connector.domain.errors import InvalidReturn
from connector.domain.exchange_options import ExchangeOption
from connector.domain.money import Money
from connector.policy import Decision, Policy
from connector.policy.model import ExchangeScope, Outcomes
from connector.services.exchange_options import (
    ExchangeCatalogueUnavailable,
    OtherProductsNotOffered,
    exchange_options,
)
from connector.services.policies import set_policy
from connector.store.crypto import CredentialCipher
from tests.factories import NOW, order, order_line
from tests.fakes import FakeShop
from tests.services.test_shop_calls_outside_transactions import OpenConnections, WatchedShop

SHOP = "shop-x"


def _option(variant: str, stock: int | None, price: str, product: str = "P-1", title: str = "Shirt") -> ExchangeOption:
    return ExchangeOption(variant, product, title, variant, (("Size", variant),), Money(price, "EUR"), stock)


CATALOGUE = [
    _option("V-S", 0, "36.00"),
    _option("V-L1", 2, "36.00"),  # the returned variant itself: never offered back
    _option("V-M", None, "40.00"),
    _option("V-XL", 5, "30.00"),
    _option("V-J1", 1, "80.00", product="P-2", title="Denim Jacket"),
    _option("V-J2", 0, "80.00", product="P-2", title="Denim Jacket"),
]


@pytest.fixture
def fake_shop() -> FakeShop:
    # L1: 2 units at 40.00, 8.00 off the line, tax included: one unit was paid 36.00.
    source = order(order_line("L1", ordered=2, fulfilled=2), shop_id=SHOP)
    return FakeShop(orders={source.id: source}, catalogue=list(CATALOGUE))


@pytest.fixture
def adapter(engine: Engine, fake_shop: FakeShop) -> Iterator[WatchedShop]:
    """The fake shop, noting any call made while a transaction is open."""
    watching = OpenConnections(engine)
    yield WatchedShop(fake_shop, watching)
    watching.close()


def _container(engine: Engine, adapter: WatchedShop | None, scope: ExchangeScope) -> Container:
    built = Container(Config(), _cipher=CredentialCipher([CredentialCipher.generate_key()]), clock=lambda: NOW,
                      adapter_factory=lambda _c, _s, _creds: adapter)
    built.__dict__["engine"] = engine
    with built.uow() as uow:
        uow.shops.add(Platform.WOOCOMMERCE, "https://shop.example", shop_id=SHOP, credentials={"k": "v"})
        policy = Policy(name="p", default_action=Decision.APPROVE, outcomes=Outcomes(exchange_scope=scope))
        set_policy(uow, SHOP, policy)
        uow.commit()
    return built


def test_the_lines_other_variants_in_stock_first_with_their_difference(engine: Engine, adapter: WatchedShop) -> None:
    container = _container(engine, adapter, ExchangeScope.VARIANT)
    choices = exchange_options(container, SHOP, "O1", "L1")
    assert choices.paid_per_unit == Money("36.00", "EUR")
    listed = [(p.option.variant_id, p.option.in_stock, str(p.difference)) for p in choices.options]
    assert listed == [
        ("V-M", True, "4.00 EUR"),  # dearer: the customer pays 4.00
        ("V-XL", True, "-6.00 EUR"),  # cheaper: 6.00 back
        ("V-S", False, "0.00 EUR"),  # out of stock: shown, last, flagged
    ]
    assert not choices.other_products_allowed
    assert adapter.asked == ["fetch_order", "exchange_options"] and adapter.inside == []


def test_the_order_the_shop_gave_is_kept_for_the_next_look(engine: Engine, adapter: WatchedShop) -> None:
    container = _container(engine, adapter, ExchangeScope.VARIANT)
    exchange_options(container, SHOP, "O1", "L1")
    exchange_options(container, SHOP, "O1", "L1")
    assert adapter.asked.count("fetch_order") == 1


def test_a_search_finds_other_products_when_the_policy_allows_them(engine: Engine, adapter: WatchedShop) -> None:
    container = _container(engine, adapter, ExchangeScope.ANY_PRODUCT)
    choices = exchange_options(container, SHOP, "O1", "L1", search="denim")
    assert [(p.option.variant_id, str(p.difference)) for p in choices.options] == [
        ("V-J1", "44.00 EUR"), ("V-J2", "44.00 EUR"),
    ]
    assert choices.other_products_allowed and adapter.inside == []


def test_a_search_is_refused_when_the_policy_exchanges_for_the_same_item_only(
    engine: Engine, adapter: WatchedShop
) -> None:
    container = _container(engine, adapter, ExchangeScope.VARIANT)
    with pytest.raises(OtherProductsNotOffered):
        exchange_options(container, SHOP, "O1", "L1", search="denim")
    assert "exchange_options" not in adapter.asked


def test_a_line_the_order_does_not_have_is_refused(engine: Engine, adapter: WatchedShop) -> None:
    container = _container(engine, adapter, ExchangeScope.VARIANT)
    with pytest.raises(InvalidReturn):
        exchange_options(container, SHOP, "O1", "L9")
    assert "exchange_options" not in adapter.asked


def test_a_shop_without_credentials_cannot_list(engine: Engine, adapter: WatchedShop, fake_shop: FakeShop) -> None:
    container = _container(engine, adapter, ExchangeScope.VARIANT)
    with container.uow() as uow:  # the order is known, the shop's adapter is not (yet)
        uow.orders(SHOP).upsert(fake_shop.orders["O1"])
        uow.commit()
    container.adapter_factory = lambda _c, _s, _creds: None  # type: ignore[assignment,return-value]
    with pytest.raises(ExchangeCatalogueUnavailable):
        exchange_options(container, SHOP, "O1", "L1")
