"""The return policy engine: a shop's policy as data, and one pure ``evaluate`` call that applies it.

Usage::

    policy = load("policies/default.toml")
    result = evaluate(policy, order, draft_or_request, EvaluationContext(now=utcnow()))
    result.decision, result.amounts, result.explanation.render("fr")
"""

from connector.policy.context import AgentOverride, DraftLine, EvaluationContext, ReturnDraft
from connector.policy.describe import describe
from connector.policy.eligibility import LineEligibility, line_eligibility
from connector.policy.engine import Evaluation, LineResult, evaluate
from connector.policy.errors import PolicyError
from connector.policy.explain import Explanation, Item
from connector.policy.loader import load, loads
from connector.policy.model import Decision, Policy
from connector.policy.simulate import SimulationReport, simulate

__all__ = [
    "AgentOverride",
    "Decision",
    "DraftLine",
    "Evaluation",
    "EvaluationContext",
    "Explanation",
    "Item",
    "LineEligibility",
    "LineResult",
    "Policy",
    "PolicyError",
    "ReturnDraft",
    "SimulationReport",
    "describe",
    "evaluate",
    "line_eligibility",
    "load",
    "loads",
    "simulate",
]
