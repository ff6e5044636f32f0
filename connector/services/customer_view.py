"""What a customer sees of their returns: each return with the policy's evaluation, the order and the shop.

Why one place: the portal's list of an order's returns and the secret tracking link show the same customer
view, read the same way (in one transaction, so a return and its evaluation agree); the API only presents it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from connector.domain.orders import Order, Shop
from connector.domain.returns import ReturnRequest
from connector.services.deps import Deps
from connector.store.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class SeenReturn:
    """One return and the policy's evaluation stored beside it (None for a return no policy judged)."""

    request: ReturnRequest
    evaluation: Mapping[str, Any] | None


@dataclass(frozen=True, slots=True)
class CustomerView:
    """Returns of one order, with the order (None once forgotten) and the shop whose language they are shown in."""

    shop: Shop
    order: Order | None
    returns: list[SeenReturn]


def order_returns(deps: Deps, shop_id: str, order_id: str) -> CustomerView:
    """The order's returns, oldest first."""
    with deps.uow() as uow:
        repo = uow.returns(shop_id)
        seen = [SeenReturn(r, repo.evaluation(r.id)) for r in repo.for_order(order_id)]
        return _view(uow, shop_id, order_id, seen)


def tracked_return(deps: Deps, shop_id: str, return_id: str) -> CustomerView | None:
    """The one return a tracking link names; None when the shop has no such return."""
    with deps.uow() as uow:
        repo = uow.returns(shop_id)
        found = repo.get(return_id)
        if found is None:
            return None
        return _view(uow, shop_id, found.order_id, [SeenReturn(found, repo.evaluation(return_id))])


def _view(uow: UnitOfWork, shop_id: str, order_id: str, seen: list[SeenReturn]) -> CustomerView:
    return CustomerView(uow.shops.get(shop_id), uow.orders(shop_id).get(order_id), seen)
