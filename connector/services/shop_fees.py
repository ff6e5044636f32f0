"""A return shipping fee the shop itself charges the customer (Shopify's ``returnShippingFee`` on a request).

The shop deducts that fee when it processes the return, so our figures show the shop's fee, not our
policy's: the difference comes off (or back onto) the refund first, then the credit, never below zero.
"""

from __future__ import annotations

from dataclasses import replace

from connector.domain.money import Money
from connector.domain.resolutions import ReturnAmounts, ReturnFees


def with_shop_shipping_fee(fees: ReturnFees, amounts: ReturnAmounts, fee: Money | None) -> tuple[
    ReturnFees, ReturnAmounts
]:
    if fee is None or fee.currency != amounts.currency or fee.is_negative() or fee == fees.return_shipping:
        return fees, amounts
    refund, credit = amounts.refund, amounts.store_credit
    delta = fee - fees.return_shipping
    if delta.is_negative():  # the shop charges less than the policy would have: give the difference back
        back = -delta
        if refund or not credit:
            refund += back
        else:
            credit += back
    else:
        take = delta.min(refund)
        refund -= take
        credit = (credit - (delta - take)).clamp_non_negative()
    return (
        replace(fees, return_shipping=fee),
        replace(amounts, return_shipping_fee=fee, refund=refund, store_credit=credit),
    )
