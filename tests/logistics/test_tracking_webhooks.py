"""Issue 19: tracking drives a label return's status, over real HTTP. The sandbox carrier pushes signed
``parcel_status_changed`` webhooks to ``POST /carriers/sendcloud/tracking/<shop>`` of the served app; the
worker's jobs (``track_shipment``) move the return. Duplicated and reordered webhooks apply once and never move
a return back; forged ones are refused with 401 and change nothing; an exception alerts and keeps the state.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator

import pytest
import requests
from sqlalchemy import Engine, func, select

from connector.domain.states import ReturnStatus
from connector.store.logistics_tables import tracking_events
from connector.store.tables import outbox
from tests.factories import AGENT
from tests.logistics.tracking_stack import SECRET, SHOP, TrackingStack, tracking_stack


@pytest.fixture
def stack(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[TrackingStack]:
    with tracking_stack(engine, monkeypatch) as built:
        yield built


def _actions(stack: TrackingStack, return_id: str) -> list[str]:
    return [event.action for event in stack.stored(return_id).events]


def _count(stack: TrackingStack, table: object) -> int:
    with stack.container.uow() as uow:
        return int(uow.connection.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def _steps_stored(stack: TrackingStack) -> int:
    """Tracking events stored but the announcement (which may arrive before or after its label is stored)."""
    with stack.container.uow() as uow:
        query = select(func.count()).select_from(tracking_events).where(tracking_events.c.carrier_status != "1")
        return int(uow.connection.execute(query).scalar_one())


def test_a_label_return_goes_from_approved_to_received_by_tracking_alone(stack: TrackingStack) -> None:
    return_id, shipment = stack.label_return(quantity=2)
    assert stack.stored(return_id).status is ReturnStatus.APPROVED

    assert stack.advance(shipment) == [3]  # en route to sorting: the carrier's first scan
    stack.work()
    in_transit = stack.stored(return_id)
    assert in_transit.status is ReturnStatus.IN_TRANSIT
    moved = in_transit.events[-1]
    assert moved.action == "mark_in_transit" and str(moved.actor) == "system:carrier"
    assert moved.data == {"tracking": shipment.tracking_number}

    assert stack.advance(shipment, steps=4) == [7, 5, 91, 11]
    stack.work()
    received = stack.stored(return_id)
    assert received.status is ReturnStatus.RECEIVED  # awaiting inspection
    assert received.received_quantity == 2 and received.fully_received
    assert received.events[-1].action == "receive" and received.events[-1].reason == "delivered to the warehouse"
    assert _actions(stack, return_id).count("mark_in_transit") == 1
    assert stack.shipment(shipment.id).status.value == "delivered"
    sent = stack.deliveries()
    assert len(sent) == 6 and {d["status"] for d in sent} == {200}  # the announcement, then five steps
    assert _steps_stored(stack) == 5
    assert all(json.loads(d["body"])["parcel"]["tracking_number"] == shipment.tracking_number for d in sent)


def test_duplicated_and_reversed_webhooks_apply_once(stack: TrackingStack) -> None:
    return_id, shipment = stack.label_return()
    stack.sandbox("PUT", "webhooks", json={"duplicate_next": 2})
    assert stack.advance(shipment, steps=2) == [3, 7]  # each sent twice
    stack.sandbox("PUT", "webhooks", json={"hold": True})
    assert stack.advance(shipment, steps=3) == [5, 91, 11]
    assert stack.sandbox("POST", "webhooks/release", json={"order": "reverse"})["released"] == 3
    sent = stack.deliveries()
    kinds = [(d["kind"], json.loads(d["body"])["parcel"]["status"]["id"]) for d in sent[1:]]
    assert kinds == [("delivery", 3), ("duplicate", 3), ("delivery", 7), ("duplicate", 7),
                     ("released", 11), ("released", 91), ("released", 5)]  # newest first
    assert {d["status"] for d in sent} == {200}

    stack.work()
    assert stack.stored(return_id).status is ReturnStatus.RECEIVED
    actions = _actions(stack, return_id)
    assert actions.count("mark_in_transit") == 1 and actions.count("receive") == 1
    assert _steps_stored(stack) == 5  # five steps, each stored once

    stack.sandbox("PUT", "webhooks", json={"duplicate_next": 1})
    stack.advance(shipment, status=11)  # the carrier says "delivered" again, later
    stack.work()
    assert _actions(stack, return_id) == actions


def test_a_late_first_scan_never_moves_a_received_return_back(stack: TrackingStack) -> None:
    return_id, shipment = stack.label_return()
    stack.sandbox("PUT", "webhooks", json={"hold": True})
    stack.advance(shipment)  # 3: held back by the network
    stack.sandbox("PUT", "webhooks", json={"hold": False})
    stack.advance(shipment, steps=4)  # 7, 5, 91, 11 arrive first
    stack.work()
    received = stack.stored(return_id)
    assert received.status is ReturnStatus.RECEIVED
    history = [(e.action, e.to_status) for e in received.events]

    assert stack.sandbox("POST", "webhooks/release", json={"order": "same"})["released"] == 1
    stack.work()
    late = stack.stored(return_id)
    assert late.status is ReturnStatus.RECEIVED and [(e.action, e.to_status) for e in late.events] == history
    assert stack.shipment(shipment.id).status.value == "delivered"


def _signed(body: bytes, secret: str) -> dict[str, str]:
    return {"Content-Type": "application/json",
            "Sendcloud-Signature": hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()}  # fmt: skip


def test_forged_webhooks_are_refused_and_change_nothing(stack: TrackingStack) -> None:
    return_id, shipment = stack.label_return()
    before_events, before_jobs = _count(stack, tracking_events), _count(stack, outbox)
    genuine = stack.deliveries()[-1]["body"].encode()  # the announcement, as the carrier sent it
    forged = genuine.replace(b'"id": 1, "message": "Announced"', b'"id": 11, "message": "Delivered"')
    assert forged != genuine

    wrong = requests.post(stack.hook_url, data=forged, headers=_signed(forged, "not-the-key"), timeout=10)
    assert wrong.status_code == 401 and wrong.json()["code"] == "invalid_signature"
    replayed = requests.post(stack.hook_url, data=forged, headers=_signed(genuine, SECRET), timeout=10)
    assert replayed.status_code == 401 and replayed.json()["code"] == "invalid_signature"
    unsigned = requests.post(stack.hook_url, data=forged, headers={"Content-Type": "application/json"}, timeout=10)
    assert unsigned.status_code == 401 and unsigned.json() == {
        "ok": False, "code": "missing_signature", "message": "the delivery carries no signature header"}

    stack.sandbox("PUT", "webhooks", json={"secret": "a-key-the-shop-never-had"})
    stack.advance(shipment, steps=5)  # the whole journey, signed with the wrong key
    assert {d["status"] for d in stack.deliveries()[-5:]} == {401}

    stack.work()
    assert (_count(stack, tracking_events), _count(stack, outbox)) == (before_events, before_jobs)
    assert stack.stored(return_id).status is ReturnStatus.APPROVED


def test_what_the_intake_answers_besides(stack: TrackingStack) -> None:
    _, shipment = stack.label_return()
    before = _count(stack, tracking_events)
    body = json.dumps({"action": "parcel_status_changed", "timestamp": 1767225600000,
                       "parcel": {"id": 999999, "tracking_number": "NOT-OURS", "status": {"id": 11}}}).encode()
    unknown_parcel = requests.post(stack.hook_url, data=body, headers=_signed(body, SECRET), timeout=10)
    assert unknown_parcel.status_code == 200 and unknown_parcel.json()["code"] == "accepted"  # not retried for days
    other_action = json.dumps({"action": "integration_updated", "timestamp": 1767225600000}).encode()
    ignored = requests.post(stack.hook_url, data=other_action, headers=_signed(other_action, SECRET), timeout=10)
    assert ignored.status_code == 200 and ignored.json()["code"] == "ignored"
    not_json = requests.post(stack.hook_url, data=b"<xml/>", headers=_signed(b"<xml/>", SECRET), timeout=10)
    assert not_json.status_code == 400 and not_json.json()["code"] == "invalid_body"

    base = stack.app_url
    answers = {
        "unknown shop": requests.post(f"{base}/carriers/sendcloud/tracking/no-such-shop", data=body,
                                      headers=_signed(body, SECRET), timeout=10),
        "other carrier": requests.post(f"{base}/carriers/self_issued/tracking/{SHOP}", data=body,
                                       headers=_signed(body, SECRET), timeout=10),
        "GET": requests.get(stack.hook_url, timeout=10),
        "too large": requests.post(stack.hook_url, data=b"x" * (1_048_576 + 1), timeout=10),
    }  # fmt: skip
    assert {name: (a.status_code, a.json()["code"]) for name, a in answers.items()} == {
        "unknown shop": (404, "unknown_shop"), "other carrier": (404, "unknown_carrier"),
        "GET": (405, "method_not_allowed"), "too large": (413, "too_large"),
    }  # fmt: skip
    assert _count(stack, tracking_events) == before
    assert stack.shipment(shipment.id).status.value in ("label_pending", "awaiting_dropoff")


def test_an_exception_alerts_agents_and_keeps_the_state(stack: TrackingStack) -> None:
    return_id, shipment = stack.label_return()
    stack.advance(shipment)
    stack.work()
    stack.advance(shipment, status=80)  # unable to deliver
    stack.work()
    alerted = stack.stored(return_id)
    assert alerted.status is ReturnStatus.IN_TRANSIT
    alert = alerted.events[-1]
    assert alert.action == "tracking_alert" and alert.from_status is alert.to_status is ReturnStatus.IN_TRANSIT
    assert alert.reason == "Unable to deliver" and alert.data["carrier_status"] == "80"
    assert stack.shipment(shipment.id).alert == "Unable to deliver"

    stack.advance(shipment, steps=4)  # the parcel turns up after all
    stack.work()
    assert stack.stored(return_id).status is ReturnStatus.RECEIVED
    assert stack.shipment(shipment.id).alert == ""


def test_a_return_received_by_hand_is_left_as_it_is(stack: TrackingStack) -> None:
    from connector.services.returns import ReturnService

    return_id, shipment = stack.label_return(quantity=2)
    line_id = stack.stored(return_id).lines[0].id
    ReturnService(stack.container).receive(SHOP, return_id, AGENT, {line_id: 1})  # one unit, by hand, early
    stack.advance(shipment, steps=5)
    stack.work()
    kept = stack.stored(return_id)
    assert kept.status is ReturnStatus.RECEIVED and kept.received_quantity == 1
    assert [e.action for e in kept.events if str(e.actor) == "system:carrier"] == []
