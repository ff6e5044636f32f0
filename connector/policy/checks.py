"""The checks ``evaluate`` makes on a request before any money: each line's eligibility and quantity,
the customer's return limit and a request to keep the item.

Why a module of its own: these read the request and the policy and write the explanation's first items;
the engine then prices and decides. Pure, like the engine: no clock, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from connector.domain.money import Money
from connector.domain.orders import Order
from connector.domain.reasons import ReasonCode
from connector.domain.resolutions import Resolution, ResolutionKind, ReturnMethod
from connector.domain.returns import ReturnRequest
from connector.policy.context import EvaluationContext, ReturnDraft
from connector.policy.eligibility import Assessment, assess, customer_limit
from connector.policy.explain import Item, Label, Listing
from connector.policy.model import ExchangeScope, Policy


@dataclass(frozen=True, slots=True)
class WantedLine:
    """One requested line with the replacements' price it is judged at (given now, or stored when asked)."""

    id: str
    order_line_id: str
    quantity: int
    reason: ReasonCode
    resolution: Resolution
    exchange_price: Money | None


def _stored_price(resolution: Resolution, quantity: int) -> Money | None:
    """The replacements' price for a line, from the unit price the return stored when it was asked for."""
    return None if resolution.exchange_price is None else resolution.exchange_price * quantity


@dataclass(frozen=True, slots=True)
class NormalisedRequest:
    """A draft or a stored request, normalised: what is asked, how, and at which time windows are checked."""

    wanted: list[WantedLine]
    method: ReturnMethod
    keep_requested: bool
    at: datetime


def normalise_request(request: ReturnDraft | ReturnRequest, context: EvaluationContext) -> NormalisedRequest:
    """One shape for a draft and a stored request; a stored one keeps the price and time it was asked with."""
    if isinstance(request, ReturnRequest):
        lines = [
            WantedLine(
                line.id,
                line.order_line_id,
                line.quantity,
                line.reason,
                line.resolution,
                context.exchange_prices.get(line.id, _stored_price(line.resolution, line.quantity)),
            )
            for line in request.lines
        ]
        return NormalisedRequest(lines, request.method, request.keep_item, request.created_at)
    lines = [
        WantedLine(
            line.id,
            line.order_line_id,
            line.quantity,
            line.reason,
            line.resolution,
            line.exchange_price if line.exchange_price is not None else context.exchange_prices.get(line.id),
        )
        for line in request.lines
    ]
    return NormalisedRequest(lines, request.method, request.keep_item, request.requested_at or context.now)


def _line_violation(policy: Policy, found: Assessment, want: WantedLine, asked: int, pending: int) -> Item | None:
    line = found.line
    if not found.eligible:
        return found.blocker or Item.of("eligibility", "decision.ineligible", line.id)
    if asked > found.available:
        return Item.of(
            "quantities",
            "quantity.too_many",
            line.id,
            item=line.title,
            asked=asked,
            available=found.available,
            returned=line.quantity_returned,
            pending=pending,
        )
    kind = want.resolution.kind
    if kind not in found.outcomes(policy, want.reason):
        return Item.of(
            "outcomes",
            "outcome.not_allowed",
            line.id,
            item=line.title,
            outcome=Label(f"outcome.{kind}"),
            reason=Label(f"reason.{want.reason}"),
        )
    other_product = (
        kind is ResolutionKind.EXCHANGE
        and want.resolution.exchange_product_id is not None
        and want.resolution.exchange_product_id != line.product_id
    )
    if other_product and policy.outcomes.exchange_scope is ExchangeScope.VARIANT:
        return Item.of("outcomes.exchange_scope", "outcome.other_product", line.id, item=line.title)
    return None


@dataclass(slots=True)
class Trail:
    """The explanation being written, and whether something asks for a human look."""

    items: list[Item]
    force_review: bool = False

    def add(self, item: Item) -> Item:
        self.items.append(item)
        return item


def check_lines(
    policy: Policy, order: Order, wanted: list[WantedLine], at: datetime, pending: Mapping[str, int], trail: Trail
) -> tuple[dict[str, Assessment], dict[str, int], list[Item]]:
    """Assess each order line once, then each requested line against it: the eligibility violations."""
    asked: dict[str, int] = {}
    for want in wanted:
        asked[want.order_line_id] = asked.get(want.order_line_id, 0) + want.quantity
    found: dict[str, Assessment] = {}
    for order_line_id in asked:
        found[order_line_id] = assess(policy, order, order.line(order_line_id), at, pending.get(order_line_id, 0))
        trail.items.extend(found[order_line_id].items)
    violations: list[Item] = []
    for want in wanted:
        here = found[want.order_line_id]
        problem = _line_violation(policy, here, want, asked[want.order_line_id], pending.get(want.order_line_id, 0))
        if problem is not None:
            violations.append(problem)
            if problem not in trail.items:
                trail.add(problem)
    return found, asked, violations


def check_customer_limit(
    policy: Policy, history: tuple[datetime, ...], at: datetime, withdrawal: list[bool], trail: Trail
) -> Item | None:
    """The customer limit blocks commercial returns only; with a legal withdrawal in the mix, a human looks."""
    limit = customer_limit(policy, history, at)
    if limit is None:
        return None
    item, reached = trail.add(limit[0]), limit[1]
    if not reached:
        return None
    if any(withdrawal):
        trail.add(Item.of("eu_withdrawal", "eu.limit_not_applied"))
        trail.force_review = trail.force_review or not all(withdrawal)
        return None
    return item


def check_keep_item(
    policy: Policy, wanted: list[WantedLine], value: Money, requested: bool, trail: Trail
) -> tuple[bool, bool]:
    """(granted, offered). A refused request to keep the item goes to review rather than being declined."""
    keep = policy.keep_item
    threshold = keep.below.get(value.currency) if keep is not None else None
    offered = (
        keep is not None
        and threshold is not None
        and value < threshold
        and all(w.resolution.kind in keep.outcomes for w in wanted)
    )
    if not requested:
        return False, offered
    if offered:
        trail.add(Item.of("keep_item", "keep_item.granted", value=value, threshold=threshold or value))
    elif threshold is None:
        trail.add(Item.of("keep_item", "keep_item.not_offered"))
        trail.force_review = True
    elif value >= threshold:
        trail.add(Item.of("keep_item", "keep_item.refused", value=value, threshold=threshold))
        trail.force_review = True
    else:
        assert keep is not None
        allowed = Listing(tuple(Label(f"outcome.{kind}") for kind in sorted(keep.outcomes)), "or")
        trail.add(Item.of("keep_item.outcomes", "keep_item.refused.outcome", outcomes=allowed))
        trail.force_review = True
    return offered, offered
