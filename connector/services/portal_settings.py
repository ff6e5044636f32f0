"""The settings the customer portal needs for one shop: its look and the ways back it offers, with their fees.

The look is layered: the neutral defaults, then the shop's ``[shops.branding]`` in the config file, then what
the shop set through the app (the database), so a value set in the app wins and a value never set anywhere
falls back. The methods come from the shop's policy in force, the same one that prices the return, so the fee
shown beside a method is the fee the decision charges (before waivers the decision then explains).
"""

from __future__ import annotations

from dataclasses import dataclass

from connector.branding import Branding, BrandingChoices, default_branding
from connector.config.model import Config
from connector.domain.orders import Platform, Shop
from connector.policy.methods import MethodOffer, offered_methods
from connector.policy.model import Policy
from connector.services.deps import Deps
from connector.services.policies import current_policy


@dataclass(frozen=True, slots=True)
class PortalSettings:
    branding: Branding
    methods: tuple[MethodOffer, ...]
    """Only those the shop offers, in a stable order; each fee in the currency asked for."""


def portal_settings(deps: Deps, shop_id: str, currency: str | None = None) -> PortalSettings:
    """The shop's effective portal settings; fees in ``currency`` (an order's), else the shop's own."""
    with deps.uow() as uow:
        shop = uow.shops.get(shop_id)
        stored = uow.branding(shop_id).get()
        policy = current_policy(uow, shop_id)
    return _settings(deps.config, shop, stored, policy, currency)


def portal_settings_for(deps: Deps, shop: Shop, policy: Policy, currency: str | None = None) -> PortalSettings:
    """The same, for a use case that has just read the shop and its policy in force for the page (the "choose
    items" screen): only the branding is read, so one page reads each of them once. The methods' fees then
    come from the very policy that judged the lines, rather than from a second read of it."""
    with deps.uow() as uow:
        stored = uow.branding(shop.id).get()
    return _settings(deps.config, shop, stored, policy, currency)


def portal_branding(deps: Deps, shop: str | Shop) -> Branding:
    """The shop's effective look alone, for a page that offers no method (the review, the tracking and policy
    pages): no policy is read for it, and a ``Shop`` its use case has just read is not read again."""
    with deps.uow() as uow:
        found = uow.shops.get(shop) if isinstance(shop, str) else shop
        stored = uow.branding(found.id).get()
    return _branding(deps.config, found, stored)


def _settings(
    config: Config, shop: Shop, stored: BrandingChoices, policy: Policy, currency: str | None
) -> PortalSettings:
    return PortalSettings(_branding(config, shop, stored), tuple(offered_methods(policy, currency or shop.currency)))


def _branding(config: Config, shop: Shop, stored: BrandingChoices) -> Branding:
    declared = _declared_branding(config, shop)
    return stored.over(declared.over(default_branding(shop.name or shop.address)))


def save_branding(deps: Deps, shop_id: str, choices: BrandingChoices) -> None:
    """Keep what the shop set through the app (already checked: ``BrandingChoices`` refuses a bad value)."""
    with deps.uow() as uow:
        uow.shops.get(shop_id)  # an unknown shop fails here, loudly
        uow.branding(shop_id).put(choices, deps.clock())
        uow.commit()


def _declared_branding(config: Config, shop: Shop) -> BrandingChoices:
    for declared in config.shops:
        if Platform.key(declared.platform) == shop.platform and declared.address == shop.address:
            return declared.branding
    return BrandingChoices()
