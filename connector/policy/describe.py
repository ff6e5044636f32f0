"""The policy in plain words for the shop's returns page: ``describe(policy, "EUR").render("fr")``.

Built from the same catalogue as the explanations, so what customers read is what the engine applies.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Literal

from connector.domain.reasons import ReasonCode
from connector.domain.resolutions import ResolutionKind
from connector.policy.explain import Explanation, Item, Label, Listing
from connector.policy.methods import offered_methods
from connector.policy.model import BonusKind, OutcomeRule, Policy

_OUTCOME_ORDER = (ResolutionKind.REFUND, ResolutionKind.STORE_CREDIT, ResolutionKind.EXCHANGE)


def _outcomes(kinds: Iterable[ResolutionKind], style: Literal["standard", "or"] = "or") -> Listing:
    chosen = set(kinds)
    return Listing(tuple(Label(f"outcome.{k}") for k in _OUTCOME_ORDER if k in chosen), style)


def _reasons(reasons: Iterable[ReasonCode]) -> Listing:
    chosen = set(reasons)
    return Listing(tuple(Label(f"reason.{r}") for r in ReasonCode if r in chosen), "or")


def _words(values: Iterable[str], style: Literal["standard", "or"] = "or") -> Listing:
    return Listing(tuple(sorted(values)), style)


def _outcome_rule(rule: OutcomeRule, index: int) -> Item:
    products = sorted(rule.tags | rule.product_types | rule.collections | rule.skus)
    rule_id = f"outcomes.rules[{index}]"
    if rule.reasons and products:
        return Item.of(
            rule_id,
            "policy.outcome_rule.both",
            reasons=_reasons(rule.reasons),
            products=_words(products),
            outcomes=_outcomes(rule.allowed, "or"),
        )
    if rule.reasons:
        return Item.of(
            rule_id,
            "policy.outcome_rule.reasons",
            reasons=_reasons(rule.reasons),
            outcomes=_outcomes(rule.allowed, "or"),
        )
    return Item.of(
        rule_id, "policy.outcome_rule.products", products=_words(products), outcomes=_outcomes(rule.allowed, "or")
    )


def _windows(policy: Policy) -> Iterator[Item]:
    """How long a customer has: the window, its per-product overrides and the holiday extensions."""
    windows = policy.windows
    yield Item.of("windows", f"policy.window.{windows.anchor}", days=windows.days, buffer=windows.transit_buffer_days)
    for override in windows.overrides:
        yield Item.of("windows.overrides", f"policy.override.{override.kind}", match=override.match, days=override.days)
    for holiday in windows.holidays:
        yield Item.of("windows.holidays", "policy.holiday", start=holiday.start, end=holiday.end, until=holiday.until)


def _exclusions(policy: Policy) -> Iterator[Item]:
    """What cannot be returned at all, and how many returns a customer may make."""
    exclusions = policy.exclusions
    if exclusions.final_sale:
        yield Item.of("exclusions.final_sale", "policy.excluded.final_sale")
    if exclusions.tags:
        yield Item.of("exclusions.tags", "policy.excluded.tags", values=_words(exclusions.tags))
    if exclusions.product_types:
        yield Item.of(
            "exclusions.product_types", "policy.excluded.product_types", values=_words(exclusions.product_types)
        )
    if policy.customer_limit is not None:
        limit = policy.customer_limit
        yield Item.of("customer_limit", "policy.limit", max=limit.max_returns, days=limit.period_days)


def _outcomes_offered(policy: Policy, currency: str) -> Iterator[Item]:
    """What the customer may get back: outcomes, their rules, exchange scope, bonus and keep-the-item."""
    outcomes = policy.outcomes
    yield Item.of("outcomes.allowed", "policy.outcomes", outcomes=_outcomes(outcomes.allowed))
    yield from (_outcome_rule(rule, i) for i, rule in enumerate(outcomes.rules))
    if ResolutionKind.EXCHANGE in outcomes.allowed:
        yield Item.of("outcomes.exchange_scope", f"policy.exchange.{outcomes.exchange_scope}")
    bonus = policy.bonus
    if bonus is not None:
        if bonus.kind is BonusKind.PERCENT:
            yield Item.of(
                "bonus", "policy.bonus.percent", percent=bonus.percent, outcomes=_outcomes(bonus.outcomes, "or")
            )
        else:
            flat = bonus.flat.get(currency)
            if flat is not None:
                yield Item.of("bonus", "policy.bonus.flat", amount=flat, outcomes=_outcomes(bonus.outcomes, "or"))
    if policy.keep_item is not None:
        below = policy.keep_item.below.get(currency)
        if below is not None:
            yield Item.of("keep_item", "policy.keep_item", amount=below)


def _fees(policy: Policy, currency: str) -> Iterator[Item]:
    """What a return costs: return shipping (or free), restocking fees and whether shipping is refunded."""
    fees = policy.fees
    fee = fees.return_shipping.get(currency)
    if fee is None or not fee:
        yield Item.of("fees.return_shipping", "policy.fee.free")
    elif fees.waive_shipping_for:
        yield Item.of(
            "fees.return_shipping",
            "policy.fee.return_shipping.waived",
            amount=fee,
            outcomes=_outcomes(fees.waive_shipping_for, "or"),
        )
    else:
        yield Item.of("fees.return_shipping", "policy.fee.return_shipping", amount=fee)
    for reason, rate in fees.restocking_percent.items():
        if rate and not reason.is_merchant_fault:
            yield Item.of(
                "fees.restocking_percent", "policy.restocking", percent=rate, reason=Label(f"reason.{reason}")
            )
    if fees.restocking_percent:
        yield Item.of("fees.restocking_percent", "policy.restocking.never_faulty")
    yield Item.of("fees.shipping_refund", f"policy.shipping_refund.{fees.shipping_refund}")


def _methods(policy: Policy, currency: str) -> Iterator[Item]:
    """The ways back; each one's price only when a method has its own (else the fee sentence above says it)."""
    offers = offered_methods(policy, currency)
    labels = Listing(tuple(Label(f"method.{offer.method}") for offer in offers))
    yield Item.of("methods", "policy.methods", methods=labels)
    if not policy.fees.by_method:
        return
    for offer in offers:
        method = Label(f"method.{offer.method}")
        if offer.free:
            yield Item.of("fees.by_method", "policy.method.free", method=method)
        else:
            yield Item.of("fees.by_method", "policy.method.fee", method=method, amount=offer.fee)


def _eu_rights(policy: Policy) -> Iterator[Item]:
    """Under the EU preset, the statutory withdrawal right in plain words, and what it does not cover."""
    eu = policy.eu_withdrawal
    if eu is None:
        return
    yield Item.of("eu_withdrawal", "policy.eu.withdrawal", days=eu.days, refund_days=eu.refund_days)
    if eu.customer_not_informed:
        yield Item.of("eu_withdrawal.not_informed", "policy.eu.not_informed")
    excluded = eu.excluded_tags | eu.excluded_product_types
    if excluded:
        yield Item.of("eu_withdrawal.exclusions", "policy.eu.excluded", values=_words(excluded))


def describe(policy: Policy, currency: str) -> Explanation:
    """The customer-facing summary of ``policy`` for prices in ``currency``.

    In the order a customer reads a returns page: how long, what is excluded, what they get, what it costs,
    and their statutory rights.
    """
    return Explanation(
        (
            *_windows(policy),
            *_exclusions(policy),
            *_outcomes_offered(policy, currency),
            *_fees(policy, currency),
            *_methods(policy, currency),
            *_eu_rights(policy),
        )
    )
