"""A signed body is acted on for the shop it names, never for the shop an unsigned header names (issue 14 §1).

The signature covers the body only: ``X-Shopify-Shop-Domain``, the event id, WooCommerce's resource and
delivery id are all headers an attacker can rewrite on a captured delivery. Each test here failed before.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, select, update

from connector.bootstrap import Container
from connector.domain import Platform
from connector.domain.timeutil import utcnow
from connector.jobs.runtime import use_container
from connector.jobs.tasks import handle_event
from connector.store.tables import shops, webhook_digests, webhook_inbox
from tests.webhooks.test_intake import (
    ORDER_BODY,
    SECRET,
    WOO_BODY,
    _container,
    _counts,
    shopify_headers,
    woo_headers,
)
from wiring.app import create_app

SHOP_A = "a.myshopify.com"
SHOP_B = "b.myshopify.com"


@pytest.fixture
def app(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    monkeypatch.setenv("SHOPIFY_API_SECRET", SECRET)
    container = _container(engine)
    with container.uow() as uow:
        uow.shops.add(Platform.SHOPIFY, SHOP_B, shop_id="shop-b", credentials={"access_token": "tb"})
        uow.commit()
    yield create_app(container=container)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def _body(**fields: object) -> bytes:
    return json.dumps(fields).encode()


def _post(client: FlaskClient, body: bytes, **options: str) -> tuple[int, str]:
    response = client.post("/webhooks/shopify", data=body, headers=shopify_headers(body, **options))
    return response.status_code, response.get_json()["code"]


def _shop_b(app: Flask) -> tuple[bool, str | None]:
    container: Container = app.extensions["connector"]
    with container.engine.connect() as conn:
        row = conn.execute(select(shops.c.active, shops.c.platform_shop_id).where(shops.c.id == "shop-b")).one()
    return bool(row.active), row.platform_shop_id


@pytest.mark.parametrize(
    ("topic", "body"),
    [
        ("shop/redact", _body(shop_id=1, shop_domain=SHOP_A)),
        ("customers/redact", _body(shop_id=1, shop_domain=SHOP_A, customer={"email": "x@example.com"})),
        ("app/uninstalled", _body(id=1, domain="shop-a.example", myshopify_domain=SHOP_A)),
        ("customers/data_request", _body(shop_id=1, shop_domain=SHOP_A.upper())),
    ],
)
def test_a_body_signed_for_one_shop_is_refused_under_another_shops_header(
    app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture, topic: str, body: bytes
) -> None:
    with caplog.at_level(logging.WARNING, logger="connector.webhooks"):
        assert _post(client, body, topic=topic, shop=SHOP_B) == (401, "shop_mismatch")
    assert _counts(app) == (0, 0)  # stored nowhere
    warning = next(r for r in caplog.records if r.msg == "webhooks.shop-mismatch")
    assert warning.header == SHOP_B and warning.body == [SHOP_A]  # type: ignore[attr-defined]
    assert _shop_b(app) == (True, None)


@pytest.mark.parametrize("topic", ["shop/redact", "customers/redact", "app/uninstalled"])
def test_destructive_topics_must_name_their_shop(app: Flask, client: FlaskClient, topic: str) -> None:
    assert _post(client, _body(customer={"email": "x@example.com"}), topic=topic, shop=SHOP_B) == (
        401, "shop_not_named")
    assert _counts(app) == (0, 0)


def test_an_uninstall_naming_its_own_shop_is_accepted_even_with_a_custom_primary_domain(
    app: Flask, client: FlaskClient
) -> None:
    """The Shop resource's ``domain`` is the primary domain, often the merchant's own: it is not a mismatch."""
    body = _body(id=548380009, domain="shop-b.example", myshopify_domain=SHOP_B)
    assert _post(client, body, topic="app/uninstalled", shop=SHOP_B) == (200, "accepted")
    assert _shop_b(app) == (True, "548380009")  # the shop's id at Shopify, learned from signed content


def test_a_shop_id_other_than_the_one_learned_is_refused(app: Flask, client: FlaskClient) -> None:
    first = _body(shop_id=548380009, shop_domain=SHOP_B, customer={"email": "x@example.com"})
    assert _post(client, first, topic="customers/data_request", shop=SHOP_B, event_id="e1") == (200, "accepted")
    other_id = _body(shop_id=1, shop_domain=SHOP_B, customer={"email": "x@example.com"})
    assert _post(client, other_id, topic="customers/data_request", shop=SHOP_B, event_id="e2") == (
        401, "shop_mismatch")
    only_id = _body(shop_id=1, customer={"email": "y@example.com"})  # names no domain, only another shop's id
    assert _post(client, only_id, topic="customers/data_request", shop=SHOP_B, event_id="e3") == (
        401, "shop_mismatch")
    assert _counts(app) == (1, 1)


def test_a_fresh_event_id_does_not_make_a_replayed_body_new(app: Flask, client: FlaskClient) -> None:
    assert _post(client, ORDER_BODY, event_id="evt-1") == (200, "accepted")
    assert _post(client, ORDER_BODY, event_id="evt-forged") == (200, "duplicate")
    assert _post(client, ORDER_BODY, event_id="evt-forged", topic="orders/create") == (200, "accepted")  # own topic
    assert _counts(app) == (2, 2)


def test_the_same_body_is_new_again_after_the_retry_horizon(app: Flask, client: FlaskClient) -> None:
    assert _post(client, ORDER_BODY, event_id="evt-1") == (200, "accepted")
    container: Container = app.extensions["connector"]
    with container.engine.begin() as conn:
        conn.execute(update(webhook_digests).values(received_at=utcnow() - timedelta(hours=49)))
    assert _post(client, ORDER_BODY, event_id="evt-2") == (200, "accepted")
    assert _post(client, ORDER_BODY, event_id="evt-3") == (200, "duplicate")  # and the horizon starts again


def test_the_same_body_for_another_shop_is_not_a_replay(app: Flask, client: FlaskClient) -> None:
    assert _post(client, ORDER_BODY, event_id="evt-1", shop=SHOP_A) == (200, "accepted")
    assert _post(client, ORDER_BODY, event_id="evt-2", shop=SHOP_B) == (200, "accepted")


def test_woo_headers_cannot_make_a_replayed_body_new(app: Flask, client: FlaskClient) -> None:
    def post(body: bytes, resource: str, delivery: str) -> str:
        headers = {**woo_headers(body, delivery=delivery), "X-WC-Webhook-Resource": resource}
        return str(client.post("/webhooks/woocommerce", data=body, headers=headers).get_json()["code"])

    assert post(WOO_BODY, "order", "d1") == "accepted"
    assert post(WOO_BODY, "Order", "d2") == "duplicate"  # another spelling of the resource
    assert post(WOO_BODY, " ORDER ", "d3") == "duplicate"
    deleted = _body(id=727)  # no modification date: the key carries the delivery id, the digest does not
    headers = woo_headers(deleted, delivery="d4", topic="order.deleted")
    assert client.post("/webhooks/woocommerce", data=deleted, headers=headers).get_json()["code"] == "accepted"
    headers = woo_headers(deleted, delivery="d5-fresh", topic="order.deleted")
    assert client.post("/webhooks/woocommerce", data=deleted, headers=headers).get_json()["code"] == "duplicate"
    with app.extensions["connector"].engine.connect() as conn:
        keys = sorted(conn.execute(select(webhook_inbox.c.dedup_key)).scalars())
    assert [k.rsplit(":", 1)[0] for k in keys] == ["wc:order:727:2026-03-10T12:00:00", "wc:order:727:deleted"]


def test_an_unknown_woo_store_is_answered_like_a_bad_signature(client: FlaskClient) -> None:
    """Which stores are connected must not show: unsigned or badly signed, registered or not, one answer."""
    answers = set()
    for source in ("https://woo.example/", "https://not-a-customer.example/", ""):
        for signature in ("", "bm9wZQ==", woo_headers(WOO_BODY, secret="guess")["X-WC-Webhook-Signature"]):
            headers = {**woo_headers(WOO_BODY, source=source), "X-WC-Webhook-Signature": signature}
            response = client.post("/webhooks/woocommerce", data=WOO_BODY, headers=headers)
            answers.add((response.status_code, response.get_data()))
    assert answers == {(401, b'{"ok":false,"code":"invalid_signature","message":"missing or invalid signature"}')}


def test_a_signed_body_nested_too_deeply_is_a_400_not_a_500(client: FlaskClient) -> None:
    deep = b"[" * 1000 + b"]" * 1000
    assert _post(client, deep) == (400, "invalid_json")
    deep_object = b'{"a":' * 5000 + b"1" + b"}" * 5000
    assert _post(client, deep_object, event_id="evt-2") == (400, "invalid_json")


def test_the_worker_applies_a_destructive_event_only_to_the_shop_its_body_names(app: Flask) -> None:
    """Defence in depth: a stored delivery whose body names another shop changes nothing in the worker."""
    container: Container = app.extensions["connector"]
    body = _body(id=1, myshopify_domain=SHOP_A)
    with container.engine.begin() as conn:
        conn.execute(webhook_inbox.insert().values(
            shop_id="shop-b", platform="shopify", dedup_key="shopify:planted", topic="app/uninstalled", body=body,
            headers={}, state="received", attempts=0, received_at=utcnow()))
        inbox_id = conn.execute(select(webhook_inbox.c.id)).scalar_one()
    use_container(container)
    try:
        assert handle_event("shop-b", str(inbox_id)) == "refused-shop-not-named"
        own = _body(id=2, myshopify_domain=SHOP_B)
        with container.engine.begin() as conn:
            conn.execute(webhook_inbox.insert().values(
                shop_id="shop-b", platform="shopify", dedup_key="shopify:own", topic="app/uninstalled", body=own,
                headers={}, state="received", attempts=0, received_at=utcnow()))
            own_id = conn.execute(select(webhook_inbox.c.id).where(webhook_inbox.c.dedup_key == "shopify:own")
                                  ).scalar_one()
        assert _shop_b(app)[0] is True
        assert handle_event("shop-b", str(own_id)) == "shop-deactivated"
    finally:
        use_container(None)
    assert _shop_b(app)[0] is False


def test_digests_past_the_horizon_are_forgotten(app: Flask, client: FlaskClient) -> None:
    from connector.store.replays_repo import forget_old_digests

    assert _post(client, ORDER_BODY, event_id="evt-1") == (200, "accepted")
    assert _post(client, ORDER_BODY.replace(b"}", b', "n": 2}'), event_id="evt-2") == (200, "accepted")
    container: Container = app.extensions["connector"]
    with container.engine.begin() as conn:
        oldest = conn.execute(select(webhook_digests.c.digest).limit(1)).scalar_one()
        conn.execute(update(webhook_digests).where(webhook_digests.c.digest == oldest)
                     .values(received_at=utcnow() - timedelta(hours=49)))
        assert forget_old_digests(conn, utcnow()) == 1
        remaining = list(conn.execute(select(webhook_digests.c.digest)).scalars())
    assert len(remaining) == 1 and oldest not in remaining


def test_two_stores_same_order_and_second_are_two_deliveries(app: Flask, client: FlaskClient) -> None:
    """WooCommerce's key names no store: deduplication is per shop, or the second store's delivery is lost."""
    container: Container = app.extensions["connector"]
    with container.uow() as uow:
        uow.shops.add(Platform.WOOCOMMERCE, "https://woo-two.example", shop_id="shop-w2",
                      credentials={"consumer_key": "ck", "consumer_secret": "cs", "webhook_secret": "second-secret"})
        uow.commit()
    first = client.post("/webhooks/woocommerce", data=WOO_BODY, headers=woo_headers(WOO_BODY))
    second = client.post("/webhooks/woocommerce", data=WOO_BODY,
                         headers=woo_headers(WOO_BODY, secret="second-secret", source="https://woo-two.example/"))
    assert [first.get_json()["code"], second.get_json()["code"]] == ["accepted", "accepted"]
    with container.engine.connect() as conn:
        rows = conn.execute(select(webhook_inbox.c.shop_id, webhook_inbox.c.dedup_key)).all()
    assert [shop for shop, _ in sorted(rows)] == ["shop-w", "shop-w2"]
    assert {key.rsplit(":", 1)[0] for _, key in rows} == {"wc:order:727:2026-03-10T12:00:00"}
    assert rows[0][1] == rows[1][1]  # one key for one state: only the shop tells them apart
    again = client.post("/webhooks/woocommerce", data=WOO_BODY,
                        headers=woo_headers(WOO_BODY, secret="second-secret", source="https://woo-two.example/",
                                            delivery="d9"))
    assert again.get_json()["code"] == "duplicate"
