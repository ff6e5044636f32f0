"""The ways back a customer may choose for an order's return, each with its fee in the order's currency.

Why the order is read first: the fees are amounts per currency, and the currency is the order's (a shop selling
in euros and pounds shows each customer theirs). The order comes from the stored snapshot, else from the shop,
asked before the unit of work that reads the shop's settings and policy. The methods are the policy's, narrowed to
those the shop's carrier serves for the order's country (``connector.services.carriers.offered_methods``; a shop
without a carrier keeps the policy's).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from connector.domain.orders import Order
from connector.services.carriers import offered_methods
from connector.services.deps import Deps
from connector.services.orders import order_at_hand
from connector.services.portal_settings import PortalSettings, portal_settings


@dataclass(frozen=True, slots=True)
class MethodChoices:
    order: Order
    settings: PortalSettings
    """The shop's look and its offered methods (only those enabled and served by its carrier in the order's
    country), fees in the order's currency."""


def return_methods(deps: Deps, shop_id: str, order_id: str) -> MethodChoices:
    order = order_at_hand(deps, shop_id, order_id).order
    settings = portal_settings(deps, shop_id, order.currency)
    served = offered_methods(deps, shop_id, order.country)
    return MethodChoices(order, replace(settings, methods=tuple(o for o in settings.methods if o.method in served)))
