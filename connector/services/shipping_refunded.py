"""Original shipping already promised back on an order's earlier returns.

The policy refunds the order's shipping on a return when its rule says so (always, merchant's fault, full
return, EU withdrawal). Without this figure every return of the same order refunded the whole shipping
again: on a real WooCommerce store a second defective mug from one order was quoted the 5.36 shipping a
second time. Earlier returns that were declined or cancelled gave nothing back, so they do not count.
"""

from __future__ import annotations

from connector.domain.money import Money
from connector.domain.orders import Order
from connector.domain.states import ReturnStatus
from connector.store.returns_repo import ReturnFilter
from connector.store.uow import UnitOfWork

GAVE_NOTHING = frozenset({ReturnStatus.DECLINED, ReturnStatus.CANCELED})
EARLIER_RETURNS_READ = 500
"""Returns of one order read: far more than any order has."""


def shipping_refunded(uow: UnitOfWork, shop_id: str, order: Order) -> Money:
    """The larger of what our earlier returns promised back and what the shop says it refunded.

    Ours counts refunds not yet made at the shop; the shop's counts a merchant's refund by hand (a real store's
    return failed, asking for shipping the merchant had already refunded). Our refunds made at the shop are
    in both, so the two are not added.
    """
    promised = promised_by_earlier_returns(uow, shop_id, order)
    return promised if order.shipping_refunded is None else promised.max(order.shipping_refunded)


def promised_by_earlier_returns(uow: UnitOfWork, shop_id: str, order: Order) -> Money:
    """The shipping refund of every earlier return of ``order`` that may still give it, summed."""
    earlier = uow.returns(shop_id).list(ReturnFilter(order_id=order.id, limit=EARLIER_RETURNS_READ))
    return Money.sum(
        (
            r.amounts.shipping_refund
            for r in earlier
            if r.status not in GAVE_NOTHING and r.amounts is not None and r.amounts.currency == order.currency
        ),
        order.currency,
    )
