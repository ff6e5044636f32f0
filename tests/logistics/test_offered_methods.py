"""The ways back a customer is offered: the policy's methods, narrowed to what the shop's carrier can serve and to
the account's methods for the customer's country; a shop without carrier keeps the policy's. On SQLite and
PostgreSQL, with the installed carriers (self-issued, Sendcloud) built as the container builds them."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal

import pytest
from sqlalchemy import Engine

from connector.bootstrap import Container
from connector.carrier_settings import FROM_CLI, ShopCarrier
from connector.config.model import Config
from connector.domain import Platform
from connector.domain.money import Money
from connector.domain.resolutions import ReturnMethod
from connector.policy.model import Amounts, Fees, Policy
from connector.services.carriers import offered_methods, set_carrier, shop_carrier
from connector.services.policies import set_policy
from connector.services.portal_methods import return_methods
from connector.store.crypto import CredentialCipher
from tests.factories import NOW, order

SHOP = "shop-a"
WAREHOUSE = {"name": "Entrepôt", "street": "ZA des Gones", "postal_code": "69007", "city": "Lyon", "country": "FR"}
LABEL, RELAY, STORE, PICKUP = (ReturnMethod.PREPAID_LABEL, ReturnMethod.RELAY_POINT, ReturnMethod.IN_STORE,
                               ReturnMethod.HOME_PICKUP)
EVERY = (LABEL, RELAY, STORE, PICKUP)


@pytest.fixture
def deps(engine: Engine) -> Iterator[Container]:
    """A shop whose policy enables every method."""
    container = Container(Config(), _cipher=CredentialCipher([CredentialCipher.generate_key()]), clock=lambda: NOW)
    container.__dict__["engine"] = engine
    with container.uow() as uow:
        uow.shops.add(Platform.SHOPIFY, "a.myshopify.com", shop_id=SHOP)
        set_policy(uow, SHOP, Policy(name="all", methods=frozenset(EVERY),
                                     fees=Fees(by_method={PICKUP: Amounts({"EUR": Decimal("4.00")})})))
        uow.commit()
    yield container


def _sendcloud(monkeypatch: pytest.MonkeyPatch, *, pickup: bool = False, relay: bool = True,
               **settings: object) -> ShopCarrier:  # fmt: skip
    monkeypatch.setenv("ACME_SC_PUBLIC", "pk")
    monkeypatch.setenv("ACME_SC_SECRET", "sk")
    options = {"base_url": "http://127.0.0.1:9/api", **({"pickup_option_code": "dpd:return/pickup"} if pickup else {}),
               **({"option_code": "colissimo:return/dropoff"} if relay else {})}  # fmt: skip
    return ShopCarrier("sendcloud", {"options": options, "return_address": WAREHOUSE, **settings},
                       {"public_key": "ACME_SC_PUBLIC", "secret_key": "ACME_SC_SECRET"}, FROM_CLI)


def test_a_shop_without_carrier_keeps_the_policys_methods(deps: Container) -> None:
    assert shop_carrier(deps, SHOP) is None
    assert offered_methods(deps, SHOP, "FR") == EVERY
    assert offered_methods(deps, SHOP, None) == EVERY


def test_the_self_issued_label_serves_the_label_and_the_store_only(deps: Container) -> None:
    set_carrier(deps, SHOP, ShopCarrier("self_issued", {"return_address": WAREHOUSE}))
    assert offered_methods(deps, SHOP, "FR") == (LABEL, STORE)


def test_sendcloud_offers_pickup_only_when_its_account_has_a_pickup_option(deps: Container,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    set_carrier(deps, SHOP, _sendcloud(monkeypatch))
    assert offered_methods(deps, SHOP, "FR") == (LABEL, RELAY, STORE)
    set_carrier(deps, SHOP, _sendcloud(monkeypatch, pickup=True))
    assert offered_methods(deps, SHOP, "FR") == EVERY


def test_sendcloud_offers_relay_points_only_with_an_option_for_a_relay_network(
    deps: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No option code names a network whose points would take the parcel: no relay point to offer.
    set_carrier(deps, SHOP, _sendcloud(monkeypatch, relay=False))
    assert offered_methods(deps, SHOP, "FR") == (LABEL, STORE)


def test_the_accounts_methods_per_country_narrow_the_offer(deps: Container, monkeypatch: pytest.MonkeyPatch) -> None:
    methods = {"FR": ["relay_point", "prepaid_label", "home_pickup"], "BE": ["in_store"], "default": ["prepaid_label"]}
    set_carrier(deps, SHOP, _sendcloud(monkeypatch, methods=methods))
    assert offered_methods(deps, SHOP, "FR") == (LABEL, RELAY)  # in the policy's order; no pickup option: none
    assert offered_methods(deps, SHOP, "fr") == (LABEL, RELAY)
    assert offered_methods(deps, SHOP, "BE") == (STORE,)
    assert offered_methods(deps, SHOP, "DE") == (LABEL,)  # the default entry
    assert offered_methods(deps, SHOP, None) == (LABEL,)  # an order shipped nowhere: the default entry too
    with deps.uow() as uow:
        set_policy(uow, SHOP, Policy(name="label only"))  # the policy still decides first
        uow.commit()
    assert offered_methods(deps, SHOP, "FR") == (LABEL,)
    assert offered_methods(deps, SHOP, "BE") == ()


def test_a_country_not_named_without_default_entry_is_narrowed_by_the_carrier_alone(
        deps: Container, monkeypatch: pytest.MonkeyPatch) -> None:
    set_carrier(deps, SHOP, _sendcloud(monkeypatch, methods={"FR": ["prepaid_label"]}))
    assert offered_methods(deps, SHOP, "FR") == (LABEL,)
    assert offered_methods(deps, SHOP, "ES") == (LABEL, RELAY, STORE)


def test_a_carrier_that_cannot_be_built_here_is_judged_by_what_it_declares(
        deps: Container, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    set_carrier(deps, SHOP, _sendcloud(monkeypatch))
    monkeypatch.delenv("ACME_SC_SECRET")  # this process lacks the secret: the label job will alert, not the portal
    with caplog.at_level(logging.WARNING, logger="connector.carriers"):
        assert offered_methods(deps, SHOP, "FR") == EVERY  # Sendcloud declares every capability
    assert any(r.getMessage() == "carriers.adapter-unavailable" for r in caplog.records)


def test_a_carrier_no_longer_installed_leaves_only_the_store(deps: Container) -> None:
    set_carrier(deps, SHOP, ShopCarrier("uninstalled_carrier", {"return_address": WAREHOUSE}))
    assert offered_methods(deps, SHOP, "FR") == (STORE,)


def test_the_portals_method_screen_offers_the_carriers_methods_for_the_orders_country(
        deps: Container, monkeypatch: pytest.MonkeyPatch) -> None:
    set_carrier(deps, SHOP, _sendcloud(monkeypatch, methods={"FR": ["relay_point", "home_pickup"],
                                                             "default": ["prepaid_label"]}))
    with deps.uow() as uow:
        uow.orders(SHOP).upsert(replace(order(shop_id=SHOP, order_id="O-FR"), country="FR"))
        uow.orders(SHOP).upsert(replace(order(shop_id=SHOP, order_id="O-DE"), country="DE"))
        uow.commit()
    assert [o.method for o in return_methods(deps, SHOP, "O-FR").settings.methods] == [RELAY]
    assert [o.method for o in return_methods(deps, SHOP, "O-DE").settings.methods] == [LABEL]
    set_carrier(deps, SHOP, _sendcloud(monkeypatch, pickup=True, methods={"FR": ["home_pickup"]}))
    [pickup] = return_methods(deps, SHOP, "O-FR").settings.methods
    assert (pickup.method, pickup.fee) == (PICKUP, Money(Decimal("4.00"), "EUR"))  # the policy's fee, kept
