"""Tax on orders created over REST, as WooCommerce 10.0.2 computes it (``WC_Abstract_Order::calculate_totals``).

A line sent without ``subtotal``/``total`` costs ``wc_get_price_excluding_tax``: the product price x quantity
when prices are entered excluding tax; when they include tax, that price less the tax of the shop's *base*
country (``woocommerce_adjust_non_base_location_prices``), unrounded. Then every line, fee and shipping line
is taxed at the rate of the order's location (shipping address, else billing, else the base country) on its
net ``total`` and ``subtotal``, each tax rounded to the currency's unit (half down where prices include
tax, ``wc_get_tax_rounding_mode``: a real store charged -0.72 there on a -10.00 fee at 7.25 %, -0.73 else).

Negative fees are different, and the connector relies on it for exchange credits (seen on the real store):
whatever their ``tax_status``, their tax is the fee times the order's taxable share times the rate, and a
negative fee is first capped at the net goods + earlier fees + shipping, so a credit worth more than the
goods takes their tax with it and leaves a zero total.

The sandbox keeps one rate per country (the first seeded; US has two, the first wins). Other helpers (a
coupon applied in ``POST /orders``) call :func:`calculate_taxes` (or :func:`line_taxes`' caller
:func:`calculate_totals`) again after changing line totals, as
WooCommerce recalculates after ``apply_coupon``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_DOWN, ROUND_HALF_UP, Decimal

from connector.domain.money import minor_units
from sandboxes.kit.seed import quantize
from sandboxes.woocommerce import settings
from sandboxes.woocommerce.state import ZERO, Order, Store, TaxRate

TAXABLE = "taxable"


def rate_for(store: Store, country: str) -> TaxRate | None:
    """The standard rate for a country, or None: no rate, no tax (as a store with no matching row)."""
    if not settings.tax_enabled(store) or not country:
        return None
    return next((rate for rate in store.tax_rates.values() if rate.country == country), None)


def order_country(store: Store, order: Order) -> str:
    """``get_tax_location`` with ``woocommerce_tax_based_on`` = shipping: shipping, else billing, else base."""
    shipping = (order.shipping or {}).get("country", "")
    billing = (order.billing or {}).get("country", "") or order.country
    return shipping or billing or store.base_country


def net_price(store: Store, price: Decimal, quantity: int) -> Decimal:
    """``wc_get_price_excluding_tax``: unrounded, the base country's tax taken out of an inclusive price."""
    line_price = price * quantity
    base = rate_for(store, store.base_country)
    if not settings.prices_include_tax(store) or base is None:
        return line_price
    return line_price / (1 + base.rate)


def calculate_totals(store: Store, order: Order) -> None:
    """What ``POST /orders`` runs once the items are set: negative fees capped, then every item taxed."""
    cap_negative_fees(order)
    calculate_taxes(store, order)


def calculate_taxes(store: Store, order: Order) -> None:
    """Tax every line, fee and shipping line of ``order`` at its location's rate (see module docstring)."""
    rate = rate_for(store, order_country(store, order))
    cur, down = order.currency, settings.prices_include_tax(store)
    for line in order.lines:
        line.subtotal_tax = _tax(line.subtotal, rate, cur, down)
        line.total_tax = _tax(line.total, rate, cur, down)
        line.tax_rate_id = rate.id if rate is not None else 0
        line.subtotal, line.total = quantize(line.subtotal, cur), quantize(line.total, cur)  # taxed unrounded
    for ship in order.shipping_lines:
        ship.total_tax = _tax(ship.total, rate, cur, down)
        ship.tax_rate_id = rate.id if rate is not None and ship.total_tax else 0
    _fee_taxes(order, rate, down)


def cap_negative_fees(order: Order) -> None:
    """``calculate_totals``: a negative fee never takes more than the net goods (each rounded, as
    ``get_rounded_items_total``), earlier fees and shipping."""
    cur = order.currency
    running = sum((quantize(line.total, cur) for line in order.lines), ZERO)
    running += sum((s.total for s in order.shipping_lines), ZERO)
    for fee in order.fee_lines or ():
        if fee.total < 0 and running > 0 and fee.total < -running:
            fee.total = -running
        running += fee.total


def _fee_taxes(order: Order, rate: TaxRate | None, down: bool) -> None:
    taxable = sum((line.total for line in order.lines if line.total > 0), ZERO)
    taxable += sum((s.total for s in order.shipping_lines if s.total > 0), ZERO)
    untaxed = ZERO
    for fee in order.fee_lines or ():
        if fee.total > 0 and fee.tax_status == TAXABLE:
            taxable += fee.total
        elif fee.total > 0:
            untaxed += fee.total
    for fee in order.fee_lines or ():
        if fee.total >= 0:
            fee.total_tax = _tax(fee.total, rate, order.currency, down) if fee.tax_status == TAXABLE else ZERO
        elif taxable + untaxed > 0:  # WC_Order_Item_Fee::calculate_taxes: tax_status is not looked at
            fee.total_tax = _tax(fee.total * taxable / (taxable + untaxed), rate, order.currency, down)
        else:
            fee.total_tax = ZERO
        fee.tax_rate_id = rate.id if rate is not None and fee.total_tax else 0
        fee.total = quantize(fee.total, order.currency)  # taxed unrounded, shown and summed in cents


def _tax(amount: Decimal, rate: TaxRate | None, currency: str, half_down: bool) -> Decimal:
    """``wc_round_tax_total``: half down where prices include tax (``wc_get_tax_rounding_mode``), else half up."""
    if rate is None or not amount:
        return ZERO
    quantum = Decimal(1).scaleb(-minor_units(currency))
    return (amount * rate.rate).quantize(quantum, rounding=ROUND_HALF_DOWN if half_down else ROUND_HALF_UP)
