"""Issue 19: the carrier's tracking webhooks duplicated, reordered and forged, on both sandbox shops, over real HTTP
to the served app and applied by a real worker.

Duplicated (the carrier sends some twice) and reordered (held, then released newest first) webhooks are each
applied once: the return goes in transit once and is received once, and a late or repeated event never moves it
back. Forged ones (a wrong or missing ``Sendcloud-Signature``, or the carrier signing with a key the shop does
not hold) are refused with 401 and change nothing: no event stored, the return where it was.
"""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest
import requests

from connector.domain.orders import Platform
from connector.domain.resolutions import ReturnMethod
from connector.domain.states import ReturnStatus
from tests.e2e_logistics.stack import LogisticsStack
from tests.reliability.harness import Tracked

pytestmark = [pytest.mark.e2e, pytest.mark.redis, pytest.mark.postgres]
PLATFORMS = pytest.mark.parametrize("platform", [Platform.SHOPIFY, Platform.WOOCOMMERCE], ids=lambda p: p.value)


def _history(stack: LogisticsStack, item: Tracked) -> list[tuple[str, str]]:
    request = stack.h.load(item)
    assert request is not None
    return [(e.action, e.to_status.value) for e in request.events]


def _stored_events(stack: LogisticsStack, item: Tracked) -> list[str]:
    """The carrier statuses stored for the return's parcel, oldest first."""
    with stack.container.uow() as uow:
        return [carrier_status for _s, carrier_status, _at, _m in uow.shipments(item.shop_id).events(
            stack.shipment(item).id)]  # fmt: skip


@PLATFORMS
def test_duplicated_and_reordered_webhooks_apply_once_and_never_move_back(
    stack: LogisticsStack, platform: Platform
) -> None:
    item, _ = stack.open_settled(platform, ReturnMethod.PREPAID_LABEL)
    carrier = stack.carriers[platform]
    sent_before = len(carrier.deliveries())
    carrier.sandbox("PUT", "webhooks", json={"duplicate_next": 2})
    assert stack.advance(item, steps=2) == [3, 7]  # each sent twice
    stack.status(item, ReturnStatus.IN_TRANSIT)
    carrier.sandbox("PUT", "webhooks", json={"hold": True})
    assert stack.advance(item, steps=3) == [5, 91, 11]
    assert carrier.sandbox("POST", "webhooks/release", json={"order": "reverse"})["released"] == 3

    sent = carrier.deliveries()[sent_before:]
    assert [(d["kind"], json.loads(d["body"])["parcel"]["status"]["id"]) for d in sent] == [
        ("delivery", 3),
        ("duplicate", 3),
        ("delivery", 7),
        ("duplicate", 7),
        ("released", 11),
        ("released", 91),
        ("released", 5),
    ]  # delivered arrives before the steps it ends
    assert {d["status"] for d in sent} == {200}
    stack.status(item, ReturnStatus.RECEIVED)
    moved = _history(stack, item)
    assert [a for a, _s in moved].count("mark_in_transit") == 1 and [a for a, _s in moved].count("receive") == 1
    stored = _stored_events(stack, item)
    assert sorted(stored) == sorted(set(stored)) and {"3", "7", "5", "91", "11"} <= set(stored)  # each once

    carrier.sandbox("PUT", "webhooks", json={"duplicate_next": 1})
    stack.advance(item, status=11)  # "delivered" again, twice, later
    stack.advance(item, status=3)  # and a first scan, after the delivery
    stack.tracking_applied(item)
    assert stack.shipment(item).status.value == "delivered"
    assert _history(stack, item) == moved
    assert stack.h.load(item).status is ReturnStatus.RECEIVED  # type: ignore[union-attr]


def _signed(body: bytes, secret: str) -> dict[str, str]:
    return {"Content-Type": "application/json",
            "Sendcloud-Signature": hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()}  # fmt: skip


@PLATFORMS
def test_forged_webhooks_are_refused_and_change_nothing(stack: LogisticsStack, platform: Platform) -> None:
    item, _ = stack.open_settled(platform, ReturnMethod.PREPAID_LABEL)
    carrier = stack.carriers[platform]
    hook = stack.hook_url(platform)
    before_events, before_history = _stored_events(stack, item), _history(stack, item)
    tracking_number = stack.shipment(item).tracking_number
    genuine = next(d["body"].encode() for d in reversed(carrier.deliveries())
                   if json.loads(d["body"])["parcel"]["tracking_number"] == tracking_number)  # fmt: skip
    delivered = json.loads(genuine)
    delivered["parcel"]["status"] = {"id": 11, "message": "Delivered"}
    forged = json.dumps(delivered).encode()

    answers = [
        requests.post(hook, data=forged, headers=_signed(forged, "not-the-shops-key"), timeout=10),
        requests.post(hook, data=forged, headers=_signed(genuine, carrier.secret_key), timeout=10),  # replayed
        requests.post(hook, data=forged, headers={"Content-Type": "application/json"}, timeout=10),
    ]
    assert [(a.status_code, a.json()["code"]) for a in answers] == [
        (401, "invalid_signature"),
        (401, "invalid_signature"),
        (401, "missing_signature"),
    ]
    carrier.sandbox("PUT", "webhooks", json={"secret": "a-key-the-shop-never-had"})
    sent_before = len(carrier.deliveries())
    assert stack.advance(item, steps=5) == [3, 7, 5, 91, 11]  # the whole journey, signed with the wrong key
    assert [d["status"] for d in carrier.deliveries()[sent_before:]] == [401] * 5
    assert _stored_events(stack, item) == before_events
    assert _history(stack, item) == before_history
    assert stack.h.load(item).status is ReturnStatus.APPROVED  # type: ignore[union-attr]
    assert stack.shipment(item).status.value == "awaiting_dropoff"

    # The genuine key again: the carrier's next word is heard, and a forged "delivered" was never stored.
    carrier.sandbox("PUT", "webhooks", json={"secret": carrier.secret_key})
    stack.advance(item, status=3)
    stack.status(item, ReturnStatus.IN_TRANSIT)
