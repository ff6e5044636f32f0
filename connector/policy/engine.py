"""``evaluate``: the one call the portal, webhooks and agents use to decide a return under a policy.

Pure and deterministic: no clock, no I/O. Windows are checked at the time the return was requested
(``ReturnRequest.created_at`` or ``ReturnDraft.requested_at``, else ``context.now``), so re-evaluating an old
request later gives the same answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from connector.domain.money import Money
from connector.domain.orders import Order
from connector.domain.reasons import ReasonCode
from connector.domain.returns import (
    LineAmounts,
    Resolution,
    ResolutionKind,
    ReturnAmounts,
    ReturnFees,
    ReturnMethod,
    ReturnRequest,
)
from connector.policy.amounts import PricedLine, compute
from connector.policy.context import EvaluationContext, ReturnDraft
from connector.policy.eligibility import Assessment, assess, customer_limit, withdrawal_applies
from connector.policy.explain import Explanation, Item, Label, Listing, Text
from connector.policy.model import Decision, ExchangeScope, Policy
from connector.policy.rules import Facts, first_match, gather_tags
from connector.policy.windows import local_date


@dataclass(frozen=True, slots=True)
class LineResult:
    line_id: str
    order_line_id: str
    quantity: int
    reason: ReasonCode
    outcome: ResolutionKind
    eligible: bool
    withdrawal: bool
    deadline: date | None
    allowed_outcomes: frozenset[ResolutionKind]
    amounts: LineAmounts


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The decision, the money and why. ``decline_reason`` is the message key of the deciding item."""

    decision: Decision
    decline_reason: str | None
    fees: ReturnFees
    amounts: ReturnAmounts
    refund_due_by: datetime | None
    explanation: Explanation
    lines: tuple[LineResult, ...]
    balance_due: Money
    keep_item: bool
    keep_item_offered: bool
    withdrawal: bool
    policy_decision: Decision  # before any agent override
    policy_fingerprint: str
    decline_item: Item | None = None

    def decline_text(self, locale: str) -> str | None:
        return None if self.decline_item is None else self.decline_item.render(locale)

    def customer_decline_text(self, locale: str) -> str | None:
        """The decline as a customer reads it: a rule's own message, without our internal rule id."""
        item = self.decline_item
        if item is None:
            return None
        if item.key == "rule.decline":
            message = item.param("message")
            if isinstance(message, Text):
                return message.pick(locale)
            if isinstance(message, str) and message:
                return message
        return item.render(locale)


@dataclass(frozen=True, slots=True)
class _Wanted:
    id: str
    order_line_id: str
    quantity: int
    reason: ReasonCode
    resolution: Resolution
    exchange_price: Money | None


def _stored_price(resolution: Resolution, quantity: int) -> Money | None:
    """The replacements' price for a line, from the unit price the return stored when it was asked for."""
    return None if resolution.exchange_price is None else resolution.exchange_price * quantity


def _normalise(
    request: ReturnDraft | ReturnRequest, context: EvaluationContext
) -> tuple[list[_Wanted], ReturnMethod, bool, datetime]:
    if isinstance(request, ReturnRequest):
        lines = [
            _Wanted(
                line.id,
                line.order_line_id,
                line.quantity,
                line.reason,
                line.resolution,
                context.exchange_prices.get(line.id, _stored_price(line.resolution, line.quantity)),
            )
            for line in request.lines
        ]
        return lines, request.method, request.keep_item, request.created_at
    lines = [
        _Wanted(
            line.id,
            line.order_line_id,
            line.quantity,
            line.reason,
            line.resolution,
            line.exchange_price if line.exchange_price is not None else context.exchange_prices.get(line.id),
        )
        for line in request.lines
    ]
    return lines, request.method, request.keep_item, request.requested_at or context.now


def _line_violation(policy: Policy, found: Assessment, want: _Wanted, asked: int, pending: int) -> Item | None:
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
class _Trail:
    """The explanation being written, and whether something asks for a human look."""

    items: list[Item]
    force_review: bool = False

    def add(self, item: Item) -> Item:
        self.items.append(item)
        return item


def _check_lines(
    policy: Policy, order: Order, wanted: list[_Wanted], at: datetime, pending: Mapping[str, int], trail: _Trail
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


def _check_limit(
    policy: Policy, history: tuple[datetime, ...], at: datetime, withdrawal: list[bool], trail: _Trail
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


def _check_keep_item(
    policy: Policy, wanted: list[_Wanted], value: Money, requested: bool, trail: _Trail
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


def _decide_by_rules(policy: Policy, facts: Facts, any_withdrawal: bool, trail: _Trail) -> tuple[Decision, Item | None]:
    """First matching rule, else the default; a decline never applies to a legal withdrawal."""
    rule = first_match(policy, facts)
    decision = rule.action if rule is not None else policy.default_action
    if rule is None:
        item = trail.add(Item.of("default_action", f"default.{decision}"))
    elif decision is Decision.DECLINE:
        text = Text(tuple(sorted(rule.message.items()))) if rule.message else Label("decision.decline")
        item = trail.add(Item.of(f"rules.{rule.id}", "rule.decline", rule=rule.id, message=text))
    else:
        item = trail.add(Item.of(f"rules.{rule.id}", f"rule.{decision}", rule=rule.id))
    if decision is Decision.DECLINE and any_withdrawal:
        trail.add(Item.of("eu_withdrawal", "eu.no_auto_decline", rule=rule.id if rule is not None else "default"))
        return Decision.REVIEW, None
    if decision is Decision.DECLINE:
        return decision, item
    if trail.force_review and decision is Decision.APPROVE:
        return Decision.REVIEW, None
    return decision, None


def evaluate(
    policy: Policy, order: Order, request: ReturnDraft | ReturnRequest, context: EvaluationContext
) -> Evaluation:
    """Decide ``request`` on ``order`` under ``policy``: decision, fees, amounts, refund deadline and why."""
    wanted, method, keep_requested, at = _normalise(request, context)
    pending = context.pending_quantities
    trail = _Trail([])

    found, asked, violations = _check_lines(policy, order, wanted, at, pending, trail)
    withdrawal = [found[w.order_line_id].withdrawal for w in wanted]
    limit_block = _check_limit(policy, context.customer_returns, at, withdrawal, trail)
    value = Money.sum(
        (
            order.line(w.order_line_id).paid_for(min(w.quantity, found[w.order_line_id].line.quantity_ordered))
            for w in wanted
        ),
        order.currency,
    )
    keep_item, keep_offered = _check_keep_item(policy, wanted, value, keep_requested, trail)

    eu = withdrawal_applies(policy, order)
    full_return = all(
        line.quantity_returned + pending.get(line.id, 0) + asked.get(line.id, 0) >= line.quantity_ordered
        for line in order.lines
    )
    priced = [
        PricedLine(
            w.id,
            found[w.order_line_id].line,
            w.quantity,
            w.reason,
            w.resolution.kind,
            found[w.order_line_id].withdrawal,
            w.exchange_price,
            w.resolution.difference_as_credit,
        )
        for w in wanted
    ]
    money = compute(
        policy,
        order,
        priced,
        keep_item=keep_item,
        full_return=full_return,
        eu=eu,
        shipping_refunded=context.shipping_refunded,
    )
    trail.items.extend(money.items)

    decline_item: Item | None
    if violations:
        decision, decline_item = Decision.DECLINE, violations[0]
        trail.add(Item.of("eligibility", "decision.ineligible"))
    elif limit_block is not None:
        decision, decline_item = Decision.DECLINE, limit_block
    else:
        facts = Facts(
            order=order,
            reasons=frozenset(w.reason for w in wanted),
            value=value,
            tags=gather_tags(order, [found[w.order_line_id].line.tags for w in wanted]),
            method=method,
            outcomes=frozenset(w.resolution.kind for w in wanted),
            keep_item=keep_requested,
            history=context.customer_returns,
            now=at,
        )
        decision, decline_item = _decide_by_rules(policy, facts, any(withdrawal), trail)

    policy_decision = decision
    if context.override is not None:
        decision = context.override.decision
        override_item = trail.add(
            Item.of(
                "agent_override",
                "agent.override",
                decision=Label(f"decision.{decision}"),
                previous=Label(f"decision.{policy_decision}"),
                agent=context.actor.id or "?",
                reason=context.override.reason.strip(),
            )
        )
        if decision is not Decision.DECLINE:
            decline_item = None
        elif decline_item is None:
            decline_item = override_item

    if keep_item and decision is Decision.APPROVE:
        kinds = sorted({w.resolution.kind for w in wanted})
        trail.add(
            Item.of(
                "keep_item",
                "keep_item.resolved",
                outcome=Listing(tuple(Label(f"outcome.{kind}") for kind in kinds)),
                amount=money.amounts.refund + money.amounts.store_credit,
            )
        )

    refund_due_by: datetime | None = None
    if eu is not None and any(withdrawal) and decision is not Decision.DECLINE:
        refund_due_by = at + timedelta(days=eu.refund_days)
        due = local_date(refund_due_by, ZoneInfo(policy.timezone))
        trail.add(Item.of("eu_withdrawal.refund_days", "eu.refund_due", due=due, days=eu.refund_days))

    lines = tuple(
        LineResult(
            line_id=w.id,
            order_line_id=w.order_line_id,
            quantity=w.quantity,
            reason=w.reason,
            outcome=w.resolution.kind,
            eligible=found[w.order_line_id].eligible,
            withdrawal=found[w.order_line_id].withdrawal,
            deadline=found[w.order_line_id].deadline,
            allowed_outcomes=found[w.order_line_id].outcomes(policy, w.reason)
            if found[w.order_line_id].eligible
            else frozenset(),
            amounts=amounts,
        )
        for w, amounts in zip(wanted, money.amounts.lines, strict=True)
    )
    return Evaluation(
        decision=decision,
        decline_reason=None if decline_item is None else decline_item.key,
        fees=money.fees,
        amounts=money.amounts,
        refund_due_by=refund_due_by,
        explanation=Explanation(tuple(trail.items)),
        lines=lines,
        balance_due=money.balance_due,
        keep_item=keep_item,
        keep_item_offered=keep_offered,
        withdrawal=any(withdrawal),
        policy_decision=policy_decision,
        policy_fingerprint=policy.fingerprint(),
        decline_item=decline_item,
    )
