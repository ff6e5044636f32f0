"""The customer's logistics choices in the signed draft: the relay point picked and the pickup window picked.

Why the whole point and not its id: the review shows the point's name, address and hours, and the confirmation
hands it to the return's shipment (``connector.services.shipments.choose_logistics``), and the carrier's API has
no look-up of one point by id that every carrier offers. The point is one the relay screen found with the carrier
for the customer's postcode (the form sends an id, the page searches again and keeps the matching point), so a
customer cannot make one up: the draft is signed. Keys are short, as the draft travels in every link.

Every value read back is checked again (types, bounds), as ``draft`` does for the lines.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final

from connector.domain.shipping import PickupWindow, PostalAddress, ServicePoint

_MAX_TEXT: Final = 200
_MAX_RANGES: Final = 4
_ADDRESS: Final = ("street", "house_number", "postal_code", "city", "country")


def point_json(point: ServicePoint) -> dict[str, Any]:
    where = point.address
    return {
        "i": point.id,
        "c": point.carrier,
        "n": point.name,
        "a": [getattr(where, name) for name in _ADDRESS],
        "g": [point.latitude, point.longitude],
        "m": point.distance_m,
        "h": {str(day): list(ranges) for day, ranges in sorted(point.opening_hours.items())},
    }


def point_from_json(raw: Any) -> ServicePoint | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise ValueError("point")
    parts = raw["a"]
    if not isinstance(parts, list) or len(parts) != len(_ADDRESS):
        raise ValueError("point address")
    street, number, postcode, city, country = (_text(part, empty=True) for part in parts)
    latitude, longitude = _coordinates(raw["g"])
    distance = raw.get("m")
    if distance is not None and (not isinstance(distance, int) or isinstance(distance, bool) or distance < 0):
        raise ValueError("distance")
    name = _text(raw["n"], empty=True)
    return ServicePoint(
        id=_text(raw["i"]),
        carrier=_text(raw["c"], empty=True),
        name=name,
        address=PostalAddress(name, street, postcode, city, country, house_number=number),
        latitude=latitude,
        longitude=longitude,
        distance_m=distance,
        opening_hours=_hours(raw.get("h") or {}),
    )


def window_json(window: PickupWindow) -> list[str]:
    return [window.starts_at.isoformat(), window.ends_at.isoformat()]


def window_from_json(raw: Any) -> PickupWindow | None:
    if raw is None:
        return None
    if not isinstance(raw, list) or len(raw) != 2 or not all(isinstance(stamp, str) for stamp in raw):
        raise ValueError("pickup window")
    starts, ends = (datetime.fromisoformat(stamp) for stamp in raw)
    if starts.utcoffset() is None or ends.utcoffset() is None or ends <= starts:
        raise ValueError("pickup window")
    return PickupWindow(starts, ends)


def _hours(raw: Any) -> dict[int, tuple[str, ...]]:
    if not isinstance(raw, Mapping):
        raise ValueError("hours")
    hours: dict[int, tuple[str, ...]] = {}
    for day, ranges in raw.items():
        if not str(day).isdigit() or not 1 <= int(day) <= 7:
            raise ValueError("weekday")
        if not isinstance(ranges, list) or len(ranges) > _MAX_RANGES:
            raise ValueError("ranges")
        hours[int(day)] = tuple(_text(text) for text in ranges)
    return hours


def _coordinates(raw: Any) -> tuple[float, float]:
    if not isinstance(raw, list) or len(raw) != 2 or not all(isinstance(v, int | float) for v in raw):
        raise ValueError("coordinates")
    latitude, longitude = float(raw[0]), float(raw[1])
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValueError("coordinates")
    return latitude, longitude


def _text(value: Any, *, empty: bool = False) -> str:
    if not isinstance(value, str) or len(value) > _MAX_TEXT or (not value and not empty):
        raise ValueError("text")
    return value
