"""What every admin page has around its content, and what runs before any admin view:

1. who is asking (``auth.current_admin``): every route of the admin and of the blueprints nested in it is
   behind it, so a route cannot forget it; only the static files and the signed photo links are not (a photo
   link is signed for one shop's photo, ``views_photos``);
2. the shop (an uninstalled or unknown one is a 404 page), after the credential, so a caller without one
   learns nothing of which shops exist;
3. the language: the context's (Shopify's admin locale, the WordPress user's).

The page itself is Polaris (``<s-page>``, ``<s-section>``, ``<s-badge>``, ``<s-banner>``, ``<s-button>``) with
plain HTML beneath or beside each element, so it works and reads the same where the components are not
defined (the WordPress link-out loads no Polaris; a browser without JavaScript).
"""

from __future__ import annotations

from typing import Any, Final

from flask import Response, abort, current_app, request, url_for

from connector.pages.admin import bp
from connector.pages.admin.auth import admin_context, current_admin
from connector.pages.admin.current import container, current_shop, remember_shop
from connector.pages.admin.links import admin_url
from connector.pages.static_files import send_static

SETTINGS: Final = "admin.settings.index"
PUBLIC_ENDPOINTS: Final = frozenset({"admin.static", "admin.photo"})
"""Reached without the agent's credential: the same files for every shop, and photos behind a signed link."""


@bp.before_request
def _agent_and_shop() -> None:
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    shop_id = str((request.view_args or {}).get("shop_id", ""))
    current_admin(shop_id)
    with container().uow() as uow:
        shop = uow.shops.find_by_id(shop_id)
    if shop is None or not shop.active:
        abort(404)
    remember_shop(shop)


@bp.after_request
def _private(response: Response) -> Response:
    response.headers.setdefault("Cache-Control", "no-store")  # agents' pages show customers' data
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


@bp.get("/static/<path:filename>")
def static(shop_id: str, filename: str) -> Response:
    del shop_id  # the same files for every shop
    return send_static(filename)


@bp.app_context_processor
def _layout() -> dict[str, Any]:
    """For the admin's pages and those of blueprints nested in it (the settings)."""
    if "admin" not in request.blueprints:
        return {}
    shop_id = str((request.view_args or {}).get("shop_id", ""))
    context = admin_context()
    return {
        "admin": context,
        "shop": current_shop(),
        "admin_url": admin_url,
        "stylesheet_url": url_for("admin.static", shop_id=shop_id, filename="base.css"),
        "admin_stylesheet_url": url_for("admin.static", shop_id=shop_id, filename="admin.css"),
        "queue_url": admin_url("admin.queue", shop_id=shop_id) if context else "",
        "settings_url": _settings_url(shop_id),
    }


def _settings_url(shop_id: str) -> str:
    """The merchant's settings (``settings/``, nested in the admin), for those who may change them."""
    context = admin_context()
    if context is None or not context.may_change_settings or SETTINGS not in current_app.view_functions:
        return ""
    return admin_url(SETTINGS, shop_id=shop_id)
