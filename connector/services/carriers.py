"""Which carrier a shop uses, and the ways back it can therefore offer a customer in a given country.

The offer is the policy's enabled methods (as the portal offered them before carriers existed), narrowed by the
shop's carrier: a method is kept only when the carrier can serve it (``connector.carrier_settings.can_serve``:
a label, and relay points or pickup for those methods; in store needs no carrier) and when the account's
``methods`` table lists it for the customer's country (or its ``default`` entry; no table: no narrowing).

A shop without a carrier keeps the policy's methods, unchanged: nothing existing breaks, and the merchant who
has not set a carrier yet still takes returns (a label method is then only words, as it was). The capabilities
are those of the adapter built for the shop (a Sendcloud account offers pickup only when configured with a
pickup option); when it cannot be built (a credential missing from this process's environment) the carrier's
declared capabilities stand in and a warning is logged, so the portal keeps its methods and the label job,
which would fail the same way, alerts an agent rather than the customer meeting an empty screen.

The config's ``[shops.carrier]`` tables reach the database here too (``sync_declared_carrier``, source
``config``); an account added with ``returns-connector carriers add`` (source ``cli``) is never replaced nor
removed by a sync.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from connector.carrier_settings import DEFAULT_COUNTRY, FROM_CONFIG, ShopCarrier, can_serve
from connector.carriers_registry import carrier_provider
from connector.domain.orders import Shop
from connector.domain.resolutions import ReturnMethod
from connector.domain.shipping import CarrierCapability
from connector.errors import ConnectorError
from connector.services.deps import Deps
from connector.services.policies import current_policy
from connector.store.uow import UnitOfWork

log = logging.getLogger("connector.carriers")


def shop_carrier(deps: Deps, shop_id: str) -> ShopCarrier | None:
    """The shop's carrier account as stored (the config's, or the one ``carriers add`` set), None without one."""
    with deps.uow() as uow:
        return uow.carriers(shop_id).get()


def offered_methods(deps: Deps, shop_id: str, country: str | None) -> tuple[ReturnMethod, ...]:
    """The return methods a customer in ``country`` (ISO 3166-1 alpha-2, None when the order has none) is
    offered: the policy's, those the shop's carrier can serve, those its account enables there. In the enum's
    order (post, relay point, store, pickup), like the policy's offer."""
    with deps.uow() as uow:
        shop = uow.shops.get(shop_id)
        policy = current_policy(uow, shop_id)
        allowed = carrier_allows(deps, uow, shop, country)
    return _narrowed(policy.methods, allowed)


def _narrowed(enabled: frozenset[ReturnMethod], allowed: frozenset[ReturnMethod] | None) -> tuple[ReturnMethod, ...]:
    return tuple(m for m in ReturnMethod if m in enabled and (allowed is None or m in allowed))


def carrier_allows(deps: Deps, uow: UnitOfWork, shop: Shop, country: str | None) -> frozenset[ReturnMethod] | None:
    """The methods the shop's carrier lets through for ``country``; None when the shop has no carrier (then
    nothing is narrowed)."""
    account = uow.carriers(shop.id).get()
    if account is None:
        return None
    capabilities = carrier_capabilities(deps, uow, shop, account)
    listed = account.methods_for(country or "")
    return frozenset(
        m for m in ReturnMethod if can_serve(m, capabilities) and (listed is None or m.value in listed)
    )


def carrier_capabilities(deps: Deps, uow: UnitOfWork, shop: Shop, account: ShopCarrier) -> frozenset[CarrierCapability]:
    """What the shop's carrier can do: its adapter's, else (it cannot be built here) what the carrier declares,
    else (no such carrier installed) nothing."""
    try:
        adapter = deps.carrier_for(uow, shop)
    except ConnectorError as exc:
        log.warning("carriers.adapter-unavailable", extra={"shop_id": shop.id, "carrier": account.carrier,
                                                           "error": str(exc)})
        adapter = None
    if adapter is not None:
        return frozenset(adapter.capabilities)
    try:
        return carrier_provider(account.carrier).capabilities
    except ConnectorError:
        return frozenset()


def sync_declared_carrier(uow: UnitOfWork, shop_id: str, declared: ShopCarrier | None, at: datetime) -> bool:
    """Make the shop's stored account the config's ``declared`` one (None: the config declares none), unless
    the account was set by hand (source ``cli``), which a sync never touches. True when something changed."""
    repository = uow.carriers(shop_id)
    current = repository.get()
    if current is not None and current.source != FROM_CONFIG:
        return False
    if declared is None:
        if current is None:
            return False
        repository.remove()
        log.info("carriers.declared-removed", extra={"shop_id": shop_id, "carrier": current.carrier})
        return True
    if current == declared:
        return False
    repository.put(declared, at)
    log.info("carriers.declared-synced", extra={"shop_id": shop_id, "carrier": declared.carrier})
    return True


def set_carrier(deps: Deps, shop_id: str, account: ShopCarrier) -> ShopCarrier | None:
    """Give the shop this account (checked: ``connector.config.carrier_schema``), replacing any; answers the one
    it replaced."""
    with deps.uow() as uow:
        uow.shops.get(shop_id)  # an unknown shop fails here, loudly
        repository = uow.carriers(shop_id)
        previous = repository.get()
        repository.put(account, deps.clock())
        uow.commit()
    return previous


def remove_carrier(deps: Deps, shop_id: str) -> ShopCarrier | None:
    """Drop the shop's account; answers it (None: there was none). One from the config comes back at the next
    sync, as the config still declares it."""
    with deps.uow() as uow:
        repository = uow.carriers(shop_id)
        previous = repository.get()
        repository.remove()
        uow.commit()
    return previous


@dataclass(frozen=True, slots=True)
class CarrierSummary:
    """One shop's carrier as ``carriers list`` shows it: never a credential, only the variables' names."""

    shop: Shop
    account: ShopCarrier | None
    capabilities: frozenset[CarrierCapability]
    offered: Mapping[str, tuple[ReturnMethod, ...]]
    """What the portal offers now, for each country the account's ``methods`` names (and ``default``)."""
    missing_env: tuple[str, ...]


def carrier_summaries(deps: Deps) -> list[CarrierSummary]:
    with deps.uow() as uow:
        return [_summary(deps, uow, shop) for shop in uow.shops.list()]


def carrier_summary(deps: Deps, shop_id: str) -> CarrierSummary:
    """One shop's, for its settings page."""
    with deps.uow() as uow:
        return _summary(deps, uow, uow.shops.get(shop_id))


def _summary(deps: Deps, uow: UnitOfWork, shop: Shop) -> CarrierSummary:
    account = uow.carriers(shop.id).get()
    enabled = current_policy(uow, shop.id).methods
    if account is None:
        return CarrierSummary(shop, None, frozenset(), {DEFAULT_COUNTRY: _narrowed(enabled, None)}, ())
    countries = [*(c for c in account.settings.get("methods") or {} if c != DEFAULT_COUNTRY), DEFAULT_COUNTRY]
    offered = {c: _narrowed(enabled, carrier_allows(deps, uow, shop, c)) for c in countries}
    return CarrierSummary(shop, account, carrier_capabilities(deps, uow, shop, account), offered,
                          tuple(account.missing_env()))
