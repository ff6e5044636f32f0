"""Webhook HMAC (https://shopify.dev/docs/apps/build/webhooks/verify-deliveries) and topic translation."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest

from platforms.shopify import webhooks
from tests.shopify.helpers import load, raw

SECRET = "shpss_" + "n" * 32
OLD = "shpss_" + "o" * 32
SHOP = "demo-shop.myshopify.com"


def sign(body: bytes, secret: str = SECRET) -> str:
    """Independent of the code under test: base64(HMAC-SHA256(raw body))."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


BODY = raw("webhook_returns_request.json").encode()


def test_good_signature() -> None:
    assert webhooks.verify_signature(BODY, sign(BODY), [SECRET])


def test_bad_signature() -> None:
    assert not webhooks.verify_signature(BODY, sign(BODY, "shpss_" + "z" * 32), [SECRET])
    assert not webhooks.verify_signature(BODY + b" ", sign(BODY), [SECRET])
    assert not webhooks.verify_signature(BODY, "not base64 at all \u00e9", [SECRET])


@pytest.mark.parametrize("header", [None, ""])
def test_missing_signature(header: str | None) -> None:
    assert not webhooks.verify_signature(BODY, header, [SECRET])


def test_no_secret_configured_fails_closed() -> None:
    assert not webhooks.verify_signature(BODY, sign(BODY), [])
    assert not webhooks.verify_signature(BODY, sign(BODY, ""), [""])


def test_rotation_old_and_new_secret_both_pass() -> None:
    secrets = [SECRET, OLD]
    assert webhooks.verify_signature(BODY, sign(BODY, SECRET), secrets)
    assert webhooks.verify_signature(BODY, sign(BODY, OLD), secrets)
    assert not webhooks.verify_signature(BODY, sign(BODY, OLD), [SECRET])  # old secret retired


def test_re_serialised_body_fails() -> None:
    """Parsing and dumping the JSON changes the bytes (spacing, key order): the HMAC must not match."""
    header = sign(BODY)
    reserialised = json.dumps(json.loads(BODY)).encode()
    assert reserialised != BODY
    assert not webhooks.verify_signature(reserialised, header, [SECRET])


@pytest.mark.parametrize(
    ("topic", "kind"),
    [
        ("returns/request", "return_requested"),
        ("returns/approve", "return_approved"),
        ("returns/decline", "return_declined"),
        ("returns/cancel", "return_canceled"),
        ("returns/close", "return_closed"),
        ("RETURNS/REOPEN", "return_reopened"),
    ],
)
def test_return_topics(topic: str, kind: str) -> None:
    event = webhooks.translate(topic, load("webhook_returns_request.json"), SHOP, "shop-1")
    assert event.kind == kind
    assert event.resource_id == "gid://shopify/Return/945000960"
    assert event.data is not None and event.data["order_id"] == "gid://shopify/Order/625362839"
    assert event.shop_address == SHOP


def test_orders_updated_carries_the_order() -> None:
    event = webhooks.translate("orders/updated", load("webhook_orders_updated.json"), SHOP, "shop-1")
    assert event.kind == "order_changed" and event.resource_id == "gid://shopify/Order/625362839"
    assert event.order is not None and event.order.currency == "EUR" and event.order.shop_id == "shop-1"
    assert event.occurred_at is not None and event.occurred_at.utcoffset() is not None


def test_orders_updated_with_a_partial_body_still_names_the_order() -> None:
    event = webhooks.translate("orders/updated", {"id": 5, "updated_at": "2026-10-12T10:00:00-04:00"}, SHOP, "s")
    assert event.kind == "order_changed" and event.order is None and event.resource_id == "gid://shopify/Order/5"


def test_refunds_create() -> None:
    event = webhooks.translate("refunds/create", load("webhook_refunds_create.json"), SHOP, "shop-1")
    assert event.kind == "refund_created" and event.resource_id == "gid://shopify/Refund/509562969"
    assert event.data is not None and event.data["order_id"] == "gid://shopify/Order/625362839"
    assert event.data["note"] == "Return #1001-R2 [rc:act-7f3c]"


@pytest.mark.parametrize(
    ("topic", "kind"),
    [
        ("app/uninstalled", "app_uninstalled"),
        ("customers/data_request", "customer_data_request"),
        ("customers/redact", "customer_redact"),
        ("shop/redact", "shop_redact"),
    ],
)
def test_lifecycle_and_compliance_topics(topic: str, kind: str) -> None:
    payload = {"shop_id": 954889, "shop_domain": SHOP, "customer": {"id": 191167}, "orders_requested": [299938]}
    event = webhooks.translate(topic, payload, SHOP, "shop-1")
    assert event.kind == kind and event.data is not None and event.data["shop_id"] == 954889


def test_customers_redact_names_the_orders_as_sent_and_as_the_gids_we_key_them_by() -> None:
    payload = {"shop_id": 954889, "shop_domain": SHOP, "customer": {"id": 191167, "email": "ana@example.com"},
               "orders_to_redact": [299938, 280263]}
    event = webhooks.translate("customers/redact", payload, SHOP, "shop-1")
    assert event.data is not None and event.data["orders_to_redact"] == [
        299938, 280263, "gid://shopify/Order/299938", "gid://shopify/Order/280263"]
    assert payload["orders_to_redact"] == [299938, 280263]  # the body itself is left as it came


def test_unknown_topic_is_ignored() -> None:
    event = webhooks.translate("products/update", {"id": 1}, SHOP, "shop-1")
    assert event.kind == "ignored" and event.data == {"topic": "products/update"}
