"""Tracking on the sandbox carrier: scripted events pushed as signed webhooks and answered on poll.

Each pushed body is validated against the v3 Webhooks description's ParcelStatusChangedWebhook; its
``Sendcloud-Signature`` is recomputed as the description says (hex HMAC-SHA256 of the raw body).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from sandboxes.carrier.webhooks import sign
from tests.sandbox_carrier.conftest import SECRET, Receiver, Sendcloud
from tests.sandbox_carrier.openapi import check_webhook


def _events(receiver: Receiver, count: int) -> list[dict[str, Any]]:
    found = receiver.wait_for(count)
    assert len(found) == count, [json.loads(body)["parcel"]["status"] for body, _ in found]
    bodies = []
    for raw, headers in found:
        expected = hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(headers["Sendcloud-Signature"], expected)
        body = json.loads(raw)
        check_webhook(body)
        bodies.append(body)
    return bodies


def test_the_signature_matches_the_descriptions_own_vector() -> None:
    assert sign(json.dumps({"key": "value"}).encode(), "secretkey") == (
        "1eed4b3d41f4653ac64fd56f1bf1cbfd349e4482cbc11dff7134bd93e5da4b0a"
    )


def test_a_parcel_walks_its_timeline_with_a_signed_webhook_per_step_and_the_poll_agrees(
    carrier: Sendcloud, receiver: Receiver
) -> None:
    ids = carrier.create().json()
    carrier.sandbox("POST", f"returns/{ids['return_id']}/advance", json={"steps": 10})
    bodies = _events(receiver, 6)
    assert [b["parcel"]["status"]["id"] for b in bodies] == [1, 3, 7, 5, 91, 11]
    assert {b["parcel"]["id"] for b in bodies} == {ids["parcel_id"]}
    stamps = [b["timestamp"] for b in bodies]
    assert stamps == sorted(stamps)
    record = carrier.call("GET", f"/api/v3/returns/{ids['return_id']}").json()
    assert record["delivered_at_iso"] is not None and record["is_cancellable"] is False
    poll = carrier.call("GET", f"/api/v3/parcels/tracking/{record['tracking_number']}").json()
    assert [e["status_code"] for e in poll["events"]] == ["announced", "to-sorting", "sorting", "sorted",
                                                          "shipment-on-route", "delivered"]  # fmt: skip
    assert poll["details"]["is_return"] is True and poll["source_id"] == "RET-1042-1"
    assert carrier.call("GET", "/api/v3/parcels/tracking/NOPE").status_code == 404
    assert carrier.sandbox("POST", f"returns/{ids['return_id']}/advance")["played"] == []


def test_an_exception_can_be_injected_and_the_timeline_goes_on(carrier: Sendcloud, receiver: Receiver) -> None:
    return_id = carrier.create().json()["return_id"]
    carrier.sandbox("POST", f"returns/{return_id}/advance", json={"status": 80})
    carrier.sandbox("POST", f"returns/{return_id}/advance")
    assert [b["parcel"]["status"]["id"] for b in _events(receiver, 3)] == [1, 80, 3]


def test_duplicated_webhooks_are_the_same_bytes_twice(carrier: Sendcloud, receiver: Receiver) -> None:
    return_id = carrier.create().json()["return_id"]
    _events(receiver, 1)
    carrier.sandbox("PUT", "webhooks", json={"duplicate_next": 1})
    carrier.sandbox("POST", f"returns/{return_id}/advance", json={"steps": 2})
    raws = [raw for raw, _ in receiver.wait_for(4)][1:]
    assert len(raws) == 3 and raws[0] == raws[1] != raws[2]
    kinds = [d["kind"] for d in carrier.sandbox("GET", "webhooks/deliveries")]
    assert kinds.count("duplicate") == 1


def test_held_webhooks_are_released_out_of_order(carrier: Sendcloud, receiver: Receiver) -> None:
    return_id = carrier.create().json()["return_id"]
    _events(receiver, 1)
    carrier.sandbox("PUT", "webhooks", json={"hold": True})
    carrier.sandbox("POST", f"returns/{return_id}/advance", json={"steps": 3})
    assert len(receiver.received) == 1
    assert carrier.sandbox("POST", "webhooks/release") == {"released": 3}
    bodies = _events(receiver, 4)[1:]
    assert [b["parcel"]["status"]["id"] for b in bodies] == [5, 7, 3]
    assert [b["timestamp"] for b in bodies] == sorted((b["timestamp"] for b in bodies), reverse=True)


def test_a_webhook_signature_key_signs_instead_of_the_secret_key(carrier: Sendcloud, receiver: Receiver) -> None:
    carrier.sandbox("PUT", "webhooks", json={"secret": "whsk"})
    carrier.create()
    raw, headers = receiver.wait_for(1)[0]
    assert headers["Sendcloud-Signature"] == hmac.new(b"whsk", raw, hashlib.sha256).hexdigest()
