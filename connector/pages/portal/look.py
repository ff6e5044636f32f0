"""The shop's look for the pages whose use case does not read it (the review, the tracking and policy pages).

Why a helper: the layout draws the look a view hands it (``layout.show_branding``); these pages' use cases
answer about a return or a policy, so the shop's look is read beside them, in its own short unit of work.
Only the look: these pages show no method, so no policy is read for them, and a view whose use case has
already read the shop (the review's quote) hands it over rather than having it read again.
"""

from __future__ import annotations

from connector.domain.orders import Shop
from connector.pages.portal.current import container
from connector.pages.portal.layout import show_branding
from connector.services.portal_settings import portal_branding


def show_shop_look(shop: str | Shop) -> None:
    """The look of ``shop``: its id, or the ``Shop`` the page's use case read."""
    show_branding(portal_branding(container(), shop))
