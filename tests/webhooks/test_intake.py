"""Webhook intake over the Flask test client with a real database; signatures built like the platforms'."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import replace

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.exc import OperationalError

from connector.bootstrap import Container
from connector.config.model import Config, RedisSettings, WebhookSettings
from connector.domain import Platform
from connector.jobs.queue import JobQueue, make_queue
from connector.jobs.relay import relay
from connector.jobs.runtime import use_container
from connector.jobs.tasks import handle_event
from connector.store.crypto import CredentialCipher
from connector.store.inbox_repo import InboxState
from connector.store.outbox_repo import OutboxState
from connector.store.tables import outbox, shops, webhook_inbox
from webhooks.intake_store import IntakeStore
from webhooks.sqlite_intake import SqliteIntake
from wiring.app import create_app

SECRET = "shpss_new_secret"
OLD_SECRET = "shpss_old_secret"
WOO_SECRET = "woo-per-shop-secret"


def shopify_headers(body: bytes, *, secret: str = SECRET, event_id: str = "evt-1", topic: str = "orders/updated",
                    shop: str = "a.myshopify.com") -> dict[str, str]:
    digest = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
    return {
        "X-Shopify-Topic": topic, "X-Shopify-Hmac-Sha256": digest, "X-Shopify-Shop-Domain": shop,
        "X-Shopify-Webhook-Id": f"wh-{event_id}", "X-Shopify-Event-Id": event_id, "X-Shopify-API-Version": "2026-04",
        "X-Shopify-Triggered-At": "2026-03-10T12:00:00Z", "Content-Type": "application/json",
    }


def woo_headers(body: bytes, *, secret: str = WOO_SECRET, delivery: str = "d1", topic: str = "order.updated",
                source: str = "https://woo.example/") -> dict[str, str]:
    digest = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
    return {
        "X-WC-Webhook-Source": source, "X-WC-Webhook-Topic": topic, "X-WC-Webhook-Resource": "order",
        "X-WC-Webhook-Event": topic.split(".")[1], "X-WC-Webhook-Signature": digest, "X-WC-Webhook-ID": "7",
        "X-WC-Webhook-Delivery-ID": delivery, "Content-Type": "application/json",
    }


ORDER_BODY = json.dumps({"id": 450789469, "admin_graphql_api_id": "gid://shopify/Order/450789469",
                         "updated_at": "2026-03-10T12:00:00Z"}).encode()
WOO_BODY = json.dumps({"id": 727, "status": "completed", "date_modified_gmt": "2026-03-10T12:00:00"}).encode()


def _container(engine: Engine, redis_url: str = "", max_body: int = 1_048_576) -> Container:
    config = replace(Config(), redis=RedisSettings(redis_url), webhooks=WebhookSettings(max_body))
    container = Container(config, _cipher=CredentialCipher([CredentialCipher.generate_key()]))
    container.__dict__["engine"] = engine
    with container.uow() as uow:
        uow.shops.add(Platform.SHOPIFY, "a.myshopify.com", shop_id="shop-a", credentials={"access_token": "t"})
        uow.shops.add(Platform.WOOCOMMERCE, "https://woo.example", shop_id="shop-w",
                      credentials={"consumer_key": "ck", "consumer_secret": "cs", "webhook_secret": WOO_SECRET})
        uow.commit()
    return container


@pytest.fixture
def app(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    monkeypatch.setenv("SHOPIFY_API_SECRET", f"{SECRET},{OLD_SECRET}")
    yield create_app(container=_container(engine, max_body=4096))


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def _counts(app: Flask) -> tuple[int, int]:
    container: Container = app.extensions["connector"]
    with container.engine.connect() as conn:
        inbox_rows = conn.execute(select(func.count()).select_from(webhook_inbox)).scalar_one()
        outbox_rows = conn.execute(select(func.count()).select_from(outbox)).scalar_one()
    return inbox_rows, outbox_rows


def test_shopify_delivery_is_stored_once_with_its_outbox_row(app: Flask, client: FlaskClient) -> None:
    first = client.post("/webhooks/shopify", data=ORDER_BODY, headers=shopify_headers(ORDER_BODY))
    assert first.status_code == 200 and first.get_json()["code"] == "accepted"
    again = client.post("/webhooks/shopify", data=ORDER_BODY, headers=shopify_headers(ORDER_BODY))
    assert again.status_code == 200 and again.get_json()["code"] == "duplicate"
    assert _counts(app) == (1, 1)


def test_rotated_secrets_both_verify(client: FlaskClient) -> None:
    old = client.post("/webhooks/shopify", data=ORDER_BODY,
                      headers=shopify_headers(ORDER_BODY, secret=OLD_SECRET, event_id="evt-old"))
    assert old.status_code == 200


@pytest.mark.parametrize(
    ("mutate", "status", "code"),
    [
        (lambda h: h.pop("X-Shopify-Hmac-Sha256"), 401, "invalid_signature"),
        (lambda h: h.update({"X-Shopify-Hmac-Sha256": base64.b64encode(b"x" * 32).decode()}), 401,
         "invalid_signature"),
        (lambda h: h.update({"X-Shopify-Shop-Domain": "unknown.myshopify.com"}), 404, "unknown_shop"),
        (lambda h: h.update({"X-Shopify-Topic": "products/update"}), 200, "ignored"),
        (lambda h: h.pop("X-Shopify-Event-Id") and h.pop("X-Shopify-Webhook-Id"), 400, "missing_event_id"),
    ],
)
def test_shopify_refusals(app: Flask, client: FlaskClient, mutate: object, status: int, code: str) -> None:
    headers = shopify_headers(ORDER_BODY)
    mutate(headers)  # type: ignore[operator]
    response = client.post("/webhooks/shopify", data=ORDER_BODY, headers=headers)
    assert (response.status_code, response.get_json()["code"]) == (status, code)
    assert _counts(app) == (0, 0)


def test_reserialised_body_fails_and_bad_json_is_400(client: FlaskClient) -> None:
    headers = shopify_headers(ORDER_BODY)
    reserialised = json.dumps(json.loads(ORDER_BODY), indent=2).encode()
    assert client.post("/webhooks/shopify", data=reserialised, headers=headers).status_code == 401
    garbage = b"{not json"
    response = client.post("/webhooks/shopify", data=garbage, headers=shopify_headers(garbage))
    assert response.status_code == 400 and response.get_json()["code"] == "invalid_json"


def test_too_large_is_413(client: FlaskClient) -> None:
    big = json.dumps({"id": 1, "pad": "x" * 5000}).encode()
    response = client.post("/webhooks/shopify", data=big, headers=shopify_headers(big))
    assert response.status_code == 413


def test_woo_ping_unknown_shop_and_per_shop_secret(app: Flask, client: FlaskClient) -> None:
    ping = client.post("/webhooks/woocommerce", data=b"webhook_id=7",
                       headers={"Content-Type": "application/x-www-form-urlencoded",
                                "X-WC-Webhook-Source": "https://woo.example/"})
    assert ping.status_code == 200 and ping.get_json()["code"] == "ping"
    unknown = client.post("/webhooks/woocommerce", data=WOO_BODY,
                          headers=woo_headers(WOO_BODY, source="https://other.example/"))
    assert unknown.status_code == 401  # like a bad signature: which stores are connected is not told
    forged = client.post("/webhooks/woocommerce", data=WOO_BODY, headers=woo_headers(WOO_BODY, secret="guess"))
    assert forged.status_code == 401
    assert _counts(app) == (0, 0)


def test_woo_dedups_on_resource_and_modified_date_not_delivery_id(app: Flask, client: FlaskClient) -> None:
    for delivery in ("d1", "d2", "d3"):
        response = client.post("/webhooks/woocommerce", data=WOO_BODY, headers=woo_headers(WOO_BODY, delivery=delivery))
        assert response.status_code == 200
    newer = json.dumps({"id": 727, "status": "refunded", "date_modified_gmt": "2026-03-10T12:05:00"}).encode()
    response = client.post("/webhooks/woocommerce", data=newer, headers=woo_headers(newer, delivery="d4"))
    assert response.status_code == 200
    assert _counts(app) == (2, 2)


def test_redis_down_still_answers_200_and_keeps_the_work(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOPIFY_API_SECRET", SECRET)
    app = create_app(container=_container(engine, redis_url="redis://127.0.0.1:1/0"))
    response = app.test_client().post("/webhooks/shopify", data=ORDER_BODY, headers=shopify_headers(ORDER_BODY))
    assert response.status_code == 200 and response.get_json()["code"] == "accepted"
    container: Container = app.extensions["connector"]
    assert relay(container, app.extensions["connector.queue"]) == 0  # Redis refuses: the row goes back
    assert _outbox_states(container) == [OutboxState.PENDING.value]


@pytest.mark.redis
def test_intake_never_touches_redis_and_the_relay_enqueues_once(engine: Engine, redis_url: str,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOPIFY_API_SECRET", SECRET)
    app = create_app(container=_container(engine, redis_url=redis_url))
    response = app.test_client().post("/webhooks/shopify", data=ORDER_BODY, headers=shopify_headers(ORDER_BODY))
    assert response.status_code == 200
    queue: JobQueue = app.extensions["connector.queue"]
    assert queue.queue.count == 0
    container: Container = app.extensions["connector"]
    assert relay(container, queue) == 1
    assert queue.queue.count == 1
    job = queue.queue.jobs[0]
    assert job.func_name == "connector.jobs.tasks.handle_event" and job.args[0] == "shop-a"
    assert _outbox_states(container) == [OutboxState.ENQUEUED.value]
    assert relay(container, queue) == 0  # claimed rows are not taken again (until they look stuck)
    assert make_queue(container).queue.count == 1


def _outbox_states(container: Container) -> list[str]:
    with container.engine.connect() as conn:
        return list(conn.execute(select(outbox.c.state).order_by(outbox.c.id)).scalars())


def test_unknown_shop_is_404_and_stores_nothing(client: FlaskClient, app: Flask) -> None:
    headers = shopify_headers(ORDER_BODY, shop="stranger.myshopify.com")
    response = client.post("/webhooks/shopify", data=ORDER_BODY, headers=headers)
    assert response.status_code == 404 and response.get_json()["code"] == "unknown_shop"
    assert _counts(app) == (0, 0)


def test_database_down_is_503_so_the_platform_retries(app: Flask, client: FlaskClient,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object, **__: object) -> None:
        raise OperationalError("INSERT", {}, Exception("connection refused"))

    monkeypatch.setattr(IntakeStore, "_execute", refuse)
    monkeypatch.setattr(SqliteIntake, "store", refuse)
    response = client.post("/webhooks/shopify", data=ORDER_BODY, headers=shopify_headers(ORDER_BODY))
    assert response.status_code == 503 and response.get_json()["code"] == "store_unavailable"


def test_a_stored_delivery_reads_back_through_the_store_as_written(app: Flask, client: FlaskClient) -> None:
    """The intake writes with plain SQL: the rows must read back through SQLAlchemy's types like any other."""
    from datetime import UTC, datetime, timedelta

    from connector.store.inbox_repo import InboxState

    before = datetime.now(UTC)
    assert client.post("/webhooks/shopify", data=ORDER_BODY, headers=shopify_headers(ORDER_BODY)).status_code == 200
    container: Container = app.extensions["connector"]
    with container.engine.connect() as conn:
        inbox_row = conn.execute(select(webhook_inbox)).one()
        outbox_row = conn.execute(select(outbox)).one()
    for stamp in (inbox_row.received_at, outbox_row.created_at):
        assert stamp.tzinfo is not None and before - timedelta(seconds=1) <= stamp <= datetime.now(UTC)
    assert outbox_row.ref_id == str(inbox_row.id) and outbox_row.enqueued_at is None
    with container.uow() as uow:
        delivery = uow.inbox.load(inbox_row.id)
    assert delivery is not None and delivery.shop_id == "shop-a" and delivery.state is InboxState.RECEIVED
    assert delivery.body == ORDER_BODY and delivery.topic == "orders/updated"
    assert delivery.headers["X-Shopify-Event-Id"] == "evt-1" and "Content-Type" not in delivery.headers


def test_removing_a_shop_removes_its_deliveries_and_outbox_rows_only(app: Flask, client: FlaskClient) -> None:
    client.post("/webhooks/shopify", data=ORDER_BODY, headers=shopify_headers(ORDER_BODY))
    woo = client.post("/webhooks/woocommerce", data=WOO_BODY, headers=woo_headers(WOO_BODY))
    assert woo.get_json()["code"] == "accepted" and _counts(app) == (2, 2)
    container: Container = app.extensions["connector"]
    with container.uow() as uow:  # no foreign key cascades here: the repository deletes them itself
        uow.shops.remove("shop-a")
        uow.commit()
    with container.engine.connect() as conn:
        assert list(conn.execute(select(webhook_inbox.c.shop_id)).scalars()) == ["shop-w"]
        assert list(conn.execute(select(outbox.c.shop_id)).scalars()) == ["shop-w"]


def test_a_delivery_whose_shop_was_removed_meanwhile_is_done_not_failed(app: Flask, client: FlaskClient) -> None:
    client.post("/webhooks/shopify", data=ORDER_BODY, headers=shopify_headers(ORDER_BODY))
    container: Container = app.extensions["connector"]
    with container.engine.begin() as conn:  # the shop goes after its delivery was stored (a race with removal)
        conn.execute(delete(shops).where(shops.c.id == "shop-a"))
        inbox_id = conn.execute(select(webhook_inbox.c.id)).scalar_one()
        outbox_id = conn.execute(select(outbox.c.id)).scalar_one()
    use_container(container)
    try:
        assert handle_event("shop-a", str(inbox_id), outbox_id) == "shop-removed"
    finally:
        use_container(None)
    with container.engine.connect() as conn:
        assert conn.execute(select(webhook_inbox.c.state)).scalar_one() == InboxState.DONE.value
    assert _outbox_states(container) == [OutboxState.DONE.value]
