"""The return policy's verdict on a new return: applied to it, kept beside it, or refusing to keep the goods.

Why apart from ``returns``: this is what the policy said and how it is recorded, the same whoever opened the
return; the use cases in ``returns`` decide when it applies and what the shop is told afterwards.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from connector.domain.errors import DomainError
from connector.domain.events import Actor, ActorKind
from connector.domain.orders import Shop
from connector.domain.returns import ReturnRequest
from connector.policy import Evaluation
from connector.policy.explain import Item
from connector.policy.model import Decision

POLICY = Actor(ActorKind.SYSTEM, "policy")
"""Who approved or declined a return the policy decided on at once."""


class KeepItemRefused(DomainError):
    """The customer asked to keep the item and the policy does not grant it: no return is opened."""

    def __init__(self, evaluation: Evaluation) -> None:
        self.item = next(
            (item for item in evaluation.explanation.items if item.key.startswith("keep_item.")),
            Item.of("keep_item", "keep_item.not_offered"),
        )
        super().__init__(self.item.render("en"))

    def text(self, locale: str) -> str:
        return self.item.render(locale)


def evaluation_document(evaluation: Evaluation) -> dict[str, Any]:
    """The evaluation as stored beside the return, and shown to agents and customers in both languages."""
    return {
        "decision": evaluation.decision.value,
        "policy_decision": evaluation.policy_decision.value,
        "decline_reason": evaluation.decline_reason,
        "policy_fingerprint": evaluation.policy_fingerprint,
        "withdrawal": evaluation.withdrawal,
        "keep_item": evaluation.keep_item,
        "balance_due": {"amount": str(evaluation.balance_due.amount), "currency": evaluation.balance_due.currency},
        "refund_due_by": None if evaluation.refund_due_by is None else evaluation.refund_due_by.isoformat(),
        "explanation": {locale: evaluation.explanation.lines(locale) for locale in ("en", "fr")},
        "items": evaluation.explanation.to_list(),
    }


def apply_decision(request: ReturnRequest, evaluation: Evaluation, shop: Shop, now: datetime) -> None:
    """Approve or decline the return as the policy decided, saying why in the shop's language; a return sent to
    review stays requested."""
    if evaluation.decision is Decision.APPROVE:
        request.approve(POLICY, now, _first_line(evaluation, shop.locale))
    elif evaluation.decision is Decision.DECLINE:
        text = evaluation.customer_decline_text(shop.locale) or "declined by the return policy"
        request.decline(POLICY, now, text)


def _first_line(evaluation: Evaluation, locale: str) -> str:
    lines = evaluation.explanation.lines(locale)
    return lines[0] if lines else ""
