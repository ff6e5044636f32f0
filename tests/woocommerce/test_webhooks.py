"""Webhook signature, ping, dedup keys and topic translation."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from decimal import Decimal

import pytest

from platforms.woocommerce.webhooks import dedup_key, is_ping, sign, translate, verify_signature
from tests.woocommerce.conftest import dump, order

BODY = dump(order()).replace("/", "\\/").encode()  # wp_json_encode escapes slashes: sign the raw bytes


def headers(delivery: str = "d1", topic: str = "order.updated") -> dict[str, str]:
    resource, _, event = topic.partition(".")
    return {
        "X-WC-Webhook-Topic": topic,
        "X-WC-Webhook-Resource": resource,
        "X-WC-Webhook-Event": event,
        "X-WC-Webhook-ID": "142",
        "X-WC-Webhook-Delivery-ID": delivery,
        "X-WC-Webhook-Source": "https://shop.example/",
    }


def test_sign_is_base64_hmac_sha256_of_raw_body() -> None:
    expected = base64.b64encode(hmac.new(b"k3y", BODY, hashlib.sha256).digest()).decode()
    assert sign(BODY, "k3y") == expected


def test_good_signature() -> None:
    assert verify_signature(BODY, sign(BODY, "k3y"), ["k3y"])


def test_bad_signature() -> None:
    assert not verify_signature(BODY, sign(BODY, "other"), ["k3y"])
    assert not verify_signature(BODY + b" ", sign(BODY, "k3y"), ["k3y"])
    # re-serialised JSON (no escaped slashes) is a different body
    reserialised = json.dumps(json.loads(BODY)).encode()
    assert not verify_signature(reserialised, sign(BODY, "k3y"), ["k3y"])


@pytest.mark.parametrize("signature", [None, "", "not-base64!"])
def test_missing_or_garbage_signature(signature: str | None) -> None:
    assert not verify_signature(BODY, signature, ["k3y"])


def test_no_secret_never_passes() -> None:
    assert not verify_signature(BODY, sign(BODY, ""), [])
    assert not verify_signature(BODY, sign(BODY, ""), [""])


def test_rotated_secrets() -> None:
    old, new = "old-secret", "new-secret"
    assert verify_signature(BODY, sign(BODY, old), [new, old])
    assert verify_signature(BODY, sign(BODY, new), [new, old])
    assert not verify_signature(BODY, sign(BODY, old), [new])


def test_ping() -> None:
    assert is_ping({"Content-Type": "application/x-www-form-urlencoded"}, b"webhook_id=142")
    assert not is_ping(headers(), b"webhook_id=142")  # a signed/topic'd delivery is never a ping
    assert not is_ping({}, b"webhook_id=abc")
    assert not is_ping({}, b"webhook_id=1&x=2")
    assert not is_ping({}, BODY)


def test_dedup_key_stable_across_delivery_ids() -> None:
    payload = json.loads(BODY)
    a = dedup_key(headers("d1"), payload)
    b = dedup_key(headers("d2"), payload)
    assert a == b and a.startswith("wc:order:727:2026-03-05T09:00:00:")
    created = dedup_key(headers("d3", "order.created"), payload)
    assert created == a  # the same state seen through two webhooks is one change
    reordered = dedup_key(headers("d4"), dict(reversed(list(payload.items()))))
    assert reordered == a  # the same state, whatever the key order
    changed = dedup_key(headers("d1"), {**payload, "date_modified_gmt": "2026-03-05T09:00:01"})
    assert changed != a


def test_two_states_saved_in_the_same_second_are_two_changes() -> None:
    """A real store created an order ``processing`` and set it ``completed`` within one second: the same
    ``date_modified_gmt``. The second delivery carries the newer state and must not be dropped."""
    payload = json.loads(BODY)
    processing = dedup_key(headers("d1", "order.created"), {**payload, "status": "processing"})
    completed = dedup_key(headers("d2"), {**payload, "status": "completed"})
    assert processing != completed


def test_dedup_key_for_deleted() -> None:
    first = dedup_key(headers("d1", "order.deleted"), {"id": 727})
    assert first.startswith("wc:order:727:deleted")
    assert first != dedup_key(headers("d9", "order.deleted"), {"id": 727})


def test_dedup_key_lowercase_headers() -> None:
    lower = {k.lower(): v for k, v in headers().items()}
    payload = json.loads(BODY)
    assert dedup_key(lower, payload) == dedup_key(headers(), payload)


def test_translate_order_topics() -> None:
    payload = json.loads(BODY, parse_float=Decimal)
    updated = translate("order.updated", payload, shop_address="https://shop.example")
    assert updated.kind == "order_changed" and updated.resource_id == "727"
    assert updated.occurred_at is not None and updated.occurred_at.isoformat() == "2026-03-05T09:00:00+00:00"
    assert updated.data is not None and updated.data["own_write"] is False
    for topic in ("order.created", "order.restored"):
        assert translate(topic, payload, shop_address="s").kind == "order_changed"
    deleted = translate("order.deleted", {"id": 727}, shop_address="s")
    assert deleted.kind == "order_deleted" and deleted.resource_id == "727" and deleted.occurred_at is None
    for topic in ("product.updated", "coupon.created", "action.woocommerce_foo"):
        assert translate(topic, {"id": 1}, shop_address="s").kind == "ignored"
