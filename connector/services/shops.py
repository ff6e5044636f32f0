"""Registering shops: from the config file, or by hand with ``returns-connector shops add``."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from connector.carrier_settings import ShopCarrier
from connector.domain.orders import Platform, Shop
from connector.services.carriers import sync_declared_carrier
from connector.services.deps import Deps
from connector.store.errors import UnknownShop

log = logging.getLogger("connector.shops")


def sync_declared_shops(deps: Deps, environ: Mapping[str, str] | None = None) -> int:
    """Register every ``[[shops]]`` entry that is not known yet; refresh credentials from the environment; make
    each shop's carrier account the one its ``[shops.carrier]`` declares (one set by hand is kept)."""
    added = 0
    with deps.uow() as uow:
        carriers: dict[str, ShopCarrier | None] = {shop.id: None for shop in uow.shops.list()}
        for declared in deps.config.shops:
            platform = Platform.key(declared.platform)
            credentials = declared.credentials(environ)
            existing = uow.shops.find(platform, declared.address)
            if existing is None:
                existing = uow.shops.add(
                    platform,
                    admit_address(deps, platform, declared.address),
                    currency=declared.currency,
                    locale=declared.locale,
                    name=declared.name,
                    credentials=credentials or None,
                    declared_in_config=True,
                )
                added += 1
                log.info("shops.declared-added", extra={"platform": str(platform), "address": declared.address})
            elif credentials:
                uow.shops.set_credentials(existing.id, credentials)
            carriers[existing.id] = declared.carrier
        for shop_id, carrier in carriers.items():  # a shop no longer declared keeps no account of the config's
            sync_declared_carrier(uow, shop_id, carrier, deps.clock())
        uow.commit()
    return added


def add_shop(
    deps: Deps,
    platform: str,
    address: str,
    *,
    currency: str,
    locale: str,
    name: str = "",
    credentials: Mapping[str, str] | None = None,
) -> Shop:
    address = admit_address(deps, platform, address)
    with deps.uow() as uow:
        shop = uow.shops.add(platform, address, currency=currency, locale=locale, name=name, credentials=credentials)
        uow.commit()
    return shop


def admit_address(deps: Deps, platform: str, raw: str) -> str:
    """The stored spelling of a new shop's address, as its platform spells it; raises ``ConfigError`` for a
    malformed address, or one the configuration does not allow (a store URL pointing inside)."""
    return deps.provider_for(platform).admit_address(raw, deps.config)


def list_shops(deps: Deps) -> list[Shop]:
    with deps.uow() as uow:
        return uow.shops.list()


def find_shop(deps: Deps, shop_id_or_address: str) -> Shop:
    """The shop a command names by id or address; ``UnknownShop`` when none is."""
    with deps.uow() as uow:
        return _resolve(uow.shops.list(), shop_id_or_address)


def remove_shop(deps: Deps, shop_id_or_address: str) -> Shop:
    with deps.uow() as uow:
        shop = _resolve(uow.shops.list(), shop_id_or_address)
        uow.shops.remove(shop.id)
        uow.commit()
    return shop


def rotate_keys(deps: Deps) -> int:
    with deps.uow() as uow:
        count = uow.shops.rotate_keys()
        uow.commit()
    return count


def _resolve(shops: list[Shop], key: str) -> Shop:
    for shop in shops:
        if key in (shop.id, shop.address):
            return shop
    raise UnknownShop(f"no shop with id or address {key!r}")
