"""The checks themselves: the validator rejects what diverges, and the sandbox's create fields are the
description's, so a change on either side shows up here."""

from __future__ import annotations

import jsonschema
import pytest

from sandboxes.carrier.validation import CREATE_FIELDS, DELIVERY_OPTIONS
from tests.sandbox_carrier.conftest import Sendcloud
from tests.sandbox_carrier.openapi import check_response, check_webhook, document


def test_the_create_fields_are_the_descriptions() -> None:
    body = document("sendcloud-v3-returns-openapi.yml")["components"]["requestBodies"]["CreateReturn"]
    schema = body["content"]["application/json"]["schema"]
    assert set(schema["properties"]) == CREATE_FIELDS
    options = document("sendcloud-v3-returns-openapi.yml")["components"]["schemas"]["DeliveryOption"]["enum"]
    assert set(options) - {None} == DELIVERY_OPTIONS


def test_a_return_that_drifts_from_the_description_fails(carrier: Sendcloud) -> None:
    record = carrier.call("GET", f"/api/v3/returns/{carrier.create().json()['return_id']}").json()
    path = f"/api/v3/returns/{record['id']}"
    for drift in ({"status_history": []}, {"weight": {"value": "0.4", "unit": "kg"}}, {"is_cancellable": "yes"},
                  {"delivery_option": "courier"}, {"created_at": "yesterday"}):  # fmt: skip
        with pytest.raises(jsonschema.ValidationError):
            check_response("GET", path, 200, "application/json", b"{}", record | drift)
    missing = {k: v for k, v in record.items() if k != "shipping_option"}
    with pytest.raises(jsonschema.ValidationError):
        check_response("GET", path, 200, "application/json", b"{}", missing)


def test_a_webhook_that_drifts_fails() -> None:
    good = {"action": "parcel_status_changed", "timestamp": 1, "parcel": {"id": 1, "status": {"id": 11}}}
    check_webhook(good)
    for bad in (good | {"action": "parcel_changed"}, good | {"parcel": {"id": "1"}},
                good | {"parcel": {"address_divided": {"house_number": "5"}}}):  # fmt: skip
        with pytest.raises(jsonschema.ValidationError):
            check_webhook(bad)


def test_undescribed_statuses_must_still_be_a_described_error_shape() -> None:
    with pytest.raises(AssertionError):
        check_response("GET", "/api/v3/returns/1", 500, "application/json", b"{}", {"oops": True})
    with pytest.raises(AssertionError):
        check_response("GET", "/api/v3/nowhere", 200, "application/json", b"{}", {})
