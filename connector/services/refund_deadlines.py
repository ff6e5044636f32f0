"""Watching the EU withdrawal refund deadline, so that a return cannot miss it in silence.

Each reconciler pass records, once per level (due within two days, then overdue), an event in the history of
every open return under the withdrawal preset that has not been paid, and logs a warning. Agents find them with
the list filter ``refund_deadline`` and operators count them in ``actions list``.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from connector.domain.events import Actor, ActorKind
from connector.domain.refund_deadline import DeadlineRisk, deadline_risk
from connector.services.deps import Deps
from connector.store.errors import ConcurrentUpdate
from connector.store.returns_repo import ReturnFilter
from connector.store.uow import UnitOfWork

log = logging.getLogger("connector.refund_deadlines")
WATCH = Actor(ActorKind.SYSTEM, "refund-deadline-watch")
_PAGE = 500


@dataclass(frozen=True, slots=True)
class DeadlineAlert:
    shop_id: str
    return_id: str
    risk: DeadlineRisk


def watch_refund_deadlines(deps: Deps, now: datetime) -> list[DeadlineAlert]:
    """Alerts raised by this pass (an alert already in a return's history is not raised again)."""
    raised: list[DeadlineAlert] = []
    with deps.uow() as uow:
        shop_ids = [shop.id for shop in uow.shops.list()]
    for shop_id in shop_ids:
        with deps.uow() as uow:
            at_risk = uow.returns(shop_id).list(ReturnFilter(refund_deadline="at_risk", as_of=now, limit=_PAGE))
        for request in at_risk:
            with deps.uow() as uow:
                risk = request.alert_refund_deadline(WATCH, now)
                if risk is None:
                    continue
                try:
                    uow.returns(shop_id).save(request)
                    uow.commit()
                except ConcurrentUpdate:
                    continue  # changed meanwhile (perhaps paid): the next pass looks again
            log.warning("refund-deadline.%s", risk.value, extra={
                "shop": shop_id, "return": request.id, "order": request.order_name,
                "refund_due_by": request.refund_due_by.isoformat() if request.refund_due_by else None})
            raised.append(DeadlineAlert(shop_id, request.id, risk))
    return raised


def count_deadline_risks(uow: UnitOfWork, shop_id: str, now: datetime) -> Counter[DeadlineRisk]:
    """How many of a shop's returns are due within two days, and how many are overdue, right now."""
    found = uow.returns(shop_id).list(ReturnFilter(refund_deadline="at_risk", as_of=now, limit=100_000))
    return Counter(risk for r in found if (risk := deadline_risk(r.refund_due_by, r.status, r.money_moved, now)))
