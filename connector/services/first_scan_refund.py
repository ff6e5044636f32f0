"""Refund on first scan: pay a return as soon as the carrier holds its parcel, before it reaches the warehouse.

The documented practice (Sendcloud and the returns apps call it "refund on first scan") trades a little risk for a
customer paid days earlier. Two settings must agree: the shop's carrier account asks for it
(``ShopCarrier.refund_on_first_scan``) and the policy caps the value of a return paid that way
(``Policy.refund_on_first_scan_max``, per currency; refund, credit and exchange together, since all three leave
the shop before the goods come back). A return over the cap, or in a currency the cap does not name, waits for
its inspection as usual.

Paid as if received in full, through the same planning as an agent's resolve (``plan_resolution``), with the
same stable keys (``ret:<id>:refund``...), so recording it again finds the first action and nothing is paid
twice. The return goes ``in_transit`` → ``resolved`` (the transition ``resolve_at_first_scan``), then closes once
paid; the later delivery records the units received without a decision or a payment
(``ReturnRequest.receive_after_first_scan``). The order, and what the shop has left to refund on it, are read
before the deciding transaction opens (``prepare_early_refund``), as every resolve does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from connector.domain.errors import InvalidReturn
from connector.domain.events import Actor
from connector.domain.money import Money
from connector.domain.returns import ReturnRequest
from connector.domain.shipments import status_rank
from connector.domain.shipping import TrackingStatus
from connector.domain.states import ReturnStatus
from connector.providers import Capability
from connector.services.deps import Deps
from connector.services.orders import OrderAtHand
from connector.services.planning import PlannedAction, plan_resolution
from connector.services.policies import current_policy
from connector.services.refundable import check_payable, order_and_left_to_refund
from connector.store.uow import UnitOfWork

CARRIER = Actor.system("carrier")
_IN_TRANSIT = status_rank(TrackingStatus.IN_TRANSIT) or 0


@dataclass(frozen=True, slots=True)
class EarlyRefund:
    """What the deciding transaction needs to pay a return at first scan, read before it opens."""

    found: OrderAtHand
    left: Money
    limit: Money
    folds_credit: bool


def return_value(request: ReturnRequest) -> Money | None:
    """What paying the return gives away before the goods are back: refund, credit and exchange value."""
    amounts = request.amounts
    if amounts is None:
        return None
    return amounts.refund + amounts.store_credit + amounts.exchange_value


def refunds_on_first_scan(uow: UnitOfWork, shop_id: str) -> bool:
    account = uow.carriers(shop_id).get()
    return account is not None and account.refund_on_first_scan


def early_refund_limit(uow: UnitOfWork, shop_id: str, request: ReturnRequest) -> Money | None:
    """The policy's cap for this return when the shop refunds on first scan and the return is under it."""
    if not refunds_on_first_scan(uow, shop_id):
        return None
    caps = current_policy(uow, shop_id).refund_on_first_scan_max
    limit = None if caps is None else caps.get(request.currency)
    value = return_value(request)
    return limit if limit is not None and value is not None and value <= limit else None


def prepare_early_refund(deps: Deps, shop_id: str, shipment_id: str) -> EarlyRefund | None:
    """The order and what is left to refund on it, when the shipment's first scan may pay its return; None when it
    cannot (no such option, over the cap, already scanned or paid). May ask the shop: call it with no
    transaction open."""
    with deps.uow() as uow:
        if not refunds_on_first_scan(uow, shop_id):
            return None  # the usual case, in one look
        shipment = uow.shipments(shop_id).get(shipment_id)
        if shipment is None or (status_rank(shipment.status) or 0) >= _IN_TRANSIT:
            return None
        request = uow.returns(shop_id).get(shipment.return_id)
        if request is None or request.status not in (ReturnStatus.APPROVED, ReturnStatus.IN_TRANSIT):
            return None
        limit = early_refund_limit(uow, shop_id, request)
    if limit is None:
        return None
    found, left = order_and_left_to_refund(deps, shop_id, request.order_id)
    # As ReturnService.resolve: a platform that pays a return in one call folds the credit into it.
    folds = deps.capable(found.shop, Capability.CREDIT_FOLDED_INTO_REFUND) and request.platform_return_id is not None
    return EarlyRefund(found, left, limit, folds)


def resolve_at_first_scan(early: EarlyRefund, request: ReturnRequest, now: datetime) -> list[PlannedAction]:
    """In the deciding transaction, the return just put in transit: resolve it and plan its payment, or leave it
    for inspection (with a note saying why) when the shop would refuse the refund."""
    value = return_value(request)
    if request.status is not ReturnStatus.IN_TRANSIT or value is None or value > early.limit:
        return []
    try:
        check_payable(_plan(early, request), early.left)
    except InvalidReturn as exc:
        request.note(CARRIER, now, f"not refunded at first scan: {exc}")
        return []
    request.resolve_at_first_scan(
        CARRIER, now, f"refund on first scan: {value} is within the policy's {early.limit}",
        {"refund_on_first_scan": True, "value": str(value.amount), "limit": str(early.limit.amount)},
    )
    return _plan(early, request)


def _plan(early: EarlyRefund, request: ReturnRequest) -> list[PlannedAction]:
    return plan_resolution(request, early.found.order, credit_with_refund=early.folds_credit)
