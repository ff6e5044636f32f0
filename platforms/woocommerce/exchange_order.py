"""The ``POST /orders`` body of an exchange: the replacement at its own price, the returned goods as a credit.

WooCommerce prices a line sent with only its product and quantity from the product's price excluding tax
(an inclusive price has the base country's tax taken out), taxed at the rate of the order's address
(``prepare_line_items`` -> ``calculate_totals``). So the replacement is sent that way (net of the
address's rate where prices include tax: ``exchange_lines``) and shows its real price, e.g. 25.00 +
1.81 tax at 7.25 %, or 25.00 = 20.83 + 4.17 tax where prices include 20 %. Sending the returned value, tax
included, as the pre-tax ``subtotal`` was the old bug: 26.81 + 1.94 tax for a 25.00 item.

The returned goods' value, tax included as the customer paid it, becomes one negative fee line
"Returned goods (order #N)". What the real WooCommerce 10.0.2 store does with it (seen, not assumed):

* a negative fee's ``total`` is net: its tax is always worked out, pro rata over the order's taxable items,
  whatever ``tax_status`` says (``WC_Order_Item_Fee::calculate_taxes``). ``-26.81`` on a 53.63 order at
  7.25 % gave a fee tax of -1.94 and a total of 24.88, not 26.82;
* a negative fee is capped at the order's net goods + shipping (``calculate_totals``), and then takes
  their tax with it: ``-26.81`` against one 25.00 + 1.81 item gave a 0.00 total.

Hence: a credit that covers the goods is sent whole (the cap turns it into exactly the goods, tax included,
and the order is paid: ``set_paid``); a smaller credit is sent as the net amount whose tax at the order's
rate adds up to it, so the order's total is the price, tax included, less the credit, and the customer pays
that at the order's ``payment_url``. A coupon would do neither: it is applied before tax and must be
created first. The rate is the one the original order was taxed at (same address, same store); the
difference the customer owes is read back from the order WooCommerce computed, never predicted.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

from connector.domain.actions import ExchangeInstruction
from connector.domain.money import Money
from platforms.woocommerce.mapping import money, to_int
from platforms.woocommerce.markers import EXCHANGE_FOR_META, KEY_META, RETURN_META, meta_list, meta_value
from platforms.woocommerce.tax_rate import order_tax_rate

GOODS_META: Final = "_returns_connector_goods"
"""The replacement's price, tax included, as the return priced it: what the credit is measured against."""
CREDIT_META: Final = "_returns_connector_credit"
"""The returned goods' value applied to this order, tax included."""
NET_PRECISION: Final = Decimal("0.000001")
"""WooCommerce keeps a net line price unrounded (``wc_get_price_excluding_tax``); six places are plenty."""


def price_with_tax(price: Money, rate: Decimal) -> Money:
    """What a price entered without tax costs the customer: plus its tax at ``rate``, rounded as WooCommerce
    rounds a line's tax. The return prices the replacement this way, so that the credit (what was paid, tax
    included) and the price compare like with like: 25.00 at 7.25 % is 26.81, as the exchange order shows."""
    return price + price * rate


def credit_fee_net(credit: Money, rate: Decimal) -> Decimal:
    """The fee's net amount whose tax at ``rate`` makes ``credit``, unrounded as WooCommerce keeps a fee.

    Rounded to cents, some credits are out of reach (at 7.25 % no net + its rounded tax makes 70.05); kept
    unrounded, WooCommerce's order total (rounded once, at the end) is exactly the price less the credit.
    Seen on the real store: ``-65.314685`` gave 29.95 on a 100.00 order, ``-65.31`` gave 29.96.
    """
    return (credit.amount / (1 + rate)).quantize(NET_PRECISION)


def exchange_lines(instruction: ExchangeInstruction, inclusive_rate: Decimal | None = None) -> list[dict[str, Any]]:
    """Product (and variation) and quantity: WooCommerce prices and taxes them itself.

    Except where prices are entered with tax (``inclusive_rate`` is then the rate of the order's address):
    there ``POST /orders`` takes out the *base* country's tax, so a customer taxed at another rate would
    pay another price than at checkout, which keeps the price the same everywhere
    (``woocommerce_adjust_non_base_location_prices``, on by default). So the line is sent net of the
    address's own rate, unrounded as WooCommerce keeps it, and shows the catalogue price once taxed.
    """
    lines: list[dict[str, Any]] = []
    for item in instruction.items:
        line: dict[str, Any] = {"quantity": item.quantity}
        if inclusive_rate is not None:
            net = (item.price.amount * item.quantity / (1 + inclusive_rate)).quantize(NET_PRECISION)
            line.update(subtotal=str(net), total=str(net))
        if item.product_id and item.product_id != item.variant_id:
            line.update(product_id=int(item.product_id), variation_id=int(item.variant_id))
        else:
            line["product_id"] = int(item.variant_id)
        lines.append(line)
    return lines


def credit_fee(original: Mapping[str, Any], applied: Money, covered: bool) -> list[dict[str, Any]]:
    """The negative fee line carrying the returned goods' value (none when nothing is credited)."""
    if not applied:
        return []
    net = applied.amount if covered else credit_fee_net(applied, order_tax_rate(original))
    number = original.get("number") or original.get("id")
    return [{"name": f"Returned goods (order #{number})", "total": str(-net), "tax_status": "taxable"}]


def build_exchange_body(
    original: Mapping[str, Any], instruction: ExchangeInstruction, *, prices_include_tax: bool = False
) -> tuple[dict[str, Any], Money]:
    """``POST orders`` body and the credit applied (see module docstring and ``exchange_lines``).

    ``ExchangeItem.price`` is the unit price tax included, as the return priced it. Credit above the goods'
    value is not spent here: the merchant owes it, and the return's own refund or credit pays it.
    """
    currency = instruction.credit_value.currency
    goods = Money.sum((item.price * item.quantity for item in instruction.items), currency)
    applied = instruction.credit_value.min(goods).clamp_non_negative()
    covered = applied >= goods
    body: dict[str, Any] = {
        "parent_id": int(instruction.order_id),
        "customer_id": to_int(original.get("customer_id")),
        "billing": original.get("billing") or {},
        "shipping": original.get("shipping") or {},
        "line_items": exchange_lines(instruction, order_tax_rate(original) if prices_include_tax else None),
        "fee_lines": credit_fee(original, applied, covered),
        "shipping_lines": [{"method_id": "free_shipping", "method_title": "Exchange", "total": "0"}],
        "set_paid": covered,
        "meta_data": meta_list(
            [
                (EXCHANGE_FOR_META, str(instruction.order_id)),
                (KEY_META, instruction.idempotency_key),
                (RETURN_META, instruction.return_id),
                (GOODS_META, str(goods.amount)),
                (CREDIT_META, str(applied.amount)),
            ]
        ),
    }
    if covered:
        body["payment_method_title"] = "Exchange (returned goods)"
    return body, applied


def applied_credit(raw: Mapping[str, Any], currency: str) -> Money | None:
    """The credit an exchange order carries, from its meta (None on orders made before it was recorded)."""
    value = meta_value(raw.get("meta_data"), CREDIT_META)
    return money(value, currency) if value not in (None, "") else None
