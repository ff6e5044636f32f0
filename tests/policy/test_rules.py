"""Automatic decisions: conditions, priority, default action, decline message, agent override."""

from __future__ import annotations

from datetime import timedelta

import pytest

from connector.domain import ReasonCode, Resolution, ReturnMethod
from connector.domain.errors import InvalidReturn
from connector.domain.events import Actor, ActorKind
from connector.policy import AgentOverride, Decision, evaluate
from tests.policy.builders import agent, at, ctx, draft, line, order, policy, want

NOW = at(2026, 3, 5)


def decide(
    rules: str,
    *lines_: object,
    default: str = "review",
    method: ReturnMethod = ReturnMethod.PREPAID_LABEL,
    history: int = 0,
    country: str | None = "FR",
    tags: frozenset[str] = frozenset(),
    line_tags: frozenset[str] = frozenset(),
    keep: bool = False,
) -> tuple[Decision, list[str]]:
    o = order(line("L1", price="80.00", delivered=at(2026, 3, 3), tags=line_tags), country=country, tags=tags)
    p = policy(f'default_action = "{default}"\n[keep_item]\nbelow = {{ EUR = "100" }}\n' + rules)
    returns = tuple(NOW - timedelta(days=d + 1) for d in range(history))
    e = evaluate(p, o, draft(*(lines_ or (want("L1"),)), method=method, keep=keep), ctx(NOW, customer_returns=returns))  # type: ignore[arg-type]
    return e.decision, e.explanation.message_keys()


def rule(action: str, when: str, rid: str = "r", priority: int = 1) -> str:
    return f'[[rules]]\nid = "{rid}"\npriority = {priority}\naction = "{action}"\nwhen = {{ {when} }}\n'


@pytest.mark.parametrize(
    ("when", "kw", "matches"),
    [
        ('reasons = ["defective"]', {"lines_": (want("L1", reason=ReasonCode.DEFECTIVE),)}, True),
        ('reasons = ["defective"]', {}, False),
        ('max_value = { EUR = "80.00" }', {}, True),
        ('max_value = { EUR = "79.99" }', {}, False),
        ('min_value = { EUR = "80.00" }', {}, True),
        ('min_value = { USD = "1" }', {}, False),  # a bound in another currency never matches
        ("min_customer_returns = 3", {"history": 3}, True),
        ("min_customer_returns = 3", {"history": 2}, False),
        ("max_customer_returns = 0", {"history": 0}, True),
        ("max_customer_returns = 0, history_days = 2", {"history": 1}, False),
        ('countries = ["DE", "FR"]', {}, True),
        ('countries = ["DE"]', {}, False),
        ('countries = ["FR"]', {"country": None}, False),
        ('tags = ["VIP"]', {"tags": frozenset({"vip"})}, True),
        ('tags = ["fragile"]', {"line_tags": frozenset({"Fragile"})}, True),
        ('tags = ["vip"]', {}, False),
        ('methods = ["in_store"]', {"method": ReturnMethod.IN_STORE}, True),
        ('methods = ["in_store"]', {}, False),
        ('outcomes = ["exchange"]', {"lines_": (want("L1", resolution=Resolution.exchange(variant_id="V")),)}, True),
        ('outcomes = ["exchange"]', {}, False),
        ("keep_item = true", {"keep": True}, True),
        ("keep_item = true", {}, False),
        ('reasons = ["unwanted"], countries = ["FR"]', {"lines_": (want("L1", reason=ReasonCode.UNWANTED),)}, True),
        ('reasons = ["unwanted"], countries = ["DE"]', {"lines_": (want("L1", reason=ReasonCode.UNWANTED),)}, False),
    ],
)
def test_rule_conditions(when: str, kw: dict[str, object], matches: bool) -> None:
    lines_ = kw.pop("lines_", ())
    decision, keys = decide(rule("approve", when), *lines_, **kw)  # type: ignore[arg-type]
    assert (decision is Decision.APPROVE) is matches
    assert ("rule.approve" in keys) is matches
    assert ("default.review" in keys) is not matches


def test_lower_priority_number_runs_first_whatever_the_file_order() -> None:
    rules = rule("approve", "", "late", 20) + rule("review", "", "early", 10)
    decision, keys = decide(rules, default="decline")
    assert decision is Decision.REVIEW
    assert keys.count("rule.review") == 1 and "rule.approve" not in keys


def test_equal_priorities_keep_file_order() -> None:
    rules = rule("approve", "", "first", 5) + rule("review", "", "second", 5)
    assert decide(rules)[0] is Decision.APPROVE


@pytest.mark.parametrize("default", ["approve", "decline", "review"])
def test_default_applies_when_no_rule_matches(default: str) -> None:
    decision, keys = decide(rule("approve", 'countries = ["JP"]'), default=default)
    assert decision is Decision(default)
    assert f"default.{default}" in keys


def test_decline_rule_gives_its_message_in_each_language() -> None:
    rules = (
        '[[rules]]\nid = "no-us"\npriority = 1\naction = "decline"\n'
        'message = { en = "Returns from the US go through support.", '
        'fr = "Les retours des USA passent par le support." }\n'
        'when = { countries = ["US"] }\n'
    )
    o = order(line("L1", delivered=at(2026, 3, 3)), country="US")
    e = evaluate(policy(rules), o, draft(want("L1")), ctx(NOW))
    assert e.decision is Decision.DECLINE
    assert e.decline_reason == "rule.decline"
    assert e.decline_text("en") == "Declined (rule “no-us”): Returns from the US go through support."
    assert e.decline_text("fr") == "Refusé (règle « no-us ») : Les retours des USA passent par le support."


def test_eligibility_failure_declines_before_any_rule() -> None:
    o = order(line("L1", delivered=at(2026, 1, 3)))
    e = evaluate(policy(rule("approve", "")), o, draft(want("L1")), ctx(NOW))
    assert e.decision is Decision.DECLINE
    assert e.decline_reason == "window.expired.delivered"
    assert "rule.approve" not in e.explanation.message_keys()


def test_agent_override_is_applied_and_recorded() -> None:
    o = order(line("L1", delivered=at(2026, 1, 3)))
    context = ctx(NOW, actor=agent("alice"), override=AgentOverride(Decision.APPROVE, "Loyal customer, courier delay"))
    e = evaluate(policy(), o, draft(want("L1")), context)
    assert e.decision is Decision.APPROVE
    assert e.policy_decision is Decision.DECLINE
    assert e.decline_reason is None
    item = e.explanation.items[-1]
    assert item.key == "agent.override" and item.rule == "agent_override"
    assert e.explanation.lines("en")[-1] == (
        "Decision set to “approved” by agent alice (the policy said “declined”): Loyal customer, courier delay"
    )
    assert "agent alice" in e.explanation.lines("fr")[-1]


def test_agent_can_decline_what_policy_approves() -> None:
    o = order(line("L1", delivered=at(2026, 3, 3)))
    context = ctx(NOW, actor=agent(), override=AgentOverride(Decision.DECLINE, "Item worn"))
    e = evaluate(policy('default_action = "approve"'), o, draft(want("L1")), context)
    assert e.decision is Decision.DECLINE and e.policy_decision is Decision.APPROVE
    assert e.decline_reason == "agent.override"


def test_only_agents_override_and_always_with_a_reason() -> None:
    with pytest.raises(InvalidReturn, match="only an agent"):
        ctx(NOW, actor=Actor(ActorKind.CUSTOMER), override=AgentOverride(Decision.APPROVE, "please"))
    with pytest.raises(InvalidReturn, match="needs a reason"):
        ctx(NOW, actor=agent(), override=AgentOverride(Decision.APPROVE, "  "))
