"""Dry run: what would change for past returns if ``new`` replaced ``old``. Pure; the CLI feeds it cases."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

from connector.domain.orders import Order
from connector.domain.returns import ReturnRequest
from connector.policy.context import EvaluationContext
from connector.policy.engine import Evaluation, evaluate
from connector.policy.model import Decision, Policy
from connector.policy.schema import fingerprint


@dataclass(frozen=True, slots=True)
class Totals:
    """Refund and store credit per currency, as Decimal amounts."""

    refund: Mapping[str, Decimal] = field(default_factory=lambda: MappingProxyType({}))
    store_credit: Mapping[str, Decimal] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True, slots=True)
class ChangedCase:
    index: int
    order_id: str
    return_id: str
    old: Evaluation
    new: Evaluation
    changes: tuple[str, ...]  # "decision", "refund", "store_credit", "fees", "outcomes", "refund_due_by"


@dataclass(frozen=True, slots=True)
class SimulationReport:
    old_fingerprint: str
    new_fingerprint: str
    cases: int
    old_decisions: Mapping[Decision, int]
    new_decisions: Mapping[Decision, int]
    transitions: Mapping[tuple[Decision, Decision], int]  # (old, new) -> count, changed decisions only
    old_totals: Totals
    new_totals: Totals
    outcomes_changed: int  # cases where a requested outcome became allowed or disallowed
    changed: tuple[ChangedCase, ...]

    def summary(self) -> str:
        lines = [f"{self.cases} cases, {len(self.changed)} would change"]
        for decision in Decision:
            old, new = self.old_decisions.get(decision, 0), self.new_decisions.get(decision, 0)
            lines.append(f"  {decision}: {old} -> {new}")
        for currency in sorted(set(self.old_totals.refund) | set(self.new_totals.refund)):
            old_r, new_r = self.old_totals.refund.get(currency, 0), self.new_totals.refund.get(currency, 0)
            old_c = self.old_totals.store_credit.get(currency, 0)
            new_c = self.new_totals.store_credit.get(currency, 0)
            lines.append(f"  refund {currency}: {old_r} -> {new_r}; store credit {currency}: {old_c} -> {new_c}")
        lines.append(f"  outcomes changed in {self.outcomes_changed} cases")
        return "\n".join(lines)


def differences(old: Evaluation, new: Evaluation) -> tuple[str, ...]:
    """What differs between two evaluations of one return, by name (see ``ChangedCase.changes``)."""
    found: list[str] = []
    if old.decision is not new.decision:
        found.append("decision")
    if old.amounts.refund != new.amounts.refund:
        found.append("refund")
    if old.amounts.store_credit != new.amounts.store_credit:
        found.append("store_credit")
    if old.fees != new.fees:
        found.append("fees")
    if _outcome_flags(old) != _outcome_flags(new):
        found.append("outcomes")
    if old.refund_due_by != new.refund_due_by:
        found.append("refund_due_by")
    return tuple(found)


def _outcome_flags(evaluation: Evaluation) -> tuple[bool, ...]:
    """Per line: is the outcome the customer asked for allowed?"""
    return tuple(line.outcome in line.allowed_outcomes for line in evaluation.lines)


def _add(totals: dict[str, Decimal], currency: str, amount: Decimal) -> None:
    totals[currency] = totals.get(currency, Decimal(0)) + amount


def simulate(
    old: Policy, new: Policy, cases: Iterable[tuple[Order, ReturnRequest, EvaluationContext]]
) -> SimulationReport:
    """Evaluate every case under both policies. Totals count approved and review cases, not declines."""
    old_counts: Counter[Decision] = Counter()
    new_counts: Counter[Decision] = Counter()
    transitions: Counter[tuple[Decision, Decision]] = Counter()
    sums: dict[str, dict[str, Decimal]] = {"old_r": {}, "old_c": {}, "new_r": {}, "new_c": {}}
    changed: list[ChangedCase] = []
    outcomes_changed = 0
    count = 0
    for index, (order, request, context) in enumerate(cases):
        count += 1
        before = evaluate(old, order, request, context)
        after = evaluate(new, order, request, context)
        old_counts[before.decision] += 1
        new_counts[after.decision] += 1
        for tag, result in (("old", before), ("new", after)):
            if result.decision is not Decision.DECLINE:
                _add(sums[f"{tag}_r"], result.amounts.currency, result.amounts.refund.amount)
                _add(sums[f"{tag}_c"], result.amounts.currency, result.amounts.store_credit.amount)
        if before.decision is not after.decision:
            transitions[(before.decision, after.decision)] += 1
        diffs = differences(before, after)
        if "outcomes" in diffs:
            outcomes_changed += 1
        if diffs:
            changed.append(ChangedCase(index, order.id, request.id, before, after, diffs))

    def frozen(values: dict[str, Decimal]) -> Mapping[str, Decimal]:
        return MappingProxyType(dict(sorted(values.items())))

    return SimulationReport(
        old_fingerprint=fingerprint(old),
        new_fingerprint=fingerprint(new),
        cases=count,
        old_decisions=MappingProxyType(dict(old_counts)),
        new_decisions=MappingProxyType(dict(new_counts)),
        transitions=MappingProxyType(dict(transitions)),
        old_totals=Totals(frozen(sums["old_r"]), frozen(sums["old_c"])),
        new_totals=Totals(frozen(sums["new_r"]), frozen(sums["new_c"])),
        outcomes_changed=outcomes_changed,
        changed=tuple(changed),
    )
