"""Service points (v3, beta) and pickup, against Sendcloud's descriptions.

Docs: Retrieve a list of service points, https://sendcloud.dev/api/v3/service-points/retrieve-a-list-of-service-points
(OAS ``sendcloud-v3-service-points-openapi.yml`` ``sc-public-v3-servicepoints-get-list_service_points``);
pickup as a return's ``delivery_option`` (OAS v3 returns DeliveryOption, ShipWith functionalities ``pick_up``).
"""

from __future__ import annotations

import json

import pytest
import requests
import responses

from connector.domain.shipping import CarrierCapability, PostalAddress, ServicePointQuery
from connector.errors import PermanentError, RetryableError
from tests.carriers.sendcloud import oas
from tests.carriers.sendcloud.fixtures import (
    POINTS,
    V3,
    Sleeps,
    carrier,
    documented_return,
    label_request,
    validate_sent,
)

LIST = "/service-points"


@responses.activate
def test_points_near_a_postcode_come_nearest_first_with_their_opening_hours() -> None:
    # OAS v3 service points, 200 example ServicePointList.
    responses.get(f"{V3}/service-points", json=oas.example(POINTS, LIST, "get", "200", "ServicePointList"))

    relays = {"dhl": "dhl:return/dropoff", "postnl": "postnl:standard/return"}

    points = carrier(relay_option_codes=relays).find_service_points(
        ServicePointQuery(country="nl", postal_code="5611 EM", limit=5))

    assert [p.id for p in points] == ["1000001", "1000002"]
    first = points[0]
    assert (first.carrier, first.distance_m, first.latitude) == ("dhl", 85, 51.438022)
    assert first.opening_hours[1] == ("09:00-17:00",) and 6 not in first.opening_hours
    assert first.address.postal_code == "5611 EM"
    sent = responses.calls[0].request.params
    assert (sent["country_code"], sent["address_postal_code"]) == ("NL", "5611 EM")
    assert "carrier_code=dhl&carrier_code=postnl" in (responses.calls[0].request.url or "")
    assert validate_sent(responses.mock) == [POINTS]


@responses.activate
def test_named_carriers_are_sent_as_repeated_carrier_codes_and_coordinates_win() -> None:
    # OAS: carrier_code array, style form, explode true; carrier_code and use_integration_carriers exclusive.
    responses.get(f"{V3}/service-points", json=oas.example(POINTS, LIST, "get", "200", "NoServicePointsNearby"))

    found = carrier().find_service_points(ServicePointQuery(
        country="FR", postal_code="75011", latitude=48.85, longitude=2.37, carriers=("colissimo", "mondial_relay"),
        radius_m=10, limit=500))

    assert found == []
    url = responses.calls[0].request.url or ""
    assert "carrier_code=colissimo&carrier_code=mondial_relay" in url
    assert "use_integration_carriers" not in url and "address_postal_code" not in url
    assert "radius=100" in url and "limit=200" in url  # clamped to the documented bounds
    validate_sent(responses.mock)


@responses.activate
def test_a_refused_search_in_the_json_api_shape_is_permanent_and_names_the_parameter() -> None:
    # OAS v3 service points 400 example CarrierNotSupported / RequiredParameterMissing (JSON:API ErrorObject).
    body = oas.example(POINTS, LIST, "get", "400", "RequiredParameterMissing")
    responses.get(f"{V3}/service-points", json=body, status=400)

    with pytest.raises(PermanentError, match=r"country_code: Field required \(required\)"):
        carrier().find_service_points(ServicePointQuery(country="FR", postal_code="75011"))
    assert len(responses.calls) == 1


@responses.activate
def test_a_geocoding_outage_503_is_retried_then_gives_up_retryable() -> None:
    # OAS v3 service points 503 AddressLookupFailed: "retrying after a short delay usually resolves it".
    body = oas.example(POINTS, LIST, "get", "503", "AddressLookupFailed")
    responses.get(f"{V3}/service-points", json=body, status=503)
    sleeps = Sleeps()

    with pytest.raises(RetryableError, match="could not be resolved"):
        carrier(sleeps).find_service_points(ServicePointQuery(country="FR", address="5 rue X, Paris"))
    assert len(responses.calls) == 3 and len(sleeps) == 2


@responses.activate
def test_a_read_throttled_429_without_retry_after_backs_off_and_succeeds() -> None:
    # https://sendcloud.dev/docs/getting-started/rate-limits; v2 tracking OAS: a 429 comes with an empty response.
    responses.get(f"{V3}/service-points", status=429)
    responses.get(f"{V3}/service-points", json=oas.example(POINTS, LIST, "get", "200", "ServicePointList"))
    sleeps = Sleeps()

    query = ServicePointQuery(country="NL", postal_code="5611 EM", carriers=("dhl",))
    assert carrier(sleeps).find_service_points(query)
    assert len(sleeps) == 1 and 0 <= sleeps[0] <= 8


def test_pickup_and_labelless_are_declared_only_when_configured() -> None:
    assert CarrierCapability.HOME_PICKUP not in carrier().capabilities
    assert CarrierCapability.QR_LABELLESS not in carrier().capabilities
    both = carrier(pickup_option_code="dpd:return/pickup", labelless_option_code="postnl:standard/return")
    assert {CarrierCapability.HOME_PICKUP, CarrierCapability.QR_LABELLESS} <= both.capabilities
    with pytest.raises(PermanentError, match="pickup"):
        carrier().return_body(label_request("home_pickup"))


@responses.activate
def test_a_pickup_return_is_made_with_delivery_option_pickup_and_confirmed() -> None:
    # OAS v3 returns DeliveryOption `pickup` ("Arrange a pick-up"); no pickup booking API is described for returns.
    adapter = carrier(pickup_option_code="dpd:return/pickup")
    body = adapter.return_body(label_request("home_pickup"))
    assert (body["delivery_option"], body["ship_with"]["shipping_option_code"]) == ("pickup", "dpd:return/pickup")
    responses.post(f"{V3}/returns", json=oas.example("sendcloud-v3-returns-openapi.yml", "/returns", "post", "201"),
                   status=201)
    requests.post(f"{V3}/returns", data=json.dumps(body), headers={"Content-Type": "application/json"},
                  auth=("public", "secret"), timeout=5)
    responses.get(f"{V3}/returns/12345", json=documented_return(delivery_option="pickup"))
    responses.get(f"{V3}/returns/12346", json=documented_return(delivery_option="drop_off_point"))
    home = PostalAddress("Jeanne C.", "Rue X", "75011", "Paris", "FR")

    booking = adapter.book_pickup("12345", home, None)

    assert (booking.carrier_ref, booking.window) == ("12345", None)
    with pytest.raises(PermanentError, match="not made for pickup"):
        adapter.book_pickup("12346", home, None)
    validate_sent(responses.mock)


@responses.activate
def test_a_chosen_point_is_checked_for_availability() -> None:
    # OAS v3 service points post-check_availability, examples Available / NotAvailable.
    path = "/service-points/{service_point_id}/check-availability"
    responses.post(f"{V3}/service-points/1000001/check-availability",
                   json=oas.example(POINTS, path, "post", "200", "Available"))
    responses.post(f"{V3}/service-points/1000002/check-availability",
                   json=oas.example(POINTS, path, "post", "200", "NotAvailable"))

    assert carrier().service_point_available("1000001") is True
    assert carrier().service_point_available("1000002") is False
    assert validate_sent(responses.mock) == [POINTS, POINTS]
