"""What an order has left to refund: the cap on an agent's override of a return's refund.

The order's total paid is the wrong cap once the order was partly refunded (by an earlier return, or by hand
on the shop's order screen): the shop refuses anything above what is left (WooCommerce: "Invalid refund
amount."), so an override between the two could never be paid, and the agent had no way to pay what is left.
"""

from __future__ import annotations

from collections.abc import Sequence

from connector.domain.actions import ActionKind
from connector.domain.errors import InvalidReturn
from connector.domain.money import Money
from connector.domain.orders import Order
from connector.ports import ListsShopRefunds
from connector.providers import Capability, PlatformProvider
from connector.services import instructions
from connector.services.deps import Deps
from connector.services.orders import OrderAtHand, order_at_hand
from connector.services.planning import PlannedAction


def refunds_listed_by(provider: PlatformProvider, adapter: object) -> ListsShopRefunds | None:
    """The adapter, to read an order's refunds with, when its platform lists them; None when it does not (Shopify
    learns of them from ``refunds/create`` instead) or the adapter cannot."""
    if provider.has(Capability.LISTS_ORDER_REFUNDS) and isinstance(adapter, ListsShopRefunds):
        return adapter
    return None


def left_to_refund(order: Order, refunds: ListsShopRefunds | None) -> Money:
    """The order's total paid less every refund the shop holds for it (ours and those made by hand).

    Without a list of the order's refunds (``refunds_listed_by``) the total paid is the cap; the shop itself still
    refuses an over-refund.
    """
    paid = order.total_paid
    if refunds is None:
        return paid
    refunded = Money.sum(
        (r.amount for r in refunds.shop_refunds(order.id) if r.amount.currency == order.currency), order.currency
    )
    return (paid - refunded).clamp_non_negative()


def order_and_left_to_refund(deps: Deps, shop_id: str, order_id: str) -> tuple[OrderAtHand, Money]:
    """The order and what the shop has left to refund on it, both asked of the shop with no transaction open,
    for the transaction that then decides on them."""
    found = order_at_hand(deps, shop_id, order_id)
    refunds = refunds_listed_by(deps.provider_for(found.shop.platform), found.adapter)
    return found, left_to_refund(found.order, refunds)


def check_override(override: Money, order: Order, left: Money) -> None:
    """An agent's override: a non-negative amount in the order's currency, at most what is ``left`` to refund
    (``left_to_refund``, asked of the shop before the deciding transaction)."""
    if override.currency != order.currency or override.is_negative():
        raise InvalidReturn(f"the override must be a non-negative amount in {order.currency}")
    if override > left:
        raise InvalidReturn(f"the override {override} is more than the {left} left to refund")


def check_payable(planned: Sequence[PlannedAction], left: Money) -> None:
    """Refuse to resolve with a refund the shop would refuse: an action that can only fail, with no way back
    (a resolved return is not resolved again). The agent is told what is left, to pay it with an override."""
    asked = [instructions.refund_from_json(a.payload).amount for a in planned if a.kind is ActionKind.REFUND]
    asked = [amount for amount in asked if amount]
    for amount in asked:
        if amount > left:
            raise InvalidReturn(f"the refund {amount} is more than the {left} left to refund on the order; "
                                f"resolve with an override of at most {left}")
