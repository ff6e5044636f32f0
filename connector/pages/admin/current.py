"""What an admin view takes from the app it runs in: the container (the use cases' ``Deps``), the pages' signer,
and the shop of the page being served."""

from __future__ import annotations

from typing import Final, cast

from flask import current_app, g

from connector.bootstrap import Container
from connector.domain.orders import Shop
from connector.pages.i18n import SIGNER_EXTENSION
from connector.pages.signed import PortalSigner

_SHOP: Final = "connector_admin_shop"


def container() -> Container:
    return cast(Container, current_app.extensions["connector"])


def signer() -> PortalSigner:
    """The pages' signer, on the container's clock: the photo links expire by it."""
    return cast(PortalSigner, current_app.extensions[SIGNER_EXTENSION])


def remember_shop(shop: Shop) -> None:
    setattr(g, _SHOP, shop)


def current_shop() -> Shop | None:
    """The shop of the page being served, once the layout found it (None before, or on a refused request)."""
    shop: Shop | None = g.get(_SHOP)
    return shop
