"""The carrier's records in the shapes of Sendcloud's descriptions (v3 Return, v3 tracking, webhooks, points).

Every shape here is checked by tests/sandbox_carrier against the committed OpenAPI descriptions
(carriers/sendcloud/openapi/), so a field renamed here, or a type changed, fails a test. Fields the
descriptions do not list (``id``, ``parcel_id``, ``external_reference`` on a Return) are added where the
adapter needs them to find a return again; the descriptions' schemas allow them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Final

from sandboxes.carrier.points import CARRIERS, Point
from sandboxes.carrier.state import Event, Return
from sandboxes.carrier.statuses import DELIVERED, FIRST_SCANS, NO_LABEL, status

_DAYS: Final = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_ADDRESS_KEYS: Final = ("name", "company_name", "address_line_1", "house_number", "address_line_2", "postal_code",
                        "city", "po_box", "state_province_code", "country_code", "email", "phone_number")  # fmt: skip


def iso(at: datetime) -> str:
    return at.isoformat(timespec="microseconds")


def millis(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def label_urls(base: str, record: Return) -> dict[str, Any]:
    url = f"{base}/api/v3/parcels/{record.parcel_id}/documents/label"
    return {"label_printer": url, "normal_printer": [f"{url}?paper_size=a4"] * 4}


def tracking_url(base: str, record: Return) -> str:
    return f"{base}/tracking/{record.carrier}/{record.tracking_number}"


def return_object(base: str, record: Return) -> dict[str, Any]:
    body = record.body
    delivered = next((e for e in record.events if e.status_id == DELIVERED), None)
    data: dict[str, Any] = {
        "id": record.id,
        "parcel_id": record.parcel_id,
        "external_reference": record.external_reference,
        "from_address": _address(body["from_address"]),
        "to_address": _address(body["to_address"]),
        "shipping_product": {"code": record.product_code},
        "shipping_option": {"code": record.option_code},
        "weight": body["weight"],
        "collo_count": body.get("collo_count", 1),
        "parcel_items": [_item(item) for item in body.get("parcel_items") or []],
        "send_tracking_emails": bool(body.get("send_tracking_emails", False)),
        "insurance": False,
        "label_url": label_urls(base, record)["label_printer"] if _has_label(record) else None,
        "tracking_number": record.tracking_number,
        "tracking_url": tracking_url(base, record) if record.tracking_number else None,
        "is_cancellable": is_cancellable(record),
        "status_history": [_history(record, event) for event in record.events],
        "created_at": iso(record.created_at),
        "delivered_at": millis(delivered.at) if delivered else None,
        "delivered_at_iso": iso(delivered.at) if delivered else None,
        "order_number": body.get("order_number") or "",
        "delivery_option": record.delivery_option,
        "customs_invoice_nr": body.get("customs_invoice_nr"),
        "errors": list(record.errors),
    }
    if "dimensions" in body:
        data["dimensions"] = body["dimensions"]
    if "brand_id" in body:
        data["brand_id"] = body["brand_id"]
    contract = body["ship_with"].get("contract")
    if isinstance(contract, int):
        data["contract"] = contract
    if _has_label(record):
        data["label"] = label_urls(base, record)
    return data


def _has_label(record: Return) -> bool:
    return record.announced and record.delivery_option != "in_store"


def is_cancellable(record: Return) -> bool:
    """Cancellable until the carrier's first scan, as Sendcloud's "usually free the same day" suggests."""
    seen = {event.status_id for event in record.events}
    return not (seen & (FIRST_SCANS | {DELIVERED, 1999, 2000, 2001, 1998}))


def _address(address: dict[str, Any]) -> dict[str, Any]:
    return {key: address[key] for key in _ADDRESS_KEYS if key in address}


def _item(item: dict[str, Any]) -> dict[str, Any]:
    data = dict(item)
    reason = item.get("return_reason_id")
    if reason is not None:
        data["return_reason_id"] = str(reason)
        data["return_reason"] = {"id": int(reason)} if str(reason).isdigit() else {}
    return data


def _history(record: Return, event: Event) -> dict[str, Any]:
    known = status(event.status_id)
    return {
        "carrier_update_timestamp": iso(event.at),
        "parcel_status_history_id": str(event.history_id),
        "parent_status": known.slug,
        "carrier_code": record.carrier,
        "carrier_message": known.message,
    }


def tracking_object(base: str, record: Return) -> dict[str, Any]:
    """``GET /parcels/tracking/{tracking_number}``: the v3 parcel-tracking-response."""
    announced = record.events[0].at
    data: dict[str, Any] = {
        "announced_at": iso(announced),
        "created_at": iso(record.created_at),
        "updated_at": iso(announced),
        "source_id": record.external_reference or str(record.id),
        "details": {"is_return": True, "is_mail_box": False,
                    "is_to_service_point": False,
                    "expected_delivery_date": (announced + timedelta(days=3)).date().isoformat()},
        "events": [{
            "event_at": iso(event.at), "event_type": "carrier", "status_code": status(event.status_id).slug,
            "status_description": status(event.status_id).message, "status_type": status(event.status_id).status_type,
            "sub_status_code": str(event.status_id),
        } for event in record.events if event.status_id != NO_LABEL],
        "from_address": _tracking_address(record.body["from_address"]),
        "to_address": _tracking_address(record.body["to_address"]),
        "tracking_numbers": [{"carrier_code": record.carrier, "tracking_number": record.tracking_number,
                              "tracking_url": tracking_url(base, record)}],
    }  # fmt: skip
    contract = record.body["ship_with"].get("contract")
    if isinstance(contract, int) and contract >= 1:
        data["ship_with"] = {
            "type": "shipping_option_code",
            "properties": {"shipping_option_code": record.option_code, "contract_id": contract},
        }
    return data


_TRACKING_ADDRESS_KEYS: Final = ("address_line_1", "address_line_2", "city", "company_name", "country_code", "email",
                                 "house_number", "name", "phone_number", "po_box", "postal_code",
                                 "state_province_code")  # fmt: skip


def _tracking_address(address: dict[str, Any]) -> dict[str, Any]:
    return {key: address[key] for key in _TRACKING_ADDRESS_KEYS if key in address}


_ISO3: Final = {"FR": ("FRA", "France"), "BE": ("BEL", "Belgium"), "NL": ("NLD", "Netherlands"),
                "DE": ("DEU", "Germany"), "ES": ("ESP", "Spain"), "IT": ("ITA", "Italy")}  # fmt: skip


def webhook_payload(base: str, record: Return, event: Event) -> dict[str, Any]:
    """``parcel_status_changed`` for the return's incoming parcel (v3 webhooks, ParcelStatusChangedWebhook)."""
    sender = record.body["from_address"]
    recipient = record.body["to_address"]
    iso3, country = _ISO3.get(recipient["country_code"], (recipient["country_code"], recipient["country_code"]))
    parcel: dict[str, Any] = {
        "id": record.parcel_id,
        "name": sender["name"],
        "address": f"{sender['address_line_1']} {sender.get('house_number', '')}".strip(),
        "city": sender["city"],
        "postal_code": sender["postal_code"],
        "date_created": record.created_at.strftime("%d-%m-%Y %H:%M:%S"),
        "tracking_number": record.tracking_number or "",
        "weight": f"{_kilograms(record.body['weight']):.3f}",
        "status": {"id": event.status_id, "message": status(event.status_id).message},
        "data": {},
        "country": {"iso_2": recipient["country_code"], "iso_3": iso3, "name": country},
        "order_number": record.body.get("order_number") or "",
        "external_reference": record.external_reference,
        "is_return": True,
    }
    street_number = str(sender.get("house_number", ""))
    parcel["address_divided"] = {"street": sender["address_line_1"]}
    if street_number.isdigit():
        parcel["address_divided"]["house_number"] = int(street_number)
    if sender.get("email"):
        parcel["email"] = sender["email"]
    if _has_label(record):
        parcel["label"] = label_urls(base, record)
    return {"action": "parcel_status_changed", "timestamp": millis(event.at),
            "carrier_status_change_timestamp": millis(event.at), "parcel": parcel}  # fmt: skip


def _kilograms(weight: dict[str, Any]) -> float:
    factor = {"kg": 1.0, "g": 0.001, "lbs": 0.453592, "oz": 0.0283495}[weight["unit"]]
    return float(weight["value"]) * factor


def point_object(point: Point, now: datetime) -> dict[str, Any]:
    """ServicePointDetail; the list adds ``distance`` (ServicePoint)."""
    tomorrow = (now.weekday() + 1) % 7
    data: dict[str, Any] = {
        "id": point.id,
        "name": point.name,
        "carrier": {"code": point.carrier, "name": CARRIERS[point.carrier], "logo_url": None, "icon_url": None},
        "carrier_service_point_id": point.carrier_point_id,
        "carrier_shop_type": point.shop_type,
        "general_shop_type": point.shop_type,
        "address": {"street": point.street, "house_number": point.house_number, "postal_code": point.postal_code,
                    "city": point.city, "country_code": "FR"},
        "position": {"latitude": point.latitude, "longitude": point.longitude},
        "contact": {"email": "", "phone": point.phone},
        "opening_times": {day: None if hours is None else [{"start_time": hours[0], "end_time": hours[1]}]
                          for day, hours in zip(_DAYS, point.hours, strict=True)},
        "is_open_tomorrow": point.hours[tomorrow] is not None,
        "next_open_at": _next_open(point, now),
        "is_expired": False,
    }  # fmt: skip
    return data


def _next_open(point: Point, now: datetime) -> str | None:
    for offset in range(8):
        day = now + timedelta(days=offset)
        hours = point.hours[day.weekday()]
        if hours is None:
            continue
        hour, minute = (int(part) for part in hours[0].split(":"))
        opens = day.replace(hour=hour, minute=minute, second=0, microsecond=0)
        if opens > now:
            return opens.isoformat()
    return None
