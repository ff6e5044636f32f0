"""A return as its customer follows it: where it stands, what happened when, and the money already paid.

Why a use case of its own: the portal's tracking page must keep working for as long as its link does, closed
returns included, and must show the customer only what is theirs to see: the steps of the return and the
money, never agents' notes, internal retries or the platform's ids. The choice of what a customer sees is made
here, once, over the domain's events, so every page that shows a return's history shows the same.

The return's parcel (``Shipment``) comes with it when there is one: the relay point or pickup window chosen, the
tracking number and the parcel's state, and the label's paper sizes once it is stored (the page links to them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Final

from connector.domain.events import ReturnEvent
from connector.domain.money import Money
from connector.domain.orders import Order, Shop
from connector.domain.returns import ReturnRequest
from connector.domain.shipments import Shipment
from connector.domain.states import ReturnStatus
from connector.services.deps import Deps
from connector.services.policies import current_policy
from connector.services.portal_logistics import display_zone, order_country
from connector.store.uow import UnitOfWork

STEPS: Final = frozenset(
    {
        "request", "approve", "decline", "decline_at_shop", "mark_in_transit", "receive", "inspect", "resolve",
        "close", "close_at_shop", "cancel", "resolve_at_first_scan", "receive_after_first_scan",
    }
)  # fmt: skip
"""The return's own steps, as its state machine names them."""
PAYMENTS: Final = frozenset({"refund", "refund_at_shop", "store_credit", "store_credit_bonus", "exchange"})
"""Money confirmed by the shop (``ReturnRequest.record_money_moved``), each event with its amount."""


@dataclass(frozen=True, slots=True)
class Milestone:
    """One line of the timeline: what happened (``action``, a step or a payment), when, and for how much."""

    at: datetime
    action: str
    status: ReturnStatus
    amount: Money | None = None


@dataclass(frozen=True, slots=True)
class PaymentDue:
    """What the customer still has to pay for an exchange's dearer replacement, and where (the shop's own page)."""

    amount: Money | None
    url: str


@dataclass(frozen=True, slots=True)
class TrackedReturn:
    shop: Shop
    request: ReturnRequest
    order: Order | None
    timeline: tuple[Milestone, ...]
    shipment: Shipment | None = None
    """The return's parcel, once the portal or the approval made it (no carrier, kept items: none)."""
    pickup_zone: str = "UTC"
    """The zone a pickup window is shown in (``portal_logistics.display_zone``), when there is one."""

    @property
    def payments(self) -> tuple[Milestone, ...]:
        return tuple(step for step in self.timeline if step.amount is not None)

    @property
    def paid(self) -> Money:
        """Everything already paid back, whatever the way (refund, credit, its bonus, an exchange's difference)."""
        return Money.sum((step.amount for step in self.payments if step.amount is not None), self.request.currency)

    @property
    def decline_reason(self) -> str | None:
        """Why it was declined, as recorded (in the shop's language); None unless declined."""
        if self.request.status is not ReturnStatus.DECLINED:
            return None
        return self.request.decline_reason

    @property
    def closed(self) -> bool:
        return self.request.status.is_terminal

    @property
    def payment_due(self) -> PaymentDue | None:
        """The exchange order waiting for the customer's payment, while it waits: the executor notes the shop's
        payment link once (``executor._await_payment``) and the exchange's payment event ends the wait. Without
        it on this page the customer would learn only by the shop's e-mail that the replacement waits for them."""
        if self.closed:
            return None
        for event in reversed(self.request.events):
            if event.action == "exchange":
                return None
            url = str(event.data.get("payment_url") or "") if event.action == "note" else ""
            if url.startswith("https://") or url.startswith("http://"):
                return PaymentDue(_due_amount(str(event.data.get("amount_due") or "")), url)
        return None


def tracked_return(deps: Deps, shop_id: str, return_id: str) -> TrackedReturn | None:
    """The return of ``shop_id`` named ``return_id`` as its customer sees it; None when the shop has none."""
    with deps.uow() as uow:
        shop = uow.shops.get(shop_id)
        request = uow.returns(shop_id).get(return_id)
        order = uow.orders(shop_id).get(request.order_id) if request is not None else None
        shipment = uow.shipments(shop_id).for_return(return_id) if request is not None else None
        zone = _pickup_zone(uow, shop_id, order, shipment)
    if request is None:
        return None
    timeline = tuple(
        Milestone(event.at, event.action, event.to_status, _amount(event, request.currency))
        for event in request.events
        if event.action in STEPS or event.action in PAYMENTS
    )
    return TrackedReturn(shop, request, order, timeline, shipment, zone)


def _pickup_zone(uow: UnitOfWork, shop_id: str, order: Order | None, shipment: Shipment | None) -> str:
    """The customer's clock for a pickup window; the policy is read only for a return that has one."""
    if shipment is None or shipment.pickup_window is None:
        return "UTC"
    country = order_country(order) if order is not None else None
    return display_zone(country or "", current_policy(uow, shop_id).timezone)


def _due_amount(text: str) -> Money | None:
    """``"12.50 EUR"`` as the executor notes it; None when it cannot be read (the link is still shown)."""
    amount, _, currency = text.partition(" ")
    try:
        return Money(Decimal(amount), currency.strip()) if currency.strip() else None
    except (InvalidOperation, ValueError):
        return None


def _amount(event: ReturnEvent, currency: str) -> Money | None:
    """The amount of a payment event (stored as text in the return's currency); None for a step."""
    raw = event.data.get("amount") if event.action in PAYMENTS else None
    if raw is None:
        return None
    try:
        return Money(Decimal(str(raw)), currency)
    except (InvalidOperation, ValueError):
        return None
