"""Return labels through Sendcloud's Returns API v3, every request validated against Sendcloud's descriptions.

Docs: Create a return, https://sendcloud.dev/api/v3/returns/create-a-return (OAS ``sendcloud-v3-returns-openapi.yml``
``sc-public-v3-scp-post-returns_create_new_return``); Retrieve a return (``…-get-returns_get_details``); Retrieve a
list of returns (``…-get-returns_get_returns``); Retrieve a parcel document (OAS v3 parcel documents
``sc-public-v3-scp-get-retrieve_parcel_documents``); the v2 ``qr`` document (OAS v2 parcel documents
``sc-public-v2-scp-get-retrieve_parcel_documents``).
"""

from __future__ import annotations

import json

import pytest
import requests
import responses

from connector.domain.money import Money
from connector.domain.shipping import PaperSize
from connector.errors import OutcomeUnknown, PermanentError
from tests.carriers.sendcloud import oas
from tests.carriers.sendcloud.fixtures import (
    DOCS_V2,
    DOCS_V3,
    PDF,
    RETURNS,
    V3,
    Sleeps,
    carrier,
    documented_return,
    label_request,
    validate_sent,
)

CREATED = oas.example(RETURNS, "/returns", "post", "201")  # {"return_id": 12345, "parcel_id": 67880, ...}


def _documents(rsps: responses.RequestsMock, parcel: int = 7) -> None:
    rsps.get(f"{V3}/parcels/{parcel}/documents/label", body=PDF, content_type="application/pdf")


@responses.activate
def test_a_label_is_created_with_our_key_then_fetched_in_a6_and_a4() -> None:
    # OAS v3 returns: post-returns_create_new_return 201 example, get-returns_get_details (Return object).
    responses.post(f"{V3}/returns", json=CREATED, status=201)
    responses.get(f"{V3}/returns/12345", json=documented_return())
    _documents(responses.mock)

    label = carrier().create_return_label(label_request(), (PaperSize.A6, PaperSize.A4))

    sent = json.loads(responses.calls[0].request.body or b"")
    assert sent["external_reference"] == "label:R7F3A9C21B04D:1"
    assert sent["order_number"] == "R7F3A9C21B04D"
    assert sent["ship_with"] == {"type": "shipping_option_code", "shipping_option_code": "dpd:return/return",
                                 "contract": 123456}
    assert sent["delivery_option"] == "drop_off_point"
    assert label.carrier_ref == "12345"
    assert label.tracking_number == "JVGL1234567800001339"
    assert [d.paper_size for d in label.documents] == [PaperSize.A6, PaperSize.A4]
    assert all(d.pdf == PDF for d in label.documents)
    assert label.price == Money("6.15", "EUR")
    sizes = [call.request.params.get("paper_size") for call in responses.calls[2:]]
    assert sizes == ["A6", "A4"]  # the parameter's enum (v3 parcel documents), not the example URL's "a4"
    assert validate_sent(responses.mock) == [RETURNS, RETURNS, DOCS_V3, DOCS_V3]


@responses.activate
def test_a_return_not_announced_yet_comes_back_at_once_with_its_id_and_no_documents() -> None:
    # OAS v3 returns: "label ... can be null because it might not be announced yet" (Return.label_url/tracking).
    responses.post(f"{V3}/returns", json=CREATED, status=201)
    pending = documented_return(tracking_number=None, tracking_url=None, label_url=None)
    del pending["label"]
    responses.get(f"{V3}/returns/12345", json=pending)

    label = carrier().create_return_label(label_request(), (PaperSize.A6,))

    assert (label.carrier_ref, label.documents, label.tracking_number) == ("12345", (), "")
    validate_sent(responses.mock)


@responses.activate
def test_a_labelless_return_asks_for_drop_off_labelless_and_brings_the_qr_code() -> None:
    # OAS v3 returns DeliveryOption "drop_off_labelless: At a drop-off point - No printer needed";
    # OAS v2 parcel documents: type `qr`, Accept image/png.
    responses.post(f"{V3}/returns", json=CREATED, status=201)
    responses.get(f"{V3}/returns/12345", json=documented_return(delivery_option="drop_off_labelless"))
    _documents(responses.mock)
    responses.get("https://panel.sendcloud.sc/api/v2/parcels/7/documents/qr", body=b"\x89PNG qr",
                  content_type="image/png")

    label = carrier(labelless_option_code="postnl:standard/return").create_return_label(
        label_request("relay_point"), (PaperSize.A6,))

    sent = json.loads(responses.calls[0].request.body or b"")
    assert (sent["delivery_option"], sent["ship_with"]["shipping_option_code"]) == (
        "drop_off_labelless", "postnl:standard/return")
    assert label.qr_png == b"\x89PNG qr"
    assert validate_sent(responses.mock)[-1] == DOCS_V2


@responses.activate
def test_a_carrier_without_a_qr_document_leaves_the_qr_empty() -> None:
    # OAS v2 parcel documents 404 example "document_type_not_found" ({"error": {code, request, message}}).
    responses.post(f"{V3}/returns", json=CREATED, status=201)
    responses.get(f"{V3}/returns/12345", json=documented_return(delivery_option="drop_off_labelless"))
    _documents(responses.mock)
    missing = oas.example(DOCS_V2, "/parcels/{id}/documents/{type}", "get", "404", "document_type_not_found")
    responses.get("https://panel.sendcloud.sc/api/v2/parcels/7/documents/qr", json=missing, status=404)

    label = carrier(labelless_option_code="postnl:standard/return").create_return_label(
        label_request("relay_point"), (PaperSize.A6,))

    assert label.qr_png is None and label.documents


@responses.activate
def test_a_write_answered_429_waits_retry_after_then_creates_one_return() -> None:
    # https://sendcloud.dev/docs/getting-started/rate-limits: over the limit, HTTP 429 (no body documented).
    responses.post(f"{V3}/returns", status=429, headers={"Retry-After": "7"})
    responses.post(f"{V3}/returns", json=CREATED, status=201)
    responses.get(f"{V3}/returns/12345", json=documented_return())
    _documents(responses.mock)
    sleeps = Sleeps()

    label = carrier(sleeps).create_return_label(label_request(), (PaperSize.A6,))

    assert label.carrier_ref == "12345"
    assert 7.0 in sleeps
    assert [call.request.method for call in responses.calls].count("POST") == 2
    validate_sent(responses.mock)


@responses.activate
def test_a_timeout_after_the_write_finds_the_return_by_its_reference_and_makes_no_second_one() -> None:
    # OAS v3 returns get-returns_get_returns: from_date and to_date required; the Return object lists neither
    # `id` nor `external_reference`, so order_number (our return number) and `id` when present are read.
    responses.post(f"{V3}/returns", body=requests.ReadTimeout("read timed out"))
    other = documented_return(order_number="R-SOMEONE-ELSE", id=999)
    ours = documented_return(order_number="R7F3A9C21B04D", id=12345)
    responses.get(f"{V3}/returns", json={"next": None, "previous": None, "data": [other, ours]})
    responses.get(f"{V3}/returns/12345", json=documented_return())
    _documents(responses.mock)

    label = carrier().create_return_label(label_request(), (PaperSize.A6,))

    assert label.carrier_ref == "12345"
    assert [call.request.method for call in responses.calls].count("POST") == 1
    listing = responses.calls[1].request
    assert listing.params["from_date"] == "2026-12-06 11:55:00"
    validate_sent(responses.mock)


@responses.activate
def test_a_timeout_after_the_write_with_nothing_listed_stays_unknown_and_is_not_resent() -> None:
    responses.post(f"{V3}/returns", body=requests.ReadTimeout("read timed out"))
    responses.get(f"{V3}/returns", json={"data": [documented_return(order_number="R-SOMEONE-ELSE", id=9)]})

    with pytest.raises(OutcomeUnknown):
        carrier().create_return_label(label_request(), (PaperSize.A6,))

    assert [call.request.method for call in responses.calls] == ["POST", "GET"]


@responses.activate
def test_a_second_create_refused_for_its_reference_adopts_the_existing_return() -> None:
    # OAS v3 returns components/responses/400: "External reference has already been used in another return."
    refused = oas.document(RETURNS)["components"]["responses"]["400"]["content"]["application/json"]
    message = refused["schema"]["properties"]["error"]["properties"]["message"]["example"]
    responses.post(f"{V3}/returns", status=400,
                   json={"error": {"code": "invalid", "request": "api/v3/returns", "message": message}})
    responses.get(f"{V3}/returns", json={"data": [documented_return(order_number="R7F3A9C21B04D", id=12345)]})
    responses.get(f"{V3}/returns/12345", json=documented_return())
    _documents(responses.mock)

    label = carrier().create_return_label(label_request(), (PaperSize.A6,))

    assert label.carrier_ref == "12345"
    assert [call.request.method for call in responses.calls].count("POST") == 1


@responses.activate
def test_a_validation_refusal_in_the_errors_shape_is_permanent_and_names_the_field() -> None:
    # OAS v3 returns post-returns_create_new_return 400: components/schemas/errors {"errors":[{field,message,code}]}.
    responses.post(f"{V3}/returns", status=400, json={"errors": [
        {"field": "ship_with", "message": "This field is required", "code": "required"}]})

    with pytest.raises(PermanentError, match=r"ship_with: This field is required \(required\)"):
        carrier().create_return_label(label_request(), (PaperSize.A6,))
    assert len(responses.calls) == 1


@responses.activate
def test_an_invalid_postal_code_in_the_error_shape_is_permanent() -> None:
    # OAS v3 returns components/responses/400 example InvalidPostalCodeError ({"error": {code, request, message}}).
    body = oas.document(RETURNS)["components"]["responses"]["400"]["content"]["application/json"]["examples"][
        "InvalidPostalCodeError"]["value"]
    responses.post(f"{V3}/returns", status=400, json=body)

    with pytest.raises(PermanentError, match="The postal code you provided is invalid"):
        carrier().create_return_label(label_request(), (PaperSize.A6,))


@responses.activate
def test_an_announcement_error_on_the_return_fails_the_label() -> None:
    # OAS v3 returns Return.errors: "carrier announcement errors" as JSON:API ErrorObject.
    responses.post(f"{V3}/returns", json=CREATED, status=201)
    failed = documented_return(errors=[{"status": "400", "code": "parcel_announcement_error",
                                        "detail": "Carrier refused the address"}])
    del failed["label"]
    responses.get(f"{V3}/returns/12345", json=failed)

    with pytest.raises(PermanentError, match="announcement failed"):
        carrier().create_return_label(label_request(), (PaperSize.A6,))


def test_in_store_returns_need_no_sendcloud_label() -> None:
    with pytest.raises(PermanentError, match="in_store"):
        carrier().return_body(label_request("in_store"))


@responses.activate
def test_the_validator_itself_refuses_a_body_the_description_refuses() -> None:
    # Guard for the oracle: a CreateReturn without the required ship_with must not pass.
    body = carrier().return_body(label_request())
    del body["ship_with"]
    responses.post(f"{V3}/returns", json=CREATED, status=201)
    requests.post(f"{V3}/returns", json=body, auth=("public", "secret"), timeout=5)

    with pytest.raises(Exception, match=r"(?i)request body|ship_with|required"):
        validate_sent(responses.mock)


def test_our_body_passes_against_the_documented_example_shape() -> None:
    # OAS v3 returns requestBodies/CreateReturn example "Return": the same keys we fill.
    documented = oas.request_example(RETURNS, "Return")
    ours = carrier().return_body(label_request())
    assert set(ours) <= set(documented) | {"delivery_option"}


@responses.activate
def test_a_return_made_whose_label_cannot_be_read_yet_still_hands_its_id_back() -> None:
    # The id must be stored at once (v3 returns: the duplicate refusal does not say which return it is).
    responses.post(f"{V3}/returns", json=CREATED, status=201)
    responses.get(f"{V3}/returns/12345", status=502)

    label = carrier().create_return_label(label_request(), (PaperSize.A6,))

    assert (label.carrier_ref, label.documents) == ("12345", ())
    assert [call.request.method for call in responses.calls] == ["POST", "GET", "GET", "GET"]
