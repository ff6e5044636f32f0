"""What the shop's counter needs to take a return back in store (issue 19): staff signing in with one of the shop's
API keys, finding the return from what they scan or type, and the return as staff see it.

Why a use case of its own: the store page (``connector.pages.store``) is a thin view over these reads and over
``ReturnService``'s receive and inspect, like every page; and what a key is worth is decided here once, for the
sign-in and for every later request of its session (a key revoked, or a shop uninstalled, ends the sessions
opened with it at their next request).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Final

from connector.domain.orders import Order, OrderLine, Shop
from connector.domain.resolutions import Disposition
from connector.domain.returns import ReturnLine, ReturnRequest
from connector.domain.shipments import Shipment
from connector.services.deps import Deps
from connector.store.apikeys_repo import ApiKeyRecord
from connector.store.returns_repo import ReturnFilter

MAX_FOUND: Final = 20
"""Returns listed for one order number: an order has a handful; more means the number was too vague."""
MAX_TYPED: Final = 500
"""Longer than any return number, order number or store URL we make: anything beyond is not one of them."""


@dataclass(frozen=True, slots=True)
class CounterLine:
    """One line of the return, with what staff need to check it: the item's name and its photos."""

    line: ReturnLine
    ordered: OrderLine | None
    photos: int

    @property
    def title(self) -> str:
        return self.ordered.title if self.ordered is not None else self.line.order_line_id

    @property
    def remaining(self) -> int:
        """Units still expected at the counter."""
        return self.line.quantity - self.line.received_quantity

    @property
    def awaited(self) -> int:
        """What "receive everything" takes for this line: the units still expected, none once it was written off
        as missing (it can still be received on its own, should it turn up)."""
        return 0 if self.line.disposition is Disposition.MISSING else self.remaining


@dataclass(frozen=True, slots=True)
class CounterReturn:
    shop: Shop
    request: ReturnRequest
    order: Order | None
    lines: tuple[CounterLine, ...]
    shipment: Shipment | None
    photos: int

    @property
    def receivable(self) -> bool:
        """Whether units can be received now: the state machine allows it and some are still expected."""
        return self.request.can("receive") and not self.request.keep_item and any(c.remaining for c in self.lines)

    @property
    def inspectable(self) -> bool:
        return self.request.can("inspect")


def staff_key(deps: Deps, shop_id: str, presented: str) -> ApiKeyRecord | None:
    """The active key of ``shop_id`` that ``presented`` is, while the shop is installed; None otherwise (a key of
    another shop included: it is answered as an unknown one)."""
    with deps.uow() as uow:
        record = uow.api_keys.verify(presented[:MAX_TYPED], deps.clock())
        uow.commit()  # its last use is noted
    if record is None or record.shop_id != shop_id or not _active_shop(deps, shop_id):
        return None
    return record


def key_still_valid(deps: Deps, shop_id: str, key_id: str) -> ApiKeyRecord | None:
    """The key a session was opened with, while it is neither revoked nor its shop uninstalled."""
    with deps.uow() as uow:
        record = uow.api_keys.get(shop_id, key_id)
    if record is None or not record.active or not _active_shop(deps, shop_id):
        return None
    return record


def _active_shop(deps: Deps, shop_id: str) -> bool:
    if not printable(shop_id):
        return False
    with deps.uow() as uow:
        shop = uow.shops.find_by_id(shop_id)
    return shop is not None and shop.active


def printable(text: str) -> bool:
    """No control character: none is in an id or a number we make, and PostgreSQL refuses a NUL in any text."""
    return not any(unicodedata.category(char) == "Cc" for char in text)


def find_returns(deps: Deps, shop_id: str, typed: str) -> tuple[ReturnRequest, ...]:
    """The shop's returns that ``typed`` names: a return's number (as printed, any case), else an order's number
    (``#1001``, ``1001``), newest first. Nothing for anything else."""
    text = typed.strip()[:MAX_TYPED]
    if not text or not printable(text) or not printable(shop_id):
        return ()
    with deps.uow() as uow:
        repo = uow.returns(shop_id)
        for candidate in dict.fromkeys((text, text.upper())):
            found = repo.get(candidate)
            if found is not None:
                return (found,)
        return tuple(repo.list(ReturnFilter(order_name=text, limit=MAX_FOUND)))


def counter_return(deps: Deps, shop_id: str, return_id: str) -> CounterReturn | None:
    """The return of ``shop_id`` as the counter shows it; None when the shop has no such return."""
    if not printable(shop_id) or not printable(return_id):
        return None
    with deps.uow() as uow:
        shop = uow.shops.find_by_id(shop_id)
        request = uow.returns(shop_id).get(return_id) if shop is not None else None
        if shop is None or request is None:
            return None
        order = uow.orders(shop_id).get(request.order_id)
        photos = uow.photos(shop_id).for_return(return_id)
        shipment = uow.shipments(shop_id).for_return(return_id)
    ordered = {line.id: line for line in order.lines} if order is not None else {}
    lines = tuple(
        CounterLine(line, ordered.get(line.order_line_id), sum(1 for p in photos if p.line_id == line.id))
        for line in request.lines
    )
    return CounterReturn(shop, request, order, lines, shipment, len(photos))
