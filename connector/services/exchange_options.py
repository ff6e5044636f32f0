"""The portal's exchange step: what a returned line can be exchanged for, and what each choice costs.

Why this order of steps: the order, the shop's adapter and its policy are read in one short transaction, which
is closed before the shop is asked for its catalogue (a call over HTTP; a slow shop must not hold a database
connection). A snapshot the shop had to give is stored afterwards, in a transaction of its own.

Each option carries its difference with what one returned unit was paid (``price_difference``): the figure the
policy's money split starts from. The review step's evaluation adds fees and any bonus, so the amount finally
due or given back is the policy's, never this list's.
"""

from __future__ import annotations

from dataclasses import dataclass

from connector.domain.errors import DomainError
from connector.domain.exchange_options import (
    MAX_SEARCH_PRODUCTS,
    CatalogueQuery,
    PricedOption,
    in_stock_first,
    price_difference,
)
from connector.domain.money import Money
from connector.domain.orders import Order, OrderLine
from connector.policy.model import ExchangeScope
from connector.services.deps import Deps
from connector.services.orders import order_at_hand
from connector.services.policies import current_policy


class ExchangeCatalogueUnavailable(DomainError):
    """The shop cannot be asked for its catalogue now (it has no credentials yet)."""


class OtherProductsNotOffered(DomainError):
    """A search for another product, under a policy that exchanges only for another variant of the same one."""


@dataclass(frozen=True, slots=True)
class ExchangeChoices:
    """A line's exchange options, those that can be sent now first, each with its price difference."""

    order: Order
    line: OrderLine
    paid_per_unit: Money
    options: tuple[PricedOption, ...]
    other_products_allowed: bool
    """Whether the shop's policy lets the customer look for another product (the portal shows a search)."""


def exchange_options(
    deps: Deps,
    shop_id: str,
    order_id: str,
    line_id: str,
    *,
    search: str | None = None,
    limit: int = MAX_SEARCH_PRODUCTS,
) -> ExchangeChoices:
    """The line's product's other variants, or, with ``search``, the products whose title matches and theirs.

    Raises ``InvalidReturn`` for a line the order does not have, ``OtherProductsNotOffered`` for a search the
    policy would refuse at opening, and ``ExchangeCatalogueUnavailable`` when the shop cannot be asked.
    """
    found = order_at_hand(deps, shop_id, order_id)
    with deps.uow() as uow:
        policy = current_policy(uow, shop_id)
    line = found.order.line(line_id)
    other_products = policy.outcomes.exchange_scope is ExchangeScope.ANY_PRODUCT
    wanted = search.strip() if search else ""
    if wanted and not other_products:
        raise OtherProductsNotOffered("this shop exchanges only for another size or colour of the same item")
    if found.adapter is None:
        raise ExchangeCatalogueUnavailable(f"the catalogue of shop {shop_id} cannot be read right now")
    paid = line.paid_for(1)
    if wanted:
        query: CatalogueQuery | None = CatalogueQuery.title_search(wanted, limit)
    else:
        query = CatalogueQuery.same_product(line.product_id) if line.product_id else None
    listed = found.adapter.exchange_options(found.order, query) if query is not None else []
    if found.fetched:
        with deps.uow() as uow:
            found.keep(uow)
            uow.commit()
    others = [option for option in listed if option.variant_id != line.variant_id]
    priced = tuple(price_difference(option, paid) for option in in_stock_first(others))
    return ExchangeChoices(found.order, line, paid, priced, other_products)
