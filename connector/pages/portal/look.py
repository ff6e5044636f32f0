"""The shop's look for the pages whose use case does not read it (the review, the tracking and policy pages).

Why a helper: the layout draws the look a view hands it (``layout.show_branding``); these pages' use cases
answer about a return or a policy, so the shop's portal settings are read beside them, in their own short
unit of work, with the fees in the currency the page shows.
"""

from __future__ import annotations

from connector.pages.portal.current import container
from connector.pages.portal.layout import show_branding
from connector.services.portal_settings import portal_settings


def show_shop_look(shop_id: str, currency: str | None = None) -> None:
    show_branding(portal_settings(container(), shop_id, currency).branding)
