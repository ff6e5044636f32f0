"""The demo's parcels: what each customer picks beside the way back, what the carrier and the store counter do with
the parcel once the return is approved, and how the summary tells it.

- The customer picks as on the portal (``connector.services.portal_logistics``): the nearest relay point the
  shop's carrier lists (near the order's postcode, else near ``SEARCH_NEAR``, as a customer searches near work
  when nothing is listed near home), or the carrier's first pickup window.
- Approval plans the label (``CREATE_LABEL``, ``ATTACH_SHIPPING``, ``BOOK_PICKUP``); once those succeeded, the
  parcel is moved at the sandbox carrier through its scripted journey (drop-off or collection, sorting,
  delivery at the warehouse), each status pushed to the connector's tracking address, and the worker moves
  the return: approved, in transit, received. Should tracking not move it within ``TRACKING_PATIENCE``, an
  agent receives it by hand, and the summary says so.
- An in-store return is taken back at the counter through the store page (``demo.counter``), with the code the
  customer shows and the API key the demo issued for the shop (``STORE_KEYS``, kept in the data directory).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from connector.domain.events import Actor, ActorKind
from connector.domain.resolutions import ReturnMethod
from connector.domain.returns import ReturnRequest
from connector.domain.shipments import Shipment
from connector.domain.states import ReturnStatus
from connector.pages.store.links import store_return_url
from connector.private_files import private_file
from connector.services.deps import Deps
from connector.services.portal_logistics import pickup_offer, relay_points
from connector.services.shipments import LogisticsChoice
from connector.store.actions_repo import ActionState
from demo.carrier import advance_parcel
from demo.counter import Counter
from demo.stack import Stack

SEARCH_NEAR: Final = "75011"
"""Paris 11e: the sandbox carrier lists relay points there; the sandbox shops' postcodes are made up."""
TRACKING_PATIENCE: Final = 20.0
"""Seconds the demo waits for tracking to receive an advanced parcel before an agent does it by hand."""
STORE_KEYS: Final = "store-keys.txt"
CARRIER_ACTOR: Final = Actor.system("carrier")
METHOD_WORDS: Final = {
    ReturnMethod.PREPAID_LABEL: "prepaid label",
    ReturnMethod.RELAY_POINT: "relay point",
    ReturnMethod.HOME_PICKUP: "home pickup",
    ReturnMethod.IN_STORE: "in store",
}


def customer_choice(deps: Deps, shop_id: str, order_id: str, method: ReturnMethod) -> LogisticsChoice | None:
    """The relay point or pickup window the customer picks for ``method`` (None when there is nothing to pick)."""
    if method is ReturnMethod.RELAY_POINT:
        search = relay_points(deps, shop_id, order_id)
        if not search.points:
            search = relay_points(deps, shop_id, order_id, SEARCH_NEAR)
        if not search.points:
            raise RuntimeError(f"the shop's carrier lists no relay point for order {order_id}: {search.problem}")
        return LogisticsChoice(service_point=search.points[0])
    if method is ReturnMethod.HOME_PICKUP:
        offer = pickup_offer(deps, shop_id, order_id)
        if not offer.windows:
            raise RuntimeError(f"the shop's carrier offers no pickup window for order {order_id}")
        return LogisticsChoice(pickup_window=offer.windows[0])
    return None


def issue_store_keys(stack: Stack, shops: dict[str, str]) -> dict[str, str]:
    """An API key per shop (by id) for its store page, as ``returns-connector api-keys issue`` makes one, written
    to ``STORE_KEYS`` in the data directory (private: never printed, as the demo's output may be shared)."""
    keys: dict[str, str] = {}
    with stack.container.uow() as uow:
        for shop_id in shops:
            _record, keys[shop_id] = uow.api_keys.issue(shop_id, "demo store counter", stack.container.clock())
        uow.commit()
    path = store_keys_path(stack)
    private_file(path)  # 0600 before a key is in it
    path.write_text("".join(f"{address} (shop id {shop_id}): {keys[shop_id]}\n" for shop_id, address in shops.items()))
    return keys


def store_keys_path(stack: Stack) -> Path:
    return Path(stack.container.config.app.data_dir) / STORE_KEYS


@dataclass
class Parcels:
    """What the demo did with each return's parcel: advanced at the carrier (when), taken back at the counter."""

    counter: Counter
    advanced: dict[str, float] = field(default_factory=dict)
    at_counter: set[str] = field(default_factory=set)

    def move(self, stack: Stack, request: ReturnRequest) -> None:
        """The next thing that happens to the approved return's parcel, once its carrier actions are done."""
        if request.status is not ReturnStatus.APPROVED or not actions_done(stack, request):
            return
        shipment = shipment_of(stack, request)
        if shipment is None:
            return
        if request.method is ReturnMethod.IN_STORE and request.id not in self.at_counter:
            self.at_counter.add(request.id)
            scanned = store_return_url(stack.container.config, request.shop_id, request.id)
            self.counter.take_back(request.shop_id, request.id, scanned, len(request.lines))
        elif shipment.carrier_ref and request.id not in self.advanced:
            self.advanced[request.id] = time.monotonic()
            advance_parcel(stack.carriers[_platform(stack, request.shop_id)], shipment.carrier_ref)

    def ready_for_agent(self, stack: Stack, request: ReturnRequest) -> bool:
        """Whether an agent finishes the return now: received or inspected, or approved with no parcel to wait
        for (no carrier; or tracking that did not come in time), every action done."""
        if request.status not in (ReturnStatus.APPROVED, ReturnStatus.IN_TRANSIT, ReturnStatus.RECEIVED,
                                  ReturnStatus.INSPECTED) or not actions_done(stack, request):  # fmt: skip
            return False
        if request.status in (ReturnStatus.RECEIVED, ReturnStatus.INSPECTED):
            return True
        shipment = shipment_of(stack, request)
        if shipment is None or not shipment.carrier_ref:
            return request.method is not ReturnMethod.IN_STORE or shipment is None
        advanced = self.advanced.get(request.id)
        return advanced is not None and time.monotonic() - advanced > TRACKING_PATIENCE


def actions_done(stack: Stack, request: ReturnRequest) -> bool:
    with stack.container.uow() as uow:
        actions = uow.actions(request.shop_id).for_return(request.id)
    return all(a.state is ActionState.SUCCEEDED for a in actions)


def shipment_of(stack: Stack, request: ReturnRequest) -> Shipment | None:
    with stack.container.uow() as uow:
        return uow.shipments(request.shop_id).for_return(request.id)


def _platform(stack: Stack, shop_id: str) -> str:
    with stack.container.uow() as uow:
        return uow.shops.get(shop_id).platform


# -- the summary ---------------------------------------------------------------------------------------------------


def parcel_line(request: ReturnRequest, shipment: Shipment | None) -> str:
    """``prepaid label: tracking 3SAB12 (delivered), approved -> in_transit -> received by the carrier's tracking``:
    the way back, what the customer picked, the carrier's tracking number and parcel state, and who moved it."""
    method = METHOD_WORDS.get(request.method, str(request.method))
    picked = ""
    if shipment is not None and shipment.service_point is not None:
        point = shipment.service_point
        picked = f" {point.name}, {point.address.postal_code} {point.address.city}"
    elif shipment is not None and shipment.pickup_window is not None:
        window = shipment.pickup_window
        picked = f" {window.starts_at:%a %d %b %H:%M}-{window.ends_at:%H:%M} UTC"
    if shipment is not None and shipment.tracking_number:
        parcel = f"tracking {shipment.tracking_number} ({shipment.status.value})"
    else:
        parcel = "no parcel" if request.method is ReturnMethod.IN_STORE else "no label"
    return f"{method}{picked}: {parcel}, {moves(request)}"


def moves(request: ReturnRequest) -> str:
    """How the return came from approved to received, and by whom."""
    path = [e for e in request.events if e.to_status in (ReturnStatus.IN_TRANSIT, ReturnStatus.RECEIVED)
            and e.from_status is not e.to_status]  # fmt: skip
    if not path:
        return f"never received ({request.status.value})"
    steps = " -> ".join([ReturnStatus.APPROVED.value, *(e.to_status.value for e in path)])
    actors = {e.actor for e in path}
    if actors == {CARRIER_ACTOR}:
        return f"{steps} by the carrier's tracking"
    if all(a.kind is ActorKind.AGENT for a in actors) and request.method is ReturnMethod.IN_STORE:
        return f"{steps} at the store counter (store page)"
    return f"{steps} by hand ({', '.join(sorted(str(a) for a in actors))})"
