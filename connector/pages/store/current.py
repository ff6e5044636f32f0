"""What a store view takes from the app it runs in: the container (the use cases' ``Deps``), the pages' signer,
the keys of the returns' codes, and the shop of the page being served."""

from __future__ import annotations

from typing import Final, cast

from flask import current_app, g

from connector.bootstrap import Container
from connector.domain.orders import Shop
from connector.pages.i18n import SIGNER_EXTENSION
from connector.pages.keys import portal_keys
from connector.pages.signed import PortalSigner

_SHOP: Final = "connector_store_shop"


def container() -> Container:
    return cast(Container, current_app.extensions["connector"])


def signer() -> PortalSigner:
    """The pages' signer, on the container's clock (``create_core_app``): sessions and forms expire by it."""
    return cast(PortalSigner, current_app.extensions[SIGNER_EXTENSION])


def code_keys() -> list[str]:
    """The keys the returns' codes are signed with (``links.store_return_url`` uses the same)."""
    return portal_keys(container().config)


def remember_shop(shop: Shop) -> None:
    setattr(g, _SHOP, shop)


def current_shop() -> Shop | None:
    """The shop of the page being served, once ``layout`` has found it (None for an unknown shop)."""
    shop: Shop | None = g.get(_SHOP)
    return shop
