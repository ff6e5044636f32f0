"""The signed "Request a return" link a shop sends with a received order, and the note that carries it.

Why the connector writes it: a WooCommerce customer has no link to our portal in My Account until the
companion plugin exists, so the link goes into a customer note on the order, which WooCommerce e-mails and shows
in My Account. It opens the order's "choose items" page directly: the token names the shop and the order and
holds a keyed hash of the order's e-mail (``connector.pages.signed.WOO_RETURN_LINK``), checked again when the
link is followed, so a link dies when the order changes hands and no address ever appears in a URL.

No Flask here: the worker writes the note, outside any request, through the platform's adapter (which the
provider builds with a ``ReturnLinkNotes``). The portal's route for the link (``portal.views_order_link``) uses
``ROUTE``, and ``link_path`` spells the same path.
"""

from __future__ import annotations

from typing import Final

from babel.support import NullTranslations, Translations

from connector.config.model import Config
from connector.domain.orders import Order
from connector.pages.catalogs import DOMAIN, compiled_catalogs
from connector.pages.keys import portal_keys
from connector.pages.signed import PortalSigner

ROUTE: Final = "/w/<token>"
"""Under the portal's ``/portal/<shop_id>``."""
FALLBACK_LANGUAGE: Final = "en"


def link_path(shop_id: str, token: str = "") -> str:
    """``/portal/<shop_id>/w/<token>``; without a token, what every such link of the shop starts with (how a
    note we wrote is recognised among the order's notes)."""
    return f"/portal/{shop_id}/w/{token}"


class ReturnLinkNotes:
    """The note for a received order: its text, in the order's language, with a fresh signed link. Given to
    the adapter of a platform that writes it (the services never import the pages: the provider builds the
    adapter with one of these). The signer is made on first use: an adapter is built for many other reasons,
    and a process without a signing key must still refund."""

    def __init__(self, config: Config, signer: PortalSigner | None = None) -> None:
        self._config = config
        self._signer = signer

    @staticmethod
    def marker(shop_id: str) -> str:
        """What every note of ours on the shop's orders holds, and nothing else does: the link's path."""
        return link_path(shop_id)

    def link(self, order: Order) -> str:
        """The absolute URL the customer follows, on the app's own address (``app.base_url``)."""
        if self._signer is None:
            self._signer = PortalSigner(portal_keys(self._config))
        token = self._signer.woo_return_link_token(order.shop_id, order.id, order.email)
        return self._config.app.base_url.rstrip("/") + link_path(order.shop_id, token)

    def note(self, order: Order) -> str:
        """The note's text in the order's language (the customer's, else the app's default), with the link."""
        customer_locale = order.customer.locale if order.customer else None
        language = _language(customer_locale) or _language(self._config.app.default_locale) or FALLBACK_LANGUAGE
        _ = _translations(self._config, language).gettext
        return _("To return or exchange items of this order, open this link: %(link)s") % {"link": self.link(order)}


def _language(locale: str | None) -> str | None:
    return locale.replace("-", "_").split("_")[0].lower() if locale else None


def _translations(config: Config, language: str) -> NullTranslations:
    directory = compiled_catalogs(config.data_path / "cache" / "translations")
    return Translations.load(str(directory), [language], domain=DOMAIN)
