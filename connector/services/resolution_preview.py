"""What resolving a return will pay, before an agent confirms it: every payment, its amount, who receives it
and how, exactly as ``ReturnService.resolve`` would plan it.

Why computed by the same planning and not described separately: a preview that drifts from what is paid is
worse than none. The preview reads the order and what the shop has left to refund as ``resolve`` does (asked of
the shop, with no transaction open), then runs the return's own ``resolve`` and ``plan_resolution`` on a copy of
the return that is never saved. Its ``fingerprint`` covers the payments and the return's version, so the
confirmation can tell whether what the agent saw is still what will be paid (``ReturnService.resolve`` runs
only when it is).
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

from connector.domain.actions import ActionKind
from connector.domain.errors import IllegalTransition
from connector.domain.events import Actor
from connector.domain.money import Money
from connector.domain.orders import Order
from connector.domain.resolutions import Disposition, ResolutionKind
from connector.domain.returns import ReturnRequest
from connector.providers import Capability
from connector.services import instructions
from connector.services.deps import Deps
from connector.services.planning import PlannedAction, plan_resolution
from connector.services.refundable import order_and_left_to_refund
from connector.services.returns import ReturnNotFound


@dataclass(frozen=True, slots=True)
class PaidItem:
    """A returned item a payment covers (or puts back in stock): its name, units and what becomes of it."""

    title: str
    quantity: int
    amount: Money | None = None
    disposition: Disposition | None = None


@dataclass(frozen=True, slots=True)
class Payment:
    """One action resolving will record: ``kind`` refund, store credit, exchange or restock (paying nothing).

    ``to`` is who receives it (the customer's e-mail); ``gateways`` the order's payment methods a refund goes
    back to; ``shipping`` the original shipping refunded with it; ``folded_credit`` store credit paid through
    the refund (a shop that processes both in one call); ``bonus`` a store credit bonus of its own."""

    kind: ActionKind
    amount: Money
    to: str
    items: tuple[PaidItem, ...] = ()
    gateways: tuple[str, ...] = ()
    shipping: Money | None = None
    folded_credit: Money | None = None
    bonus: bool = False


@dataclass(frozen=True, slots=True)
class ResolutionPreview:
    request: ReturnRequest
    order: Order
    payments: tuple[Payment, ...]
    left_to_refund: Money
    override: Money | None
    fingerprint: str

    @property
    def refund(self) -> Money:
        return Money.sum((p.amount for p in self.payments if p.kind is ActionKind.REFUND), self.request.currency)

    @property
    def refund_too_high(self) -> bool:
        """The shop would refuse the refund (more than the order has left): ``resolve`` refuses it too, and the
        agent is offered an override of at most ``left_to_refund``."""
        return self.override is None and self.refund > self.left_to_refund


def preview_resolution(
    deps: Deps, shop_id: str, return_id: str, actor: Actor, override: Money | None = None
) -> ResolutionPreview:
    """The payments resolving ``return_id`` now would record (``override`` replacing the refund, as in
    ``resolve``). ``ReturnNotFound``, or ``IllegalTransition`` when the return cannot be resolved in its state."""
    with deps.uow() as uow:
        found_return = uow.returns(shop_id).get(return_id)
    if found_return is None:
        raise ReturnNotFound(f"no return {return_id}")
    if not found_return.can("resolve"):
        raise IllegalTransition(found_return.status, "resolve")
    found, left = order_and_left_to_refund(deps, shop_id, found_return.order_id)
    draft = copy.deepcopy(found_return)
    now = deps.clock()
    draft.resolve(actor, now, "preview")
    if override is not None:
        draft.override_amount(actor, now, ResolutionKind.REFUND, override, "preview")
    folds = deps.capable(found.shop, Capability.CREDIT_FOLDED_INTO_REFUND) and (
        draft.platform_return_id is not None or draft.keep_item
    )  # as ReturnService._folds_credit
    planned = plan_resolution(draft, found.order, override=override, credit_with_refund=folds)
    payments = tuple(_payment(action, found.order) for action in planned)
    return ResolutionPreview(
        found_return, found.order, payments, left, override, _fingerprint(found_return, payments, override)
    )


def _payment(action: PlannedAction, order: Order) -> Payment:
    titles = {line.id: line.title for line in order.lines}
    if action.kind in (ActionKind.REFUND, ActionKind.RESTOCK):
        refund = instructions.refund_from_json(action.payload)
        items = tuple(
            PaidItem(titles.get(line.order_line_id, line.order_line_id), line.quantity, line.amount, line.disposition)
            for line in refund.lines
        )
        return Payment(action.kind, refund.amount, order.email, items, order.gateways,
                       refund.shipping or None, refund.store_credit_amount)
    if action.kind is ActionKind.STORE_CREDIT:
        credit = instructions.credit_from_json(action.payload)
        return Payment(action.kind, credit.amount, credit.customer_email, bonus=credit.bonus)
    exchange = instructions.exchange_from_json(action.payload)
    by_variant = {line.variant_id: line.title for line in order.lines if line.variant_id}
    items = tuple(
        PaidItem(by_variant.get(item.variant_id, item.variant_id), item.quantity, item.price) for item in exchange.items
    )
    return Payment(action.kind, exchange.credit_value, exchange.customer_email, items)


def _fingerprint(request: ReturnRequest, payments: Sequence[Payment], override: Money | None) -> str:
    """The return's version and every figure of every payment: equal fingerprints, equal payments."""
    shown = [request.id, request.version, str(override)] + [
        [p.kind.value, str(p.amount), p.to, str(p.shipping), str(p.folded_credit), p.bonus,
         [[i.title, i.quantity, str(i.amount), str(i.disposition)] for i in p.items]]
        for p in payments
    ]
    return hashlib.sha256(json.dumps(shown).encode()).hexdigest()[:32]
