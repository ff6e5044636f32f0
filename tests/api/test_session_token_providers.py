"""Agents' session tokens are read by the platforms' providers (``PlatformProvider.read_session_token``): the API
asks each one that has a reader, so a platform of its own signs its staff in without a change to ``connector/``."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from connector import providers
from connector.bootstrap import Container
from connector.config.model import Config
from connector.providers import PlatformProvider
from connector.session_token import (
    SessionIdentity,
    SessionTokenReader,
    SessionTokenRefused,
    SessionTokensNotConfigured,
)
from tests.api.conftest import bearer, session_token

STAFF_TOKEN = "acme-staff-7"
NOT_CONFIGURED = "Acme session tokens are not configured on this server"


def _acme_reader(_config: Config, token: str) -> SessionIdentity:
    if token != STAFF_TOKEN:
        raise SessionTokenRefused("not an Acme token")
    return SessionIdentity(shop_address="candles.acme.test", user_id="7")


def _unconfigured_reader(_config: Config, _token: str) -> SessionIdentity:
    raise SessionTokensNotConfigured(NOT_CONFIGURED)


def _register(monkeypatch: pytest.MonkeyPatch, key: str, reader: SessionTokenReader) -> None:
    monkeypatch.setattr(providers, "_providers", dict(providers._providers))
    shopify = providers.provider_for("shopify")
    providers.register(PlatformProvider(key=key, adapter_factory=shopify.adapter_factory,
                                        poll_interval=shopify.poll_interval, admit_address=shopify.admit_address,
                                        read_session_token=reader))


def test_a_third_platforms_staff_token_acts_as_its_user(client: FlaskClient, container: Container,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    _register(monkeypatch, "acme", _acme_reader)
    with container.uow() as uow:
        uow.shops.add("acme", "candles.acme.test", shop_id="shop-acme", credentials={"token": "t"})
        uow.commit()
    assert client.get("/api/v1/shops/shop-acme/returns", headers=bearer(STAFF_TOKEN)).status_code == 200
    assert client.get("/api/v1/shops/shop-b/returns", headers=bearer(STAFF_TOKEN)).status_code == 404
    assert client.get("/api/v1/shops/shop-b/returns", headers=bearer(session_token())).status_code == 200


def test_a_token_one_platform_refused_is_invalid_even_if_another_is_not_configured(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    _register(monkeypatch, "unconfigured", _unconfigured_reader)
    answer = client.get("/api/v1/shops/shop-b/returns", headers=bearer("not-a-token"))
    assert answer.status_code == 401
    assert answer.get_json()["error"]["message"] == "the session token is invalid or expired"


def test_without_the_app_secret_the_answer_says_shopify_tokens_are_not_configured(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TEST_API_SHOPIFY_SECRET")
    answer = client.get("/api/v1/shops/shop-b/returns", headers=bearer(session_token()))
    assert answer.status_code == 401
    assert answer.get_json()["error"]["message"] == "Shopify session tokens are not configured on this server"
