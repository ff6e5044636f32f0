"""Issue 18's flows, end to end: a customer at a 390x844 phone finds their order on the direct portal, returns
one line and confirms, in French and in English, on the Shopify and the WooCommerce sandbox; then the worker
(and, for goods sent back, an agent receiving them) carries the return to the shop, and what is checked is the
shop's own records: the refund, the store credit with its bonus, the exchange with the difference to pay,
the item kept and refunded without being sent back, and a final-sale line refused in the page's language that
cannot be ticked. Every screen passes axe-core (no serious or critical WCAG 2.2 AA violation) and is kept as a
screenshot under test-artifacts/screenshots; the screens are counted (at most 5 from the lookup to the
confirmation). Once paid, the confirmation's address, kept to track the return, says what the shop paid.

Every outcome runs on both platforms in both languages: 20 flows on one stack (``portal_flow.shops``), each on
an order of its own, about 3 minutes on 2 cores.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from connector.domain.states import ReturnStatus
from tests.e2e.demo_stack import load, wait_until_closed
from tests.pages.portal_flow import (
    EXPLAINED,
    Customer,
    Shops,
    bonus_of,
    customer,  # noqa: F401 - a fixture
    dearer_replacement,
    opened_return,
    page_mentions,
    parked_exchange,
    send_back_and_inspect,
    shopify_refunds,
    shopify_state,
    shops,  # noqa: F401 - a fixture
    woo_list,
    woo_refunds,
)
from tests.reliability.harness import wait_until

pytestmark = pytest.mark.e2e

PLATFORMS = ["shopify", "woocommerce"]
LOCALES = ["fr-FR", "en-GB"]
matrix = pytest.mark.parametrize(("platform", "locale"), [(p, loc) for p in PLATFORMS for loc in LOCALES])


@pytest.mark.parametrize(
    ("platform", "locale", "javascript"),
    [(p, loc, True) for p in PLATFORMS for loc in LOCALES]
    + [("shopify", "en-GB", False), ("woocommerce", "fr-FR", False)],  # progressive enhancement: works without
)
def test_refund_to_the_original_payment(shops: Shops, customer: Customer, platform: str) -> None:  # noqa: F811
    order, line = shops.take(platform, lambda _order, _line: True)
    paid = line.paid_for(1)
    customer.start(shops.stack.app_url, shops.ids[platform], order, line, "refund")
    page_mentions(customer.to_review(), customer.money(paid))
    customer.confirm()
    assert customer.screens.count == 5

    request = opened_return(shops, platform, order)
    expect(customer.page.locator("main")).to_contain_text(request.id)
    send_back_and_inspect(shops, request)
    closed = wait_until_closed(shops.stack, request.shop_id, request.id)
    assert closed.amounts is not None and closed.amounts.refund == paid
    if platform == "shopify":
        assert [Decimal(r["amount"]) for r in shopify_refunds(shops, closed)] == [paid.amount]
    else:
        assert woo_refunds(shops, order) == [paid.amount]
    customer.tracks(paid)


@matrix
def test_store_credit_with_its_bonus(shops: Shops, customer: Customer, platform: str) -> None:  # noqa: F811
    order, line = shops.take(platform, lambda _order, line: bool(bonus_of(line.paid_for(1))))
    paid = line.paid_for(1)
    bonus = bonus_of(paid)
    box = customer.start(shops.stack.app_url, shops.ids[platform], order, line, "store_credit")
    page_mentions(box, customer.money(bonus))  # the bonus shown as money where the outcome is chosen
    page_mentions(customer.to_review(), customer.money(paid + bonus))
    customer.confirm()
    assert customer.screens.count == 5

    request = opened_return(shops, platform, order)
    send_back_and_inspect(shops, request)
    closed = wait_until_closed(shops.stack, request.shop_id, request.id)
    assert closed.amounts is not None
    assert closed.amounts.store_credit == paid + bonus and closed.amounts.store_credit_bonus == bonus
    if platform == "shopify":
        # Shopify takes back the refundable part in the return's refund; the bonus is a credit of its own.
        state = shopify_state(shops)
        (refund,) = [r for r in state["refunds"] if r["return_id"] == closed.platform_return_id]
        assert Decimal(refund["amount"]) == 0 and Decimal(refund["store_credit"]) == paid.amount
        bonuses = [
            c
            for c in state["credits"]
            if c["origin"] == "storeCreditAccountCredit"
            and c["currency"] == paid.currency
            and Decimal(c["amount"]) == bonus.amount
        ]
        assert len(bonuses) == 1, state["credits"]
    else:
        coupons = [c for c in woo_list(shops, "coupons", {}) if order.email in (c.get("email_restrictions") or [])]
        assert [Decimal(c["amount"]) for c in coupons] == [(paid + bonus).amount]
        assert woo_refunds(shops, order) == []  # nothing back to the card
    customer.tracks(paid + bonus)


@matrix
def test_exchange_for_a_dearer_variant(shops: Shops, customer: Customer, platform: str) -> None:  # noqa: F811
    order, line, variant, difference = dearer_replacement(shops, platform)
    box = customer.start(shops.stack.app_url, shops.ids[platform], order, line, "exchange", exchange_for=variant)
    chosen = box.get_by_label(customer.words["exchange_for"], exact=True).locator("option:checked")
    page_mentions(chosen, customer.words["to_pay"].format(amount=customer.money(difference)))
    page_mentions(customer.to_review(), customer.money(difference))
    customer.confirm()
    assert customer.screens.count == 5

    request = opened_return(shops, platform, order)
    assert request.amounts is not None and request.amounts.balance_due == difference
    send_back_and_inspect(shops, request)
    waiting = wait_until("the exchange awaiting the difference", lambda: parked_exchange(shops, request))
    # The return waits, visibly, for the customer's payment.
    assert load(shops.stack, request.shop_id, request.id).status is ReturnStatus.RESOLVED
    made = waiting.result
    if platform == "shopify":
        state = shopify_state(shops)
        held = [f for f in state["fulfillment_orders"] if f["return_id"] == request.platform_return_id]
        assert [(f["status"], f["hold"]) for f in held] == [("ON_HOLD", "AWAITING_PAYMENT")]
        assert held[0]["lines"] == [{"variant_id": variant, "quantity": 1}]
        outstanding = [o for o in state["outstanding"] if o["order_id"] == held[0]["order_id"]]
        assert outstanding == [
            {"order_id": held[0]["order_id"], "amount": str(difference.amount), "currency": difference.currency}
        ]
    else:
        shop_order = woo_list(shops, "orders", {"parent": int(order.id)})
        assert [o["id"] for o in shop_order] == [int(made["platform_id"])]
        assert shop_order[0]["status"] == "pending" and Decimal(shop_order[0]["total"]) == difference.amount
        assert [(i["variation_id"] or i["product_id"], i["quantity"]) for i in shop_order[0]["line_items"]] == [
            (int(variant), 1)
        ]
        assert woo_refunds(shops, order) == []


@matrix
def test_keep_the_item(shops: Shops, customer: Customer, platform: str) -> None:  # noqa: F811
    order, line = shops.take(platform, lambda _order, _line: True)
    paid = line.paid_for(1)
    customer.start(shops.stack.app_url, shops.ids[platform], order, line, "keep")
    page_mentions(customer.to_review(sending_back=False), customer.money(paid))  # no method: nothing goes back
    customer.confirm()
    assert customer.screens.count == 4

    request = opened_return(shops, platform, order)
    assert request.keep_item
    closed = wait_until_closed(shops.stack, request.shop_id, request.id)  # no agent: nothing comes back
    actions = [event.action for event in closed.events]
    assert "receive" not in actions and "mark_in_transit" not in actions
    assert closed.amounts is not None and closed.amounts.refund == paid
    if platform == "shopify":
        shop_return = next(r for r in shopify_state(shops)["returns"] if r["id"] == closed.platform_return_id)
        assert shop_return["status"] == "CLOSED" and not shop_return["reverse_deliveries"]
        assert [Decimal(r["amount"]) for r in shopify_refunds(shops, closed)] == [paid.amount]
    else:
        assert woo_refunds(shops, order) == [paid.amount]


@matrix
def test_a_final_sale_line_is_refused_and_the_other_returned(
    shops: Shops,  # noqa: F811
    customer: Customer,  # noqa: F811
    platform: str,
    locale: str,
) -> None:
    order, line = shops.take(platform, lambda order, _line: any(other.final_sale for other in order.lines))
    refused = next(other for other in order.lines if other.final_sale)
    customer.find_order(shops.stack.app_url, shops.ids[platform], order)
    box = customer.page.locator("li.line", has_text=refused.title).filter(has_not=customer.page.get_by_role("checkbox"))
    expect(box).to_have_count(1)
    expect(box).to_contain_text(customer.words["refused"])
    why = EXPLAINED[locale]["exclusion.final_sale"].format(item=refused.title)
    expect(box.locator("details[open]")).to_contain_text(why)  # the reason, shown without a click
    expect(customer.page.get_by_role("checkbox", name=customer.line_name(refused), exact=True)).to_have_count(0)
    customer.screenshot("2-lines-refused")

    paid = line.paid_for(1)
    customer.choose(line, "refund")
    expect(customer.to_review().locator(".item-title")).to_have_count(1)  # the line returned, not the refused one
    customer.confirm()

    request = opened_return(shops, platform, order)
    assert [returned.order_line_id for returned in request.lines] == [line.id]
    send_back_and_inspect(shops, request)
    closed = wait_until_closed(shops.stack, request.shop_id, request.id)
    if platform == "shopify":
        assert [Decimal(r["amount"]) for r in shopify_refunds(shops, closed)] == [paid.amount]
    else:
        assert woo_refunds(shops, order) == [paid.amount]  # the returned line only, nothing for the final sale
