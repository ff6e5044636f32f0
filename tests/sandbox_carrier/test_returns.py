"""Returns v3 on the sandbox carrier: create (idempotent on ``external_reference``), get, list, cancel, labels.

Every answer is validated against ``sendcloud-v3-returns-openapi.yml`` by the ``carrier`` client.
"""

from __future__ import annotations

import io

import pytest
import segno
from reportlab.lib.pagesizes import A4, A6

from tests.carriers.readback import require_tools, text_of
from tests.sandbox_carrier.conftest import Sendcloud, return_body

WINDOW = {"from_date": "2000-01-01 00:00:00", "to_date": "2100-01-01 00:00:00"}


def test_create_then_get_gives_a_labelled_announced_return(carrier: Sendcloud) -> None:
    created = carrier.create()
    assert created.status_code == 201
    ids = created.json()
    record = carrier.call("GET", f"/api/v3/returns/{ids['return_id']}").json()
    assert record["parcel_id"] == ids["parcel_id"]
    assert record["tracking_number"].startswith("8R")
    assert record["label"]["normal_printer"] == [record["label"]["label_printer"] + "?paper_size=a4"] * 4
    assert [h["parent_status"] for h in record["status_history"]] == ["announced"]
    assert record["is_cancellable"] is True
    assert record["parcel_items"][0]["return_reason"] == {"id": 26}
    assert carrier.checked[-1].endswith("~1returns~1{id}/get/responses/200/content/application~1json/schema")


def test_a_second_create_with_the_same_reference_makes_nothing_and_says_why(carrier: Sendcloud) -> None:
    assert carrier.create().status_code == 201
    again = carrier.create()
    assert again.status_code == 400
    message = "External reference has already been used in another return."
    assert again.json()["errors"][0] == {"field": "external_reference", "code": "invalid", "message": message}
    synchronous = carrier.call("POST", "/api/v3/returns/announce-synchronously", json=return_body())
    assert synchronous.status_code == 400
    assert synchronous.json()["error"]["message"].startswith("External reference has already been used")
    assert len(carrier.sandbox("GET", "returns", params={"external_reference": "RET-1042-1"})) == 1


def test_invalid_bodies_are_refused_field_by_field(carrier: Sendcloud) -> None:
    body = return_body(weight={"value": 0, "unit": "stone"}, delivery_option="by_pigeon", service_point_id=12)
    del body["to_address"]["city"]
    answer = carrier.call("POST", "/api/v3/returns", json=body)
    assert answer.status_code == 400
    fields = {(e["field"], e["code"]) for e in answer.json()["errors"]}
    assert fields == {("service_point_id", "unknown_field"), ("to_address.city", "required"),
                      ("weight.value", "min_value"), ("weight.unit", "invalid_choice"),
                      ("delivery_option", "invalid_choice")}  # fmt: skip


def test_validate_announces_nothing(carrier: Sendcloud) -> None:
    answer = carrier.call("POST", "/api/v3/returns/validate", json=return_body())
    assert answer.status_code == 200
    assert carrier.sandbox("GET", "returns") == []


def test_list_needs_its_window_and_filters_and_pages(carrier: Sendcloud) -> None:
    assert carrier.call("GET", "/api/v3/returns").status_code == 400
    for index in range(3):
        carrier.create(external_reference=f"RET-{index}")
    first = carrier.call("GET", "/api/v3/returns", params=WINDOW | {"page_size": 2}).json()
    assert [r["external_reference"] for r in first["data"]] == ["RET-0", "RET-1"]
    second = carrier.call("GET", first["next"].removeprefix(carrier.base_url)).json()
    assert [r["external_reference"] for r in second["data"]] == ["RET-2"]
    none = carrier.call("GET", "/api/v3/returns", params=WINDOW | {"parent_parcel_status": "delivered"}).json()
    assert none["data"] == []
    future = carrier.call("GET", "/api/v3/returns", params={"from_date": "2099-01-01", "to_date": "2100-01-01"})
    assert future.json()["data"] == []


def test_cancel_is_a_request_confirmed_by_the_next_step_and_refused_after_the_first_scan(carrier: Sendcloud) -> None:
    first = carrier.create().json()["return_id"]
    answer = carrier.call("PATCH", f"/api/v3/returns/{first}/cancel")
    assert (answer.status_code, answer.json()) == (202, {"message": "Cancellation requested successfully"})
    carrier.sandbox("POST", f"returns/{first}/advance")
    history = carrier.call("GET", f"/api/v3/returns/{first}").json()["status_history"]
    assert [h["parent_status"] for h in history] == ["announced", "cancelling", "cancelled"]
    second = carrier.create(external_reference="RET-2").json()["return_id"]
    carrier.sandbox("POST", f"returns/{second}/advance")
    refused = carrier.call("PATCH", f"/api/v3/returns/{second}/cancel")
    assert refused.status_code == 409
    assert refused.json() == {"errors": [{"field": "returns", "code": 409, "message": "Return is not cancellable."}]}
    assert carrier.call("PATCH", "/api/v3/returns/999/cancel").status_code == 404


def _page_size(pdf: bytes) -> tuple[float, float]:
    import re

    box = re.search(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert box is not None
    return float(box.group(1)), float(box.group(2))


def test_labels_are_pdfs_in_a6_and_a4(carrier: Sendcloud) -> None:
    record = carrier.call("GET", f"/api/v3/returns/{carrier.create().json()['return_id']}").json()
    a6 = carrier.call("GET", record["label"]["label_printer"].removeprefix(carrier.base_url))
    a4 = carrier.call("GET", record["label"]["normal_printer"][0].removeprefix(carrier.base_url))
    assert a6.content.startswith(b"%PDF-") and a6.headers["Content-Type"] == "application/pdf"
    assert _page_size(a6.content) == pytest.approx(A6, abs=0.01)
    assert _page_size(a4.content) == pytest.approx(A4, abs=0.01)
    require_tools()
    assert record["tracking_number"] in text_of(a6.content)
    assert "RET-1042-1" in text_of(a4.content)
    wrong = carrier.call("GET", f"/api/v3/parcels/{record['parcel_id']}/documents/label", params={"paper_size": "B5"})
    assert wrong.status_code == 400
    assert carrier.call("GET", "/api/v3/parcels/1/documents/label").status_code == 404


def test_a_labelless_return_has_a_qr_document_carrying_its_tracking_number(carrier: Sendcloud) -> None:
    ids = carrier.create(delivery_option="drop_off_labelless").json()
    record = carrier.call("GET", f"/api/v3/returns/{ids['return_id']}").json()
    qr = carrier.call("GET", f"/api/v2/parcels/{ids['parcel_id']}/documents/qr")
    assert qr.status_code == 200 and qr.headers["Content-Type"] == "image/png"
    assert qr.content == _png(record["tracking_number"])
    printed = carrier.create(external_reference="RET-printed").json()
    assert carrier.call("GET", f"/api/v2/parcels/{printed['parcel_id']}/documents/qr").status_code == 404


def _png(text: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buffer, kind="png", scale=6, border=2)
    return buffer.getvalue()


def test_in_store_and_pickup_returns(carrier: Sendcloud) -> None:
    store = carrier.call("GET", f"/api/v3/returns/{carrier.create(delivery_option='in_store').json()['return_id']}")
    assert store.json()["tracking_number"] is None and "label" not in store.json()
    assert store.json()["status_history"][0]["parent_status"] == "no-label"
    pickup = carrier.create(delivery_option="pickup", external_reference="RET-pickup").json()["return_id"]
    played = carrier.sandbox("POST", f"returns/{pickup}/advance", json={"steps": 2})["played"]
    assert played == [92, 22]


def test_basic_auth_is_required(carrier: Sendcloud) -> None:
    carrier.session.auth = ("pk-test", "wrong")
    answer = carrier.call("GET", "/api/v3/returns/1")
    assert answer.status_code == 401
    assert answer.json()["errors"][0]["code"] == "authentication_failed"


def test_an_asynchronous_announcement_leaves_the_label_null_until_the_carrier_answers(
    manual_carrier: Sendcloud,
) -> None:
    carrier = manual_carrier
    return_id = carrier.create().json()["return_id"]
    pending = carrier.call("GET", f"/api/v3/returns/{return_id}").json()
    assert (pending["tracking_number"], pending["label_url"], "label" in pending) == (None, None, False)
    assert pending["status_history"][-1]["parent_status"] == "announcing"
    announced = carrier.sandbox("POST", f"returns/{return_id}/announce")
    assert announced["label"]["label_printer"].endswith("/documents/label")
    assert carrier.call("GET", f"/api/v3/parcels/tracking/{announced['tracking_number']}").status_code == 200
    failed_id = carrier.create(external_reference="RET-fails").json()["return_id"]
    carrier.sandbox("POST", f"returns/{failed_id}/announce", json={"fail": "Postal code not served"})
    failed = carrier.call("GET", f"/api/v3/returns/{failed_id}").json()
    assert failed["status_history"][-1]["parent_status"] == "announcement-failed"
    assert failed["errors"] == [{"status": "400", "code": "parcel_announcement_error",
                                 "detail": "Postal code not served"}]  # fmt: skip
    assert carrier.sandbox("POST", f"returns/{failed_id}/advance")["played"] == []
