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
from connector.domain.resolutions import LineAmounts, ResolutionKind, ReturnAmounts, ReturnFees
from connector.domain.returns import ReturnRequest
from connector.policy.amounts import MoneyResult, PricedLine, compute
from connector.policy.checks import (
    NormalisedRequest,
    Trail,
    WantedLine,
    check_customer_limit,
    check_keep_item,
    check_lines,
    normalise_request,
)
from connector.policy.context import EvaluationContext, ReturnDraft
from connector.policy.eligibility import Assessment, withdrawal_applies
from connector.policy.explain import Explanation, Item, Label, Listing, Text
from connector.policy.model import Decision, EuWithdrawal, Policy
from connector.policy.rules import Facts, first_match, gather_tags
from connector.policy.schema import fingerprint
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


def _decide_by_rules(policy: Policy, facts: Facts, any_withdrawal: bool, trail: Trail) -> tuple[Decision, Item | None]:
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


def _returned_value(order: Order, wanted: list[WantedLine], found: Mapping[str, Assessment]) -> Money:
    """What the returned lines were paid, capped at the ordered quantity: the figure keep-item and rules compare."""
    return Money.sum(
        (
            order.line(w.order_line_id).paid_for(min(w.quantity, found[w.order_line_id].line.quantity_ordered))
            for w in wanted
        ),
        order.currency,
    )


def _is_full_return(order: Order, pending: Mapping[str, int], asked: Mapping[str, int]) -> bool:
    """Whether, with this request and the returns still open, every ordered unit comes back (shipping refunds)."""
    return all(
        line.quantity_returned + pending.get(line.id, 0) + asked.get(line.id, 0) >= line.quantity_ordered
        for line in order.lines
    )


def _priced_lines(wanted: list[WantedLine], found: Mapping[str, Assessment]) -> list[PricedLine]:
    """The requested lines in the shape the money computation takes."""
    return [
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


def _policy_decision(
    policy: Policy,
    order: Order,
    request: NormalisedRequest,
    found: Mapping[str, Assessment],
    blockers: tuple[list[Item], Item | None],
    context: EvaluationContext,
    trail: Trail,
) -> tuple[Decision, Item | None]:
    """What the policy alone decides: an ineligible line or the customer limit declines, else the rules do."""
    violations, limit_block = blockers
    if violations:
        trail.add(Item.of("eligibility", "decision.ineligible"))
        return Decision.DECLINE, violations[0]
    if limit_block is not None:
        return Decision.DECLINE, limit_block
    wanted = request.wanted
    facts = Facts(
        order=order,
        reasons=frozenset(w.reason for w in wanted),
        value=_returned_value(order, wanted, found),
        tags=gather_tags(order, [found[w.order_line_id].line.tags for w in wanted]),
        method=request.method,
        outcomes=frozenset(w.resolution.kind for w in wanted),
        keep_item=request.keep_requested,
        history=context.customer_returns,
        now=request.at,
    )
    any_withdrawal = any(found[w.order_line_id].withdrawal for w in wanted)
    return _decide_by_rules(policy, facts, any_withdrawal, trail)


def _apply_override(
    context: EvaluationContext, decision: Decision, decline_item: Item | None, trail: Trail
) -> tuple[Decision, Item | None]:
    """An agent's override replaces the policy's decision, and says so in the explanation with its reason.

    An overriding decline with no policy reason of its own gives the override itself as the reason.
    """
    if context.override is None:
        return decision, decline_item
    overridden = context.override.decision
    override_item = trail.add(
        Item.of(
            "agent_override",
            "agent.override",
            decision=Label(f"decision.{overridden}"),
            previous=Label(f"decision.{decision}"),
            agent=context.actor.id or "?",
            reason=context.override.reason.strip(),
        )
    )
    if overridden is not Decision.DECLINE:
        return overridden, None
    return overridden, override_item if decline_item is None else decline_item


def _note_kept_items(wanted: list[WantedLine], money: MoneyResult, trail: Trail) -> None:
    """An approved keep-item return: say what the customer gets without sending anything back."""
    kinds = sorted({w.resolution.kind for w in wanted})
    trail.add(
        Item.of(
            "keep_item",
            "keep_item.resolved",
            outcome=Listing(tuple(Label(f"outcome.{kind}") for kind in kinds)),
            amount=money.amounts.refund + money.amounts.store_credit,
        )
    )


def _refund_due_by(policy: Policy, eu: EuWithdrawal, at: datetime, trail: Trail) -> datetime:
    """The legal deadline to refund a withdrawal, counted from the request and shown as the shop's local date."""
    due_by = at + timedelta(days=eu.refund_days)
    due = local_date(due_by, ZoneInfo(policy.timezone))
    trail.add(Item.of("eu_withdrawal.refund_days", "eu.refund_due", due=due, days=eu.refund_days))
    return due_by


def _line_results(
    policy: Policy, wanted: list[WantedLine], found: Mapping[str, Assessment], money: MoneyResult
) -> tuple[LineResult, ...]:
    """Each requested line's own verdict and money, for the views that show line by line."""
    return tuple(
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


def evaluate(
    policy: Policy, order: Order, request: ReturnDraft | ReturnRequest, context: EvaluationContext
) -> Evaluation:
    """Decide ``request`` on ``order`` under ``policy``: decision, fees, amounts, refund deadline and why.

    The steps write the explanation in the order a reader follows it: the lines' eligibility, the customer
    limit, keep-item, the money, then the decision, an agent's override and the legal refund deadline.
    """
    normalised = normalise_request(request, context)
    wanted, at = normalised.wanted, normalised.at
    pending = context.pending_quantities
    trail = Trail([])

    found, asked, violations = check_lines(policy, order, wanted, at, pending, trail)
    withdrawal = any(found[w.order_line_id].withdrawal for w in wanted)
    limit_block = check_customer_limit(
        policy, context.customer_returns, at, [found[w.order_line_id].withdrawal for w in wanted], trail
    )
    value = _returned_value(order, wanted, found)
    keep_item, keep_offered = check_keep_item(policy, wanted, value, normalised.keep_requested, trail)

    eu = withdrawal_applies(policy, order)
    money = compute(
        policy,
        order,
        _priced_lines(wanted, found),
        keep_item=keep_item,
        full_return=_is_full_return(order, pending, asked),
        eu=eu,
        shipping_refunded=context.shipping_refunded,
        method=normalised.method,
    )
    trail.items.extend(money.items)

    policy_decision, decline_item = _policy_decision(
        policy, order, normalised, found, (violations, limit_block), context, trail
    )
    decision, decline_item = _apply_override(context, policy_decision, decline_item, trail)
    if keep_item and decision is Decision.APPROVE:
        _note_kept_items(wanted, money, trail)
    refund_due_by = None
    if eu is not None and withdrawal and decision is not Decision.DECLINE:
        refund_due_by = _refund_due_by(policy, eu, at, trail)

    return Evaluation(
        decision=decision,
        decline_reason=None if decline_item is None else decline_item.key,
        fees=money.fees,
        amounts=money.amounts,
        refund_due_by=refund_due_by,
        explanation=Explanation(tuple(trail.items)),
        lines=_line_results(policy, wanted, found, money),
        balance_due=money.balance_due,
        keep_item=keep_item,
        keep_item_offered=keep_offered,
        withdrawal=withdrawal,
        policy_decision=policy_decision,
        policy_fingerprint=fingerprint(policy),
        decline_item=decline_item,
    )
