"""Per order line: can it be returned, how many units, by when, for which outcomes.

The legal withdrawal (when the policy enables it and the order ships to a covered country) is assessed
next to the commercial policy, and the more generous of the two applies for the customer.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from connector.domain.money import Money
from connector.domain.orders import Order, OrderLine
from connector.domain.reasons import ReasonCode
from connector.domain.resolutions import ResolutionKind
from connector.policy.explain import Explanation, Item
from connector.policy.model import EuWithdrawal, Policy
from connector.policy.windows import Window, commercial_window, withdrawal_window

ALL_REASONS: tuple[ReasonCode, ...] = tuple(ReasonCode)


def _fold(values: frozenset[str]) -> set[str]:
    return {v.casefold() for v in values}


def withdrawal_applies(policy: Policy, order: Order) -> EuWithdrawal | None:
    """The preset covers the order's country; an unknown country is covered (in the customer's favour)."""
    eu = policy.eu_withdrawal
    if eu is None:
        return None
    if order.country is not None and order.country.upper() not in eu.countries:
        return None
    return eu


def commercial_exclusion(policy: Policy, line: OrderLine) -> Item | None:
    rules = policy.exclusions
    if rules.final_sale and line.final_sale:
        return Item.of("exclusions.final_sale", "exclusion.final_sale", line.id, item=line.title)
    if line.sku is not None and line.sku.casefold() in _fold(rules.skus):
        return Item.of("exclusions.skus", "exclusion.sku", line.id, item=line.title, match=line.sku)
    hit = sorted(_fold(line.tags) & _fold(rules.tags))
    if hit:
        return Item.of("exclusions.tags", "exclusion.tag", line.id, item=line.title, match=hit[0])
    if line.product_type is not None and line.product_type.casefold() in _fold(rules.product_types):
        return Item.of(
            "exclusions.product_types",
            "exclusion.product_type",
            line.id,
            item=line.title,
            match=line.product_type,
        )
    return None


def withdrawal_excluded(eu: EuWithdrawal, line: OrderLine) -> bool:
    """L221-28 exclusions as configured (personalised goods, unsealed hygiene goods...)."""
    if _fold(line.tags) & _fold(eu.excluded_tags):
        return True
    return line.product_type is not None and line.product_type.casefold() in _fold(eu.excluded_product_types)


def commercial_outcomes(policy: Policy, line: OrderLine, reason: ReasonCode) -> frozenset[ResolutionKind]:
    """The first outcome rule whose every non-empty condition matches, else the policy's default set."""
    for rule in policy.outcomes.rules:
        if rule.reasons and reason not in rule.reasons:
            continue
        if rule.tags and not _fold(line.tags) & _fold(rule.tags):
            continue
        if rule.collections and not _fold(line.collections) & _fold(rule.collections):
            continue
        if rule.skus and (line.sku is None or line.sku.casefold() not in _fold(rule.skus)):
            continue
        if rule.product_types and (
            line.product_type is None or line.product_type.casefold() not in _fold(rule.product_types)
        ):
            continue
        return rule.allowed
    return policy.outcomes.allowed


@dataclass(frozen=True, slots=True)
class Assessment:
    """Internal per-line verdict shared by ``line_eligibility`` and ``evaluate``."""

    line: OrderLine
    available: int  # units not returned and not on other open returns
    commercial_ok: bool
    withdrawal: bool  # the legal withdrawal covers this line now
    window: Window | None
    legal_window: Window | None
    items: tuple[Item, ...]
    blocker: Item | None  # why the line cannot be returned, when it cannot

    @property
    def eligible(self) -> bool:
        return self.available > 0 and (self.commercial_ok or self.withdrawal)

    @property
    def deadline(self) -> date | None:
        dates = [
            w.deadline
            for w, ok in ((self.window, self.commercial_ok), (self.legal_window, self.withdrawal))
            if w is not None and ok
        ]
        return max(dates) if dates else None

    @property
    def deadline_at(self) -> datetime | None:
        stamps = [
            w.ends_at
            for w, ok in ((self.window, self.commercial_ok), (self.legal_window, self.withdrawal))
            if w is not None and ok
        ]
        return max(stamps) if stamps else None

    def outcomes(self, policy: Policy, reason: ReasonCode) -> frozenset[ResolutionKind]:
        allowed = commercial_outcomes(policy, self.line, reason) if self.commercial_ok else frozenset()
        if self.withdrawal:
            # L221-24: the refund is a right; credit or an exchange may be offered, never imposed.
            allowed = allowed | policy.outcomes.allowed | {ResolutionKind.REFUND}
        return allowed


def _window_item(prefix: str, window: Window, line: OrderLine) -> Item:
    return Item.of(
        "windows",
        f"{prefix}.{window.anchor_kind}",
        line.id,
        item=line.title,
        anchor=window.anchor,
        days=window.days,
        deadline=window.deadline,
        buffer=window.buffer,
    )


def _commercial(
    policy: Policy, order: Order, line: OrderLine, now: datetime, items: list[Item]
) -> tuple[Window, bool, Item | None]:
    """The shop's own offer for the line: its window, whether it is open and not excluded, and what blocks it."""
    window, window_items = commercial_window(policy, order, line)
    items.extend(window_items)
    exclusion = commercial_exclusion(policy, line)
    open_now = window.is_open(now)
    if exclusion is not None:
        items.append(exclusion)
        return window, False, exclusion
    items.append(_window_item("window.open" if open_now else "window.expired", window, line))
    return window, open_now, None if open_now else items[-1]


def _withdrawal_open_items(eu: EuWithdrawal, legal: Window, line: OrderLine) -> Iterator[Item]:
    """The open withdrawal right, and its extension when the customer was not told of it."""
    yield Item.of(
        "eu_withdrawal",
        "eu.withdrawal",
        line.id,
        item=line.title,
        anchor=legal.anchor,
        days=legal.days,
        deadline=legal.deadline,
    )
    if eu.customer_not_informed:
        yield Item.of(
            "eu_withdrawal.not_informed",
            "eu.withdrawal.not_informed",
            line.id,
            item=line.title,
            deadline=legal.deadline,
        )


def _legal(
    policy: Policy, order: Order, line: OrderLine, now: datetime, commercial_ok: bool, items: list[Item]
) -> tuple[Window | None, bool]:
    """The EU withdrawal right for the line, where the policy applies it: its window and whether it is open.

    Its expiry is only worth saying when the shop's own offer does not cover the line either.
    """
    eu = withdrawal_applies(policy, order)
    if eu is None:
        return None, False
    if withdrawal_excluded(eu, line):
        items.append(Item.of("eu_withdrawal.exclusions", "eu.excluded", line.id, item=line.title))
        return None, False
    legal = withdrawal_window(policy, eu, order, line)
    withdrawal = legal.is_open(now)
    if withdrawal:
        items.extend(_withdrawal_open_items(eu, legal, line))
    elif not commercial_ok:
        items.append(
            Item.of("eu_withdrawal", "eu.withdrawal.expired", line.id, item=line.title, deadline=legal.deadline)
        )
    return legal, withdrawal


def assess(policy: Policy, order: Order, line: OrderLine, now: datetime, pending: int) -> Assessment:
    """Whether the line can be returned now, under the shop's offer or the legal withdrawal right, and why.

    An open withdrawal lifts any commercial blocker; units already returned or pending still count.
    """
    items: list[Item] = []
    available = max(0, line.returnable_quantity - pending)
    if line.quantity_fulfilled == 0:
        unshipped = Item.of("windows", "window.not_shipped", line.id, item=line.title)
        return Assessment(line, 0, False, False, None, None, (unshipped,), unshipped)

    window, commercial_ok, blocker = _commercial(policy, order, line, now, items)
    legal, withdrawal = _legal(policy, order, line, now, commercial_ok, items)
    if withdrawal:
        blocker = None
    if available == 0 and blocker is None:
        blocker = Item.of(
            "quantities",
            "quantity.none_left",
            line.id,
            item=line.title,
            returned=line.quantity_returned,
            pending=pending,
        )
        items.append(blocker)
    return Assessment(line, available, commercial_ok, withdrawal, window, legal, tuple(items), blocker)


@dataclass(frozen=True, slots=True)
class LineEligibility:
    """What the portal shows for one order line."""

    line_id: str
    title: str
    returnable_quantity: int
    eligible: bool
    deadline: date | None
    deadline_at: datetime | None
    withdrawal: bool
    allowed_outcomes: frozenset[ResolutionKind]
    outcomes_by_reason: tuple[tuple[ReasonCode, frozenset[ResolutionKind]], ...]
    restocking_percent: tuple[tuple[ReasonCode, Decimal], ...]
    return_shipping_fee: Money
    explanation: Explanation


def restocking_rate(policy: Policy, reason: ReasonCode, withdrawal: bool) -> Decimal:
    """Never for merchant-fault reasons; never during a legal withdrawal."""
    if reason.is_merchant_fault or withdrawal:
        return Decimal(0)
    return policy.fees.restocking_percent.get(reason, Decimal(0))


def customer_limit(policy: Policy, history: Sequence[datetime], at: datetime) -> tuple[Item, bool] | None:
    """(explanation item, limit reached) when the policy caps returns per customer and period."""
    limit = policy.customer_limit
    if limit is None:
        return None
    since = at - timedelta(days=limit.period_days)
    count = sum(1 for stamp in history if since < stamp <= at)
    reached = count >= limit.max_returns
    key = "limit.reached" if reached else "limit.ok"
    return Item.of("customer_limit", key, count=count, days=limit.period_days, max=limit.max_returns), reached


def line_eligibility(
    policy: Policy,
    order: Order,
    now: datetime,
    *,
    pending_quantities: Mapping[str, int] | None = None,
    customer_returns: Sequence[datetime] = (),
) -> list[LineEligibility]:
    """Per order line: returnable quantity, outcomes per reason, fees, deadline and explanation.

    ``customer_returns`` (dates of the customer's earlier returns) applies the customer limit: once it is
    reached only lines under a legal withdrawal stay returnable.
    """
    pending = pending_quantities or {}
    limit = customer_limit(policy, customer_returns, now)
    fee = policy.fees.return_shipping.get(order.currency) or Money.zero(order.currency)
    result: list[LineEligibility] = []
    for line in order.lines:
        found = assess(policy, order, line, now, pending.get(line.id, 0))
        items = list(found.items)
        eligible = found.eligible
        if limit is not None and eligible:
            items.append(limit[0])
            if limit[1] and not found.withdrawal:
                eligible = False
            elif limit[1]:
                items.append(Item.of("eu_withdrawal", "eu.limit_not_applied"))
        by_reason = tuple((r, found.outcomes(policy, r) if eligible else frozenset()) for r in ALL_REASONS)
        union: frozenset[ResolutionKind] = frozenset().union(*(kinds for _, kinds in by_reason))
        rates = tuple((r, restocking_rate(policy, r, found.withdrawal)) for r in ALL_REASONS)
        result.append(
            LineEligibility(
                line_id=line.id,
                title=line.title,
                returnable_quantity=found.available if eligible else 0,
                eligible=eligible,
                deadline=found.deadline,
                deadline_at=found.deadline_at,
                withdrawal=found.withdrawal,
                allowed_outcomes=union,
                outcomes_by_reason=by_reason,
                restocking_percent=rates,
                return_shipping_fee=fee,
                explanation=Explanation(tuple(items)),
            )
        )
    return result
