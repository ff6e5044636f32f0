"""The carrier's actions, run by the executor like the shop's: the label, its attachment at the shop, the pickup,
and the label's cancellation.

Why a table apart from ``action_table``: these speak to the shop's carrier (``Deps.carrier_for``) and keep what
it answers on the return's ``Shipment`` in transactions of their own, so they need the process's collaborators,
not only the shop's adapter. Each kind looks for its earlier effect on the shipment first (a label stored, a
pickup booked), so a retry or a worker taking over never asks twice for what was done:

- ``CREATE_LABEL`` asks with the key stored on the shipment before any call; the carrier's reference is stored
  the moment it answers, then the PDFs (and the QR code of a labelless return). A label the carrier announces
  later (Sendcloud answers before the label exists) is looked at again and again until it has its documents
  (``LabelPending``: the action waits without counting as a failure), and given up after ``PENDING_LIMIT``.
  After a lost answer or a killed worker, asking again with the same key gives the same label: the port's
  promise, kept by Sendcloud's ``external_reference`` look-up and by the self-issued label being a pure function.
- ``ATTACH_SHIPPING`` shows the label link and tracking in the shop's admin when the platform can
  (``AttachesReturnShipping``), looking for an earlier attachment first after an unknown outcome.
- ``BOOK_PICKUP`` books the collection of the labelled parcel at the order's address in the chosen window.
- ``CANCEL_LABEL`` cancels the label of a canceled return at a carrier that can cancel.

A return canceled or declined before its action ran needs none of these: the action succeeds, doing nothing.
When one fails for good, the return's history says so for agents (``alert_failure``), with what to do.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from types import MappingProxyType
from typing import Final

from connector.domain.actions import ActionKind, PlatformEffect
from connector.domain.events import Actor
from connector.domain.orders import Order, Shop
from connector.domain.returns import ReturnRequest
from connector.domain.shipments import Shipment, ShippingAttachment
from connector.domain.shipping import CancelResult, CarrierCapability, PaperSize, TrackingStatus
from connector.domain.states import ReturnStatus
from connector.errors import ConfigError, PermanentError, RetryableError
from connector.ports import AttachesReturnShipping, CarrierAdapter, ShopAdapter
from connector.services.carrier_label import label_done, make_label
from connector.services.carrier_state import load_shipment, order_for_parcel, required_texts, store_shipment
from connector.services.deps import Deps
from connector.services.label_request import sender_of
from connector.store.actions_repo import ActionRecord
from connector.store.errors import ConcurrentUpdate

log = logging.getLogger("connector.carrier_actions")
CARRIER: Final = Actor.system("carrier")
STOPPED: Final = frozenset({ReturnStatus.CANCELED, ReturnStatus.DECLINED})
"""A return in these states needs no label, attachment or pickup any more."""


@dataclass(frozen=True, slots=True)
class CarrierCall:
    """One attempt of a carrier action: the process's collaborators, the shop, its adapter (None without
    credentials: only the attachment needs it) and whether an earlier attempt's outcome is unknown."""

    deps: Deps
    shop: Shop
    record: ActionRecord
    request: ReturnRequest | None
    shop_adapter: ShopAdapter | None
    uncertain: bool


class LabelPending(RetryableError):
    """The carrier took the label request and has not announced the label yet: look again after ``wait``."""

    def __init__(self, message: str, wait: timedelta) -> None:
        super().__init__(message, retry_after=wait.total_seconds())
        self.wait = wait


def run_carrier_action(call: CarrierCall) -> PlatformEffect:
    request = call.request
    if request is None:
        raise PermanentError(f"action {call.record.id} has no return")
    if request.status in STOPPED and call.record.kind is not ActionKind.CANCEL_LABEL:
        return _done(call, "", f"not needed: the return is {request.status.value}")
    return CARRIER_ACTIONS[call.record.kind](call, request)


# -- the label -----------------------------------------------------------------------------------------------------


def _create_label(call: CarrierCall, request: ReturnRequest) -> PlatformEffect:
    shipment, carrier = load_shipment(call.deps, call.shop, _shipment_id(call.record))
    if label_done(call.deps, shipment):
        return _label_effect(call, shipment)
    shipment = make_label(call.deps, call.shop, shipment, _required(carrier), request, lambda: _order(call, request))
    if not label_done(call.deps, shipment):
        raise _pending(call, shipment)
    return _label_effect(call, shipment)


def _label_effect(call: CarrierCall, shipment: Shipment) -> PlatformEffect:
    extra = {"shipment_id": shipment.id, "tracking_number": shipment.tracking_number}
    return _done(call, shipment.carrier_ref or "", f"label {', '.join(shipment.paper_sizes)}", extra)


PENDING_WAIT: Final = timedelta(minutes=1)
PENDING_WAIT_MAX: Final = timedelta(minutes=30)
PENDING_LIMIT: Final = timedelta(hours=24)
"""How long a label may stay unannounced: Sendcloud announces within minutes, or reports a failure."""


def _pending(call: CarrierCall, shipment: Shipment) -> Exception:
    since = shipment.created_at or call.record.created_at
    if call.deps.clock() - since > PENDING_LIMIT:
        return PermanentError(f"the carrier has not announced the label of {shipment.carrier_ref} in {PENDING_LIMIT}")
    wait = min(PENDING_WAIT * 2 ** min(call.record.attempts, 5), PENDING_WAIT_MAX)
    return LabelPending(f"label {shipment.carrier_ref} not announced by the carrier yet", wait)


# -- the shop's admin ----------------------------------------------------------------------------------------------


def _attach_shipping(call: CarrierCall, request: ReturnRequest) -> PlatformEffect:
    shipment, _carrier = load_shipment(call.deps, call.shop, _shipment_id(call.record))
    if not shipment.has_label:
        return _done(call, "", "no label to show")
    adapter = call.shop_adapter
    if adapter is None:
        raise ConfigError(f"shop {call.shop.address} has no credentials")
    if not isinstance(adapter, AttachesReturnShipping):
        return _done(call, "", "the shop's platform shows no return shipping")
    texts = required_texts(call.deps)
    attachment = ShippingAttachment(
        return_id=request.id,
        order_id=request.order_id,
        platform_return_id=request.platform_return_id,
        carrier=shipment.carrier,
        tracking_number=shipment.tracking_number,
        tracking_url=shipment.tracking_url,
        label_url=texts.label_url(call.shop.id, shipment.id, PaperSize.A6) if shipment.paper_sizes else "",
        method=shipment.method,
    )
    found = adapter.find_return_shipping(attachment) if call.uncertain else None
    return _done(call, found or adapter.attach_return_shipping(attachment), "shown in the shop's admin")


# -- pickup and cancellation ---------------------------------------------------------------------------------------


def _book_pickup(call: CarrierCall, request: ReturnRequest) -> PlatformEffect:
    """Booked once: a pickup already stored is the earlier effect. The port has no look-up of pickups, so an
    answer lost on the way back is asked again (Sendcloud's booking is the return made for pickup: harmless)."""
    shipment, carrier = load_shipment(call.deps, call.shop, _shipment_id(call.record))
    if shipment.pickup_ref:
        return _done(call, shipment.pickup_ref, "booked before")
    if shipment.carrier_ref is None:
        raise PermanentError("no label was made: the carrier has no parcel to collect")
    address = sender_of(_order(call, request))
    booking = _required(carrier).book_pickup(shipment.carrier_ref, address, shipment.pickup_window)
    reference = booking.confirmation or booking.carrier_ref

    def booked(stored: Shipment) -> None:
        stored.pickup_ref = reference[:128]
        stored.pickup_window = booking.window or stored.pickup_window

    store_shipment(call.deps, call.shop.id, shipment.id, booked)
    return _done(call, reference, "pickup booked")


def _cancel_label(call: CarrierCall, request: ReturnRequest) -> PlatformEffect:
    shipment, carrier = load_shipment(call.deps, call.shop, _shipment_id(call.record))
    if shipment.carrier_ref is None:
        return _done(call, "", "no label was made")
    if shipment.status in (TrackingStatus.CANCEL_REQUESTED, TrackingStatus.CANCELLED):
        return _done(call, shipment.carrier_ref, f"label {shipment.status.value}")
    if carrier is None or CarrierCapability.CANCEL not in carrier.capabilities:
        return _done(call, shipment.carrier_ref, "the carrier cancels no label: an unused label costs nothing")
    result = carrier.cancel_label(shipment.carrier_ref)
    if result is CancelResult.NOT_CANCELLABLE:
        raise PermanentError(f"the carrier cannot cancel label {shipment.carrier_ref}: the parcel was scanned")
    status = TrackingStatus.CANCELLED if result is CancelResult.CANCELLED else TrackingStatus.CANCEL_REQUESTED

    def cancelled(stored: Shipment) -> None:
        stored.status = status

    store_shipment(call.deps, call.shop.id, shipment.id, cancelled)
    return _done(call, shipment.carrier_ref, f"label {status.value}")


CARRIER_ACTIONS: Mapping[ActionKind, Callable[[CarrierCall, ReturnRequest], PlatformEffect]] = MappingProxyType(
    {
        ActionKind.CREATE_LABEL: _create_label,
        ActionKind.ATTACH_SHIPPING: _attach_shipping,
        ActionKind.BOOK_PICKUP: _book_pickup,
        ActionKind.CANCEL_LABEL: _cancel_label,
    }
)
CARRIER_KINDS: Final = frozenset(CARRIER_ACTIONS)


# -- when one fails for good ---------------------------------------------------------------------------------------

ALERTS: Final = {
    ActionKind.CREATE_LABEL: "The return label could not be made: send the customer a label by hand",
    ActionKind.ATTACH_SHIPPING: "The label and tracking could not be shown in the shop's admin",
    ActionKind.BOOK_PICKUP: "The carrier could not book the pickup: arrange the collection with the customer",
    ActionKind.CANCEL_LABEL: "The label could not be cancelled at the carrier: cancel it in the carrier's account",
}


def alert_failure(deps: Deps, shop_id: str, record: ActionRecord, error: str) -> None:
    """Tell agents, in the return's history and on its shipment, that a carrier action failed for good and what
    to do. Best effort, in transactions of its own: the action is already recorded as failed."""
    if record.kind not in ALERTS or record.return_id is None:
        return
    text = f"{ALERTS[record.kind]} ({error})"
    for _ in range(5):
        try:
            with deps.uow() as uow:
                repo = uow.returns(shop_id)
                request = repo.get(record.return_id)
                if request is None:
                    return
                request.note(CARRIER, deps.clock(), text, {"alert": record.kind.value, "action_id": record.id})
                repo.save(request)
                uow.commit()
            break
        except ConcurrentUpdate:
            continue

    def alerted(stored: Shipment) -> None:
        stored.alert = text

    try:
        store_shipment(deps, shop_id, str(record.payload.get("shipment_id") or ""), alerted)
    except PermanentError:
        log.warning("carrier.alert-without-shipment", extra={"action": record.id})


# -- shared --------------------------------------------------------------------------------------------------------


def _shipment_id(record: ActionRecord) -> str:
    shipment_id = str(record.payload.get("shipment_id") or "")
    if not shipment_id:
        raise PermanentError(f"action {record.id} does not name its shipment")
    return shipment_id


def _required(carrier: CarrierAdapter | None) -> CarrierAdapter:
    if carrier is None:
        raise ConfigError("the shop has no carrier configured any more")
    return carrier


def _order(call: CarrierCall, request: ReturnRequest) -> Order:
    return order_for_parcel(call.deps, call.shop, request.order_id, call.shop_adapter)


def _done(call: CarrierCall, platform_id: str, detail: str, extra: Mapping[str, str] | None = None) -> PlatformEffect:
    return PlatformEffect(call.record.kind, platform_id, detail=detail, extra=dict(extra or {}))
