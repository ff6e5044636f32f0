"""A return's parcel from the connector's side: the customer's choices kept on its ``Shipment``, and the carrier
actions planned when the return is approved or canceled.

Why the shipment is made before any carrier call: its idempotency key (``ret:<return id>:label``) must be stored
before the carrier is asked for a label, so that a retry, a lost answer or a killed worker asks again with the
same key and the carrier hands back the same label, never a second one. The actions themselves are recorded in
the transaction that approves (or cancels) the return, and run later from the outbox
(``connector.services.carrier_actions``).

Which returns get what:

- prepaid label, relay point, home pickup, with a carrier configured for the shop: a ``CREATE_LABEL``, then
  ``ATTACH_SHIPPING`` (the shop's admin shows the label and tracking) and, for a pickup, ``BOOK_PICKUP``;
- in store: a shipment without a carrier (``carrier`` ``""``, awaiting drop-off) and no action, so the tracking
  and store pages show it like the others; the store's scan receives it;
- keep the item: nothing (nothing travels); a method needing a carrier in a shop without one: nothing either,
  as before carriers existed (the merchant sends a label by hand).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from connector.domain.actions import ActionKind
from connector.domain.errors import DomainError
from connector.domain.resolutions import ReturnMethod
from connector.domain.returns import ReturnRequest
from connector.domain.shipments import Shipment
from connector.domain.shipping import PickupWindow, ServicePoint, TrackingStatus
from connector.domain.states import ReturnStatus
from connector.services.planning import PlannedAction, simple_action
from connector.store.uow import UnitOfWork

SHIPPED: Final = frozenset({ReturnMethod.PREPAID_LABEL, ReturnMethod.RELAY_POINT, ReturnMethod.HOME_PICKUP})
"""The methods whose parcel travels with a carrier's label."""
NO_CARRIER: Final = ""
"""The carrier of an in-store return's shipment: the customer carries the parcel."""
LABEL_INTENT: Final = "label"


class LabelAlreadyMade(DomainError):
    """The customer's choices can no longer change: the carrier made the label for the earlier ones."""


@dataclass(frozen=True, slots=True)
class LogisticsChoice:
    """What the customer picked on the portal beside the method: a relay point, or a pickup window."""

    service_point: ServicePoint | None = None
    pickup_window: PickupWindow | None = None


def shipment_id(return_id: str) -> str:
    return f"shp_{return_id}"


def label_key(return_id: str) -> str:
    """The label's idempotency key: the shipment's, the ``CREATE_LABEL`` action's, Sendcloud's
    ``external_reference``."""
    return f"ret:{return_id}:{LABEL_INTENT}"


def choose_logistics(
    uow: UnitOfWork,
    shop_id: str,
    return_id: str,
    method: ReturnMethod,
    carrier_key: str,
    service_point: ServicePoint | None = None,
    pickup_window: PickupWindow | None = None,
    *,
    at: datetime,
) -> Shipment:
    """Keep the customer's choices on the return's shipment, made now if it has none. Called in the caller's
    transaction (the portal's confirm, or ``plan_logistics`` on approval): the label is made from what is stored.

    Once the carrier made the label, the method and carrier stay (``LabelAlreadyMade`` for another method); the
    relay point and the pickup window are still kept until the pickup is booked, since neither is printed on a
    carrier's label (Sendcloud's returns name no point) and the pickup is booked after the label: a choice
    stored just after an approved return's label job ran still counts."""
    repo = uow.shipments(shop_id)
    carrier = NO_CARRIER if method is ReturnMethod.IN_STORE else carrier_key
    status = TrackingStatus.AWAITING_DROPOFF if method is ReturnMethod.IN_STORE else TrackingStatus.LABEL_PENDING
    shipment = repo.for_return(return_id)
    if shipment is None:
        shipment = Shipment(
            shipment_id(return_id), shop_id, return_id, carrier, method.value, label_key(return_id), status,
            service_point=service_point, pickup_window=pickup_window,
        )  # fmt: skip
        repo.add(shipment, at)
        return shipment
    if shipment.has_label and shipment.method != method.value:
        raise LabelAlreadyMade(f"return {return_id}: its {shipment.method} label is made, the method cannot change")
    if shipment.pickup_ref:
        return shipment  # booked: the carrier comes when it was asked to
    if not shipment.has_label:
        shipment.carrier, shipment.method, shipment.status = carrier, method.value, status
    shipment.service_point, shipment.pickup_window = service_point, pickup_window
    repo.save(shipment, at)
    return shipment


def plan_logistics(
    uow: UnitOfWork,
    request: ReturnRequest,
    before: ReturnStatus | None,
    at: datetime,
    choice: LogisticsChoice | None = None,
) -> list[PlannedAction]:
    """The carrier actions a step on ``request`` (from ``before``) calls for, in the step's own transaction: on
    approval the shipment (with ``choice``, or what the portal stored) and its label, attachment and pickup; on
    cancel, the label's cancellation. A return opened for review keeps ``choice`` for its approval. Recorded
    with stable keys, so planning twice records nothing new."""
    if request.keep_item or before is request.status:
        return []
    if request.status is ReturnStatus.REQUESTED and choice is not None:
        _keep_choice(uow, request, at, choice)
    elif request.status is ReturnStatus.APPROVED and _keep_choice(uow, request, at, choice or LogisticsChoice()):
        on_shipment = {"shipment_id": shipment_id(request.id)}
        planned = [
            simple_action(request, ActionKind.CREATE_LABEL, LABEL_INTENT, **on_shipment),
            simple_action(request, ActionKind.ATTACH_SHIPPING, **on_shipment),
        ]
        if request.method is ReturnMethod.HOME_PICKUP:
            planned.append(simple_action(request, ActionKind.BOOK_PICKUP, "pickup", **on_shipment))
        return planned
    elif request.status is ReturnStatus.CANCELED:
        return _on_cancel(uow, request)
    return []


def _keep_choice(uow: UnitOfWork, request: ReturnRequest, at: datetime, choice: LogisticsChoice) -> bool:
    """The return's shipment with the customer's choices (the earlier ones unless new are given), unless its
    label is made; whether a carrier's label is to be made for it (in store: none, nor without a carrier)."""
    if request.method not in SHIPPED and request.method is not ReturnMethod.IN_STORE:
        return False
    account = uow.carriers(request.shop_id).get()
    if request.method in SHIPPED and account is None:
        return False
    carrier = account.carrier if account is not None and request.method in SHIPPED else NO_CARRIER
    stored = uow.shipments(request.shop_id).for_return(request.id)
    if stored is None or not stored.has_label:
        point = choice.service_point or (stored.service_point if stored else None)
        window = choice.pickup_window or (stored.pickup_window if stored else None)
        choose_logistics(uow, request.shop_id, request.id, request.method, carrier, point, window, at=at)
    return request.method in SHIPPED


def _on_cancel(uow: UnitOfWork, request: ReturnRequest) -> list[PlannedAction]:
    """A label asked for (or made) is cancelled at the carrier; a return that never had one has nothing to undo."""
    shipment = uow.shipments(request.shop_id).for_return(request.id)
    asked = uow.actions(request.shop_id).by_key(label_key(request.id)) is not None
    if shipment is None or shipment.carrier == NO_CARRIER or not (asked or shipment.has_label):
        return []
    return [simple_action(request, ActionKind.CANCEL_LABEL, shipment_id=shipment.id)]
