"""Refunds made by hand in the shop's admin, attached to the return they settle.

A merchant may refund an order in Shopify's admin (``refunds/create``, naming the return when it was made
while processing one) or in WooCommerce's order screen (seen through ``order.updated`` or polling). Such a
refund is the return's money: we record it (amount, lines, adjustments, restock) and move the return on as if
our own refund had paid it. What keeps it from being paid twice is the executor: before it runs a money
action of a return the shop has settled, it asks ``settled_at_shop`` and records that instead of paying.

A refund carrying one of our idempotency keys is ours and is left to the action that made it. A refund
that covers only part of the return is recorded, and the rest is left to the agent (a note says so).
"""

from __future__ import annotations

import logging
from datetime import datetime

from connector.domain.actions import ActionKind, PlatformEffect
from connector.domain.events import Actor, ActorKind
from connector.domain.resolutions import Disposition
from connector.domain.returns import ReturnRequest
from connector.domain.shop_refunds import ShopRefund
from connector.domain.states import ReturnStatus
from connector.services.deps import Deps
from connector.services.refundable import refunds_listed_by
from connector.services.retrying import retried_on_concurrent_update
from connector.services.returns import ReturnService, record_planned
from connector.store.returns_repo import ReturnRepository

log = logging.getLogger("connector.shop_refunds")
SHOP_ADMIN = Actor(ActorKind.PLATFORM, "shop-admin")
RECORDED = "refund_at_shop"
"""The history event of a refund made at the shop; its ``settles_return`` says whether it paid the return."""
MONEY = frozenset({ActionKind.REFUND, ActionKind.STORE_CREDIT, ActionKind.EXCHANGE})
_BEFORE_RESOLVED = frozenset(
    {ReturnStatus.APPROVED, ReturnStatus.IN_TRANSIT, ReturnStatus.RECEIVED, ReturnStatus.INSPECTED}
)


def attach_shop_refund(deps: Deps, shop_id: str, refund: ShopRefund, service: ReturnService | None = None
                       ) -> str:
    """Record ``refund`` on the return it belongs to; a short word for the logs and the inbox row."""
    if refund.our_keys:
        return "refund-ours"
    return _attach(deps, service or ReturnService(deps), shop_id, refund)


@retried_on_concurrent_update(5)  # an agent or the executor saved the return meanwhile: read it again
def _attach(deps: Deps, service: ReturnService, shop_id: str, refund: ShopRefund) -> str:
    now = deps.clock()
    with deps.uow() as uow:
        shop = uow.shops.get(shop_id)
        repo = uow.returns(shop_id)
        request = matching_return(repo, refund)
        if request is None:
            return "refund-no-return"
        if any(e.data.get("platform_refund_id") == refund.refund_id for e in request.events):
            return "refund-known"
        actions = uow.actions(shop_id).for_return(request.id)
        if any((a.result or {}).get("platform_id") == refund.refund_id for a in actions):
            return "refund-ours"
        if refund.amount.currency != request.currency:
            log.warning("shop-refund.currency", extra={"return": request.id, "refund": refund.refund_id})
            return "refund-other-currency"
        settles = covers(request, refund)
        if settles:
            _move_forward(request, refund, now)
        detail = {**refund.describe(), "settles_return": settles}
        request.record_money_moved(SHOP_ADMIN, now, RECORDED, refund.amount, detail)
        if not settles:
            request.note(SHOP_ADMIN, now, "refunded in part at the shop: an agent must settle the rest",
                         {"refund": refund.refund_id})
        follow_up = service.close_if_paid(uow, shop, request) if settles else []
        repo.save(request)
        record_planned(uow, shop_id, request, follow_up)
        uow.commit()
    log.info("shop-refund.attached", extra={"return": request.id, "refund": refund.refund_id, "settles": settles})
    return f"refund-attached-{request.status.value}" if settles else "refund-attached-partial"


def attach_refunds_of_order(deps: Deps, shop_id: str, order_id: str, adapter: object = None) -> list[str]:
    """After ``order.updated`` or a poll: the order's refunds made by hand, attached to its open returns.

    Costs nothing (no call to the shop) when no return of ours is open on the order."""
    with deps.uow() as uow:
        if not any(not r.status.is_terminal for r in uow.returns(shop_id).for_order(order_id)):
            return []
        shop = uow.shops.get(shop_id)
        if adapter is None:
            adapter = deps.adapter_for(uow, shop)
    refunds = refunds_listed_by(deps.provider_for(shop.platform), adapter)
    if refunds is None:
        return []
    return [attach_shop_refund(deps, shop_id, refund) for refund in refunds.shop_refunds(order_id)
            if not refund.our_keys]


def matching_return(repo: ReturnRepository, refund: ShopRefund) -> ReturnRequest | None:
    """The return the refund names, else the open return on the same order that has the refunded lines."""
    if refund.platform_return_id:
        return repo.get_by_platform_id(refund.platform_return_id)
    refunded = set(refund.quantities())
    if not refunded:
        return None
    candidates = [
        r for r in repo.for_order(refund.order_id)
        if not r.status.is_terminal and refunded & {line.order_line_id for line in r.lines}
    ]
    return min(candidates, key=lambda r: r.created_at) if candidates else None


def covers(request: ReturnRequest, refund: ShopRefund) -> bool:
    """True when the refund gives back every unit of the return (a return with no line refunded: any money)."""
    refunded = refund.quantities()
    if not refunded:
        return refund.platform_return_id is not None and bool(refund.amount)
    wanted: dict[str, int] = {}
    for line in request.lines:
        wanted[line.order_line_id] = wanted.get(line.order_line_id, 0) + line.quantity
    return all(refunded.get(line_id, 0) >= quantity for line_id, quantity in wanted.items())


def _move_forward(request: ReturnRequest, refund: ShopRefund, now: datetime) -> None:
    """Received, inspected and resolved, as an agent would have; the shop already paid, so nothing is planned."""
    why = f"refunded at the shop ({refund.refund_id})"
    if request.status is ReturnStatus.REQUESTED:
        request.approve(SHOP_ADMIN, now, why)
    if request.status not in _BEFORE_RESOLVED:
        return
    missing = {line.id: line.quantity - line.received_quantity for line in request.lines
               if line.quantity > line.received_quantity}
    if missing:
        request.receive(SHOP_ADMIN, now, missing, why)
    restocked = {line.order_line_id for line in refund.lines if line.restocked}
    for line in request.lines:
        if not line.inspected:
            disposition = Disposition.RESTOCK if line.order_line_id in restocked else Disposition.DISPOSE
            request.inspect(SHOP_ADMIN, now, line.id, None, disposition, why)
    request.resolve(SHOP_ADMIN, now, why)


def settled_at_shop(request: ReturnRequest | None, kind: ActionKind) -> PlatformEffect | None:
    """For the executor, before it pays: the refund made at the shop that already settled this return."""
    if request is None or kind not in MONEY:
        return None
    for event in reversed(request.events):
        if event.action == RECORDED and event.data.get("settles_return"):
            return PlatformEffect(kind, str(event.data.get("platform_refund_id") or ""), None,
                                  detail="settled by a refund made at the shop; not paid again")
    return None
