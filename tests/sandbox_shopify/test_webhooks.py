"""Webhook deliveries: Shopify headers and HMAC, retries with the same event id, fault options,
subscriptions through GraphQL, compliance topics through the admin trigger."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from sandboxes.kit.faults import FaultConfig
from tests.sandbox_shopify.conftest import Sandbox, first_fli, fulfilled_order

SUBSCRIBE = """mutation($topic: WebhookSubscriptionTopic!, $uri: String!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: {uri: $uri, format: JSON}) {
    webhookSubscription { id topic uri } userErrors { field message } } }"""


@dataclass
class Receiver:
    url: str
    received: list[dict[str, Any]] = field(default_factory=list)
    fail_first: int = 0

    def wait_for(self, count: int, timeout: float = 5.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and len(self.received) < count:
            time.sleep(0.02)
        return self.received


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver("")
    calls = {"n": 0}

    @Request.application  # type: ignore[arg-type]
    def app(request: Request) -> Response:
        calls["n"] += 1
        if calls["n"] <= state.fail_first:
            return Response("busy", status=503)
        state.received.append({"headers": dict(request.headers), "body": request.get_data()})
        return Response("ok")

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.port}/webhooks"
    yield state
    server.shutdown()
    server.server_close()


def subscribe(sb: Sandbox, topic: str, uri: str) -> None:
    body = sb.data(SUBSCRIBE, {"topic": topic, "uri": uri})["webhookSubscriptionCreate"]
    assert body["userErrors"] == [] and body["webhookSubscription"]["topic"] == topic


def verify(secret: str, delivery: dict[str, Any]) -> bool:
    digest = hmac.new(secret.encode(), delivery["body"], hashlib.sha256).digest()
    return hmac.compare_digest(base64.b64encode(digest).decode(), delivery["headers"]["X-Shopify-Hmac-Sha256"])


def request_return(sb: Sandbox) -> dict[str, Any]:
    order = fulfilled_order(sb)
    ret: dict[str, Any] = sb.data(
        """mutation($input: ReturnRequestInput!) { returnRequest(input: $input) { return { id name } } }""",
        {
            "input": {
                "orderId": order["id"],
                "returnLineItems": [
                    {"fulfillmentLineItemId": first_fli(order)["id"], "quantity": 1, "returnReason": "WRONG_ITEM"}
                ],
            }
        },
    )["returnRequest"]["return"]
    return ret


def test_returns_request_delivery_is_signed_with_shopify_headers(sandbox: Sandbox, receiver: Receiver) -> None:
    subscribe(sandbox, "RETURNS_REQUEST", receiver.url)
    ret = request_return(sandbox)
    [delivery] = receiver.wait_for(1)
    assert verify(sandbox.options.api_secret, delivery)
    assert not verify("some-other-secret", delivery)
    headers = delivery["headers"]
    assert headers["X-Shopify-Topic"] == "returns/request"
    assert headers["X-Shopify-Shop-Domain"] == sandbox.options.shop_domain
    assert headers["X-Shopify-Api-Version"] == "2026-04"
    for name in ("X-Shopify-Webhook-Id", "X-Shopify-Event-Id", "X-Shopify-Triggered-At"):
        assert headers[name]
    body = json.loads(delivery["body"])
    assert body["admin_graphql_api_id"] == ret["id"] and body["name"] == ret["name"]
    assert body["status"] == "requested"
    line = body["return_line_items"][0]
    assert line["return_reason"] == "wrong_item" and line["quantity"] == 1
    assert line["fulfillment_line_item"]["admin_graphql_api_id"].startswith("gid://shopify/FulfillmentLineItem/")


def test_failed_delivery_is_retried_with_the_same_event_id(
    make_sandbox: Callable[..., Sandbox], receiver: Receiver
) -> None:
    sb = make_sandbox()
    receiver.fail_first = 2
    subscribe(sb, "RETURNS_REQUEST", receiver.url)
    request_return(sb)
    [delivery] = receiver.wait_for(1)
    log = sb.admin("GET", "/webhooks/deliveries")
    assert [entry["outcome"] for entry in log] == ["failed", "failed", "delivered"]
    assert len({entry["event_id"] for entry in log}) == 1
    assert delivery["headers"]["X-Shopify-Event-Id"] == log[0]["event_id"]
    assert [entry["attempt"] for entry in log] == [1, 2, 3]


def test_duplicate_and_dropped_delivery_faults(make_sandbox: Callable[..., Sandbox], receiver: Receiver) -> None:
    dup = make_sandbox(faults=FaultConfig(webhook_duplicate_rate=1.0))
    subscribe(dup, "RETURNS_REQUEST", receiver.url)
    request_return(dup)
    deliveries = receiver.wait_for(2)
    assert len(deliveries) == 2
    assert deliveries[0]["headers"]["X-Shopify-Event-Id"] == deliveries[1]["headers"]["X-Shopify-Event-Id"]
    assert deliveries[0]["headers"]["X-Shopify-Webhook-Id"] != deliveries[1]["headers"]["X-Shopify-Webhook-Id"]
    dropped = make_sandbox(faults=FaultConfig(webhook_drop_rate=1.0))
    subscribe(dropped, "RETURNS_REQUEST", receiver.url + "/dropped")
    request_return(dropped)
    time.sleep(0.3)
    assert [e["outcome"] for e in dropped.admin("GET", "/webhooks/deliveries")] == ["dropped"]
    assert len(receiver.received) == 2  # nothing arrived from the dropping shop


def test_refund_and_order_topics_and_subscription_management(sandbox: Sandbox, receiver: Receiver) -> None:
    for topic in ("REFUNDS_CREATE", "ORDERS_CREATE"):
        subscribe(sandbox, topic, receiver.url)
    duplicate = sandbox.data(SUBSCRIBE, {"topic": "ORDERS_CREATE", "uri": receiver.url})["webhookSubscriptionCreate"]
    assert duplicate["userErrors"][0]["message"] == "Address for this topic has already been taken"
    created = sandbox.admin("POST", "/orders", json={"like": "1001"})
    [delivery] = receiver.wait_for(1)
    assert delivery["headers"]["X-Shopify-Topic"] == "orders/create"
    assert json.loads(delivery["body"])["admin_graphql_api_id"] == created["order_id"]
    listed = sandbox.data("{ webhookSubscriptions(first: 10) { nodes { id topic } } }")["webhookSubscriptions"]["nodes"]
    assert sorted(n["topic"] for n in listed) == ["ORDERS_CREATE", "REFUNDS_CREATE"]
    gone = sandbox.data(
        "mutation($id: ID!) { webhookSubscriptionDelete(id: $id) { deletedWebhookSubscriptionId } }",
        {"id": listed[0]["id"]},
    )
    assert gone["webhookSubscriptionDelete"]["deletedWebhookSubscriptionId"] == listed[0]["id"]


def test_compliance_and_uninstall_topics(sandbox: Sandbox, receiver: Receiver) -> None:
    for topic in ("customers/redact", "customers/data_request", "shop/redact"):
        sandbox.admin("POST", "/webhooks/trigger", json={"topic": topic, "uri": receiver.url, "order_id": "1002"})
    got = receiver.wait_for(3)
    by_topic = {d["headers"]["X-Shopify-Topic"]: json.loads(d["body"]) for d in got}
    assert set(by_topic) == {"customers/redact", "customers/data_request", "shop/redact"}
    assert by_topic["customers/redact"]["orders_to_redact"] and by_topic["customers/redact"]["customer"]["email"]
    assert "data_request" in by_topic["customers/data_request"]
    assert by_topic["shop/redact"]["shop_domain"] == sandbox.options.shop_domain
    assert all(verify(sandbox.options.api_secret, d) for d in got)
    subscribe(sandbox, "APP_UNINSTALLED", receiver.url)
    sandbox.admin("POST", "/app/uninstall")
    assert receiver.wait_for(4)[-1]["headers"]["X-Shopify-Topic"] == "app/uninstalled"


def test_never_delivers_off_localhost(sandbox: Sandbox) -> None:
    subscribe(sandbox, "RETURNS_REQUEST", "https://example.invalid/hook")
    request_return(sandbox)
    deadline = time.monotonic() + 3
    log: list[dict[str, Any]] = []
    while time.monotonic() < deadline and not log:
        log = sandbox.admin("GET", "/webhooks/deliveries")
        time.sleep(0.02)
    assert log and log[0]["outcome"] == "refused"


def test_late_delivery(make_sandbox: Callable[..., Sandbox], receiver: Receiver) -> None:
    sb = make_sandbox(faults=FaultConfig(webhook_delay_s=0.6))
    subscribe(sb, "RETURNS_REQUEST", receiver.url)
    started = time.monotonic()
    request_return(sb)
    time.sleep(0.3)
    assert receiver.received == []
    assert len(receiver.wait_for(1)) == 1 and time.monotonic() - started >= 0.6
