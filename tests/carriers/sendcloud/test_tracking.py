"""Tracking: the signed webhook, polling and cancelling, against Sendcloud's descriptions.

Docs: Webhooks, https://sendcloud.dev/api/v3/webhooks/parcel-status-changed (OAS ``sendcloud-v3-webhooks-openapi.yml``
``sc-public-v3-webhooks-parcel_status_changed``, its info for the signature); Retrieve a return and Request
cancellation of a return (OAS v3 returns ``sc-public-v3-scp-get-returns_get_details``,
``sc-public-v3-scp-patch-returns_cancel``).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import jsonschema
import pytest
import responses

from carriers.sendcloud import webhooks
from connector.domain.shipping import CancelResult, TrackingStatus
from tests.carriers.sendcloud import oas
from tests.carriers.sendcloud.fixtures import RETURNS, SECRET, V3, WEBHOOKS, carrier, documented_return, validate_sent


def _status_changed(status_id: int, message: str, timestamp: int = 1525271885993) -> bytes:
    payload = {
        "action": "parcel_status_changed",
        "timestamp": timestamp,
        "carrier_status_change_timestamp": None,
        "parcel": {"id": 67880, "tracking_number": "3SYZXG132912330", "order_number": "R7F3A9C21B04D",
                   "status": {"id": status_id, "message": message}},
    }
    schema = oas.document(WEBHOOKS)["components"]["schemas"]["ParcelStatusChangedWebhook"]
    jsonschema.validate(payload, schema)  # the body we test with is the documented shape
    return json.dumps(payload).encode()


def test_the_documented_signature_vector_verifies() -> None:
    # OAS v3 webhooks info: {"key": "value"} with "secretkey" → 1eed4b3d…4b0a, header Sendcloud-Signature.
    body = json.dumps({"key": "value"}).encode()
    good = "1eed4b3d41f4653ac64fd56f1bf1cbfd349e4482cbc11dff7134bd93e5da4b0a"
    assert webhooks.signature("secretkey", body) == good
    assert carrier().verify_tracking_webhook(body, {"sendcloud-signature": good})


def test_a_forged_or_unsigned_webhook_is_refused() -> None:
    body = _status_changed(11, "Delivered")
    adapter = carrier()
    assert adapter.verify_tracking_webhook(body, {"Sendcloud-Signature": webhooks.signature(SECRET, body)})
    assert not adapter.verify_tracking_webhook(body, {"Sendcloud-Signature": webhooks.signature("guess", body)})
    assert not adapter.verify_tracking_webhook(body + b" ", {"Sendcloud-Signature": webhooks.signature(SECRET, body)})
    assert not adapter.verify_tracking_webhook(body, {})


@pytest.mark.parametrize(
    ("status_id", "message", "expected"),
    [(11, "Delivered", TrackingStatus.DELIVERED), (22, "Picked up by driver", TrackingStatus.IN_TRANSIT),
     (80, "Unable to deliver", TrackingStatus.EXCEPTION), (2000, "Cancelled", TrackingStatus.CANCELLED),
     (1, "Ready to send", TrackingStatus.AWAITING_DROPOFF)],
)
def test_a_status_change_becomes_one_event_at_the_webhooks_time(
    status_id: int, message: str, expected: TrackingStatus
) -> None:
    # OAS v3 webhooks ParcelStatusChangedWebhook: parcel.status{id,message}; timestamp in ms (integration example).
    [event] = carrier().parse_tracking_webhook(_status_changed(status_id, message))
    assert (event.status, event.carrier_status, event.tracking_number, event.carrier_ref) == (
        expected, str(status_id), "3SYZXG132912330", "67880")
    assert event.occurred_at == datetime(2018, 5, 2, 14, 38, 5, 993000, tzinfo=UTC)


def test_other_webhooks_and_unknown_statuses_give_no_event() -> None:
    # OAS v3 webhooks ReturnCreatedWebhook: not a tracking event.
    created = json.dumps({"action": "return_created", "timestamp": 1, "data": {"id": 42}}).encode()
    assert carrier().parse_tracking_webhook(created) == []
    assert carrier().parse_tracking_webhook(_status_changed(424242, "Something new")) == []


@responses.activate
def test_polling_reads_the_returns_status_history_in_order() -> None:
    # OAS v3 returns Return.status_history[] (detailed-tracking-blob-status); parent_status slugs of the list filter.
    history = [
        {"carrier_update_timestamp": "2022-07-19T09:00:00+02:00", "parcel_status_history_id": "3",
         "parent_status": "delivered", "carrier_code": "11", "carrier_message": "Delivered"},
        {"carrier_update_timestamp": "2022-07-18T15:34:21.862840+02:00", "parcel_status_history_id": "1",
         "parent_status": "Ready to Ship", "carrier_code": "some-carrier-code", "carrier_message": "m"},
        {"carrier_update_timestamp": "2022-07-18T18:00:00+02:00", "parcel_status_history_id": "2",
         "parent_status": "picked-up-by-driver", "carrier_code": "22", "carrier_message": "Picked up"},
    ]
    responses.get(f"{V3}/returns/12345", json=documented_return(status_history=history))

    events = carrier().poll_tracking("12345")

    assert [e.status for e in events] == [TrackingStatus.AWAITING_DROPOFF, TrackingStatus.IN_TRANSIT,
                                          TrackingStatus.DELIVERED]
    assert events[-1].occurred_at == datetime(2022, 7, 19, 7, 0, tzinfo=UTC)
    assert validate_sent(responses.mock) == [RETURNS]


@responses.activate
def test_cancelling_is_a_request_and_a_scanned_return_is_not_cancellable() -> None:
    # OAS v3 returns patch-returns_cancel: 202 example; 409 example {"errors":[{"field":"returns","code":409,...}]}.
    path = "/returns/{id}/cancel"
    responses.patch(f"{V3}/returns/12345/cancel", status=202, json=oas.example(RETURNS, path, "patch", "202"))
    responses.patch(f"{V3}/returns/12346/cancel", status=409, json=oas.example(RETURNS, path, "patch", "409"))

    assert carrier().cancel_label("12345") is CancelResult.REQUESTED
    assert carrier().cancel_label("12346") is CancelResult.NOT_CANCELLABLE
    assert validate_sent(responses.mock) == [RETURNS, RETURNS]
