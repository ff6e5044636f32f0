"""The served app with the portal, over a real store and an in-memory shop, for the tests of screens 3-5 and
the policy page; signed values made the way the earlier screens make them.

The shop ``shop-a`` has order ``O1`` (``#1001``): L1, two shirts at 40.00 with 8.00 off the line (one unit was
paid 36.00), and L2, one final-sale shirt. Its customer's language is French unless a test says otherwise.
"""

from __future__ import annotations

import html
import re
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import Engine

from connector.bootstrap import Container
from connector.config.model import AppSettings, Config, RedisSettings
from connector.domain import Platform
from connector.domain.money import Money
from connector.domain.orders import Customer
from connector.pages.i18n import SIGNER_EXTENSION
from connector.pages.portal.draft import Draft, DraftLine, new_draft_id, seal
from connector.pages.signed import OrderAccess, PortalSigner
from connector.policy.schema import policy_from_dict
from connector.services.policies import set_policy
from connector.store.crypto import CredentialCipher
from tests.factories import NOW, order, order_line
from tests.fakes import FakeAdapter, FakeShop
from wiring.app import create_app

SHOP = "shop-a"
ORDER = "O1"
KEY = "review-pages-test-key-" + "k" * 40


class Clock:
    def __init__(self) -> None:
        self.now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now


def fake_shop(customer_locale: str | None = None) -> FakeShop:
    source = order(
        order_line("L1", ordered=2, fulfilled=2),
        replace(order_line("L2", ordered=1, fulfilled=1), final_sale=True),
    )
    customer = Customer(id="C1", email=source.email, locale=customer_locale)
    source = replace(source, country="FR", customer=customer)
    eur = {"V-9": Money("50.00", "EUR"), "V-0": Money("20.00", "EUR")}
    return FakeShop(orders={source.id: source}, stock={"V-9": 3, "V-0": 0}, prices=eur)


def make_container(engine: Engine, shop: FakeShop, data_dir: Path) -> Container:
    config = replace(Config(), app=replace(AppSettings(), data_dir=str(data_dir)), redis=RedisSettings(""))
    built = Container(
        config,
        _cipher=CredentialCipher([CredentialCipher.generate_key()]),
        clock=Clock(),
        adapter_factory=lambda _c, _shop, _creds: FakeAdapter(shop),
    )
    built.__dict__["engine"] = engine
    with built.uow() as uow:
        uow.shops.add(Platform.WOOCOMMERCE, "https://shop.example", shop_id=SHOP, name="Maison Test",
                      credentials={"consumer_key": "ck", "consumer_secret": "cs"})
        uow.commit()
    use_policy(built, {})
    return built


def use_policy(container: Container, document: dict[str, Any]) -> None:
    with container.uow() as uow:
        set_policy(uow, SHOP, policy_from_dict({"name": "test", "default_action": "approve", **document}))
        uow.commit()


def portal_app(container: Container) -> Flask:
    """The served app, its portal signing with a key of the test's, by the container's clock (a test travels in
    time with it)."""
    app = create_app(container=container)
    app.config["CONNECTOR_SIGNING_KEY"] = KEY
    app.extensions[SIGNER_EXTENSION] = PortalSigner([KEY], clock=container.clock)
    return app


def signer_of(app: Flask) -> PortalSigner:
    found: PortalSigner = app.extensions[SIGNER_EXTENSION]
    return found


def access(app: Flask) -> str:
    return signer_of(app).order_access_token(SHOP, OrderAccess(ORDER))


def draft(app: Flask, *lines: DraftLine, method: str | None = "prepaid_label", draft_id: str | None = None) -> str:
    chosen = lines or (DraftLine("L1", 1, "size_too_small"),)
    return seal(Draft(draft_id or new_draft_id(), SHOP, ORDER, chosen, method), signer_of(app))


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "the form carries no CSRF token"
    return found.group(1)


def action_of(page: str) -> str:
    """Where the page's form posts (with its ``?d=``, unescaped)."""
    found = re.search(r'<form method="post" action="([^"]+)"', page)
    assert found, "the page has no form"
    return html.unescape(found.group(1))


def text_of(page: str) -> str:
    """The page's words, tags dropped and spaces collapsed, for asserting on sentences."""
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", page)).strip()
