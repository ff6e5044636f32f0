"""The ways back a customer may choose for an order's return, each with its fee in the order's currency.

Why the order is read first: the fees are amounts per currency, and the currency is the order's (a shop selling
in euros and pounds shows each customer theirs). The order comes from the stored snapshot, else from the shop,
asked before the unit of work that reads the shop's settings and policy.
"""

from __future__ import annotations

from dataclasses import dataclass

from connector.domain.orders import Order
from connector.services.deps import Deps
from connector.services.orders import order_at_hand
from connector.services.portal_settings import PortalSettings, portal_settings


@dataclass(frozen=True, slots=True)
class MethodChoices:
    order: Order
    settings: PortalSettings
    """The shop's look and its offered methods (only those enabled), fees in the order's currency."""


def return_methods(deps: Deps, shop_id: str, order_id: str) -> MethodChoices:
    order = order_at_hand(deps, shop_id, order_id).order
    return MethodChoices(order, portal_settings(deps, shop_id, order.currency))
