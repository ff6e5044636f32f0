"""The Returns API over a real database (SQLite and PostgreSQL) with in-memory shops behind the adapter port.

Two shops: ``shop-a`` (WooCommerce) and ``shop-b`` (Shopify, ``b-shop.myshopify.com``). Each has an order
``#1001`` of ``ana@example.com``, so any leak between shops would show.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from typing import Any

import jwt
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine

from connector.bootstrap import Container
from connector.config.model import Config, RedisSettings
from connector.domain import Platform
from connector.domain.orders import Order
from connector.policy import Decision, Policy
from connector.services.policies import set_policy
from connector.store.crypto import CredentialCipher
from platforms.shopify.settings import KEY as SHOPIFY
from platforms.shopify.settings import ShopifySettings
from tests.factories import NOW, order, order_line
from tests.fakes import FakeAdapter, FakeShop
from wiring.app import create_app

APP_KEY = "test-app-key"
APP_SECRET = "test-app-secret-0123456789-abcdefghij"
SECRET_ENV = "TEST_API_SHOPIFY_SECRET"
SIGNING_KEY = "test-signing-key"
EMAIL = "ana@example.com"


class Clock:
    def __init__(self) -> None:
        self.now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now


class RecordingAdapter(FakeAdapter):
    """The fake shop, also noting order look-ups (to prove both failure paths ask the shop)."""

    def find_order(self, order_number: str, email: str) -> Order | None:
        self.shop.calls.append("find_order")
        return super().find_order(order_number, email)


@pytest.fixture
def fake_shops() -> dict[str, FakeShop]:
    a = order(order_line("L1", ordered=2, fulfilled=2), order_line("L2", ordered=1, fulfilled=1))
    b = order(order_line("L1", ordered=1, fulfilled=1), shop_id="shop-b", order_id="B1")
    return {
        "shop-a": FakeShop(orders={a.id: a}, stock={"V-9": 3, "V-0": 0}),
        "shop-b": FakeShop(orders={b.id: b}),
    }


def build_container(
    engine: Engine, fake_shops: dict[str, FakeShop], redis_url: str = "", cipher: CredentialCipher | None = None
) -> Container:
    config = replace(Config(), redis=RedisSettings(redis_url)).with_section(
        SHOPIFY, ShopifySettings(api_key=APP_KEY, api_secret_env=SECRET_ENV)
    )
    built = Container(
        config,
        _cipher=cipher or CredentialCipher([CredentialCipher.generate_key()]),
        clock=Clock(),
        adapter_factory=lambda _c, shop, _creds: RecordingAdapter(fake_shops[shop.id]),
    )
    built.__dict__["engine"] = engine
    return built


@pytest.fixture
def container(engine: Engine, fake_shops: dict[str, FakeShop]) -> Container:
    built = build_container(engine, fake_shops)
    with built.uow() as uow:
        uow.shops.add(Platform.WOOCOMMERCE, "https://shop.example", shop_id="shop-a",
                      credentials={"consumer_key": "ck", "consumer_secret": "cs"})
        uow.shops.add(Platform.SHOPIFY, "b-shop.myshopify.com", shop_id="shop-b", credentials={"access_token": "t"})
        for shop_id in ("shop-a", "shop-b"):
            set_policy(uow, shop_id, Policy(name="approve everything", default_action=Decision.APPROVE))
        uow.commit()
    return built


def make_app(container: Container) -> Flask:
    app = create_app(container=container)
    app.config["CONNECTOR_SIGNING_KEY"] = SIGNING_KEY
    return app


@pytest.fixture
def app(container: Container, monkeypatch: pytest.MonkeyPatch) -> Flask:
    monkeypatch.setenv(SECRET_ENV, APP_SECRET)
    return make_app(container)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def clock(container: Container) -> Clock:
    found = container.clock
    assert isinstance(found, Clock)
    return found


# -- credentials ---------------------------------------------------------------------------------------


def customer_token(client: FlaskClient, shop_id: str = "shop-a", number: str = "#1001", email: str = EMAIL) -> str:
    answer = client.post(f"/api/v1/portal/{shop_id}/lookup", json={"order_number": number, "email": email})
    assert answer.status_code == 200, answer.get_json()
    return str(answer.get_json()["token"])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def issue_key(container: Container, shop_id: str, label: str = "") -> str:
    with container.uow() as uow:
        _, plain = uow.api_keys.issue(shop_id, label, container.clock())
        uow.commit()
    return plain


def session_token(
    shop_domain: str = "b-shop.myshopify.com",
    *,
    secret: str = APP_SECRET,
    audience: str = APP_KEY,
    expires_in: int = 60,
    user: str = "42",
    issued_ago: int = 1,
) -> str:
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": f"https://{shop_domain}/admin",
        "dest": f"https://{shop_domain}",
        "aud": audience,
        "sub": user,
        "exp": now + expires_in,
        "nbf": now - 1,
        "iat": now - issued_ago,
        "jti": "j-1",
        "sid": "s-1",
    }
    return jwt.encode(claims, secret, algorithm="HS256")


REFUND_LINE = {"order_line_id": "L1", "quantity": 1, "reason": "size_too_small", "resolution": {"kind": "refund"}}


def open_return(
    client: FlaskClient, token: str, shop_id: str = "shop-a", lines: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> Any:
    return client.post(
        f"/api/v1/portal/{shop_id}/returns",
        json={"lines": lines or [REFUND_LINE], "method": "prepaid_label"},
        headers={**bearer(token), **(headers or {})},
    )


@pytest.fixture
def opened(client: FlaskClient) -> Iterator[str]:
    """The id of an approved return of shop-a (one unit of L1, refund)."""
    answer = open_return(client, customer_token(client))
    assert answer.status_code == 201, answer.get_json()
    yield str(answer.get_json()["return"]["id"])
