"""What every store page has around its content: the shop (an unknown one is a 404 before any view runs), the
page's language, the stylesheets and script served by the page itself, and who is signed in with the button
that signs out. After a signed-in page, the session's cookie is signed again (``session.refresh_cookie``).

The language: the browser's (``Accept-Language``) when it asks for one we have, else the shop's own locale,
else the app's default. Staff at a French shop with an English browser get English; with none, French.
"""

from __future__ import annotations

from typing import Any, Final

from flask import Response, abort, request, url_for

from connector.pages.i18n import accepted_language, chosen_language, use_order_locale
from connector.pages.static_files import send_static
from connector.pages.store import bp
from connector.pages.store.current import container, current_shop, remember_shop
from connector.pages.store.forms import form_token, session_subject
from connector.pages.store.session import current_staff, refresh_cookie
from connector.services.store_counter import printable

_STATIC_ENDPOINT: Final = "store.static"


@bp.before_request
def _find_shop() -> None:
    if request.endpoint == _STATIC_ENDPOINT:
        return
    shop_id = str((request.view_args or {}).get("shop_id", ""))
    shop = None
    if printable(shop_id):
        with container().uow() as uow:
            shop = uow.shops.find_by_id(shop_id)
    if shop is None:
        abort(404)
    remember_shop(shop)
    if chosen_language() is None and accepted_language() is None:
        use_order_locale(shop.locale)


@bp.after_request
def _keep_session(response: Response) -> Response:
    response.headers.setdefault("Cache-Control", "no-store")  # staff pages show customers' data
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return refresh_cookie(response)


@bp.get("/static/<path:filename>")
def static(shop_id: str, filename: str) -> Response:
    del shop_id  # the same files for every shop
    return send_static(filename)


@bp.app_context_processor
def _layout() -> dict[str, Any]:
    """For the store's own pages only (the portal's have their own layout)."""
    if request.blueprint != "store":
        return {}
    shop = current_shop()
    staff = current_staff()
    shop_id = str((request.view_args or {}).get("shop_id", ""))
    return {
        "shop": shop,
        "staff": staff,
        "stylesheet_url": url_for(_STATIC_ENDPOINT, shop_id=shop_id, filename="base.css"),
        "store_stylesheet_url": url_for(_STATIC_ENDPOINT, shop_id=shop_id, filename="store.css"),
        "store_script_url": url_for(_STATIC_ENDPOINT, shop_id=shop_id, filename="store-scan.js"),
        "scan_url": url_for("store.scan", shop_id=shop_id),
        "sign_out_url": url_for("store.sign_out", shop_id=shop_id),
        "sign_out_csrf": form_token(shop_id, session_subject(staff)) if staff else "",
    }
