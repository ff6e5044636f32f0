"""``/api/v3/service-points``: the seeded relay points near a reference point, closest first.

Parameter rules follow the v3 Service Points description: ``country_code`` required; exactly one of
``carrier_code`` or ``use_integration_carriers``; one kind of reference point; ``radius`` (100-50000 m)
or a complete bounding box, not both; ``limit`` 1-200. Errors use its JSON:API shape.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from sandboxes.carrier.carrier import carrier
from sandboxes.carrier.errors import ApiError, json_api
from sandboxes.carrier.points import CARRIERS, Point, distance_m, geocode
from sandboxes.carrier.serialize import point_object

blueprint = Blueprint("carrier_points", __name__)
SHOP_TYPES = ("servicepoint", "locker", "post_office", "carrier_depot")
_BBOX = ("ne_latitude", "ne_longitude", "sw_latitude", "sw_longitude")


def _invalid(detail: str, parameter: str, code: str = "validation_error") -> ApiError:
    return ApiError(json_api(400, code, detail, parameter))


def _number(name: str) -> float | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    try:
        return float(raw)
    except ValueError as exc:
        raise _invalid("Input should be a valid number, unable to parse string as a number", name, "invalid") from exc


def _carriers() -> set[str]:
    codes = request.args.getlist("carrier_code")
    integration = request.args.get("use_integration_carriers")
    if codes and integration is not None:
        raise _invalid("carrier_code and use_integration_carriers are mutually exclusive", "carrier_code")
    if not codes and integration != "true":
        raise _invalid("Exactly one of carrier_code or use_integration_carriers must be provided", "carrier_code")
    unknown = sorted(set(codes) - set(CARRIERS))
    if unknown:
        raise _invalid(f"Service points are not supported for the requested carriers: {', '.join(unknown)}.",
                       "carrier_code")  # fmt: skip
    return set(codes) or set(CARRIERS)


def _reference() -> tuple[dict[str, Any] | None, tuple[float, float] | None]:
    """(geocoding result, (lat, lon)); (None, None) when no reference point is given."""
    lat, lon = _number("latitude"), _number("longitude")
    text = request.args.get("address")
    postcode = request.args.get("address_postal_code")
    structured = any(k.startswith("address_") for k in request.args)
    kinds = sum((lat is not None or lon is not None, text is not None, structured))
    if kinds > 1:
        raise _invalid("address, address_* and latitude/longitude are mutually exclusive", "address")
    if lat is not None or lon is not None:
        if lat is None or lon is None:
            raise _invalid("latitude and longitude must be provided together", "latitude")
        return None, (lat, lon)
    if text is None and not structured:
        return None, None
    found = geocode(postcode, text if text is not None else " ".join(request.args.get(k, "") for k in request.args
                                                                     if k.startswith("address_")))  # fmt: skip
    if found is None:
        return {"status": "not_found", "precision": None, "formatted_address": None}, None
    formatted, flat, flon = found
    status = "matched" if postcode or text == formatted.split(",")[0] else "partially_matched"
    return {"status": status, "precision": "postal_code", "formatted_address": formatted}, (flat, flon)


@blueprint.get("/api/v3/service-points")
def list_points() -> Response:
    country = request.args.get("country_code")
    if not country:
        return json_api(400, "required", "Field required", "country_code")
    if len(country) != 2 or not country.isalpha():
        return json_api(400, "invalid_choice", f'"{country}" is not a valid country code', "country_code")
    carriers = _carriers()
    geocoding, origin = _reference()
    limit = request.args.get("limit", 100, type=int)
    if not 1 <= limit <= 200:
        return json_api(400, "invalid", "Input should be between 1 and 200", "limit")
    types = request.args.getlist("general_shop_type")
    bad = [t for t in types if t not in SHOP_TYPES]
    if bad:
        return json_api(400, "invalid_choice", "Input should be 'servicepoint', 'locker', 'post_office' or "
                        "'carrier_depot'", "general_shop_type")  # fmt: skip
    radius = request.args.get("radius", type=int)
    box = [_number(name) for name in _BBOX]
    if any(v is not None for v in box) and not all(v is not None for v in box):
        return json_api(400, "validation_error", "ne_latitude, ne_longitude, sw_latitude, and sw_longitude must all "
                        "be provided together", "ne_latitude")  # fmt: skip
    if radius is not None and box[0] is not None:
        return json_api(400, "validation_error", "radius and the bounding box are mutually exclusive", "radius")
    if radius is not None and not 100 <= radius <= 50_000:
        return json_api(400, "invalid", "Input should be between 100 and 50000", "radius")
    if geocoding is not None and origin is None:
        return jsonify({"data": {"results": [], "geocoding": geocoding}})
    the_carrier = carrier()
    now = the_carrier.options.now()
    found: list[tuple[int | None, Point]] = []
    for point in the_carrier.points:
        if country.upper() != "FR" or point.carrier not in carriers or (types and point.shop_type not in types):
            continue
        if box[0] is not None and not _inside(point, box):
            continue
        distance = None if origin is None else distance_m(origin[0], origin[1], point.latitude, point.longitude)
        if radius is not None and distance is not None and distance > radius:
            continue
        found.append((distance, point))
    found.sort(key=lambda pair: (pair[0] is None, pair[0] or 0, pair[1].id))
    results = [point_object(point, now) | {"distance": distance} for distance, point in found[:limit]]
    return jsonify({"data": {"results": results, "geocoding": geocoding}})


def _inside(point: Point, box: list[float | None]) -> bool:
    ne_lat, ne_lon, sw_lat, sw_lon = (float(v or 0) for v in box)
    return sw_lat <= point.latitude <= ne_lat and sw_lon <= point.longitude <= ne_lon


def _point(point_id: int) -> Point | None:
    return next((p for p in carrier().points if p.id == point_id), None)


@blueprint.get("/api/v3/service-points/<int:point_id>")
def get_point(point_id: int) -> Response:
    point = _point(point_id)
    if point is None:
        return json_api(404, "not_found", "The service point could not be found")
    return jsonify({"data": point_object(point, carrier().options.now())})


@blueprint.post("/api/v3/service-points/<int:point_id>/check-availability")
def check_availability(point_id: int) -> Response:
    point = _point(point_id)
    if point is None:
        return json_api(404, "not_found", "The service point could not be found")
    return jsonify({"data": {"is_available": point.id not in carrier().unavailable_points}})
