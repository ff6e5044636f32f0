"""The in-store return page (issue 19): store staff scan or type a return's code, see the return, and receive and
inspect it, under ``/store/<shop_id>``, behind the agents' own credentials (one of the shop's API keys, as
``returns-connector api-keys`` issues them).

One blueprint, ``store``; each screen is a module that registers its routes on ``bp``: ``views_sign_in`` (sign
in and out), ``views_scan`` (scan or type a code, and the scanned URL itself) and ``views_return`` (the return,
receive, inspect). ``install_store`` imports every ``views_*`` module before registering the blueprint.

What they share: ``session`` (the signed, short-lived session cookie scoped to one shop, and ``staff_required``),
``forms`` (the CSRF token of every form, bound to the session), ``layout`` (the shop, the language, the
stylesheet and the sign-out button of every page), ``errors`` (a page of ours for every refusal, never a 500),
and ``links``, the signed address of a return that its QR codes carry (``store_return_url``, usable outside a
request; the label job and the portal call it).

Why apart from the portal: the portal is the customers', signed links and no cookie (Shopify's app proxy strips
them); this page is the staff's, on the app's own address, where a cookie session is the ordinary tool. The
portal may import ``links`` (its in-store QR); nothing here imports the portal, so the two stay acyclic.
"""

from __future__ import annotations

from flask import Blueprint, Flask

from connector.pages.screens import install_screens

bp = Blueprint("store", __name__, url_prefix="/store/<shop_id>", template_folder="../templates")


def install_store(app: Flask) -> None:
    """Register the store page on ``app`` (after ``connector.pages.i18n.install_i18n``, whose signer it uses)."""
    install_screens(app, bp, __name__, __path__, shared=("layout", "errors"))


__all__ = ["bp", "install_store"]
