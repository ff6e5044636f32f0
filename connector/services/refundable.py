"""What an order has left to refund: the cap on an agent's override of a return's refund.

The order's total paid is the wrong cap once the order was partly refunded (by an earlier return, or by hand
on the shop's order screen): the shop refuses anything above what is left (WooCommerce: "Invalid refund
amount."), so an override between the two could never be paid, and the agent had no way to pay what is left.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from connector.domain.money import Money
from connector.domain.orders import Order
from connector.domain.shop_refunds import ShopRefund


@runtime_checkable
class _ListsRefunds(Protocol):
    def shop_refunds(self, order_id: str) -> list[ShopRefund]: ...


def left_to_refund(order: Order, adapter: object) -> Money:
    """The order's total paid less every refund the shop holds for it (ours and those made by hand).

    Adapters that cannot list an order's refunds (Shopify learns of them from ``refunds/create`` instead)
    keep the total paid as the cap; the shop itself still refuses an over-refund.
    """
    paid = order.total_paid
    if not isinstance(adapter, _ListsRefunds):
        return paid
    refunded = Money.sum(
        (r.amount for r in adapter.shop_refunds(order.id) if r.amount.currency == order.currency), order.currency
    )
    return (paid - refunded).clamp_non_negative()
