"""Automatic decisions: the first matching rule by priority (lower first, ties in file order) decides."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from connector.domain.money import Money
from connector.domain.orders import Order
from connector.domain.reasons import ReasonCode
from connector.domain.resolutions import ResolutionKind, ReturnMethod
from connector.policy.model import Policy, Rule, RuleConditions


@dataclass(frozen=True, slots=True)
class Facts:
    """What rule conditions look at, gathered once per evaluation."""

    order: Order
    reasons: frozenset[ReasonCode]
    value: Money  # what was paid for the returned units
    tags: frozenset[str]  # order tags and the returned lines' tags, case-folded
    method: ReturnMethod
    outcomes: frozenset[ResolutionKind]
    keep_item: bool
    history: tuple[datetime, ...]
    now: datetime

    def returns_within(self, days: int) -> int:
        since = self.now - timedelta(days=days)
        return sum(1 for stamp in self.history if since < stamp <= self.now)


def _value_ok(bound: Money | None, value: Money, above: bool) -> bool:
    if bound is None:
        return False  # a bound for another currency never matches
    return value >= bound if above else value <= bound


def matches(when: RuleConditions, facts: Facts) -> bool:
    currency = facts.value.currency
    checks: list[bool] = []
    if when.reasons:
        checks.append(bool(when.reasons & facts.reasons))
    if when.min_value is not None:
        checks.append(_value_ok(when.min_value.get(currency), facts.value, above=True))
    if when.max_value is not None:
        checks.append(_value_ok(when.max_value.get(currency), facts.value, above=False))
    count = facts.returns_within(when.history_days)
    if when.min_customer_returns is not None:
        checks.append(count >= when.min_customer_returns)
    if when.max_customer_returns is not None:
        checks.append(count <= when.max_customer_returns)
    if when.countries:
        checks.append(facts.order.country is not None and facts.order.country.upper() in when.countries)
    if when.tags:
        checks.append(bool({t.casefold() for t in when.tags} & facts.tags))
    if when.methods:
        checks.append(facts.method in when.methods)
    if when.outcomes:
        checks.append(bool(when.outcomes & facts.outcomes))
    if when.keep_item is not None:
        checks.append(when.keep_item is facts.keep_item)
    return all(checks)


def first_match(policy: Policy, facts: Facts) -> Rule | None:
    return next((rule for rule in policy.ordered_rules if matches(rule.when, facts)), None)


def gather_tags(order: Order, line_tags: Sequence[frozenset[str]]) -> frozenset[str]:
    tags = {t.casefold() for t in order.tags}
    for group in line_tags:
        tags.update(t.casefold() for t in group)
    return frozenset(tags)
