"""What the portal's "choose items" screen offers for an order: each line as the policy judges it, with the
exchanges the shop can send for it, the store-credit bonus as money and whether the goods may be kept.

Why one use case for the screen: the page must show, before the customer asks, what the return service will
decide when they do (``eligible_lines``: the same policy, pending quantities and history), next to the shop's
look and the real replacements (``exchange_options``: price and stock read from the shop now). Each step asks
the shop with no transaction open; a catalogue the shop cannot give right now leaves the exchange out for that
line, said on the page, rather than failing the whole screen.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Final

from connector.domain.exchange_options import PricedOption
from connector.domain.money import Money
from connector.domain.orders import Order, OrderLine, Shop
from connector.domain.reasons import ReasonCode
from connector.domain.resolutions import ResolutionKind
from connector.errors import ConnectorError
from connector.policy import LineEligibility
from connector.policy.model import BonusKind, ExchangeScope, Policy
from connector.services.deps import Deps
from connector.services.eligible_lines import eligible_lines
from connector.services.exchange_options import ExchangeCatalogueUnavailable, exchange_options
from connector.services.portal_settings import PortalSettings, portal_settings_for

log = logging.getLogger("connector.services.return_choices")

MAX_SEARCH: Final = 100
"""Characters of a product search: a few words of a title."""


@dataclass(frozen=True, slots=True)
class LineChoices:
    """One order line with everything the customer may choose for it."""

    line: OrderLine
    eligibility: LineEligibility
    exchanges: tuple[PricedOption, ...] = ()
    exchanges_unavailable: bool = False
    """The policy allows an exchange but the shop's catalogue could not be read now."""
    bonus_per_unit: Money | None = None
    """Store credit's percent bonus on one unit, as money (a flat bonus is per return: ``ReturnChoices``)."""
    keep_offered: bool = False
    """Keeping this line is below the policy's keep-the-item threshold on its own (the return's total decides)."""
    other_products: bool = False
    """The policy lets this line be exchanged for another product: the page offers a search."""
    search: str = ""
    """What the customer looked for among the shop's other products (``with_replacements_found``)."""
    found: tuple[PricedOption, ...] = ()
    """The other products' variants the search found, priced against the paid unit."""
    search_unavailable: bool = False
    """A search was asked and the shop's catalogue could not be read now."""

    @property
    def offers_exchange(self) -> bool:
        """Something can be chosen in exchange now: another size or colour, or another product to look for."""
        return bool(self.exchanges) or (self.other_products and not self.exchanges_unavailable)

    def replacement(self, variant_id: str) -> PricedOption | None:
        """The offered or found replacement ``variant_id``, None when the page offered no such thing."""
        return next((o for o in self.exchanges + self.found if o.option.variant_id == variant_id), None)

    @property
    def returnable(self) -> bool:
        return self.eligibility.eligible and self.eligibility.returnable_quantity > 0

    def outcomes_for(self, reason: ReasonCode) -> frozenset[ResolutionKind]:
        return dict(self.eligibility.outcomes_by_reason).get(reason, frozenset())


@dataclass(frozen=True, slots=True)
class ReturnChoices:
    shop: Shop
    order: Order
    policy: Policy
    settings: PortalSettings
    lines: tuple[LineChoices, ...]
    flat_bonus: Money | None
    """Store credit's flat bonus for the whole return, in the order's currency; None without one."""
    keep_below: Money | None
    """The return's value under which the customer may keep the goods; None when the policy never offers it."""

    def line(self, line_id: str) -> LineChoices | None:
        return next((choices for choices in self.lines if choices.line.id == line_id), None)


def return_choices(deps: Deps, shop_id: str, order_id: str) -> ReturnChoices:
    """The order's lines with their outcomes, replacements, bonus and keep-the-item offer, and the shop's look."""
    found = eligible_lines(deps, shop_id, order_id)
    order, policy = found.order, found.policy
    keep_below = _keep_threshold(policy, order.currency)
    lines = tuple(
        _line_choices(deps, shop_id, order, policy, item, keep_below) for item in found.lines
    )
    return ReturnChoices(
        shop=found.shop,
        order=order,
        policy=policy,
        settings=portal_settings_for(deps, found.shop, policy, order.currency),
        lines=lines,
        flat_bonus=_flat_bonus(policy, order.currency),
        keep_below=keep_below,
    )


def _line_choices(
    deps: Deps, shop_id: str, order: Order, policy: Policy, item: LineEligibility, keep_below: Money | None
) -> LineChoices:
    line = order.line(item.line_id)
    if not (item.eligible and item.returnable_quantity > 0):
        return LineChoices(line, item)
    exchanges, unavailable = _exchanges(deps, shop_id, order.id, line, item)
    paid = line.paid_for(1)
    return LineChoices(
        line,
        item,
        exchanges=exchanges,
        exchanges_unavailable=unavailable,
        bonus_per_unit=_percent_bonus(policy, paid),
        keep_offered=keep_below is not None and paid < keep_below and ResolutionKind.REFUND in item.allowed_outcomes,
        other_products=ResolutionKind.EXCHANGE in item.allowed_outcomes
        and policy.outcomes.exchange_scope is ExchangeScope.ANY_PRODUCT,
    )


def with_replacements_found(deps: Deps, choices: ReturnChoices, searches: Mapping[str, str]) -> ReturnChoices:
    """``choices`` with, for each line the customer searched (``searches``: text by order line id), the other
    products whose title matches, priced against the line's paid unit. Only for a line whose policy allows
    another product; a search the shop cannot answer now leaves that line's results empty, said on the page."""
    lines = []
    for choice in choices.lines:
        wanted = searches.get(choice.line.id, "").strip()[:MAX_SEARCH]
        if not wanted or not choice.other_products or not choice.returnable:
            lines.append(choice)
            continue
        try:
            found = exchange_options(deps, choices.shop.id, choices.order.id, choice.line.id, search=wanted).options
            lines.append(replace(choice, search=wanted, found=found))
        except (ExchangeCatalogueUnavailable, ConnectorError) as exc:
            log.warning("portal.exchange-search-unavailable",
                        extra={"shop_id": choices.shop.id, "error": type(exc).__name__})
            lines.append(replace(choice, search=wanted, search_unavailable=True))
    return replace(choices, lines=tuple(lines))


def _exchanges(
    deps: Deps, shop_id: str, order_id: str, line: OrderLine, item: LineEligibility
) -> tuple[tuple[PricedOption, ...], bool]:
    if ResolutionKind.EXCHANGE not in item.allowed_outcomes:
        return (), False
    try:
        return exchange_options(deps, shop_id, order_id, line.id).options, False
    except (ExchangeCatalogueUnavailable, ConnectorError) as exc:
        log.warning("portal.exchange-options-unavailable", extra={"shop_id": shop_id, "error": type(exc).__name__})
        return (), True


def _percent_bonus(policy: Policy, paid_per_unit: Money) -> Money | None:
    bonus = policy.bonus
    if bonus is None or bonus.kind is not BonusKind.PERCENT or ResolutionKind.STORE_CREDIT not in bonus.outcomes:
        return None
    amount = Money.rounded_down(paid_per_unit.amount * bonus.percent / Decimal(100), paid_per_unit.currency)
    return amount if amount else None


def _flat_bonus(policy: Policy, currency: str) -> Money | None:
    bonus = policy.bonus
    if bonus is None or bonus.kind is not BonusKind.FLAT or ResolutionKind.STORE_CREDIT not in bonus.outcomes:
        return None
    return bonus.flat.get(currency)


def _keep_threshold(policy: Policy, currency: str) -> Money | None:
    keep = policy.keep_item
    if keep is None or ResolutionKind.REFUND not in keep.outcomes:
        return None  # the portal's "keep" pays a refund (connector.pages.portal.asked)
    return keep.below.get(currency)
