"""Polling, the fallback for tracking webhooks that never come.

Sendcloud warns that return parcels get webhooks only in some setups, and any webhook can be lost, so a labelled
parcel the carrier has said nothing about for ``[queue] tracking_poll_after_seconds`` (6 h by default) is
polled. The reconciler schedules it (``schedule_tracking_polls``: an outbox job per quiet shipment, the shipment
saved in the same transaction so that it is quiet again only after another interval), and the job asks the
carrier (``poll_tracking``) with no transaction open, then stores what it answered through the webhooks' own path
(``record_tracking``, source "poll"): what was already stored is dropped by the same unique key, and the rest
is applied by the same job.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from connector.domain.shipping import CarrierCapability
from connector.errors import ConfigError, OutcomeUnknown, PermanentError, RetryableError
from connector.services.deps import Deps
from connector.services.tracking import record_tracking
from connector.store.errors import ConcurrentUpdate
from connector.store.outbox_repo import JobKind

log = logging.getLogger("connector.tracking")
PER_SHOP = 100
"""Polls scheduled per shop and pass: a backlog drains over a few passes, not in one burst at the carrier."""
_CARRIER_ERRORS = (RetryableError, OutcomeUnknown, PermanentError, ConfigError)


def schedule_tracking_polls(deps: Deps, now: datetime) -> int:
    """One poll job per labelled, undelivered shipment quiet since the interval; how many were scheduled."""
    quiet_since = now - timedelta(seconds=deps.config.queue.tracking_poll_after_seconds)
    scheduled = 0
    with deps.uow() as uow:
        for shop in uow.shops.list(active_only=True):
            if uow.carriers(shop.id).get() is None:
                continue
            try:
                carrier = deps.carrier_for(uow, shop)
            except ConfigError as exc:
                log.warning("tracking.poll-no-carrier", extra={"shop": shop.id, "error": str(exc)})
                continue
            if carrier is None or CarrierCapability.TRACKING_WEBHOOKS not in carrier.capabilities:
                continue  # a self-issued label has no tracking: the merchant's scan is its only event
            repo = uow.shipments(shop.id)
            for shipment in repo.open_with_label(PER_SHOP, idle_before=quiet_since):
                if shipment.carrier != carrier.key:
                    continue
                try:
                    repo.save(shipment, now)  # quiet again only one interval from now
                except ConcurrentUpdate:
                    continue  # an event is being applied to it: not quiet after all
                uow.outbox.add(shop.id, JobKind.TRACKING_POLL, shipment.id)
                scheduled += 1
        uow.commit()
    return scheduled


def poll_tracking(deps: Deps, shop_id: str, shipment_id: str) -> int:
    """Ask the carrier for the shipment's events and store the new ones; how many were new. A carrier that
    fails is logged and asked again at the next interval (a poll is a fallback: no retries of its own)."""
    try:
        with deps.uow() as uow:
            shipment = uow.shipments(shop_id).get(shipment_id)
            carrier = deps.carrier_for(uow, uow.shops.get(shop_id)) if shipment is not None else None
        if shipment is None or carrier is None or shipment.carrier_ref is None or carrier.key != shipment.carrier:
            return 0
        events = carrier.poll_tracking(shipment.carrier_ref)
    except _CARRIER_ERRORS as exc:
        log.warning("tracking.poll-failed", extra={"shop": shop_id, "shipment": shipment_id, "error": str(exc)})
        return 0
    return record_tracking(deps, shop_id, shipment.carrier, events, "poll")
