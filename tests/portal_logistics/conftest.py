"""The portal's logistics screens over the real store (SQLite and PostgreSQL) and the sandbox carrier served in a
thread, reached by the Sendcloud adapter as a shop's carrier account (``uow.carriers``, credentials from the
environment), so the relay points listed are the carrier's own seeded ones around 75011.

``shop-a``'s order ``O1`` ships to Paris 11e (75011); its customer reads French unless a test says otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine

from connector.bootstrap import Container
from connector.carrier_settings import ShopCarrier
from connector.domain.orders import Customer
from connector.domain.shipping import PostalAddress
from sandboxes.carrier.app import start_in_thread
from sandboxes.carrier.carrier import CarrierOptions
from tests.factories import NOW, order, order_line
from tests.fakes import FakeShop
from tests.portal.review.portal_app import SHOP, make_container, portal_app, use_policy

PUBLIC_ENV = "H5_TEST_SENDCLOUD_PUBLIC"
SECRET_ENV = "H5_TEST_SENDCLOUD_SECRET"
HOME = PostalAddress("Jeanne Client", "Rue de la Roquette", "75011", "Paris", "FR", house_number="5")
METHODS = ["prepaid_label", "relay_point", "in_store", "home_pickup"]


@pytest.fixture(scope="module")
def carrier_url() -> Iterator[str]:
    """The sandbox carrier on 127.0.0.1, one per module: its seeded points never change."""
    base_url, _app, stop = start_in_thread(CarrierOptions(public_key="pk-portal", secret_key="sk-portal"))
    yield base_url
    stop()


RELAY_OPTIONS = {"mondial_relay": "mondial_relay:return/dropoff", "colissimo": "colissimo:return/dropoff",
                 "chronopost": "chronopost:return/dropoff"}
"""A relay option for each network the sandbox carrier seeds points of, so every point near 75011 is offered."""


def sendcloud_account(carrier_url: str, **options: object) -> ShopCarrier:
    section = {"base_url": f"{carrier_url}/api", "option_code": "colissimo:return/dropoff",
               "relay_option_codes": RELAY_OPTIONS, "pickup_option_code": "colissimo:return/pickup", "pickup_days": 3,
               "announce_polls": 1, **options}  # fmt: skip
    warehouse = {"name": "Entrepôt Retours", "street": "ZA des Gones", "house_number": "12", "postal_code": "69007",
                 "city": "Lyon", "country": "FR"}  # fmt: skip
    return ShopCarrier("sendcloud", {"options": section, "return_address": warehouse},
                       credentials_env={"public_key": PUBLIC_ENV, "secret_key": SECRET_ENV})


def use_carrier(container: Container, account: ShopCarrier | None) -> None:
    with container.uow() as uow:
        if account is None:
            uow.carriers(SHOP).remove()
        else:
            uow.carriers(SHOP).put(account, NOW)
        uow.commit()


def shop_with(
    address: PostalAddress | None = HOME, locale: str | None = "fr-FR", country: str | None = "FR"
) -> FakeShop:
    source = order(order_line("L1", ordered=2, fulfilled=2), order_line("L2", ordered=1, fulfilled=1))
    source = replace(source, country=country, shipping_address=address,
                     customer=Customer(id="C1", email=source.email, locale=locale))
    return FakeShop(orders={source.id: source})


@pytest.fixture
def customer_locale() -> str:
    """The order's language, which the pages speak; a test parametrizes it to see both."""
    return "fr-FR"


@pytest.fixture
def container(engine: Engine, tmp_path: Path, carrier_url: str, customer_locale: str,
              monkeypatch: pytest.MonkeyPatch) -> Container:  # fmt: skip
    monkeypatch.setenv(PUBLIC_ENV, "pk-portal")
    monkeypatch.setenv(SECRET_ENV, "sk-portal")
    built = make_container(engine, shop_with(locale=customer_locale), tmp_path)
    use_carrier(built, sendcloud_account(carrier_url))
    use_policy(built, {"methods": METHODS})
    return built


@pytest.fixture
def app(container: Container) -> Flask:
    return portal_app(container)


@pytest.fixture
def client(app: Flask, customer_locale: str) -> FlaskClient:
    """A browser set to the customer's language and region (dates and hours follow the region)."""
    browser = app.test_client()
    browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = customer_locale
    return browser
