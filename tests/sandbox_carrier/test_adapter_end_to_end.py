"""The Sendcloud adapter (carriers/sendcloud) against the sandbox carrier, over real HTTP: the point of the
sandbox is that the adapter runs on it end to end, lost answers and faults included."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace

import pytest

from carriers.sendcloud.adapter import SendcloudCarrier
from carriers.sendcloud.provider import build
from connector.domain.shipping import (
    CancelResult,
    LabelRequest,
    PaperSize,
    Parcel,
    PostalAddress,
    ServicePointQuery,
    TrackingStatus,
)
from connector.errors import PermanentError
from connector.ports import CarrierAdapter
from sandboxes.carrier.points import seed_points
from tests.sandbox_carrier.conftest import PUBLIC, SECRET, Receiver, Sendcloud

CUSTOMER = PostalAddress("Jeanne Client", "Rue de la Roquette", "75011", "Paris", "FR", house_number="5",
                         email="jeanne@example.com")  # fmt: skip
WAREHOUSE = PostalAddress("Entrepôt Retours", "ZA des Gones", "69007", "Lyon", "FR", house_number="12",
                          company="Maison Lumen")  # fmt: skip


@pytest.fixture
def adapter(carrier: Sendcloud) -> Iterator[CarrierAdapter]:
    section = {"base_url": f"{carrier.base_url}/api", "option_code": "colissimo:return/dropoff",
               "labelless_option_code": "mondial_relay:return/labelless",
               "pickup_option_code": "colissimo:return/pickup", "contract": 4242, "announce_polls": 1}  # fmt: skip
    yield build(section, {"public_key": PUBLIC, "secret_key": SECRET})


def _request(key: str = "idem-R1042", method: str = "prepaid_label") -> LabelRequest:
    return LabelRequest(return_id="R1042", idempotency_key=key, sender=CUSTOMER, recipient=WAREHOUSE,
                        parcel=Parcel(weight_grams=400), method=method)  # fmt: skip


def test_a_label_in_a6_and_a4(carrier: Sendcloud, adapter: CarrierAdapter) -> None:
    label = adapter.create_return_label(_request(), (PaperSize.A6, PaperSize.A4))
    made = carrier.sandbox("GET", "returns", params={"external_reference": "idem-R1042"})
    assert [r["id"] for r in made] == [int(label.carrier_ref)]
    assert label.tracking_number == made[0]["tracking_number"]
    assert [d.paper_size for d in label.documents] == [PaperSize.A6, PaperSize.A4]
    assert all(d.pdf.startswith(b"%PDF-") for d in label.documents)


def test_a_lost_answer_makes_one_return_only(carrier: Sendcloud, adapter: CarrierAdapter) -> None:
    carrier.sandbox("POST", "faults/next", json={"kind": "timeout_after_write", "path_prefix": "/api/v3/returns",
                                                 "methods": ["POST"]})  # fmt: skip
    label = adapter.create_return_label(_request(), (PaperSize.A6,))
    again = adapter.create_return_label(_request(), (PaperSize.A6,))  # a killed worker's retry
    assert [f["kind"] for f in carrier.sandbox("GET", "faults/fired")] == ["timeout_after_write"]
    made = carrier.sandbox("GET", "returns", params={"external_reference": "idem-R1042"})
    assert len(made) == 1 and label.carrier_ref == again.carrier_ref == str(made[0]["id"])


def test_labelless_relay_point_return_brings_its_qr(carrier: Sendcloud, adapter: CarrierAdapter) -> None:
    label = adapter.create_return_label(_request(method="relay_point"), (PaperSize.A6,))
    assert label.qr_png is not None and label.qr_png.startswith(b"\x89PNG")


def test_service_points_near_a_postcode_through_a_503(carrier: Sendcloud, adapter: CarrierAdapter) -> None:
    carrier.sandbox("POST", "faults/next", json={"kind": "status", "status": 503, "retry_after": 1,
                                                 "path_prefix": "/api/v3/service-points"})  # fmt: skip
    points = adapter.find_service_points(ServicePointQuery(country="FR", postal_code="75011", radius_m=3000))
    assert len(points) >= 4
    distances = [p.distance_m or 0 for p in points]
    assert distances == sorted(distances)
    assert (points[0].name, points[0].opening_hours[1]) == ("Tabac de la Roquette", ("09:00-19:00",))
    assert 7 not in points[0].opening_hours or not points[0].opening_hours[7]
    assert [f["status"] for f in carrier.sandbox("GET", "faults/fired")] == [503]


def test_a_relay_label_goes_with_the_network_of_the_point_found_by_its_id(carrier: Sendcloud) -> None:
    # Near 75002 the sandbox lists a Mondial Relay, a Colissimo and a Chronopost point; this shop ships relay
    # returns with the first two. The request names the point by id only: its network is asked of the carrier.
    relays = {"mondial_relay": "mondial_relay:return/dropoff", "colissimo": "colissimo:return/relay"}
    section = {"base_url": f"{carrier.base_url}/api", "option_code": "dpd:return/return",
               "relay_option_codes": relays, "announce_polls": 1}  # fmt: skip
    adapter = build(section, {"public_key": PUBLIC, "secret_key": SECRET})
    points = adapter.find_service_points(ServicePointQuery(country="FR", postal_code="75002", radius_m=1000))
    assert {point.carrier for point in points} == set(relays)
    colissimo = next(point for point in points if point.carrier == "colissimo")

    adapter.create_return_label(replace(_request(method="relay_point"), service_point_id=colissimo.id), (PaperSize.A6,))

    [made] = carrier.sandbox("GET", "returns", params={"external_reference": "idem-R1042"})
    assert (made["shipping_option"]["code"], made["delivery_option"]) == ("colissimo:return/relay", "drop_off_point")
    chronopost = next(str(point.id) for point in seed_points() if point.carrier == "chronopost")
    with pytest.raises(PermanentError, match=f"relay point {chronopost} is a chronopost point"):
        adapter.create_return_label(replace(_request("idem-R1043", "relay_point"), service_point_id=chronopost),
                                    (PaperSize.A6,))  # fmt: skip
    assert carrier.sandbox("GET", "returns", params={"external_reference": "idem-R1043"}) == []


def test_webhooks_verify_and_parse_and_a_forged_one_does_not(
    carrier: Sendcloud, adapter: CarrierAdapter, receiver: Receiver
) -> None:
    label = adapter.create_return_label(_request(), (PaperSize.A6,))
    carrier.sandbox("POST", f"returns/{label.carrier_ref}/advance", json={"steps": 10})
    statuses = []
    for raw, headers in receiver.wait_for(6):
        assert adapter.verify_tracking_webhook(raw, headers)
        statuses += [event.status for event in adapter.parse_tracking_webhook(raw)]
        forged = json.dumps(json.loads(raw) | {"timestamp": 1}).encode()
        assert not adapter.verify_tracking_webhook(forged, headers)
    assert statuses[0] == TrackingStatus.AWAITING_DROPOFF and statuses[-1] == TrackingStatus.DELIVERED
    assert set(statuses[1:-1]) == {TrackingStatus.IN_TRANSIT}
    polled = [event.status for event in adapter.poll_tracking(label.carrier_ref)]
    assert polled == statuses


def test_cancel_before_and_after_the_first_scan(carrier: Sendcloud, adapter: CarrierAdapter) -> None:
    first = adapter.create_return_label(_request(), (PaperSize.A6,))
    assert adapter.cancel_label(first.carrier_ref) == CancelResult.REQUESTED
    carrier.sandbox("POST", f"returns/{first.carrier_ref}/advance")
    assert adapter.poll_tracking(first.carrier_ref)[-1].status == TrackingStatus.CANCELLED
    second = adapter.create_return_label(_request("idem-R1043"), (PaperSize.A6,))
    carrier.sandbox("POST", f"returns/{second.carrier_ref}/advance")
    assert adapter.cancel_label(second.carrier_ref) == CancelResult.NOT_CANCELLABLE


def test_a_pickup_return_is_booked(carrier: Sendcloud, adapter: CarrierAdapter) -> None:
    label = adapter.create_return_label(_request(method="home_pickup"), (PaperSize.A6,))
    booking = adapter.book_pickup(label.carrier_ref, CUSTOMER, None)
    assert booking.carrier_ref == label.carrier_ref
    carrier.sandbox("POST", f"returns/{label.carrier_ref}/advance", json={"steps": 2})
    assert adapter.poll_tracking(label.carrier_ref)[-1].carrier_status == "picked-up-by-driver"


def test_a_label_still_being_announced_is_completed_later_or_fails(manual_carrier: Sendcloud) -> None:
    carrier = manual_carrier
    section = {"base_url": f"{carrier.base_url}/api", "option_code": "colissimo:return/dropoff", "announce_polls": 1}
    adapter = build(section, {"public_key": PUBLIC, "secret_key": SECRET})
    assert isinstance(adapter, SendcloudCarrier)
    pending = adapter.create_return_label(_request(), (PaperSize.A6,))
    assert (pending.tracking_number, pending.documents) == ("", ())
    carrier.sandbox("POST", f"returns/{pending.carrier_ref}/announce")
    done = adapter.complete_label(pending.carrier_ref, (PaperSize.A6,))
    assert done.tracking_number and done.documents[0].pdf.startswith(b"%PDF-")
    failing = adapter.create_return_label(_request("idem-R1043"), (PaperSize.A6,))
    carrier.sandbox("POST", f"returns/{failing.carrier_ref}/announce", json={"fail": "Postal code not served"})
    with pytest.raises(PermanentError, match="Postal code not served"):
        adapter.complete_label(failing.carrier_ref, (PaperSize.A6,))
