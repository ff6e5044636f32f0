"""Pure translation between Sendcloud's JSON (as ``openapi/`` describes it) and ``connector.domain.shipping``.

Where the descriptions and ``shared/reference/carriers.md`` disagree, the descriptions win:

* ``weight`` of a return is ``{"value", "unit"}`` (``CreateReturn``); ``ReturnValidation`` alone says a number
  in kg. We send the object, in grams as the parcel knows it, since ``/returns`` is what we call.
* ``paper_size`` is ``A4|A5|A6`` (parcel documents v3 parameter enum), although the Return object's example
  URLs say ``paper_size=a4``: we send the enum's upper case.
* The Return object describes neither an ``id`` nor the ``external_reference`` we sent; see ``adapter``.
* Service points: v3 (beta) only, with ``carrier_code`` repeated (``explode: true``) or
  ``use_integration_carriers=true``, exactly one; opening times are ``monday..sunday`` lists of
  ``{start_time, end_time}``, not v2's numbered days.
* Status ids of ``parcel_status_changed`` are not listed in the descriptions (the webhook example pairs id 1
  with "Ready to send", where carriers.md reads 1 as "Announced" and 1000 as "Ready to send"): both are
  before the first scan, so the table below follows carriers.md and either reading gives the same state.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from connector.domain.money import Money
from connector.domain.shipping import (
    PostalAddress,
    ServicePoint,
    ServicePointQuery,
    TrackingStatus,
)

S = TrackingStatus

STATUS_IDS: Final[Mapping[int, TrackingStatus]] = {
    # carriers.md §1.5 (white-nl/commerce-sendcloud OrderSyncStatus.php); ids the table lacks give no event.
    1000: S.AWAITING_DROPOFF, 1001: S.LABEL_PENDING, 1002: S.LABEL_FAILED, 1: S.AWAITING_DROPOFF,
    13: S.AWAITING_DROPOFF, 999: S.LABEL_PENDING,
    3: S.IN_TRANSIT, 4: S.IN_TRANSIT, 5: S.IN_TRANSIT, 6: S.IN_TRANSIT, 7: S.IN_TRANSIT, 22: S.IN_TRANSIT,
    91: S.IN_TRANSIT, 92: S.IN_TRANSIT,
    8: S.EXCEPTION, 15: S.EXCEPTION, 80: S.EXCEPTION, 1337: S.EXCEPTION,
    11: S.DELIVERED, 93: S.DELIVERED, 12: S.EXCEPTION,  # awaiting pickup: the warehouse must fetch it
    1999: S.CANCEL_REQUESTED, 2001: S.CANCEL_REQUESTED, 1998: S.CANCELLED, 2000: S.CANCELLED,
}

PARENT_STATUSES: Final[Mapping[str, TrackingStatus]] = {
    # The slugs of GET /returns ``parent_parcel_status`` (v3 returns), which status_history's parent_status names.
    "ready-to-send": S.AWAITING_DROPOFF, "announced": S.AWAITING_DROPOFF, "announced-uncollected": S.AWAITING_DROPOFF,
    "no-label": S.LABEL_PENDING, "announcing": S.LABEL_PENDING, "announcement-failed": S.LABEL_FAILED,
    "to-sorting": S.IN_TRANSIT, "delayed": S.IN_TRANSIT, "sorted": S.IN_TRANSIT, "unsorted": S.IN_TRANSIT,
    "sorting": S.IN_TRANSIT, "unsorted2": S.IN_TRANSIT, "shipment-on-route": S.IN_TRANSIT,
    "driver-on-route": S.IN_TRANSIT, "picked-up-by-driver": S.IN_TRANSIT, "at-customs": S.IN_TRANSIT,
    "at-sorting-centre": S.IN_TRANSIT, "delivery-method-changed": S.IN_TRANSIT, "delivery-date-changed": S.IN_TRANSIT,
    "delivery-address-changed": S.IN_TRANSIT, "delivery-forced": S.IN_TRANSIT,
    "delivered": S.DELIVERED, "collected-by-customer": S.DELIVERED,
    "awaiting-customer-pickup": S.EXCEPTION, "delivery-failed": S.EXCEPTION, "collect-error": S.EXCEPTION,
    "undeliverable": S.EXCEPTION, "refused-by-recipient": S.EXCEPTION, "returned-to-sender": S.EXCEPTION,
    "exception": S.EXCEPTION, "address-invalid": S.EXCEPTION, "unknown": S.EXCEPTION,
    "cancelling-upstream": S.CANCEL_REQUESTED, "cancelling": S.CANCEL_REQUESTED,
    "cancelled": S.CANCELLED, "cancelled-upstream": S.CANCELLED,
    # The display form of status_history's example ("Ready to Ship") slugged:
    "ready-to-ship": S.AWAITING_DROPOFF,
}

PARCEL_IN_URL: Final = re.compile(r"/parcels/(\d+)/documents/")
WEEKDAYS: Final = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def address(value: PostalAddress) -> dict[str, str]:
    """The v3 ``address`` object; empty optional fields are left out (``minLength`` on some, noise on others)."""
    body = {
        "name": value.name,
        "company_name": value.company,
        "address_line_1": value.street,
        "house_number": value.house_number,
        "postal_code": value.postal_code,
        "city": value.city,
        "country_code": value.country.upper(),
        "email": value.email,
        "phone_number": value.phone,
    }
    return {key: text for key, text in body.items() if text}


def slug(parent_status: str) -> str:
    """"Ready to Ship" and "ready-to-ship" alike: lower case, runs of non-letters as one hyphen."""
    return re.sub(r"[^a-z0-9]+", "-", parent_status.lower()).strip("-")


def parse_time(raw: Any) -> datetime | None:
    """An ISO 8601 stamp (offset or Z) or a unix time in seconds or milliseconds, as UTC; None if unreadable."""
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, int | float):
        seconds = raw / 1000 if raw > 10**11 else raw  # the webhook examples give milliseconds
        return datetime.fromtimestamp(seconds, UTC)
    try:
        stamp = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)


def service_point_params(query: ServicePointQuery) -> dict[str, str | int | float | bool | list[str]]:
    """GET /v3/service-points query: one reference point, one carrier scope, ``radius`` (100 to 50 000 m), ``limit``."""
    params: dict[str, str | int | float | bool | list[str]] = {"country_code": query.country.upper()}
    if query.carriers:
        params["carrier_code"] = list(query.carriers)
    else:
        params["use_integration_carriers"] = "true"
    if query.latitude is not None and query.longitude is not None:
        params["latitude"] = query.latitude
        params["longitude"] = query.longitude
    elif query.address:
        params["address"] = query.address
    elif query.postal_code:
        params["address_postal_code"] = query.postal_code
    params["radius"] = min(50_000, max(100, query.radius_m))
    params["limit"] = min(200, max(1, query.limit))
    return params


def service_point(item: Mapping[str, Any]) -> ServicePoint:
    """One ``ServicePoint`` of the v3 answer, its opening times keyed by ISO weekday (1 = Monday)."""
    where = item.get("address") or {}
    position = item.get("position") or {}
    carrier = item.get("carrier") or {}
    hours: dict[int, tuple[str, ...]] = {}
    for number, day in enumerate(WEEKDAYS, start=1):
        slots = (item.get("opening_times") or {}).get(day) or []
        ranges = tuple(f"{slot['start_time']}-{slot['end_time']}" for slot in slots if slot)
        if ranges:
            hours[number] = ranges
    distance = item.get("distance")
    return ServicePoint(
        id=str(item["id"]),
        carrier=str(carrier.get("code", "")),
        name=str(item.get("name", "")),
        address=PostalAddress(
            name=str(item.get("name", "")),
            street=str(where.get("street", "")),
            house_number=str(where.get("house_number") or ""),
            postal_code=str(where.get("postal_code", "")),
            city=str(where.get("city", "")),
            country=str(where.get("country_code", "")),
        ),
        latitude=float(position.get("latitude", 0.0)),
        longitude=float(position.get("longitude", 0.0)),
        distance_m=int(distance) if isinstance(distance, int | float) else None,
        opening_hours=hours,
    )


def parcel_id(label: Mapping[str, Any]) -> str | None:
    """The parcel id in a Return's ``label`` URLs (``.../parcels/{id}/documents/label``), where its documents are."""
    for url in [label.get("label_printer"), *(label.get("normal_printer") or [])]:
        found = PARCEL_IN_URL.search(str(url or ""))
        if found:
            return found.group(1)
    return None


def label_cost(cost: Any) -> Money | None:
    """``label_cost`` (``{value, currency}``, a JSON number) as Money, through its decimal text."""
    if not isinstance(cost, Mapping) or cost.get("value") is None or not cost.get("currency"):
        return None
    try:
        return Money(Decimal(str(cost["value"])), str(cost["currency"]))
    except (InvalidOperation, ValueError):
        return None
