"""Issue 16: a refund's items and its deductions add up to its amount, in the body and in the shop's records."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from connector.domain.actions import RefundInstruction, RefundLine
from connector.domain.money import Money
from connector.domain.resolutions import Disposition
from platforms.woocommerce.adapter import WooCommerceAdapter
from platforms.woocommerce.client import WooClient
from platforms.woocommerce.markers import meta_value
from platforms.woocommerce.refunds import DEDUCTIONS_META, build_refund_body
from tests.sandbox_woocommerce.conftest import KEY, SECRET, Woo, start
from tests.woocommerce.conftest import order


def usd(x: str) -> Money:
    return Money(x, "USD")


def _items_total(body_items: list[dict[str, Any]]) -> Decimal:
    return sum(
        (Decimal(i["refund_total"]) + sum((Decimal(t["refund_total"]) for t in i["refund_tax"]), Decimal(0))
         for i in body_items),
        Decimal(0),
    )


# The issue's figures, from the real store: 18.00 + 1.31 tax (7.25%) paid, 10% restocking fee (1.93), return
# shipping fee 5.95, refund 11.43. The old body sent the line at 17.38 (16.07 + 1.31).
ISSUE_ORDER = order(line_items=[{"id": 316, "quantity": 1, "total": "18.00", "total_tax": "1.31",
                                 "taxes": [{"id": 1, "total": "1.31", "subtotal": "1.31"}]}])
ISSUE_REFUND = RefundInstruction(
    idempotency_key="ret:R-16:refund", order_id="727", amount=usd("11.43"),
    lines=(RefundLine("316", 1, usd("17.38"), usd("1.31"), Disposition.RESTOCK, restocking_fee=usd("1.93")),),
    shipping=usd("0"), reason="Return R-16", return_id="R-16", return_shipping_fee=usd("5.95"),
)


def test_issue_figures_items_add_up_to_the_amount_and_deductions_are_named() -> None:
    body = build_refund_body(ISSUE_ORDER, ISSUE_REFUND)
    assert body["line_items"] == [
        {"id": 316, "quantity": 1, "refund_total": "10.66", "refund_tax": [{"id": 1, "refund_total": "0.77"}]}
    ]
    assert _items_total(body["line_items"]) == Decimal(body["amount"]) == Decimal("11.43")
    assert "restocking fee 1.93 USD, return shipping 5.95 USD deducted" in body["reason"]
    deductions = json.loads(meta_value(body["meta_data"], DEDUCTIONS_META))
    assert deductions == {"restocking_fee": "1.93", "return_shipping_fee": "5.95", "currency": "USD"}
    # items refunded + deductions = what was paid
    assert Decimal("11.43") + Decimal("1.93") + Decimal("5.95") == Decimal("19.31")


def test_deduction_is_spread_over_lines_and_shipping_in_proportion() -> None:
    lines = (RefundLine("316", 1, usd("19.35"), usd("1.35"), Disposition.RESTOCK),
             RefundLine("315", 1, usd("3.22"), usd("0.22"), Disposition.DISPOSE))
    refund = RefundInstruction("k", "727", usd("26.62"), lines, usd("10.00"), "r", "R-1",
                               return_shipping_fee=usd("5.95"))
    body = build_refund_body(order(), refund)
    assert _items_total(body["line_items"]) == Decimal("26.62")
    totals = [Decimal(i["refund_total"]) for i in body["line_items"]]
    assert totals[0] > totals[2] > totals[1] > 0  # each item gives up its share, the dearest the most
    assert json.loads(meta_value(body["meta_data"], DEDUCTIONS_META))["return_shipping_fee"] == "5.95"


def test_an_agents_lower_amount_is_an_adjustment_and_no_deduction_means_no_meta() -> None:
    line = RefundLine("316", 1, usd("19.35"), usd("1.35"), Disposition.RESTOCK)
    lower = build_refund_body(order(), RefundInstruction("k", "727", usd("10.00"), (line,), usd("0"), "r", "R-1"))
    assert _items_total(lower["line_items"]) == Decimal("10.00")
    assert json.loads(meta_value(lower["meta_data"], DEDUCTIONS_META)) == {"adjustment": "9.35", "currency": "USD"}
    full = build_refund_body(order(), RefundInstruction("k", "727", usd("19.35"), (line,), usd("0"), "r", "R-1"))
    assert meta_value(full["meta_data"], DEDUCTIONS_META) is None and "deducted" not in full["reason"]


# -- in the shop's records (the sandbox) ----------------------------------------------------------------


@pytest.fixture
def shop() -> Iterator[tuple[Woo, WooCommerceAdapter]]:
    woo, stop = start()
    client = WooClient(woo.base_url, KEY, SECRET, allow_private=True)
    yield woo, WooCommerceAdapter(client, shop_id="shop-1")
    client.close()
    stop()


def _taxed_order(woo: Woo) -> dict[str, Any]:
    for raw in woo.get("orders", params={"per_page": 100}).json():
        if (raw["payment_method"] == "stripe" and not raw["refunds"] and raw["status"] in ("completed", "processing")
                and Decimal(raw["line_items"][0]["total_tax"]) > 0):
            return dict(raw)
    raise AssertionError("no taxed order in the sandbox seed")


def test_shop_records_show_items_plus_deductions_equal_to_what_was_paid(shop: tuple[Woo, WooCommerceAdapter]) -> None:
    woo, adapter = shop
    raw = _taxed_order(woo)
    line = adapter.fetch_order(str(raw["id"])).lines[0]
    paid, tax = line.paid_for(1), line.tax_for(1)
    fee = Money.rounded_down(paid.amount / 10, paid.currency)
    shipping_fee = Money("5.95", paid.currency)
    amount = paid - fee - shipping_fee
    effect = adapter.refund(RefundInstruction(
        "ret:R-16b:refund", str(raw["id"]), amount,
        (RefundLine(line.id, 1, paid - fee, tax, Disposition.RESTOCK, restocking_fee=fee),),
        Money.zero(paid.currency), "Return R-16b", "R-16b", return_shipping_fee=shipping_fee,
    ))
    stored = woo.get(f"orders/{raw['id']}/refunds/{effect.platform_id}").json()
    items = stored["line_items"]
    assert len(items) == 1 and Decimal(items[0]["total"]) < 0 and Decimal(items[0]["total_tax"]) < 0
    itemised = -sum((Decimal(i["total"]) + Decimal(i["total_tax"]) for i in items), Decimal(0))
    assert itemised == Decimal(stored["amount"]) == amount.amount
    deductions = json.loads(meta_value(stored["meta_data"], DEDUCTIONS_META))
    assert itemised + Decimal(deductions["restocking_fee"]) + Decimal(deductions["return_shipping_fee"]) == paid.amount
    assert f"restocking fee {fee}, return shipping {shipping_fee} deducted" in stored["reason"]
    # the tax refunded is the line's own share of what is refunded, not all of the line's tax
    assert -Decimal(items[0]["total_tax"]) == tax.prorate(amount.to_minor(), paid.to_minor()).amount
    notes = [n["note"] for n in woo.get(f"orders/{raw['id']}/notes").json()]
    assert any("return shipping" in n and effect.platform_id in n for n in notes)
