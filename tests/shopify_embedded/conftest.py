"""The embedded Shopify admin over a real database (SQLite and PostgreSQL) and the Shopify sandbox over HTTP.

The app is configured as the demo is: the sandbox's API key and secret, ``admin_base_url`` at the sandbox (its
OAuth token endpoint, its GraphQL and its admin page), and App Bridge and Polaris from the sandbox's stand-ins.
``installed`` puts the sandbox's shop in the store with a token, as an install would have; ``mint`` signs ID
tokens as Shopify does, with any claim changed (another shop, audience, secret, lifetime...).

``/admin/<shop_id>/probe`` is a page of the tests: it asks ``current_admin`` like every admin page, and shows the
context it got, so the Shopify authenticator is tested apart from the admin's screens.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

import jwt
import pytest
from flask import Flask, Response
from flask.testing import FlaskClient
from sqlalchemy import Engine

from connector.bootstrap import Container
from connector.config.model import Config
from connector.domain.orders import Platform
from connector.pages.admin.auth import current_admin, install_admin_auth
from connector.store.crypto import CredentialCipher
from platforms.shopify.settings import KEY as SHOPIFY
from platforms.shopify.settings import ShopifySettings
from sandboxes.shopify.cli import start_in_thread
from sandboxes.shopify.options import SandboxOptions
from wiring.app import create_app

SECRET_ENV = "TEST_EMBEDDED_SHOPIFY_SECRET"
OPTIONS = SandboxOptions(orders=12, seed=5)
SHOP = OPTIONS.shop_domain
API_KEY = OPTIONS.api_key
API_SECRET = OPTIONS.api_secret


@dataclass(frozen=True)
class Sandbox:
    base: str

    @property
    def app_bridge(self) -> str:
        return f"{self.base}/__sandbox/app-bridge.js"

    @property
    def polaris(self) -> str:
        return f"{self.base}/__sandbox/polaris.js"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    base, stop = start_in_thread(OPTIONS)
    yield Sandbox(base)
    stop()


def embedded_config(sandbox_base: str) -> Config:
    return Config().with_section(SHOPIFY, ShopifySettings(
        api_key=API_KEY, api_secret_env=SECRET_ENV, admin_base_url=sandbox_base,
        app_bridge_url=f"{sandbox_base}/__sandbox/app-bridge.js", polaris_url=f"{sandbox_base}/__sandbox/polaris.js",
    ))


@pytest.fixture
def container(engine: Engine, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Container:
    monkeypatch.setenv(SECRET_ENV, API_SECRET)
    built = Container(embedded_config(sandbox.base), _cipher=CredentialCipher([CredentialCipher.generate_key()]))
    built.__dict__["engine"] = engine
    return built


@pytest.fixture
def installed(container: Container, sandbox: Sandbox) -> str:
    """The sandbox's shop, installed: its id."""
    with container.uow() as uow:
        shop_id = uow.shops.add(Platform.SHOPIFY, SHOP, credentials={"access_token": "shpat_sandbox",
                                                                     "base_url": sandbox.base}).id
        uow.commit()
    return shop_id


def add_probe(app: Flask) -> None:
    """``/admin/<shop_id>/probe``: the admin context of the request, as HTML (so the framing policy applies)."""
    install_admin_auth(app)

    @app.route("/admin/<shop_id>/probe", methods=["GET", "POST"])
    def probe(shop_id: str) -> Response:
        context = current_admin(shop_id)
        shown = asdict(context) | {"actor": str(context.actor.id), "scripts": list(context.scripts)}
        return Response(f"<!doctype html><pre>{json.dumps(shown)}</pre>", mimetype="text/html")


@pytest.fixture
def app(container: Container) -> Flask:
    built = create_app(container=container)
    add_probe(built)
    return built


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def mint(shop: str = SHOP, *, sub: str = "42", key: str = API_KEY, secret: str = API_SECRET, ttl: int = 60,
         **changes: Any) -> str:
    """An ID token as Shopify signs it, with ``changes`` to its claims."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": f"https://{shop}/admin", "dest": f"https://{shop}", "aud": key, "sub": sub,
        "exp": now + ttl, "nbf": now, "iat": now, "jti": secrets.token_hex(8), "sid": secrets.token_hex(8),
    }
    claims |= changes
    return jwt.encode(claims, secret, algorithm="HS256")


def probed(html: str) -> dict[str, Any]:
    """The context a probe page shows."""
    start, end = html.index("<pre>") + 5, html.index("</pre>")
    found: dict[str, Any] = json.loads(html[start:end])
    return found
