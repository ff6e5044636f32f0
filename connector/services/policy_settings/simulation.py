"""A draft policy tried on the shop's recent returns before it is saved: which decisions, amounts and reasons
would change, against what was decided.

What each return is compared with: its evaluation stored when it was opened says which policy judged it (its
fingerprint) and what it decided. That policy is run again on the return, beside the draft, on the same
footing: the order as it was before this return (its own units not yet counted as returned, as a shop's order
counts them once the return is done), the customer's returns before it, the time it was asked. So a difference
is the draft's doing, never the order's or the customer's later history. When the policy that judged it is no
longer known (a return no policy judged, a version since removed with its shop's history), the policy in force
stands in.

Bounded: the ``limit`` most recent returns (``DEFAULT_LIMIT``, at most ``MAX_LIMIT``), so the page answers in
well under a second on any shop.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

from connector.domain.orders import Order
from connector.domain.returns import ReturnRequest
from connector.domain.states import ReturnStatus
from connector.policy import Evaluation, EvaluationContext, evaluate
from connector.policy.explain import Item
from connector.policy.model import Decision, Policy
from connector.policy.schema import fingerprint, policy_from_dict
from connector.policy.simulate import differences
from connector.services.deps import Deps
from connector.services.policies import DEFAULT_POLICY, current_policy
from connector.store.returns_repo import ReturnFilter
from connector.store.uow import UnitOfWork

DEFAULT_LIMIT: Final = 200
MAX_LIMIT: Final = 1000


@dataclass(frozen=True, slots=True)
class ReturnChange:
    """One past return the draft would judge differently."""

    request: ReturnRequest
    decided: Decision | None
    """What the policy decided when the return was opened, as stored (None: nothing stored)."""
    before: Evaluation
    after: Evaluation
    changes: tuple[str, ...]
    """``decision``, ``refund``, ``store_credit``, ``fees``, ``outcomes``, ``refund_due_by``, ``reasons``."""
    new_reasons: tuple[Item, ...]
    """What the draft says about it that was not said before (its refusal, a fee...), to show in any language."""
    gone_reasons: tuple[Item, ...]


@dataclass(frozen=True, slots=True)
class DraftSimulation:
    tried: int
    """Returns judged again (those whose order is known)."""
    without_order: int
    changed: tuple[ReturnChange, ...]
    decisions_before: Mapping[Decision, int]
    decisions_after: Mapping[Decision, int]
    refund_before: Mapping[str, Decimal] = field(default_factory=dict)
    refund_after: Mapping[str, Decimal] = field(default_factory=dict)
    credit_before: Mapping[str, Decimal] = field(default_factory=dict)
    credit_after: Mapping[str, Decimal] = field(default_factory=dict)

    @property
    def unchanged(self) -> int:
        return self.tried - len(self.changed)


def simulate_draft(deps: Deps, shop_id: str, draft: Policy, limit: int = DEFAULT_LIMIT) -> DraftSimulation:
    """The ``limit`` most recent returns of the shop, judged under ``draft`` and under the policy that judged
    each, and what differs. Read in one transaction; nothing is written."""
    with deps.uow() as uow:
        uow.shops.get(shop_id)  # an unknown shop fails here, loudly
        judges = _Judges(uow, shop_id)
        returns = uow.returns(shop_id).list(ReturnFilter(limit=max(1, min(limit, MAX_LIMIT))))
        tally = _Tally()
        for request in reversed(returns):  # oldest first, as they came
            order = uow.orders(shop_id).get(request.order_id)
            if order is None:
                tally.without_order += 1
                continue
            stored = uow.returns(shop_id).evaluation(request.id) or {}
            context = EvaluationContext(now=request.created_at, customer_returns=judges.history(request))
            before_order = _before_this_return(order, request)
            before = evaluate(judges.policy(stored.get("policy_fingerprint")), before_order, request, context)
            after = evaluate(draft, before_order, request, context)
            tally.add(request, _decided(stored), before, after)
    return tally.result()


class _Judges:
    """The shop's policies by fingerprint (each stored version, the built-in default), parsed when first needed,
    and its customers' return dates, read once per customer."""

    def __init__(self, uow: UnitOfWork, shop_id: str) -> None:
        self._uow = uow
        self._shop_id = shop_id
        self._current = current_policy(uow, shop_id)
        self._stored = {v.fingerprint: v.document for v in uow.policies(shop_id).history()}
        self._parsed: dict[str, Policy] = {fingerprint(DEFAULT_POLICY): DEFAULT_POLICY}
        self._history: dict[str, list[tuple[datetime, ReturnStatus]]] = {}

    def policy(self, stamp: Any) -> Policy:
        if not isinstance(stamp, str):
            return self._current
        if stamp not in self._parsed:
            document = self._stored.get(stamp)
            if document is None:
                return self._current
            self._parsed[stamp] = policy_from_dict(document, source=f"shop {self._shop_id} policy {stamp[:12]}")
        return self._parsed[stamp]

    def history(self, request: ReturnRequest) -> tuple[datetime, ...]:
        """The customer's returns opened before this one, as ``customer_history`` counted them then."""
        email = request.customer_email.lower()
        if email not in self._history:
            earlier = self._uow.returns(self._shop_id).list(ReturnFilter(customer_email=email, limit=500))
            self._history[email] = [(r.created_at, r.status) for r in earlier]
        return tuple(
            at for at, status in self._history[email] if at < request.created_at and status is not ReturnStatus.CANCELED
        )


def _before_this_return(order: Order, request: ReturnRequest) -> Order:
    """The order as the return found it: once a return is done, the shop counts its units as returned."""
    on_it: dict[str, int] = {}
    for line in request.lines:
        on_it[line.order_line_id] = on_it.get(line.order_line_id, 0) + line.quantity
    lines = tuple(
        replace(line, quantity_returned=max(0, line.quantity_returned - on_it.get(line.id, 0))) for line in order.lines
    )
    return replace(order, lines=lines)


def _decided(stored: Mapping[str, Any]) -> Decision | None:
    try:
        return Decision(str(stored.get("policy_decision") or stored.get("decision")))
    except ValueError:
        return None


def _add(totals: dict[str, Decimal], currency: str, amount: Decimal) -> None:
    totals[currency] = totals.get(currency, Decimal(0)) + amount


def _said(evaluation: Evaluation) -> dict[tuple[str, str | None], Item]:
    """What the evaluation says, by message and order line: a window's new length alone changes no reason, a
    window now closed does."""
    return {(item.key, item.line_id): item for item in evaluation.explanation.items}


class _Tally:
    def __init__(self) -> None:
        self.tried = 0
        self.without_order = 0
        self.changed: list[ReturnChange] = []
        self.before: Counter[Decision] = Counter()
        self.after: Counter[Decision] = Counter()
        self.money: dict[str, dict[str, Decimal]] = {"rb": {}, "ra": {}, "cb": {}, "ca": {}}

    def add(self, request: ReturnRequest, decided: Decision | None, before: Evaluation, after: Evaluation) -> None:
        self.tried += 1
        self.before[before.decision] += 1
        self.after[after.decision] += 1
        for refund, credit, result in (("rb", "cb", before), ("ra", "ca", after)):
            if result.decision is not Decision.DECLINE:
                _add(self.money[refund], result.amounts.refund.currency, result.amounts.refund.amount)
                _add(self.money[credit], result.amounts.store_credit.currency, result.amounts.store_credit.amount)
        old, new = _said(before), _said(after)
        changes = differences(before, after) + (("reasons",) if old.keys() != new.keys() else ())
        if changes:
            self.changed.append(ReturnChange(
                request, decided, before, after, changes,
                tuple(item for key, item in new.items() if key not in old),
                tuple(item for key, item in old.items() if key not in new),
            ))  # fmt: skip

    def result(self) -> DraftSimulation:
        sums = {name: dict(sorted(values.items())) for name, values in self.money.items()}
        return DraftSimulation(
            self.tried, self.without_order, tuple(reversed(self.changed)), dict(self.before), dict(self.after),
            sums["rb"], sums["ra"], sums["cb"], sums["ca"],
        )  # fmt: skip
