"""Hypothesis properties over random orders, returns and policies: the money is always safe."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connector.domain import Money, Order, OrderLine, ReasonCode, Resolution
from connector.domain.resolutions import ResolutionKind
from connector.policy import Decision, DraftLine, EvaluationContext, ReturnDraft, evaluate, line_eligibility, loads
from connector.policy.model import Policy
from connector.policy.schema import fingerprint, policy_from_dict, policy_to_dict
from tests.policy.builders import at, request_from

CURRENCIES = ("EUR", "JPY", "KWD")
WAIVERS = ("[]", '["store_credit"]', '["store_credit", "exchange"]')


def money(draw: st.DrawFn, currency: str, high: int) -> Money:
    return Money.from_minor(draw(st.integers(0, high)), currency)


@st.composite
def order_lines(draw: st.DrawFn, currency: str, index: int) -> OrderLine:
    qty = draw(st.integers(1, 4))
    fulfilled = draw(st.integers(1, qty))
    price = money(draw, currency, 200_000)
    discount = Money.from_minor(draw(st.integers(0, max(0, (price * qty).to_minor()))), currency)
    delivered = draw(st.one_of(st.none(), st.integers(0, 40).map(lambda d: at(2026, 2, 1) + timedelta(days=d))))
    return OrderLine(
        id=f"L{index}",
        title=f"Item {index}",
        quantity_ordered=qty,
        quantity_fulfilled=fulfilled,
        quantity_returned=draw(st.integers(0, fulfilled - 1)),
        unit_price=price,
        discount=discount,
        tax=money(draw, currency, 50_000),
        taxes_included=draw(st.booleans()),
        fulfilled_at=at(2026, 1, 30),
        delivered_at=delivered,
        sku=f"SKU-{index}",
        product_id=f"P{index}",
        product_type=draw(st.sampled_from([None, "Shoes", "Hygiene"])),
        tags=frozenset(draw(st.sets(st.sampled_from(["final-sale", "personalised", "vip", "sale"])))),
        final_sale=draw(st.booleans()),
    )


@st.composite
def orders(draw: st.DrawFn) -> Order:
    currency = draw(st.sampled_from(CURRENCIES))
    count = draw(st.integers(1, 3))
    lines = tuple(draw(order_lines(currency, i)) for i in range(count))
    return Order(
        id="O1",
        shop_id="S1",
        name="#1",
        currency=currency,
        email="a@example.com",
        created_at=at(2026, 1, 29),
        lines=lines,
        shipping_total=money(draw, currency, 3_000),
        country=draw(st.sampled_from(["FR", "US", None])),
    )


@st.composite
def policies(draw: st.DrawFn, currency: str) -> Policy:
    def amount(high: int) -> str:
        return str(money(draw, currency, high).amount)

    parts = [
        'name = "generated"',
        f'default_action = "{draw(st.sampled_from(["approve", "review", "decline"]))}"',
        f"[windows]\ndays = {draw(st.integers(0, 60))}\ntransit_buffer_days = {draw(st.integers(0, 7))}",
        f'[exclusions]\ntags = ["personalised"]\nfinal_sale = {str(draw(st.booleans())).lower()}',
        "[fees]",
        f'return_shipping = {{ {currency} = "{amount(2_000)}" }}',
        "waive_shipping_for = " + draw(st.sampled_from(WAIVERS)),
        f'restocking_percent = {{ unwanted = "{draw(st.decimals(0, 100, places=2))}", '
        f"style = {draw(st.integers(0, 100))} }}",
        f'shipping_refund = "{draw(st.sampled_from(["never", "always", "merchant_fault", "full_return"]))}"',
        f'[outcomes]\nexchange_scope = "{draw(st.sampled_from(["variant", "any_product"]))}"',
    ]
    bonus = draw(st.sampled_from(["none", "percent", "flat"]))
    if bonus == "percent":
        parts.append(f'[bonus]\nkind = "percent"\npercent = "{draw(st.decimals("0.01", 100, places=2))}"')
    elif bonus == "flat":
        parts.append(f'[bonus]\nkind = "flat"\nflat = {{ {currency} = "{amount(5_000)}" }}')
    if draw(st.booleans()):
        parts.append(f'[keep_item]\nbelow = {{ {currency} = "{amount(100_000)}" }}')
    if draw(st.booleans()):
        parts.append(
            f"[eu_withdrawal]\ncustomer_not_informed = {str(draw(st.booleans())).lower()}\n"
            f'cheapest_delivery = {{ {currency} = "{amount(1_500)}" }}\n'
            f"refund_delivery_on_partial = {str(draw(st.booleans())).lower()}"
        )
    return loads("\n".join(parts))


@st.composite
def cases(draw: st.DrawFn) -> tuple[Policy, Order, ReturnDraft, EvaluationContext]:
    order = draw(orders())
    policy = draw(policies(order.currency))
    lines: list[DraftLine] = []
    for ol in order.lines:
        if ol.returnable_quantity == 0 or not draw(st.booleans()):
            continue
        kind = draw(st.sampled_from(list(ResolutionKind)))
        if kind is ResolutionKind.REFUND:
            resolution = Resolution.refund()
        elif kind is ResolutionKind.STORE_CREDIT:
            resolution = Resolution.store_credit()
        else:
            resolution = draw(
                st.sampled_from([Resolution.exchange(variant_id="V9"), Resolution.exchange(product_id="P9")])
            )
        price = draw(st.one_of(st.none(), st.integers(0, 300_000).map(lambda m: Money.from_minor(m, order.currency))))
        lines.append(
            DraftLine(
                f"R{ol.id}",
                ol.id,
                draw(st.integers(1, ol.returnable_quantity)),
                draw(st.sampled_from(list(ReasonCode))),
                resolution,
                price if kind is ResolutionKind.EXCHANGE else None,
            )
        )
    if not lines:
        first = next((ol for ol in order.lines if ol.returnable_quantity), order.lines[0])
        lines.append(DraftLine("R0", first.id, 1, ReasonCode.OTHER, Resolution.refund()))
    draft = ReturnDraft(tuple(lines), keep_item=draw(st.booleans()))
    now = at(2026, 2, 1) + timedelta(days=draw(st.integers(0, 80)), hours=draw(st.integers(0, 23)))
    history = tuple(now - timedelta(days=d) for d in draw(st.lists(st.integers(1, 400), max_size=6)))
    refunded = draw(st.one_of(st.none(), st.integers(0, 3_000).map(lambda m: Money.from_minor(m, order.currency))))
    return policy, order, draft, EvaluationContext(now=now, customer_returns=history, shipping_refunded=refunded)


COMMON: dict[str, Any] = {
    "max_examples": 200,
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}


@settings(**COMMON)
@given(cases())
def test_money_is_safe_and_accepted_by_the_return(case: tuple[Policy, Order, ReturnDraft, EvaluationContext]) -> None:
    policy, order, draft, context = case
    e = evaluate(policy, order, draft, context)
    a = e.amounts
    zero = Money.zero(order.currency)
    # refund never exceeds what was paid (for these units, plus shipping paid)
    assert a.refund <= a.paid + a.shipping_refund
    assert a.refund + a.store_credit - a.bonus <= a.paid + a.shipping_refund
    assert a.shipping_refund <= order.shipping_total
    for wanted, line_amounts in zip(draft.lines, a.lines, strict=True):
        assert line_amounts.paid <= order.line(wanted.order_line_id).paid_for(wanted.quantity)
    # fees and amounts are never negative
    assert e.fees.return_shipping >= zero and e.fees.restocking >= zero
    for value in (a.refund, a.store_credit, a.exchange_value, a.shipping_refund, e.balance_due):
        assert value >= zero
    # a bonus only with credit or an exchange
    for wanted, line_amounts in zip(draft.lines, a.lines, strict=True):
        assert line_amounts.bonus >= zero
        if line_amounts.bonus:
            assert wanted.resolution.kind in (ResolutionKind.STORE_CREDIT, ResolutionKind.EXCHANGE)
    # never a restocking fee for a merchant-fault reason
    for wanted, line_amounts in zip(draft.lines, a.lines, strict=True):
        if wanted.reason.is_merchant_fault:
            assert not line_amounts.restocking_fee
    # ReturnRequest.set_amounts accepts them
    request = request_from(draft, order, context.now)
    request.set_amounts(e.fees, e.amounts, order)
    # the refund deadline exists only for a legal withdrawal
    assert (e.refund_due_by is not None) <= e.withdrawal


@settings(**COMMON)
@given(cases())
def test_decisions_are_deterministic(case: tuple[Policy, Order, ReturnDraft, EvaluationContext]) -> None:
    policy, order, draft, context = case
    first = evaluate(policy, order, draft, context)
    second = evaluate(policy, order, draft, context)
    assert first == second
    assert first.explanation.render("fr") == second.explanation.render("fr")
    assert first.explanation.render("en") == second.explanation.render("en")


@settings(**COMMON)
@given(cases())
def test_policy_survives_storage(case: tuple[Policy, Order, ReturnDraft, EvaluationContext]) -> None:
    policy, order, draft, context = case
    restored = policy_from_dict(policy_to_dict(policy))
    assert fingerprint(restored) == fingerprint(policy)
    assert evaluate(restored, order, draft, context) == evaluate(policy, order, draft, context)


ELIGIBILITY_KEYS = ("window.", "exclusion.", "quantity.", "outcome.", "limit.", "eu.withdrawal")


@settings(**COMMON)
@given(cases())
def test_portal_and_engine_agree(case: tuple[Policy, Order, ReturnDraft, EvaluationContext]) -> None:
    """What line_eligibility offers, evaluate does not refuse for eligibility reasons (and vice versa)."""
    policy, order, draft, context = case
    offered = {
        result.line_id: result
        for result in line_eligibility(policy, order, context.now, customer_returns=context.customer_returns)
    }
    e = evaluate(policy, order, draft, context)
    within_offer = all(
        offered[w.order_line_id].eligible
        and w.quantity <= offered[w.order_line_id].returnable_quantity
        and w.resolution.kind in dict(offered[w.order_line_id].outcomes_by_reason)[w.reason]
        for w in draft.lines
    ) and len({w.order_line_id for w in draft.lines}) == len(draft.lines)
    other_product = any(
        w.resolution.exchange_product_id not in (None, order.line(w.order_line_id).product_id) for w in draft.lines
    )
    refused_for_eligibility = e.decline_reason is not None and e.decline_reason.startswith(ELIGIBILITY_KEYS)
    if within_offer and not other_product:
        assert not refused_for_eligibility, e.explanation.render("en")
    if not within_offer:
        assert e.decision is Decision.DECLINE and refused_for_eligibility


@settings(**COMMON)
@given(cases())
def test_draft_and_opened_request_evaluate_alike(case: tuple[Policy, Order, ReturnDraft, EvaluationContext]) -> None:
    policy, order, draft, context = case
    request = request_from(draft, order, context.now)
    prices = {w.id: w.exchange_price for w in draft.lines if w.exchange_price is not None}
    from dataclasses import replace

    from_request = evaluate(policy, order, request, replace(context, exchange_prices=prices))
    from_draft = evaluate(policy, order, draft, context)
    assert from_request == from_draft
