"""The agents' admin (issue 20): one blueprint, ``admin``, under ``/admin/<shop_id>``, the same pages inside
Shopify's admin (embedded) and linked out from WordPress.

Each screen is a module that registers its routes on ``bp`` (``views_*``: the queue, one return, its actions);
``install_admin`` imports them all before registering the blueprint. What they share: ``context`` (who is
using the admin: ``AdminContext``), ``auth`` (the registered ways in and ``current_admin``), ``layout`` (the
shop, the language, the Polaris page around every screen) and ``errors`` (a page of ours for every refusal,
never a 500). The merchant's settings (``settings/``) are a blueprint of their own under
``/admin/<shop_id>/settings`` using the same context, layout and templates.

Why no platform here: the pages name none. Shopify's embedded app and the WordPress link-out each register an
authenticator (``auth.register_admin_authenticator``) from their own package; the core only asks them.
"""

from __future__ import annotations

from flask import Blueprint, Flask

from connector.pages.admin.auth import install_admin_auth
from connector.pages.screens import install_screens

bp = Blueprint("admin", __name__, url_prefix="/admin/<shop_id>", template_folder="../templates")


def install_admin(app: Flask) -> None:
    """Register the admin on ``app`` (after ``connector.pages.i18n.install_i18n``, whose catalogues it uses).
    Authenticators may be registered before or after: they are looked up on each request."""
    install_admin_auth(app)
    install_screens(app, bp, __name__, __path__, shared=("layout", "errors"))


__all__ = ["bp", "install_admin"]
