"""``/__sandbox/...``: look at the carrier's own records and steer it (never part of Sendcloud).

Tests move parcels here (``advance``), point webhooks at the connector, script faults, and check what the
carrier really holds: how many returns exist for an external reference, which webhooks went out.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from flask import Blueprint, Response, jsonify, request

from sandboxes.carrier.carrier import carrier
from sandboxes.carrier.errors import ApiError
from sandboxes.carrier.scripted_faults import Rule
from sandboxes.carrier.serialize import return_object
from sandboxes.carrier.state import Return
from sandboxes.carrier.statuses import BEING_ANNOUNCED, STATUSES

blueprint = Blueprint("carrier_sandbox", __name__, url_prefix="/__sandbox")


def _body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    return data if isinstance(data, dict) else {}


def _bad(message: str, status: int = 400) -> Response:
    response = jsonify({"error": message})
    response.status_code = status
    return response


def _record(return_id: int) -> Return:
    record = carrier().store.returns.get(return_id)
    if record is None:
        raise ApiError(_bad("no such return", 404))
    return record


@blueprint.get("/returns")
def returns() -> Response:
    """Every return, optionally those of one ``external_reference`` (how many were made, in truth)."""
    the_carrier = carrier()
    reference = request.args.get("external_reference")
    with the_carrier.store.lock:
        found = [return_object(the_carrier.base_url, r) for r in the_carrier.store.returns.values()
                 if reference is None or r.external_reference == reference]  # fmt: skip
    return jsonify(found)


@blueprint.post("/returns/<int:return_id>/advance")
def advance(return_id: int) -> Response:
    """Play the next ``steps`` scripted statuses, or the given ``status`` id (an exception, say)."""
    the_carrier = carrier()
    record = _record(return_id)
    body = _body()
    played: list[int] = []
    if "status" in body:
        if body["status"] not in STATUSES:
            return _bad(f"unknown status id; known: {sorted(STATUSES)}")
        played.append(the_carrier.move(record, int(body["status"])) or 0)
    else:
        steps = body.get("steps", 1)
        if not isinstance(steps, int) or steps < 1:
            return _bad("steps must be a positive integer")
        for _ in range(steps):
            moved = the_carrier.move(record)
            if moved is None:
                break
            played.append(moved)
    if body.get("wait", True):
        the_carrier.dispatcher.wait_idle(float(body.get("timeout", 10)))
    return jsonify({"played": played, "status": record.status_id, "remaining": list(record.script)})


@blueprint.post("/returns/<int:return_id>/announce")
def announce(return_id: int) -> Response:
    """Settle a pending announcement (``--announce manual``): a label, or ``{"fail": "why"}`` for 1002."""
    the_carrier = carrier()
    record = _record(return_id)
    if record.status_id != BEING_ANNOUNCED:
        return _bad("this return is not being announced", 409)
    failure = _body().get("fail")
    if failure is not None and (not isinstance(failure, str) or not failure):
        return _bad("fail must be the carrier's error message")
    the_carrier.announce(record, failure)
    the_carrier.dispatcher.wait_idle(10)
    return jsonify(return_object(the_carrier.base_url, record))


@blueprint.get("/webhooks")
def webhook_settings() -> Response:
    settings = carrier().dispatcher.settings
    return jsonify(dataclasses.asdict(settings) | {"held": len(carrier().dispatcher.held)})


@blueprint.put("/webhooks")
def put_webhook_settings() -> Response:
    """``url``, ``secret``, ``duplicate_next`` (N deliveries sent twice), ``hold`` (keep until released)."""
    settings = carrier().dispatcher.settings
    body = _body()
    for name, kind in (("url", (str, type(None))), ("secret", str), ("duplicate_next", int), ("hold", bool),
                       ("timeout_s", (int, float))):  # fmt: skip
        if name in body:
            if not isinstance(body[name], kind) or (name == "duplicate_next" and body[name] < 0):
                return _bad(f"bad value for {name}")
            setattr(settings, name, body[name])
    unknown = set(body) - {"url", "secret", "duplicate_next", "hold", "timeout_s"}
    if unknown:
        return _bad(f"unknown field(s): {', '.join(sorted(unknown))}")
    return jsonify(dataclasses.asdict(settings))


@blueprint.post("/webhooks/release")
def release() -> Response:
    order = _body().get("order", "reverse")
    if order not in ("reverse", "same"):
        return _bad("order must be reverse or same")
    dispatcher = carrier().dispatcher
    count = dispatcher.release(order)
    dispatcher.wait_idle(10)
    return jsonify({"released": count})


@blueprint.get("/webhooks/deliveries")
def deliveries() -> Response:
    return jsonify([dataclasses.asdict(d) for d in list(carrier().dispatcher.deliveries)])


@blueprint.post("/webhooks/flush")
def flush() -> Response:
    return jsonify({"idle": carrier().dispatcher.wait_idle(float(_body().get("timeout", 10)))})


@blueprint.post("/faults/next")
def add_fault() -> Response:
    """``{"kind": "status", "status": 429, "count": 2, "retry_after": 3}`` or ``{"kind": "timeout_after_write"}``."""
    try:
        rule = Rule.parse(_body())
    except (TypeError, ValueError) as exc:
        return _bad(str(exc))
    scripted = carrier().scripted
    scripted.add(rule)
    return jsonify([dataclasses.asdict(r) for r in scripted.rules])


@blueprint.delete("/faults/next")
def clear_faults() -> Response:
    carrier().scripted.clear()
    return jsonify([])


@blueprint.get("/faults/fired")
def fired() -> Response:
    return jsonify(list(carrier().scripted.fired))


@blueprint.put("/service-points/<int:point_id>/availability")
def availability(point_id: int) -> Response:
    available = _body().get("available")
    if not isinstance(available, bool):
        return _bad("available must be a boolean")
    unavailable = carrier().unavailable_points
    (unavailable.discard if available else unavailable.add)(point_id)
    return jsonify({"id": point_id, "available": available})


@blueprint.post("/keys")
def add_key() -> Response:
    body = _body()
    public, secret = body.get("public_key"), body.get("secret_key")
    if not isinstance(public, str) or not isinstance(secret, str) or not public or not secret:
        return _bad("public_key and secret_key are required strings")
    carrier().keys.pairs[public] = secret
    return jsonify({"public_key": public})
