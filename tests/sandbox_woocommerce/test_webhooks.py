"""Webhooks as WooCommerce sends them: ping, signature, merged bursts, no retries, disabling, faults.

Docs: https://woocommerce.github.io/woocommerce-rest-api-docs/#create-a-webhook (source
source/includes/wp-api-v3/_webhooks.md); delivery rules from includes/class-wc-webhook.php.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

from tests.sandbox_woocommerce.conftest import Receiver, Woo

SECRET = "s3cretWebhookKey"


def _hook(woo: Woo, receiver: Receiver, topic: str = "order.updated") -> dict[str, Any]:
    response = woo.post("webhooks", {"name": "Order updated", "topic": topic, "secret": SECRET,
                                     "delivery_url": receiver.url + "/hooks/woo"})
    assert response.status_code == 201, response.text
    return dict(response.json())


def _deliveries(receiver: Receiver) -> list[Any]:
    return [r for r in receiver.received if "X-Wc-Webhook-Signature" in r.headers]


def test_docs_example_and_unsigned_ping(woo: Woo, receiver: Receiver) -> None:
    hook = _hook(woo, receiver)
    assert hook["status"] == "active" and hook["resource"] == "order" and hook["event"] == "updated"
    assert hook["topic"] == "order.updated" and hook["delivery_url"].endswith("/hooks/woo")
    ping = receiver.wait_for(1)[0]
    assert ping.form == {"webhook_id": str(hook["id"])}
    assert "X-Wc-Webhook-Signature" not in ping.headers and "X-Wc-Webhook-Topic" not in ping.headers
    assert woo.get(f"webhooks/{hook['id']}").json()["id"] == hook["id"]
    bad = woo.post("webhooks", {"topic": "order.exploded", "delivery_url": receiver.url})
    assert bad.status_code == 400 and bad.json()["code"] == "woocommerce_rest_webhook_invalid_topic"


def test_delivery_is_signed_with_headers_and_current_state(woo: Woo, receiver: Receiver) -> None:
    hook = _hook(woo, receiver)
    order = woo.get("orders").json()[0]
    woo.put(f"orders/{order['id']}", {"customer_note": "changed"})
    woo.sandbox("POST", "webhooks/flush")
    delivery = _deliveries(receiver)[0]
    expected = base64.b64encode(hmac.new(SECRET.encode(), delivery.body, hashlib.sha256).digest()).decode()
    assert delivery.headers["X-Wc-Webhook-Signature"] == expected
    assert delivery.headers["X-Wc-Webhook-Topic"] == "order.updated"
    assert delivery.headers["X-Wc-Webhook-Resource"] == "order" and delivery.headers["X-Wc-Webhook-Event"] == "updated"
    assert delivery.headers["X-Wc-Webhook-Id"] == str(hook["id"])
    assert delivery.headers["X-Wc-Webhook-Source"] == woo.base_url + "/"
    assert delivery.headers["X-Wc-Webhook-Delivery-Id"]
    assert b"\\/" in delivery.body  # wp_json_encode escapes slashes: verify over the raw bytes
    payload = json.loads(delivery.body)
    assert payload["id"] == order["id"] and payload["customer_note"] == "changed"


def test_burst_is_merged_into_one_delivery_with_latest_state(woo_factory: Any, receiver: Receiver) -> None:
    woo = woo_factory(orders=5, webhook_batch_delay_s=0.3)
    _hook(woo, receiver)
    order = woo.get("orders").json()[0]
    for note in ("one", "two", "three"):
        woo.put(f"orders/{order['id']}", {"customer_note": note})
    woo.sandbox("POST", "webhooks/flush")
    deliveries = _deliveries(receiver)
    assert len(deliveries) == 1
    assert json.loads(deliveries[0].body)["customer_note"] == "three"


def test_refund_fires_order_updated_and_created_topic(woo: Woo, receiver: Receiver) -> None:
    _hook(woo, receiver, "order.created")
    _hook(woo, receiver, "order.updated")
    order = woo.order_paid_with("stripe")
    woo.post(f"orders/{order['id']}/refunds", {"amount": "1.00"})
    created = woo.post("orders", {"billing": {"email": "n@example.com"}}).json()
    woo.sandbox("POST", "webhooks/flush")
    topics = sorted((d.headers["X-Wc-Webhook-Topic"], json.loads(d.body)["id"]) for d in _deliveries(receiver))
    assert topics == [("order.created", created["id"]), ("order.updated", order["id"])]


def test_failures_count_then_disable_on_seventh(woo: Woo, receiver: Receiver) -> None:
    hook = _hook(woo, receiver)
    receiver.status = 500
    order_ids = [o["id"] for o in woo.get("orders", params={"per_page": 7}).json()]

    def fail_once(order_id: int) -> dict[str, Any]:
        woo.sandbox("POST", f"orders/{order_id}/touch", json={})
        woo.sandbox("POST", "webhooks/flush")
        return next(w for w in woo.sandbox("GET", "webhooks") if w["id"] == hook["id"])

    counts = [fail_once(order_id) for order_id in order_ids[:6]]
    assert [c["failure_count"] for c in counts] == [1, 2, 3, 4, 5, 6]
    assert all(c["status"] == "active" for c in counts)
    seventh = fail_once(order_ids[6])
    assert seventh["status"] == "disabled"
    sent = len(_deliveries(receiver))
    receiver.status = 200
    fail_once(order_ids[0])
    assert len(_deliveries(receiver)) == sent  # disabled webhooks send nothing; nothing is retried
    assert woo.get(f"webhooks/{hook['id']}").json()["status"] == "disabled"


def test_success_resets_failure_count(woo: Woo, receiver: Receiver) -> None:
    hook = _hook(woo, receiver)
    order = woo.get("orders").json()[0]
    receiver.status = 503
    woo.sandbox("POST", f"orders/{order['id']}/touch", json={})
    woo.sandbox("POST", "webhooks/flush")
    assert woo.sandbox("GET", "webhooks")[0]["failure_count"] == 1
    receiver.status = 302  # 200-302 counts as success
    woo.sandbox("POST", f"orders/{order['id']}/touch", json={})
    woo.sandbox("POST", "webhooks/flush")
    assert woo.sandbox("GET", "webhooks")[0]["failure_count"] == 0
    log = woo.sandbox("GET", "webhooks/deliveries", params={"webhook_id": hook["id"], "kind": "delivery"})
    assert [(d["status"], d["ok"]) for d in log] == [(503, False), (302, True)]


def test_delete_needs_force(woo: Woo, receiver: Receiver) -> None:
    hook = _hook(woo, receiver)
    assert woo.delete(f"webhooks/{hook['id']}").status_code == 501
    assert woo.delete(f"webhooks/{hook['id']}", params={"force": "true"}).status_code == 200
    assert woo.get(f"webhooks/{hook['id']}").status_code == 404


def test_sandbox_refuses_non_loopback_urls(woo: Woo) -> None:
    response = woo.post("webhooks", {"topic": "order.updated", "delivery_url": "http://192.0.2.10/hook"})
    assert response.status_code == 400


def test_fault_drop_and_duplicate(woo: Woo, receiver: Receiver) -> None:
    _hook(woo, receiver)
    order = woo.get("orders").json()[0]
    woo.sandbox("PUT", "faults", json={"webhook_drop_rate": 1.0})
    woo.sandbox("POST", f"orders/{order['id']}/touch", json={})
    woo.sandbox("POST", "webhooks/flush")
    assert _deliveries(receiver) == []
    dropped = woo.sandbox("GET", "webhooks/deliveries", params={"kind": "delivery"})
    assert [d["dropped"] for d in dropped] == [True]
    woo.sandbox("PUT", "faults", json={"webhook_drop_rate": 0.0, "webhook_duplicate_rate": 1.0})
    woo.sandbox("POST", f"orders/{order['id']}/touch", json={})
    woo.sandbox("POST", "webhooks/flush")
    pair = receiver.wait_for(3)  # ping + delivery + duplicate
    signed = [r for r in pair if "X-Wc-Webhook-Signature" in r.headers]
    assert len(signed) == 2 and signed[0].body == signed[1].body


def test_fault_delay_makes_deliveries_late(woo: Woo, receiver: Receiver) -> None:
    _hook(woo, receiver)
    order = woo.get("orders").json()[0]
    woo.sandbox("PUT", "faults", json={"webhook_delay_s": 0.4})
    started = time.monotonic()
    woo.sandbox("POST", f"orders/{order['id']}/touch", json={})
    receiver.wait_for(2)
    assert time.monotonic() - started >= 0.4
    assert len(_deliveries(receiver)) == 1


def test_fault_reorder_shuffles_a_batch(woo_factory: Any, receiver: Receiver) -> None:
    woo = woo_factory(orders=10, webhook_batch_delay_s=0.3)
    _hook(woo, receiver)
    woo.sandbox("PUT", "faults", json={"webhook_reorder": True, "seed": 5})
    touched = [o["id"] for o in woo.get("orders", params={"per_page": 6}).json()]
    for order_id in touched:
        woo.sandbox("POST", f"orders/{order_id}/touch", json={})
    woo.sandbox("POST", "webhooks/flush")
    delivered = [json.loads(d.body)["id"] for d in _deliveries(receiver)]
    assert sorted(delivered) == sorted(touched)
    assert delivered != touched
