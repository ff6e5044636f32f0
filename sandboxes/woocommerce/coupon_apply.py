"""A ``fixed_cart`` coupon applied in ``POST /orders`` ``coupon_lines`` as WooCommerce 10.0.2 applies it.

``WC_Discounts::set_items_from_order`` prices each item at its ``subtotal``, plus its ``subtotal_tax`` when
the order's prices include tax; the coupon's amount is spread over those prices. Then
``WC_Abstract_Order::set_item_discount_amounts`` takes each share off the item's net ``total`` (only its
part net of tax when prices include tax), and ``calculate_totals`` taxes what is left. So a coupon of A saves
exactly A when prices include tax (or taxes are off) and A plus its tax when they exclude tax: the
difference the connector must allow for when it issues store credit (issue 16).
``set_coupon_discount_amounts`` records the coupon line: ``discount_tax`` is the tax in each share, rounded
per item, and ``discount`` is A less that tax when prices include tax, else A.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from connector.domain.money import minor_units
from sandboxes.kit.seed import quantize
from sandboxes.woocommerce import taxes
from sandboxes.woocommerce.state import ZERO, LineItem, Order, Store


def apply_fixed_cart(store: Store, order: Order, amount: Decimal) -> tuple[Decimal, Decimal]:
    """Take the coupon off ``order``'s lines; returns the coupon line's (discount, discount_tax)."""
    taxes.calculate_taxes(store, order)  # calculate_totals runs before the coupons are applied
    rate = taxes.rate_for(store, taxes.order_country(store, order))
    tax_rate = rate.rate if rate is not None else ZERO
    inclusive = order.prices_include_tax and rate is not None
    prices = [line.subtotal + (line.subtotal_tax if inclusive else ZERO) for line in order.lines]
    wanted = min(amount, sum(prices, ZERO))
    discount_tax = ZERO
    for line, share in zip(order.lines, _shares(wanted, prices, order.currency), strict=True):
        tax = share * tax_rate / (1 + tax_rate) if inclusive else share * tax_rate  # WC_Tax::calc_tax, unrounded
        _take_off(line, share - tax if inclusive else share)
        discount_tax += quantize(tax, order.currency)
    return (wanted - discount_tax if inclusive else wanted), discount_tax


def _take_off(line: LineItem, net: Decimal) -> None:
    line.total = max(ZERO, line.total - net)  # unrounded, as WooCommerce keeps it until it is taxed


def _shares(amount: Decimal, prices: list[Decimal], currency: str) -> list[Decimal]:
    """Pro rata by price, rounded down to the unit; the last line takes the remainder."""
    whole = sum(prices, ZERO)
    if not whole:
        return [ZERO for _ in prices]
    unit = Decimal(1).scaleb(-minor_units(currency))
    shares = [(amount * price / whole).quantize(unit, ROUND_DOWN) for price in prices]
    shares[-1] = amount - sum(shares[:-1], ZERO)
    return shares
