"""The sandbox shops' orders a demo customer may return today, which of them the demo's returns take, and the
returns it planned (``Planned``), read back from the store.

Each shop gets one return per way back (``PLAN``): a relay point or a pickup needs an order shipped to France,
where the sandbox carrier lists points (the carriers' ``methods`` table offers them there only); an exchange
needs a variant in stock, as the portal offers an exchange only for a variant the shop can send. A shop with too
few orders for that gets fewer, or labels instead (``orders_for_plan``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from connector.domain.orders import Order, Platform, Shop
from connector.domain.resolutions import ResolutionKind, ReturnMethod
from connector.domain.returns import ReturnRequest
from connector.policy import line_eligibility
from connector.ports import ShopAdapter
from connector.services.policies import current_policy
from connector.services.portal_logistics import order_country
from demo.stack import Stack

PLAN: Final = (
    (ResolutionKind.REFUND, ReturnMethod.PREPAID_LABEL),
    (ResolutionKind.STORE_CREDIT, ReturnMethod.RELAY_POINT),
    (ResolutionKind.EXCHANGE, ReturnMethod.IN_STORE),
    (ResolutionKind.REFUND, ReturnMethod.HOME_PICKUP),
)
"""Each shop's returns, in order: on Shopify the first is asked for at Shopify (which says prepaid label)."""
REQUIRED: Final = 3
"""The entries every shop gets (a refund, a credit, an exchange); the others when it has orders enough."""
CARRIER_COUNTRY: Final = "FR"
NEEDS_CARRIER_COUNTRY: Final = frozenset({ReturnMethod.RELAY_POINT, ReturnMethod.HOME_PICKUP})


@dataclass(frozen=True, slots=True)
class Fitted:
    """An order line chosen for an entry of ``PLAN``, with the way back it gets."""

    order: Order
    line_id: str
    kind: ResolutionKind
    method: ReturnMethod


@dataclass
class Planned:
    platform: Platform
    resolution: ResolutionKind
    via: str  # "shopify-customer" | "portal"
    order_id: str
    return_id: str | None = None
    platform_return_id: str | None = None
    order_name: str = ""
    method: ReturnMethod = ReturnMethod.PREPAID_LABEL


def _candidates(stack: Stack, shop_id: str, count: int, *, needs_fulfillment_ids: bool) -> list[tuple[Order, str]]:
    """Orders with a line the policy lets the customer return today, as a portal would show them, newest first."""
    found: list[tuple[Order, str]] = []
    now = stack.container.clock()
    with stack.container.uow() as uow:
        policy = current_policy(uow, shop_id)
        orders = uow.orders(shop_id).recent(limit=500)
    for order in orders:
        for line in line_eligibility(policy, order, now):
            source = order.line(line.line_id)
            usable = source.variant_id and (source.fulfillment_line_ids or not needs_fulfillment_ids)
            if line.eligible and line.returnable_quantity >= 1 and usable:
                found.append((order, line.line_id))
                break
        if len(found) >= count:
            break
    return found


def orders_for_plan(stack: Stack, shop_id: str, *, needs_fulfillment_ids: bool) -> list[Fitted]:
    """One order line per entry of ``PLAN``, each fit for its way back and outcome, no order twice.

    A shop with few orders still gets its returns, as before the ways back (``--orders 5`` works): the entries
    that need an order shipped to ``CARRIER_COUNTRY`` choose first and the others prefer orders shipped
    elsewhere; with no such order left, a relay point or pickup becomes a prepaid label (served anywhere); and
    the entries past ``REQUIRED`` are left out when no order is left for them."""
    found = _candidates(stack, shop_id, 30, needs_fulfillment_ids=needs_fulfillment_ids)
    with stack.container.uow() as uow:
        adapter = stack.container.adapter_for(uow, uow.shops.get(shop_id))
    chosen: dict[int, Fitted] = {}
    required = sorted(range(REQUIRED), key=lambda i: PLAN[i][1] not in NEEDS_CARRIER_COUNTRY)
    for index in [*required, *range(REQUIRED, len(PLAN))]:
        kind, method = PLAN[index]
        taken = [(fitted.order, fitted.line_id) for fitted in chosen.values()]
        free = [c for c in found if c not in taken and _fits(adapter, c, kind)]
        fit = _for_method(free, method)
        if fit is None and method in NEEDS_CARRIER_COUNTRY:
            method = ReturnMethod.PREPAID_LABEL
            fit = _for_method(free, method)
        if fit is not None:
            chosen[index] = Fitted(fit[0], fit[1], kind, method)
        elif index < REQUIRED:
            raise RuntimeError(f"the sandbox shop has no order left for a {kind.value}; try more --orders")
    return [chosen[index] for index in sorted(chosen)]


def _for_method(free: list[tuple[Order, str]], method: ReturnMethod) -> tuple[Order, str] | None:
    """The first order line fit for ``method``: shipped to ``CARRIER_COUNTRY`` when it needs it, else preferably
    shipped elsewhere, keeping those for the methods that need them."""
    if method in NEEDS_CARRIER_COUNTRY:
        return next((c for c in free if order_country(c[0]) == CARRIER_COUNTRY), None)
    return min(free, key=lambda c: order_country(c[0]) == CARRIER_COUNTRY, default=None)


def _fits(adapter: ShopAdapter | None, candidate: tuple[Order, str], kind: ResolutionKind) -> bool:
    """An exchange needs a variant in stock (unknown counts as in stock, as the portal does)."""
    if kind is not ResolutionKind.EXCHANGE:
        return True
    order, line_id = candidate
    variant = order.line(line_id).variant_id
    stock = adapter.available_stock(variant) if adapter is not None and variant else None
    return stock is None or stock >= 1


def _load(stack: Stack, shop_id: str, return_id: str | None) -> ReturnRequest | None:
    if return_id is None:
        return None
    with stack.container.uow() as uow:
        return uow.returns(shop_id).get(return_id)


def _shop(stack: Stack, shop_id: str) -> Shop:
    with stack.container.uow() as uow:
        return uow.shops.get(shop_id)
