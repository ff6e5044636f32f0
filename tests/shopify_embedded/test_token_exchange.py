"""Shopify-managed install: the first load of the app for a shop we hold no offline token for exchanges its ID token
for one at the shop's token endpoint (here the sandbox shop's, over HTTP), stores it encrypted as the code grant
does, subscribes the webhooks, and lands on the queue. Refused and failed exchanges store nothing."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import requests
from flask.testing import FlaskClient
from sqlalchemy import select, update

from connector.bootstrap import Container
from connector.domain.orders import Platform
from connector.store.crypto import CredentialCipher
from connector.store.tables import shops
from platforms.shopify.embedded.host import host_for
from tests.shopify_embedded.conftest import SHOP, Sandbox, add_probe, embedded_config, mint
from wiring.app import create_app


def load(sandbox: Sandbox, token: str) -> str:
    return urlencode({"embedded": "1", "host": host_for(SHOP, sandbox.base).raw, "shop": SHOP, "id_token": token})


def stored(container: Container) -> tuple[str | None, dict[str, str] | None, bytes | None, bool]:
    with container.uow() as uow:
        shop = uow.shops.find(Platform.SHOPIFY, SHOP)
        if shop is None:
            return None, None, None, False
        raw = uow.connection.execute(select(shops.c.credentials).where(shops.c.id == shop.id)).scalar_one()
        return shop.id, uow.shops.credentials(shop.id), raw, shop.active


def test_the_first_load_installs_the_shop_by_token_exchange(
    client: FlaskClient, container: Container, sandbox: Sandbox
) -> None:
    assert stored(container)[0] is None
    answer = client.get(f"/?{load(sandbox, mint())}")
    assert answer.status_code == 302, answer.get_data(as_text=True)
    shop_id, creds, raw, active = stored(container)
    assert shop_id is not None and creds is not None and raw is not None and active
    assert urlsplit(answer.headers["Location"]).path == f"/admin/{shop_id}/"
    token = creds["access_token"]
    assert token.startswith("shpat_") and token != "shpat_sandbox"
    assert creds["refresh_token"].startswith("shprt_") and "expires_at" in creds  # expiring offline token
    assert creds["base_url"] == sandbox.base
    assert token.encode() not in raw and creds["refresh_token"].encode() not in raw  # encrypted at rest
    shop = requests.post(f"{sandbox.base}/admin/api/2026-04/graphql.json", json={"query": "{ shop { name } }"},
                         headers={"X-Shopify-Access-Token": token}, timeout=10).json()
    assert "errors" not in shop and shop["data"]["shop"]["name"]
    subscriptions = requests.get(f"{sandbox.base}/__sandbox/state", timeout=10).json()["subscriptions"]
    assert {s["topic"] for s in subscriptions if s["uri"].endswith("/webhooks/shopify")} >= {
        "RETURNS_REQUEST", "REFUNDS_CREATE", "APP_UNINSTALLED"}
    again = client.get(f"/?{load(sandbox, mint())}")  # a second load keeps the stored token
    assert again.status_code == 302 and stored(container)[1] == creds


def test_an_uninstalled_shop_installed_again_is_active_again_with_a_new_token(
    client: FlaskClient, container: Container, sandbox: Sandbox
) -> None:
    with container.uow() as uow:
        shop = uow.shops.add(Platform.SHOPIFY, SHOP)
        uow.connection.execute(update(shops).where(shops.c.id == shop.id).values(active=False))
        uow.commit()
    answer = client.get(f"/admin/{shop.id}/probe?{load(sandbox, mint())}")
    assert answer.status_code == 200
    shop_id, creds, _raw, active = stored(container)
    assert shop_id == shop.id and active and creds is not None and creds["access_token"].startswith("shpat_")


def test_a_token_the_shop_refuses_to_exchange_bounces_and_stores_nothing(
    client: FlaskClient, container: Container, sandbox: Sandbox
) -> None:
    other = "other-shop.myshopify.com"  # signed with the app's secret, but the sandbox shop is not its shop
    query = urlencode({"embedded": "1", "host": host_for(other, sandbox.base).raw, "shop": other,
                       "id_token": mint(other)})
    answer = client.get(f"/?{query}")
    assert answer.status_code == 302
    assert urlsplit(answer.headers["Location"]).path == "/auth/session-token"
    with container.uow() as uow:
        assert uow.shops.find(Platform.SHOPIFY, other) is None


def test_shopify_unreachable_during_the_exchange_is_a_503_page_and_nothing_stored(
    container: Container,
) -> None:
    cipher = CredentialCipher([CredentialCipher.generate_key()])
    closed = Container(embedded_config("http://127.0.0.1:9"), _cipher=cipher)
    closed.__dict__["engine"] = container.engine
    app = create_app(container=closed)
    add_probe(app)
    query = urlencode({"embedded": "1", "host": host_for(SHOP, "http://127.0.0.1:9").raw, "shop": SHOP,
                       "id_token": mint()})
    answer = app.test_client().get(f"/?{query}")
    assert answer.status_code == 503
    assert "Shopify cannot be reached" in answer.get_data(as_text=True)
    assert stored(container)[0] is None
