"""``/api/v3/returns``, the parcel documents and the tracking poll, as the v3 descriptions shape them."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, jsonify, request

from sandboxes.carrier.carrier import carrier
from sandboxes.carrier.documents import PAPER_SIZES, label_pdf, qr_png
from sandboxes.carrier.errors import error_object, field_errors, json_api
from sandboxes.carrier.serialize import return_object, tracking_object
from sandboxes.carrier.state import Return
from sandboxes.carrier.statuses import status
from sandboxes.carrier.validation import check_create

blueprint = Blueprint("carrier_returns", __name__)
DUPLICATE_REFERENCE = "External reference has already been used in another return."
PAGE_SIZE = 40


def _create(synchronous: bool) -> Response:
    body = request.get_json(silent=True)
    problems = check_create(body)
    if problems:
        return field_errors(400, problems)
    assert isinstance(body, dict)
    the_carrier = carrier()
    reference = body.get("external_reference")
    with the_carrier.store.lock:
        if reference and reference in the_carrier.store.by_reference:
            # The write is never repeated; the answer does not name the existing return (OAS example).
            if synchronous:
                return error_object(400, "external_reference_already_used", DUPLICATE_REFERENCE)
            return field_errors(400, [("external_reference", "invalid", DUPLICATE_REFERENCE)])
        ship_with = body["ship_with"]
        code = ship_with[ship_with.get("type", "shipping_product_code")]
        carrier_code = code.split(":", 1)[0]
        option_code = code if ship_with.get("type") == "shipping_option_code" else None
        record = the_carrier.create(body, carrier_code, option_code or code, code.split("/", 1)[0])
    response = jsonify({"return_id": record.id, "parcel_id": record.parcel_id, "multi_collo_ids": []})
    response.status_code = 201
    return response


@blueprint.post("/api/v3/returns")
def create_return() -> Response:
    return _create(synchronous=False)


@blueprint.post("/api/v3/returns/announce-synchronously")
def create_return_synchronously() -> Response:
    return _create(synchronous=True)


@blueprint.post("/api/v3/returns/validate")
def validate_return() -> Response:
    body = request.get_json(silent=True)
    problems = check_create(body)
    if problems:
        return field_errors(400, problems)
    assert isinstance(body, dict)
    echo = {key: body[key] for key in ("from_address", "to_address", "ship_with", "collo_count", "parcel_items",
                                       "send_tracking_emails", "brand_id", "order_number", "external_reference",
                                       "delivery_option") if key in body}  # fmt: skip
    echo["weight"] = body["weight"]["value"]  # ReturnValidation's weight is a number of kilograms
    return jsonify(echo)


def _record(return_id: int) -> Return | None:
    return carrier().store.returns.get(return_id)


@blueprint.get("/api/v3/returns/<int:return_id>")
def get_return(return_id: int) -> Response:
    record = _record(return_id)
    if record is None:
        return json_api(404, "not_found", "Not found.")
    return jsonify(return_object(carrier().base_url, record))


@blueprint.patch("/api/v3/returns/<int:return_id>/cancel")
def cancel_return(return_id: int) -> Response:
    the_carrier = carrier()
    with the_carrier.store.lock:
        record = _record(return_id)
        if record is None:
            return json_api(404, "not_found", "Not found.")
        if not return_object(the_carrier.base_url, record)["is_cancellable"]:
            response = jsonify({"errors": [{"field": "returns", "code": 409, "message": "Return is not cancellable."}]})
            response.status_code = 409
            return response
        the_carrier.cancel(record)
    response = jsonify({"message": "Cancellation requested successfully"})
    response.status_code = 202
    return response


def _date(name: str) -> datetime | None:
    raw = request.args.get(name, "")
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
        try:
            return datetime.strptime(raw[:19], fmt)
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(raw).replace(tzinfo=None)
    except ValueError:
        return None


@blueprint.get("/api/v3/returns")
def list_returns() -> Response:
    """``from_date`` and ``to_date`` are required; ``parent_parcel_status``, cursor and page_size as described."""
    problems = [(name, "required", "This field is required.") for name in ("from_date", "to_date")
                if _date(name) is None]  # fmt: skip
    page_size = request.args.get("page_size", PAGE_SIZE, type=int)
    if not 1 <= page_size <= PAGE_SIZE:
        problems.append(("page_size", "invalid", "Ensure this value is between 1 and 40."))
    if problems:
        return field_errors(400, problems)
    start, end = _date("from_date"), _date("to_date")
    assert start is not None and end is not None
    wanted = request.args.get("parent_parcel_status")
    offset = _offset(request.args.get("cursor"))
    the_carrier = carrier()
    with the_carrier.store.lock:
        found = [return_object(the_carrier.base_url, r) for r in the_carrier.store.returns.values()
                 if start <= r.created_at.replace(tzinfo=None) <= end
                 and (wanted is None or status(r.status_id).slug == wanted)]  # fmt: skip
    page = found[offset : offset + page_size]
    data: dict[str, Any] = {"data": page}
    window = urlencode({"from_date": request.args["from_date"], "to_date": request.args["to_date"]})
    base = f"{the_carrier.base_url}/api/v3/returns?{window}"
    if offset + page_size < len(found):
        data["next"] = f"{base}&cursor={_cursor(offset + page_size)}&page_size={page_size}"
    if offset > 0:
        data["previous"] = f"{base}&cursor={_cursor(max(offset - page_size, 0))}&page_size={page_size}"
    return jsonify(data)


def _cursor(offset: int) -> str:
    return base64.b64encode(f"o={offset}".encode()).decode()


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        decoded = base64.b64decode(cursor).decode()
        return max(int(dict(part.split("=", 1) for part in decoded.split("&")).get("o", "0")), 0)
    except (ValueError, UnicodeDecodeError):
        return 0


@blueprint.get("/api/v3/parcels/<int:parcel_id>/documents/<kind>")
def parcel_document(parcel_id: int, kind: str) -> Response:
    if kind not in ("label", "customs-declaration", "air-waybill"):
        return json_api(400, "invalid", "Invalid document type.")
    record = carrier().store.by_parcel_id(parcel_id)
    if record is None or kind != "label" or not record.announced:
        return json_api(404, "not_found", "No Parcel matches the given query.")
    paper = request.args.get("paper_size", "A6").upper()  # the Return's own URLs say a4, the parameter A4
    if paper not in PAPER_SIZES:
        return json_api(400, "invalid_choice", "Paper size must be one of A4, A5, A6.", "paper_size")
    if request.headers.get("Accept", "application/pdf") not in ("application/pdf", "*/*", ""):
        return json_api(400, "invalid_choice", "The sandbox renders labels as application/pdf only.", "Accept")
    return Response(label_pdf(record, paper), mimetype="application/pdf")


@blueprint.get("/api/v2/parcels/<int:parcel_id>/documents/<kind>")
def parcel_document_v2(parcel_id: int, kind: str) -> Response:
    """The v2 ``qr`` document, for labelless returns: a PNG to show at the counter."""
    record = carrier().store.by_parcel_id(parcel_id)
    if record is None or kind != "qr" or record.delivery_option != "drop_off_labelless" or not record.announced:
        return error_object(404, 404, "No Parcel matches the given query.")
    return Response(qr_png(record), mimetype="image/png")


@blueprint.get("/api/v3/parcels/tracking/<tracking_number>")
def tracking(tracking_number: str) -> Response:
    the_carrier = carrier()
    found = the_carrier.store.by_tracking.get(tracking_number)
    if found is None:
        response = jsonify({"detail": "Parcel does not exist"})
        response.status_code = 404
        return response
    with the_carrier.store.lock:
        return jsonify(tracking_object(the_carrier.base_url, the_carrier.store.returns[found]))
