"""The demo summary's wording, from a return's stored amounts: each figure with its currency, the credit's
bonus beside it, the exchange's difference, an amount added to ``ReturnAmounts`` later shown without a
change here, and counts that add up to the number of returns (the demo itself: ``test_demo``)."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from connector.domain.actions import ActionKind
from connector.domain.money import Money
from connector.domain.orders import Platform, Shop
from connector.domain.resolutions import ReturnAmounts
from connector.domain.states import ReturnStatus
from connector.store.actions_repo import ActionRecord, ActionState
from demo import report
from tests.factories import AGENT, NOW, money, return_request


@dataclasses.dataclass(frozen=True, slots=True)
class Figures(ReturnAmounts):
    """The amounts with the figures the money paths add (a credit's bonus, an exchange's difference), declared
    again here so that this test does not depend on when they reach the model: the report reads them by name."""

    balance_due: Money | None = None
    store_credit_bonus: Money | None = None


def amounts(**figures: Money | None) -> ReturnAmounts:
    zero = money("0")
    base = Figures("EUR", (), zero, zero, zero, zero, zero)
    return dataclasses.replace(base, **figures)


def action(kind: ActionKind, state: ActionState, error: str | None = None) -> ActionRecord:
    return ActionRecord("A1", "shop-a", "R1", kind, f"ret:R1:{kind.value}", state, {}, None, 1, error, None, NOW, NOW)


def test_a_refund_says_how_much_and_in_which_currency() -> None:
    assert report.money_moved(amounts(refund=money("37.95"))) == "refunded 37.95 EUR"


def test_a_credit_shows_its_bonus_and_no_zero_refund() -> None:
    said = report.money_moved(amounts(store_credit=money("93.99"), store_credit_bonus=money("8.54")))
    assert said == "credited 93.99 EUR (incl. 8.54 EUR bonus)"


def test_an_exchange_says_the_difference_either_way() -> None:
    even = report.money_moved(amounts(exchange_value=money("59.92")))
    assert even == "exchanged for goods worth 59.92 EUR, no difference to settle"
    dearer = report.money_moved(amounts(exchange_value=money("59.92"), balance_due=money("5.00")))
    assert dearer == "exchanged for goods worth 59.92 EUR, customer pays 5.00 EUR difference"
    cheaper = report.money_moved(amounts(exchange_value=money("50.00"), refund=money("9.92")))
    assert cheaper == "refunded 9.92 EUR, exchanged for goods worth 50.00 EUR"


def test_an_amount_added_to_the_model_later_shows_under_its_name() -> None:
    @dataclasses.dataclass(frozen=True, slots=True)
    class WithKeepFee(ReturnAmounts):
        keep_item_fee: Money | None = None

    later = WithKeepFee("EUR", (), money("0"), money("0"), money("12.00"), money("0"), money("0"),
                        keep_item_fee=money("2.50"))
    said = report.money_moved(later, keep_item=True)
    assert said == "refunded 12.00 EUR, keep item fee 2.50 EUR, customer keeps the item"


def test_outcome_is_one_word_per_return_and_counts_add_up() -> None:
    request = return_request()
    assert report.outcome(request) == "still requested"
    request.status = ReturnStatus.CLOSED
    assert report.outcome(request) == "refunded"
    line = report.counts_line(["refunded", "credited", "exchanged", "refunded", "still approved"], expected=6)
    assert line == "6 returns: 2 refunded, 1 credited, 1 exchanged, 1 never arrived, 1 still approved"


def test_orders_are_named_as_the_shop_admin_shows_them() -> None:
    assert report.order_name_label("449") == "#449"
    assert report.order_name_label("#1040") == "#1040"
    named = Shop("s1", Platform.SHOPIFY, "demo.myshopify.com", name="Demo Boutique")
    assert report.shop_heading(named) == "Shopify shop Demo Boutique (demo.myshopify.com)"
    assert report.shop_heading(Shop("s2", Platform.WOOCOMMERCE, "https://shop.example")) == (
        "WooCommerce shop https://shop.example"
    )


def test_unpaid_and_failed_money_actions_are_said() -> None:
    assert report.payment_state([action(ActionKind.REFUND, ActionState.SUCCEEDED)]) == ""
    assert report.payment_state([action(ActionKind.NOTE, ActionState.PENDING)]) == ""  # no money in a note
    assert report.payment_state([action(ActionKind.STORE_CREDIT, ActionState.PENDING)]) == "not yet paid: store_credit"
    failed = report.payment_state([action(ActionKind.REFUND, ActionState.FAILED, "ShopifyUserError: too much")])
    assert failed == "FAILED refund: ShopifyUserError: too much"


def test_a_return_line_reads_order_outcome_money_and_state() -> None:
    request = return_request()
    request.approve(AGENT, NOW + timedelta(minutes=1))
    request.status = ReturnStatus.CLOSED
    request.amounts = amounts(refund=money("37.95"))
    line = report.return_line(request, [action(ActionKind.REFUND, ActionState.SUCCEEDED)])
    assert line.startswith(report.order_label(request)) and "gid://" not in line
    assert line.endswith(f"{request.id}  refunded   refunded 37.95 EUR  -> closed")
