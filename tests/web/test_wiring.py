"""The served app (``wiring.app.create_app``) is the core's app plus what every registered platform hands over
and the webhook intake; the core's app (``create_core_app``) has neither."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import NoReturn

import pytest
from flask import Blueprint, Flask

from connector import providers
from connector.bootstrap import Container
from connector.config.model import Config, DatabaseSettings
from connector.providers import PlatformProvider, ProcessResources
from connector.store.crypto import CredentialCipher
from connector.web.app import create_core_app
from wiring.app import create_app

ROUTES_KEY = "routes-only"


def _container(db_url: str) -> Container:
    config = replace(Config(), database=DatabaseSettings(db_url))
    return Container(config, _cipher=CredentialCipher([CredentialCipher.generate_key()]))


def _ping_routes(_resources: ProcessResources) -> Sequence[Blueprint]:
    bp = Blueprint("routes_only", __name__, url_prefix=f"/{ROUTES_KEY}")
    bp.add_url_rule("/ping", view_func=lambda: "pong")
    return (bp,)


def _unused(*_args: object) -> NoReturn:
    raise AssertionError("a platform with routes only is never asked for anything else")


@pytest.fixture
def routes_only_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(providers, "_providers", dict(providers._providers))
    providers.register(PlatformProvider(key=ROUTES_KEY, adapter_factory=_unused, poll_interval=_unused,
                                        admit_address=_unused, blueprints=_ping_routes))


def test_a_registered_platforms_routes_are_served(sqlite_url: str, routes_only_registered: None) -> None:
    answer = create_app(container=_container(sqlite_url)).test_client().get(f"/{ROUTES_KEY}/ping")
    assert (answer.status_code, answer.get_data(as_text=True)) == (200, "pong")


def _answers(app: Flask) -> tuple[int, int]:
    client = app.test_client()
    return client.get("/shopify/install").status_code, client.post("/webhooks/shopify", data=b"{}").status_code


def test_only_the_served_app_has_the_platforms_routes_and_the_intake(sqlite_url: str) -> None:
    container = _container(sqlite_url)
    assert _answers(create_core_app(container=container)) == (404, 404)
    install, delivery = _answers(create_app(container=container))
    assert install == 400 and delivery == 401  # no shop named; no signature
