"""The label job (issue 19) with the real Sendcloud adapter against the sandbox carrier over HTTP, on SQLite and
PostgreSQL: approval plans one label, its run stores the carrier's return and PDFs, and neither a lost answer nor
a worker killed mid-call makes a second return at the carrier (checked in the carrier's own records)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from carriers.sendcloud.provider import build
from connector.domain import ReturnMethod, ReturnStatus
from connector.domain.actions import ActionKind
from connector.domain.events import Actor
from connector.domain.shipping import LabelRequest, PaperSize, ReturnLabel, TrackingStatus
from connector.domain.timeutil import utcnow
from connector.ports import CarrierAdapter
from connector.services.returns import ReturnService
from connector.store.actions_repo import ActionState
from connector.store.shipments_repo import PDF
from tests.logistics.label_bench import BASE_URL, PUBLIC, SECRET, SHOP, Bench, sendcloud_bench

pytestmark = pytest.mark.e2e


@pytest.fixture
def bench(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Bench]:
    yield from sendcloud_bench(engine, tmp_path, monkeypatch)


def test_approval_plans_one_label_and_its_run_stores_the_carriers_return_and_pdfs(bench: Bench) -> None:
    return_id = bench.open(ReturnMethod.PREPAID_LABEL)
    planned = bench.actions(return_id)
    labels = [a for a in planned if a.kind is ActionKind.CREATE_LABEL]
    assert len(labels) == 1 and labels[0].idempotency_key == f"ret:{return_id}:label"
    assert {a.kind for a in planned} >= {ActionKind.CREATE_LABEL, ActionKind.ATTACH_SHIPPING}
    assert ActionKind.BOOK_PICKUP not in {a.kind for a in planned}
    before = bench.shipment(return_id)  # the key is stored before any carrier call
    assert (before.idempotency_key, before.status, before.carrier_ref) == (
        f"ret:{return_id}:label", TrackingStatus.LABEL_PENDING, None)

    assert bench.run(return_id, ActionKind.CREATE_LABEL) is ActionState.SUCCEEDED

    (made,) = bench.carrier_returns(return_id)
    shipment = bench.shipment(return_id)
    assert shipment.carrier_ref == str(made["id"]) and shipment.tracking_number == made["tracking_number"]
    assert shipment.status is TrackingStatus.AWAITING_DROPOFF and shipment.paper_sizes == ("A4", "A6")
    assert all((bench.document(shipment.id, PDF, size) or b"").startswith(b"%PDF") for size in ("A4", "A6"))
    assert made["from_address"]["postal_code"] == "69003" and made["to_address"]["city"] == "Lyon"  # order -> warehouse
    assert [(i["description"], i["quantity"]) for i in made["parcel_items"]] == [("Shirt L1", 1)]
    assert made["order_number"] == return_id and made["delivery_option"] == "drop_off_point"

    assert bench.run(return_id, ActionKind.ATTACH_SHIPPING) is ActionState.SUCCEEDED
    (attached,) = bench.adapter.attached.values()
    assert attached.tracking_number == shipment.tracking_number and attached.carrier == "sendcloud"
    assert attached.label_url.startswith(f"{BASE_URL}/labels/")


def test_the_attachment_waits_for_the_label(bench: Bench) -> None:
    return_id = bench.open()
    assert bench.run(return_id, ActionKind.ATTACH_SHIPPING) is None  # the label is not made yet
    assert bench.adapter.attached == {}
    bench.run(return_id, ActionKind.CREATE_LABEL)
    assert bench.run(return_id, ActionKind.ATTACH_SHIPPING) is ActionState.SUCCEEDED


def test_a_lost_answer_and_a_retry_make_one_return_at_the_carrier(bench: Bench) -> None:
    """The create's answer is lost and the adapter's look-up fails too (503s): the attempt's outcome is unknown
    to the job, and its retry, with the same key, finds the return instead of making another."""
    return_id = bench.open()
    bench.sandbox("POST", "faults/next", json={"kind": "timeout_after_write", "path_prefix": "/api/v3/returns",
                                               "methods": ["POST"]})  # fmt: skip
    bench.sandbox("POST", "faults/next", json={"kind": "status", "status": 503, "count": 3,
                                               "path_prefix": "/api/v3/returns", "methods": ["GET"]})  # fmt: skip
    first = bench.run(return_id, ActionKind.CREATE_LABEL)
    assert first in (ActionState.PENDING, ActionState.UNKNOWN)
    assert bench.shipment(return_id).carrier_ref is None  # nothing known yet
    assert bench.run(return_id, ActionKind.CREATE_LABEL) is ActionState.SUCCEEDED
    made = bench.carrier_returns(return_id)
    assert len(made) == 1 and bench.shipment(return_id).carrier_ref == str(made[0]["id"])
    assert [f["kind"] for f in bench.sandbox("GET", "faults/fired")][:1] == ["timeout_after_write"]


class _KilledAfterTheCall:
    """The shop's Sendcloud adapter in a worker killed right after the carrier made the return, before anything
    was recorded (a ``BaseException``: no handler of the executor runs)."""

    def __init__(self, real: CarrierAdapter) -> None:
        self.real = real
        self.key, self.capabilities = real.key, real.capabilities

    def create_return_label(self, request: LabelRequest, paper_sizes: tuple[PaperSize, ...]) -> ReturnLabel:
        self.real.create_return_label(request, paper_sizes)
        raise SystemExit("worker killed")


def test_a_worker_killed_mid_call_is_reclaimed_and_makes_one_return(bench: Bench) -> None:
    return_id = bench.open()
    real = build({"base_url": f"{bench.carrier_url}/api", "option_code": "colissimo:return/dropoff",
                  "announce_polls": 1}, {"public_key": PUBLIC, "secret_key": SECRET})  # fmt: skip
    bench.container.carrier_factory = lambda _shop: _KilledAfterTheCall(real)  # type: ignore[assignment,return-value]
    with pytest.raises(SystemExit):
        bench.run(return_id, ActionKind.CREATE_LABEL)
    label = bench.action(return_id, ActionKind.CREATE_LABEL)
    assert label.state is ActionState.RUNNING and len(bench.carrier_returns(return_id)) == 1

    bench.container.carrier_factory = None  # a new worker, with the shop's own adapter
    stuck = timedelta(seconds=bench.container.config.queue.stuck_after_seconds)
    later = utcnow() + stuck + timedelta(seconds=1)
    with bench.container.uow() as uow:  # the reconciler's sweep: a running action whose worker vanished
        assert uow.actions(SHOP).lease(label.id, later, later + stuck, stuck)
        uow.commit()
    assert bench.action(return_id, ActionKind.CREATE_LABEL).state is ActionState.UNKNOWN
    assert bench.run(return_id, ActionKind.CREATE_LABEL) is ActionState.SUCCEEDED
    made = bench.carrier_returns(return_id)
    assert len(made) == 1 and bench.shipment(return_id).carrier_ref == str(made[0]["id"])


def test_a_label_announced_later_is_completed_by_a_later_look(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for bench in sendcloud_bench(engine, tmp_path, monkeypatch, announce="manual"):
        return_id = bench.open()
        assert bench.run(return_id, ActionKind.CREATE_LABEL) is ActionState.PENDING  # waiting, not failing
        (made,) = bench.carrier_returns(return_id)
        waiting = bench.shipment(return_id)
        assert waiting.carrier_ref == str(made["id"]) and waiting.status is TrackingStatus.LABEL_PENDING
        label = bench.action(return_id, ActionKind.CREATE_LABEL)
        assert label.next_attempt_at is not None and label.next_attempt_at > bench.clock()
        assert bench.run(return_id, ActionKind.ATTACH_SHIPPING) is None  # still waits for the label

        bench.sandbox("POST", f"returns/{made['id']}/announce", json={})
        assert bench.run(return_id, ActionKind.CREATE_LABEL) is ActionState.SUCCEEDED
        done = bench.shipment(return_id)
        assert done.paper_sizes == ("A4", "A6") and done.tracking_number and len(bench.carrier_returns(return_id)) == 1


def test_a_failed_announcement_fails_the_label_and_tells_agents(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for bench in sendcloud_bench(engine, tmp_path, monkeypatch, announce="manual"):
        return_id = bench.open()
        bench.run(return_id, ActionKind.CREATE_LABEL)
        (made,) = bench.carrier_returns(return_id)
        bench.sandbox("POST", f"returns/{made['id']}/announce", json={"fail": "address unknown to the carrier"})
        assert bench.run(return_id, ActionKind.CREATE_LABEL) is ActionState.FAILED
        alerts = [(reason, data) for action, reason, data in bench.history(return_id) if data.get("alert")]
        assert [data["alert"] for _, data in alerts] == ["create_label"]
        assert "label could not be made" in alerts[0][0] and "address unknown" in alerts[0][0]
        assert "label could not be made" in bench.shipment(return_id).alert


def test_a_pickup_is_booked_after_the_label(bench: Bench) -> None:
    return_id = bench.open(ReturnMethod.HOME_PICKUP)
    assert bench.run(return_id, ActionKind.BOOK_PICKUP) is None  # waits for the label
    assert bench.run(return_id, ActionKind.CREATE_LABEL) is ActionState.SUCCEEDED
    assert bench.run(return_id, ActionKind.BOOK_PICKUP) is ActionState.SUCCEEDED
    (made,) = bench.carrier_returns(return_id)
    assert made["delivery_option"] == "pickup"
    assert bench.shipment(return_id).pickup_ref == f"sendcloud return {made['id']}"


def test_a_pickup_that_keeps_failing_is_retried_then_sent_to_an_agent(bench: Bench) -> None:
    return_id = bench.open(ReturnMethod.HOME_PICKUP)
    bench.run(return_id, ActionKind.CREATE_LABEL)
    (made,) = bench.carrier_returns(return_id)
    bench.sandbox("POST", "faults/next", json={"kind": "status", "status": 503, "count": 50,
                                               "path_prefix": f"/api/v3/returns/{made['id']}"})  # fmt: skip
    states = [bench.run(return_id, ActionKind.BOOK_PICKUP) for _ in range(3)]  # max_attempts = 3
    assert states == [ActionState.PENDING, ActionState.PENDING, ActionState.FAILED]
    alerts = [reason for _, reason, data in bench.history(return_id) if data.get("alert") == "book_pickup"]
    assert len(alerts) == 1 and "arrange the collection" in alerts[0]
    assert "could not book the pickup" in bench.shipment(return_id).alert
    assert bench.shipment(return_id).pickup_ref == ""


def test_canceling_the_return_cancels_its_label_at_the_carrier(bench: Bench) -> None:
    return_id = bench.open()
    bench.run(return_id, ActionKind.CREATE_LABEL)
    ReturnService(bench.container).cancel(SHOP, return_id, Actor.system("test"), "changed my mind")
    assert bench.run(return_id, ActionKind.CANCEL_LABEL) is ActionState.SUCCEEDED
    assert bench.shipment(return_id).status is TrackingStatus.CANCEL_REQUESTED
    (made,) = bench.carrier_returns(return_id)
    assert made["status_history"][-1]["parent_status"] == "cancelling" and made["is_cancellable"] is False
    assert bench.run(return_id, ActionKind.CANCEL_LABEL) is None  # done: never asked twice


def test_a_return_canceled_before_its_label_gets_none(bench: Bench) -> None:
    return_id = bench.open()
    ReturnService(bench.container).cancel(SHOP, return_id, Actor.system("test"), "changed my mind")
    assert bench.run(return_id, ActionKind.CREATE_LABEL) is ActionState.SUCCEEDED  # nothing to do any more
    assert bench.run(return_id, ActionKind.CANCEL_LABEL) is ActionState.SUCCEEDED
    assert bench.carrier_returns(return_id) == [] and bench.shipment(return_id).carrier_ref is None
    with bench.container.uow() as uow:
        request = uow.returns(SHOP).get(return_id)
    assert request is not None and request.status is ReturnStatus.CANCELED
