"""Service points v3 on the sandbox carrier: seeded French relay points, closest first, validated."""

from __future__ import annotations

from typing import Any

from tests.sandbox_carrier.conftest import Sendcloud

PATH = "/api/v3/service-points"


def _search(carrier: Sendcloud, **params: object) -> dict[str, Any]:
    answer = carrier.call("GET", PATH, params={"country_code": "FR", "carrier_code": ["mondial_relay", "colissimo"]}
                          | params)  # fmt: skip
    assert answer.status_code == 200, answer.text
    data: dict[str, Any] = answer.json()["data"]
    return data


def test_points_near_a_postcode_are_sorted_by_distance_with_hours_and_address(carrier: Sendcloud) -> None:
    data = _search(carrier, address_postal_code="75011", radius=2000)
    distances = [p["distance"] for p in data["results"]]
    assert distances == sorted(distances) and len(distances) >= 4
    assert max(distances) <= 2000
    assert {p["carrier"]["code"] for p in data["results"]} == {"mondial_relay", "colissimo"}
    first = data["results"][0]
    assert first["address"]["postal_code"] == "75011" and first["opening_times"]["sunday"] is None
    assert first["opening_times"]["monday"] == [{"start_time": "09:00", "end_time": "19:00"}]
    assert data["geocoding"] == {"status": "matched", "precision": "postal_code",
                                 "formatted_address": "75011 Paris, France"}  # fmt: skip


def test_free_text_coordinates_shop_type_and_limit(carrier: Sendcloud) -> None:
    by_text = _search(carrier, address="12 rue de la République 69002 Lyon", limit=2)
    assert len(by_text["results"]) == 2 and by_text["results"][0]["address"]["city"] == "Lyon"
    by_position = _search(carrier, latitude=43.299, longitude=5.384, general_shop_type="locker")
    assert by_position["results"][0]["name"] == "Locker Saint-Charles"
    assert by_position["geocoding"] is None
    assert all(p["general_shop_type"] == "locker" for p in by_position["results"])


def test_an_unknown_postcode_is_not_found_and_lists_nothing(carrier: Sendcloud) -> None:
    data = _search(carrier, address_postal_code="97400")
    assert data == {"results": [], "geocoding": {"status": "not_found", "precision": None, "formatted_address": None}}


def test_parameter_errors_use_the_json_api_shape(carrier: Sendcloud) -> None:
    cases = [
        ({}, "country_code"),
        ({"country_code": "FR"}, "carrier_code"),
        ({"country_code": "FR", "carrier_code": "mondial_relay", "use_integration_carriers": "true"}, "carrier_code"),
        ({"country_code": "FR", "carrier_code": "acme"}, "carrier_code"),
        ({"country_code": "FR", "carrier_code": "colissimo", "radius": 50}, "radius"),
        ({"country_code": "FR", "carrier_code": "colissimo", "latitude": "north", "longitude": 2}, "latitude"),
        ({"country_code": "FR", "carrier_code": "colissimo", "ne_latitude": 49}, "ne_latitude"),
    ]
    for params, parameter in cases:
        answer = carrier.call("GET", PATH, params=params)
        assert answer.status_code == 400, params
        assert answer.json()["errors"][0]["source"] == {"parameter": parameter}


def test_one_point_and_its_availability(carrier: Sendcloud) -> None:
    point = _search(carrier, address_postal_code="59000")["results"][0]
    detail = carrier.call("GET", f"{PATH}/{point['id']}").json()["data"]
    assert detail["name"] == point["name"] and "distance" not in detail
    check = f"{PATH}/{point['id']}/check-availability"
    assert carrier.call("POST", check).json() == {"data": {"is_available": True}}
    carrier.sandbox("PUT", f"service-points/{point['id']}/availability", json={"available": False})
    assert carrier.call("POST", check).json() == {"data": {"is_available": False}}
    assert carrier.call("GET", f"{PATH}/42").status_code == 404
