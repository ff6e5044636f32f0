"""The wc-auth connect flow as wired in the app: a user_id only works for the store it was issued for."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import Engine

from connector.bootstrap import Container
from connector.config.model import AppSettings, Config
from connector.domain import Platform
from connector.store.crypto import CredentialCipher
from sandboxes.woocommerce.app import start_in_thread
from sandboxes.woocommerce.shop import SandboxOptions
from wiring.app import create_app


@pytest.fixture
def store() -> object:
    url, stop = start_in_thread(SandboxOptions(orders=2, consumer_key="ck_bound", consumer_secret="cs_bound",
                                               currency="USD"))
    yield url
    stop()


def test_a_user_id_is_bound_to_its_store(engine: Engine, store: str) -> None:
    config = replace(Config(), app=AppSettings(base_url="http://127.0.0.1:9", allow_private_store_urls=True))
    container = Container(config, _cipher=CredentialCipher([CredentialCipher.generate_key()]))
    container.__dict__["engine"] = engine
    client = create_app(container=container).test_client()
    started = client.get("/woocommerce/connect", query_string={"store_url": store})
    assert started.status_code == 302
    user_id = parse_qs(urlsplit(started.headers["Location"]).query)["user_id"][0]
    keys = {"key_id": 1, "user_id": user_id, "consumer_key": "ck_bound", "consumer_secret": "cs_bound",
            "key_permissions": "read_write"}
    elsewhere = client.post("/woocommerce/callback", query_string={"store_url": "https://attacker.example"},
                            json=keys)
    assert elsewhere.status_code == 403
    with container.uow() as uow:
        assert uow.shops.find(Platform.WOOCOMMERCE, "https://attacker.example") is None
    # A value issued for the right store works once, through the real check of the keys at the store.
    again = client.get("/woocommerce/connect", query_string={"store_url": store})
    fresh = parse_qs(urlsplit(again.headers["Location"]).query)["user_id"][0]
    accepted = client.post("/woocommerce/callback", query_string={"store_url": store},
                           json={**keys, "user_id": fresh})
    assert accepted.status_code == 200, accepted.text
    with container.uow() as uow:
        shop = uow.shops.find(Platform.WOOCOMMERCE, store)
        assert shop is not None and shop.currency == "USD"  # as the store says, never assumed (issue 16)
        stored = uow.shops.credentials(shop.id) or {}
    assert (stored["consumer_key"], stored["consumer_secret"]) == ("ck_bound", "cs_bound")
    assert len(stored["webhook_secret"]) >= 32  # a secret of its own, for this shop's webhooks
