"""A customer asks for a return in the portal: the lines are checked, exchanges asked of the shop, then opened.

Why this order of steps: the shop is asked (the order's current state, the replacements' stock and price)
before any transaction opens, as the executor does, so no database connection waits on a slow shop. The
return is then judged and stored in one transaction (``ReturnService.open_return``), which counts the other
open returns again: one opened meanwhile is still counted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from connector.domain.errors import DomainError
from connector.domain.events import Actor
from connector.domain.money import Money
from connector.domain.orders import Order, Shop
from connector.domain.reasons import ReasonCode
from connector.domain.resolutions import Resolution, ResolutionKind, ReturnMethod
from connector.errors import NotFound
from connector.ports import ShopAdapter
from connector.services.deps import Deps
from connector.services.opening import LineInput
from connector.services.orders import order_at_hand
from connector.services.returns import KeepItemRefused, Outcome, ReturnService
from connector.services.shipments import LogisticsChoice

Problems = dict[str, list[str]]
"""Field errors by the request's field path (``lines.0.quantity``), each with why."""


@dataclass(frozen=True, slots=True)
class AskedLine:
    """One line as the customer asked for it."""

    order_line_id: str
    quantity: int
    reason: ReasonCode
    resolution: Resolution
    note: str = ""


class InvalidLines(DomainError):
    """Lines the policy cannot explain (unknown lines, too many units, variants the shop cannot send)."""

    def __init__(self, problems: Problems) -> None:
        super().__init__("the request has invalid fields")
        self.problems = problems


class ExchangesUnavailable(DomainError):
    """An exchange was asked and the shop cannot be asked about replacements (it has no credentials yet)."""


@dataclass(frozen=True, slots=True)
class Asked:
    """The return as opened, or why keeping the goods was refused, with the shop and the order it was judged on
    (the answer is in the shop's language)."""

    shop: Shop
    order: Order
    outcome: Outcome | None
    refused: KeepItemRefused | None = None


def ask_for_return(
    deps: Deps,
    shop_id: str,
    order_id: str,
    asked: Sequence[AskedLine],
    method: ReturnMethod,
    actor: Actor,
    *,
    keep_item: bool,
    logistics: LogisticsChoice | None = None,
) -> Asked:
    """Check the lines against the order and the shop, then open the return; when the customer asked to keep
    the goods and the policy does not grant it, nothing is opened and ``Asked.refused`` says why. ``logistics``
    (the relay point or pickup window picked) is kept on the return's shipment in the transaction that opens it,
    so an approved return's label is made for it (``connector.services.shipments.plan_logistics``)."""
    found = order_at_hand(deps, shop_id, order_id, fresh=True)
    with deps.uow() as uow:
        pending = uow.returns(shop_id).pending_quantities(found.order.id)
    problems = line_problems(found.order, pending, asked)
    if not problems:
        problems = stock_problems(found.adapter, asked)
    if problems:
        raise InvalidLines(problems)
    prices = exchange_prices(found.adapter, found.order, asked)
    inputs = [
        LineInput(line.order_line_id, line.quantity, line.reason, line.resolution, customer_note=line.note,
                  exchange_price=price)
        for line, price in zip(asked, prices, strict=True)
    ]
    try:
        outcome = ReturnService(deps).open_return(
            shop_id, found.order.id, inputs, method, actor, order=found.order, keep_item=keep_item, logistics=logistics
        )
    except KeepItemRefused as refused:
        return Asked(found.shop, found.order, None, refused)
    return Asked(found.shop, found.order, outcome)


def line_problems(order: Order, pending: Mapping[str, int], asked: Sequence[AskedLine]) -> Problems:
    """Unknown lines, and more units than are left once returned and pending units are counted."""
    problems: Problems = {}
    known = {line.id: line for line in order.lines}
    wanted: Counter[str] = Counter()
    for index, line in enumerate(asked):
        if line.order_line_id not in known:
            problems[f"lines.{index}.order_line_id"] = [f"the order has no line {line.order_line_id}"]
            continue
        wanted[line.order_line_id] += line.quantity
        available = max(0, known[line.order_line_id].returnable_quantity - pending.get(line.order_line_id, 0))
        if wanted[line.order_line_id] > available:
            problems[f"lines.{index}.quantity"] = [f"at most {available} unit(s) of this line can be returned"]
    return problems


def _exchanges(asked: Sequence[AskedLine]) -> list[tuple[int, Resolution]]:
    return [(index, line.resolution) for index, line in enumerate(asked)
            if line.resolution.kind is ResolutionKind.EXCHANGE]


def _shop_for_exchanges(adapter: ShopAdapter | None) -> ShopAdapter:
    if adapter is None:
        raise ExchangesUnavailable("exchanges cannot be checked for this shop right now")
    return adapter


def stock_problems(adapter: ShopAdapter | None, asked: Sequence[AskedLine]) -> Problems:
    """Exchanges only for variants the shop can send now (asked of the shop, not of our snapshot)."""
    wanted: Counter[str] = Counter()
    first_index: dict[str, int] = {}
    for index, resolution in _exchanges(asked):
        variant = resolution.exchange_variant_id or ""
        wanted[variant] += asked[index].quantity
        first_index.setdefault(variant, index)
    if not wanted:
        return {}
    shop = _shop_for_exchanges(adapter)
    problems: Problems = {}
    for variant, quantity in wanted.items():
        field = f"lines.{first_index[variant]}.resolution.exchange_variant_id"
        try:
            stock = shop.available_stock(variant)
        except NotFound:
            problems[field] = [f"the shop has no variant {variant}"]
            continue
        if stock is not None and stock < quantity:
            problems[field] = [f"only {stock} unit(s) of this variant in stock"]
    return problems


def exchange_prices(adapter: ShopAdapter | None, order: Order, asked: Sequence[AskedLine]) -> list[Money | None]:
    """Each exchange line's replacement unit price, asked of the shop in the order's currency.

    The customer is shown, and later settles, the difference with the real price; a shop that quotes no
    price in this currency leaves None (the replacement then counts as worth what comes back).
    """
    prices: list[Money | None] = [None] * len(asked)
    exchanges = _exchanges(asked)
    if not exchanges:
        return prices
    shop = _shop_for_exchanges(adapter)
    quoted: dict[tuple[str, str | None], Money | None] = {}
    for index, resolution in exchanges:
        key = (resolution.exchange_variant_id or "", resolution.exchange_product_id)
        if key not in quoted:
            quoted[key] = shop.variant_price(key[0], order, key[1])
        prices[index] = quoted[key]
    return prices
