"""What the customer may return from an order: each line's units, outcomes, fees, deadline and why.

Why a use case of its own: the portal shows this before the customer asks, and it must count what the return
service will count when it decides (the same policy, pending quantities and customer history), read in one
transaction after the shop was asked for the order's current state.
"""

from __future__ import annotations

from dataclasses import dataclass

from connector.domain.orders import Order, Shop
from connector.policy import LineEligibility, line_eligibility
from connector.policy.model import Policy
from connector.services.customer_history import customer_history
from connector.services.deps import Deps
from connector.services.orders import order_at_hand
from connector.services.policies import current_policy


@dataclass(frozen=True, slots=True)
class EligibleLines:
    """The order's lines as the shop's policy judges them now, with what the portal shows beside them."""

    shop: Shop
    order: Order
    policy: Policy
    lines: list[LineEligibility]


def eligible_lines(deps: Deps, shop_id: str, order_id: str) -> EligibleLines:
    """The order's lines and what each may be returned for; the order is re-read from the shop when a
    webhook said it changed, and stored in the same transaction that reads the policy and the returns."""
    found = order_at_hand(deps, shop_id, order_id, fresh=True)
    with deps.uow() as uow:
        found.keep(uow)
        policy = current_policy(uow, shop_id)
        pending = uow.returns(shop_id).pending_quantities(found.order.id)
        history = customer_history(uow, shop_id, found.order.email)
        uow.commit()
    lines = line_eligibility(policy, found.order, deps.clock(), pending_quantities=pending, customer_returns=history)
    return EligibleLines(found.shop, found.order, policy, lines)
