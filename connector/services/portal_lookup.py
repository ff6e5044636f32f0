"""A customer finds their order by its number and the e-mail on it, to reach the returns portal.

Why both failures take one path: "no such order" and "another e-mail" must not be told apart (the answer and
its timing would tell an attacker which order numbers exist), so both read the snapshots, then ask the shop.
The shop is asked once the reading transaction is closed.
"""

from __future__ import annotations

import hmac

from connector.domain.orders import Order
from connector.services.deps import Deps
from connector.store.errors import UnknownShop


def same_email(a: str, b: str) -> bool:
    """Equal e-mail addresses, whatever their case and surrounding blanks, compared in constant time."""
    return hmac.compare_digest(a.strip().casefold().encode(), b.strip().casefold().encode())


def find_customer_order(deps: Deps, shop_id: str, number: str, email: str) -> Order | None:
    """The shop's order with this number whose e-mail is ``email``: our snapshots first, else the shop's own
    search. None for an unknown shop, an unknown order and another e-mail alike.

    ``number`` is already in its normal form (the one a per-order rate limit counts).
    """
    with deps.uow() as uow:
        try:
            shop = uow.shops.get(shop_id)
        except UnknownShop:
            return None
        known = uow.orders(shop_id).find_by_name(number)
        match = next((order for order in known if same_email(order.email, email)), None)
        adapter = None if match is not None else deps.adapter_for(uow, shop)
    if match is not None or adapter is None:
        return match
    found = adapter.find_order(number, email)
    return found if found is not None and same_email(found.email, email) else None
