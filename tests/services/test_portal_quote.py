"""The portal's quote: the figures a return would be opened with, computed by the policy, nothing saved.

Each case is checked twice: against the amounts worked out by hand from the order (one unit of L1 was paid
36.00: 40.00 less its share of the line's 8.00 discount) and against the return that ``ask_for_return`` then
opens from the same lines, so the review page can never promise what the return will not give.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine

from connector.bootstrap import Container
from connector.domain import Platform
from connector.domain.events import Actor, ActorKind
from connector.domain.money import Money
from connector.domain.reasons import ReasonCode
from connector.domain.resolutions import Resolution, ResolutionKind, ReturnMethod
from connector.policy.model import Decision
from connector.services.portal_quote import Quote, quote_return
from connector.services.portal_return import AskedLine, InvalidLines, ask_for_return
from tests.api.conftest import build_container
from tests.factories import NOW, order, order_line
from tests.fakes import FakeShop
from tests.portal.review.portal_app import use_policy

SHOP = "shop-a"
CUSTOMER = Actor(ActorKind.CUSTOMER, "ana@example.com")


def eur(amount: str) -> Money:
    return Money(Decimal(amount), "EUR")


@pytest.fixture
def fake_shop() -> FakeShop:
    source = order(
        order_line("L1", ordered=2, fulfilled=2),
        replace(order_line("L2", ordered=1, fulfilled=1), final_sale=True),
    )
    return FakeShop(orders={source.id: replace(source, country="FR")}, stock={"V-9": 3, "V-0": 0, "V-5": 2},
                    prices={"V-9": eur("50.00"), "V-0": eur("20.00"), "V-5": eur("30.00")})


@pytest.fixture
def container(engine: Engine, fake_shop: FakeShop) -> Container:
    built = build_container(engine, {SHOP: fake_shop})
    with built.uow() as uow:
        uow.shops.add(Platform.WOOCOMMERCE, "https://shop.example", shop_id=SHOP,
                      credentials={"consumer_key": "ck", "consumer_secret": "cs"})
        uow.commit()
    return built



def line(resolution: Resolution, line_id: str = "L1", reason: ReasonCode = ReasonCode.SIZE_TOO_SMALL) -> AskedLine:
    return AskedLine(line_id, 1, reason, resolution)


def quote(container: Container, *asked: AskedLine, method: ReturnMethod = ReturnMethod.PREPAID_LABEL,
          keep_item: bool = False) -> Quote:
    return quote_return(container, SHOP, "O1", asked, method, keep_item=keep_item)


def opened_amounts(container: Container, *asked: AskedLine, method: ReturnMethod = ReturnMethod.PREPAID_LABEL,
                   keep_item: bool = False) -> Any:
    done = ask_for_return(container, SHOP, "O1", asked, method, CUSTOMER, keep_item=keep_item)
    assert done.outcome is not None
    return done.outcome.request.amounts


def returns_count(container: Container) -> int:
    with container.uow() as uow:
        return len(uow.returns(SHOP).for_order("O1"))


def test_a_refund_less_the_method_fee_goes_to_the_original_payment(container: Container) -> None:
    use_policy(container, {"methods": ["prepaid_label", "relay_point"],
                           "fees": {"return_shipping": {"EUR": "4.90"}, "by_method": {"relay_point": {"EUR": "2.90"}}}})
    asked = line(Resolution.refund())
    quoted = quote(container, asked, method=ReturnMethod.RELAY_POINT)
    assert quoted.decision is Decision.APPROVE
    assert quoted.fees.return_shipping == eur("2.90")
    assert quoted.refund == eur("33.10")
    assert quoted.store_credit == eur("0.00")
    assert [(o.method, o.fee) for o in quoted.methods] == [
        (ReturnMethod.PREPAID_LABEL, eur("4.90")), (ReturnMethod.RELAY_POINT, eur("2.90"))]
    assert returns_count(container) == 0, "a quote opens nothing"
    assert opened_amounts(container, asked, method=ReturnMethod.RELAY_POINT).refund == quoted.refund


def test_store_credit_carries_the_policy_bonus_as_money(container: Container) -> None:
    use_policy(container, {"bonus": {"kind": "percent", "percent": "10", "outcomes": ["store_credit"]}})
    asked = line(Resolution.store_credit())
    quoted = quote(container, asked)
    assert quoted.store_credit == eur("39.60")
    assert quoted.store_credit_bonus == eur("3.60")
    assert quoted.refund == eur("0.00")
    opened = opened_amounts(container, asked)
    assert (opened.store_credit, opened.store_credit_bonus) == (quoted.store_credit, quoted.store_credit_bonus)


def test_a_dearer_replacement_leaves_the_difference_to_pay(container: Container) -> None:
    asked = line(Resolution.exchange("V-9"))
    quoted = quote(container, asked)
    assert quoted.lines[0].replacement_price == eur("50.00")
    assert quoted.to_pay == eur("14.00")
    assert quoted.refund == eur("0.00")
    assert opened_amounts(container, asked).balance_due == quoted.to_pay


def test_a_cheaper_replacement_sends_the_difference_back(container: Container) -> None:
    asked = line(Resolution.exchange("V-5"))
    quoted = quote(container, asked)
    assert quoted.refund == eur("6.00") and quoted.to_pay == eur("0.00")
    assert opened_amounts(container, asked).refund == quoted.refund


def test_keeping_the_item_when_the_policy_grants_it(container: Container) -> None:
    use_policy(container, {"keep_item": {"below": {"EUR": "50"}}, "fees": {"return_shipping": {"EUR": "4.90"}}})
    asked = line(Resolution.refund())
    quoted = quote(container, asked, keep_item=True)
    assert quoted.keep_item and quoted.keep_item_refused is None
    assert quoted.fees.return_shipping == eur("0.00"), "nothing is sent back, so no return shipping"
    assert quoted.refund == eur("36.00")
    assert opened_amounts(container, asked, keep_item=True).refund == quoted.refund


def test_keeping_the_item_refused_says_why(container: Container) -> None:
    use_policy(container, {"keep_item": {"below": {"EUR": "10"}}})
    quoted = quote(container, line(Resolution.refund()), keep_item=True)
    assert not quoted.keep_item
    refused = quoted.keep_item_refused
    assert refused is not None and refused.key.startswith("keep_item.")


def test_a_final_sale_line_is_refused_and_declines_the_return(container: Container) -> None:
    quoted = quote(container, line(Resolution.refund()), line(Resolution.refund(), "L2"))
    assert quoted.decision is Decision.DECLINE
    assert [q.order_line.id for q in quoted.refused_lines] == ["L2"]
    assert quoted.evaluation.customer_decline_text("fr")


def test_under_the_eu_preset_the_statutory_deadlines_are_given(container: Container) -> None:
    use_policy(container, {"eu_withdrawal": {"days": 14, "refund_days": 14}})
    quoted = quote(container, line(Resolution.refund(), reason=ReasonCode.UNWANTED))
    assert quoted.refund_due_by is not None and (quoted.refund_due_by - NOW).days == 14
    assert quoted.lines[0].withdrawal_deadline is not None
    assert quoted.lines[0].result.outcome is ResolutionKind.REFUND


def test_lines_the_order_cannot_honour_are_refused_as_the_create_refuses_them(container: Container) -> None:
    with pytest.raises(InvalidLines) as too_many:
        quote(container, AskedLine("L1", 3, ReasonCode.SIZE_TOO_SMALL, Resolution.refund()))
    assert "lines.0.quantity" in too_many.value.problems
    with pytest.raises(InvalidLines) as no_stock:
        quote(container, line(Resolution.exchange("V-0")))
    assert "lines.0.resolution.exchange_variant_id" in no_stock.value.problems
