"""Tracking that moves returns: the carrier's events are stored when they arrive, then applied by the worker.

``record_tracking`` is what a webhook (``webhooks.tracking``) and a poll (``tracking_poll``) do with the events
they were handed: each is stored against its shipment, the database's unique key dropping the carrier's
duplicates, and a job is put in the outbox for the shipment in the same transaction. The caller answers the
carrier only after the commit, so nothing acknowledged is lost, and nothing here calls anyone.

``apply_tracking`` is that job. It takes the shipment's pending events oldest first through ``Shipment.apply``
(which ignores duplicates and anything older than what is known, so a late event never moves a return back)
and moves the return from what each one did: the first scan puts it in transit, delivery to the warehouse
receives every unit (awaiting inspection), an exception leaves an alert in its history and keeps its state.
A return an agent already received by hand is left as it is. Everything (the shipment, the events marked
applied, the return, the refund actions of a refund on first scan) is saved in one transaction with the version
checks, run again on the fresh state when someone else saved meanwhile.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from connector.domain.errors import DomainError
from connector.domain.events import Actor
from connector.domain.returns import ReturnRequest
from connector.domain.shipments import Shipment, TrackingEffect
from connector.domain.shipping import TrackingEvent
from connector.domain.states import ReturnStatus
from connector.services.deps import Deps
from connector.services.first_scan_refund import EarlyRefund, prepare_early_refund, resolve_at_first_scan
from connector.services.planning import PlannedAction
from connector.services.retrying import on_concurrent_update
from connector.services.returns import record_planned
from connector.store.outbox_repo import JobKind
from connector.store.shipments_repo import ShipmentRepository
from connector.store.uow import UnitOfWork

log = logging.getLogger("connector.tracking")
CARRIER = Actor.system("carrier")
"""Who moved a return when tracking did: the history says the carrier, not an agent."""


def record_tracking(deps: Deps, shop_id: str, carrier_key: str, events: Sequence[TrackingEvent], source: str) -> int:
    """Store the events of one delivery (``source`` "webhook" or "poll") and enqueue their shipments' jobs, in
    one transaction; how many were new. An event for a parcel we do not know is logged and dropped: answered
    as received, so the carrier does not send it again for days."""
    now = deps.clock()
    stored = 0
    with deps.uow() as uow:
        repo = uow.shipments(shop_id)
        to_apply: dict[str, None] = {}
        for event in events:
            shipment = _shipment_of(repo, carrier_key, event)
            if shipment is None:
                log.info("tracking.unknown-parcel", extra={"shop": shop_id, "carrier": carrier_key,
                                                           "parcel": event.carrier_ref, "source": source})
                continue
            if repo.record_event(shipment.id, event, source, now) is not None:
                stored += 1
                to_apply[shipment.id] = None
        for shipment_id in to_apply:
            uow.outbox.add(shop_id, JobKind.TRACKING, shipment_id)
        uow.commit()
    return stored


def _shipment_of(repo: ShipmentRepository, carrier_key: str, event: TrackingEvent) -> Shipment | None:
    """By the tracking number first (unique to the parcel; a Sendcloud webhook's own reference is the parcel's id,
    which we never stored and which may equal another return's id), then by the carrier's reference (a poll names
    the return it was asked about, before a tracking number exists)."""
    return repo.by_parcel(carrier_key, event.tracking_number) or repo.by_parcel(carrier_key, event.carrier_ref)


def apply_tracking(deps: Deps, shop_id: str, shipment_id: str, outbox_id: int | None = None) -> str:
    """The job: apply the shipment's pending events and move its return; a word saying what happened. The job's
    outbox row (``outbox_id``) is marked done in the same transaction: one commit per job."""
    early = prepare_early_refund(deps, shop_id, shipment_id)  # may ask the shop: before the transaction
    return _apply(deps, shop_id, shipment_id, early, outbox_id)


@on_concurrent_update
def _apply(deps: Deps, shop_id: str, shipment_id: str, early: EarlyRefund | None, outbox_id: int | None) -> str:
    with deps.uow() as uow:
        result = _apply_pending(uow, shop_id, shipment_id, early, deps.clock())
        if outbox_id is not None:
            uow.outbox.mark_done(outbox_id)
        uow.commit()
    return result


def _apply_pending(uow: UnitOfWork, shop_id: str, shipment_id: str, early: EarlyRefund | None, now: datetime) -> str:
    shipments = uow.shipments(shop_id)
    shipment = shipments.get(shipment_id)
    pending = shipments.pending_events(shipment_id, shipment) if shipment is not None else []
    if shipment is None or not pending:
        return "nothing-pending"
    request = uow.returns(shop_id).get(shipment.return_id)
    seen = len(request.events) if request is not None else 0
    planned: list[PlannedAction] = []
    effects: list[str] = []
    for _, event in pending:
        effect = shipment.apply(event).effect
        effects.append(effect.value)
        if request is not None and effect is not TrackingEffect.IGNORED:
            planned += _move_return(request, shipment, effect, event, now, early)
    shipments.save(shipment, now)
    shipments.mark_applied([event_id for event_id, _ in pending], now)
    if request is not None and len(request.events) > seen:
        uow.returns(shop_id).save(request)
        if planned and early is not None:
            early.found.keep(uow)  # the order paid on, when the shop was asked for it
        record_planned(uow, shop_id, request, planned)
    return ",".join(effects)


def _move_return(
    request: ReturnRequest,
    shipment: Shipment,
    effect: TrackingEffect,
    event: TrackingEvent,
    now: datetime,
    early: EarlyRefund | None,
) -> list[PlannedAction]:
    """What one applied event does to the return; the actions a refund on first scan plans."""
    detail = {"carrier_status": event.carrier_status, "occurred_at": event.occurred_at.isoformat()}
    if effect is TrackingEffect.FIRST_SCAN:
        if request.status is ReturnStatus.APPROVED:
            request.mark_in_transit(CARRIER, now, shipment.tracking_number)
        return resolve_at_first_scan(early, request, now) if early is not None else []
    if effect is TrackingEffect.DELIVERED:
        _receive(request, now)
    elif effect is TrackingEffect.ALERT:
        request.alert_tracking(CARRIER, now, event.message or f"carrier status {event.carrier_status}",
                               {**detail, "shipment_id": shipment.id})
        log.warning("tracking.alert", extra={"shop": request.shop_id, "return": request.id,
                                             "carrier_status": event.carrier_status, "carrier_message": event.message})
    return []


def _receive(request: ReturnRequest, now: datetime) -> None:
    """Every unit not yet received, as the parcel reached the warehouse. A return received by hand, or beyond
    (inspected, resolved by an agent), is left as it is; one paid at first scan records its receipt."""
    remaining = {line.id: line.quantity - line.received_quantity for line in request.lines
                 if line.received_quantity < line.quantity}
    if not remaining:
        return
    try:
        if request.status in (ReturnStatus.APPROVED, ReturnStatus.IN_TRANSIT):
            request.receive(CARRIER, now, remaining, "delivered to the warehouse")
        elif request.status in (ReturnStatus.RESOLVED, ReturnStatus.CLOSED):
            request.receive_after_first_scan(CARRIER, now, remaining)
    except DomainError as exc:  # resolved by an agent without the goods: nothing of tracking's to record
        log.info("tracking.receipt-not-recorded", extra={"return": request.id, "why": str(exc)})
