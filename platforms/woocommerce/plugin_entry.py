"""Where the WordPress plugin sends browsers, with a token it signed (``plugin_token``):

``GET /admin/enter/woocommerce?token=``  an agent from the "Returns" page or an order's box: the token is
    checked (``plugin_check``: signature, age, store, single use), the agent gets a session cookie of that
    shop's admin with their WordPress role (``plugin_session``), and is sent to the queue (an order's returns,
    when opened from an order).
``GET /portal/enter/woocommerce?token=`` a customer from "Request a return" in My Account: the token (the order,
    the customer) is checked the same way, then turned into the portal's own signed link for that order
    (``PortalSigner.woo_return_link_token``, the link the order's note carries), which the portal checks again
    and opens on the order's "choose items" page, in the customer's WordPress language.

A refused token answers a page saying where to open the admin (403), or, for a customer, the portal's own "this
link is not valid" page of the shop, with the reason logged and never the token. The answers are never cached and
send no Referer onwards, since the token is in the address.
"""

from __future__ import annotations

import logging
import re
from typing import Final, cast
from urllib.parse import urlencode

from flask import Blueprint, Flask, Response, current_app, redirect, render_template, request
from werkzeug.wrappers import Response as BaseResponse

from connector.bootstrap import Container
from connector.errors import ConnectorError
from connector.pages.admin.links import admin_path
from connector.pages.i18n import LANG_PARAM, SIGNER_EXTENSION, supported_language
from connector.pages.return_link import link_path
from connector.pages.signed import PortalSigner
from connector.services.orders import order_at_hand
from connector.store.errors import UnknownShop
from platforms.woocommerce.plugin_check import check_plugin_token
from platforms.woocommerce.plugin_session import WpAgent, install_session, open_session
from platforms.woocommerce.plugin_token import Audience, PluginTokenError, TokenRejected, unverified_claims

ADMIN_ENTRY: Final = "/admin/enter/woocommerce"
PORTAL_ENTRY: Final = "/portal/enter/woocommerce"
MAX_SEARCH: Final = 40
ORDER_ID: Final = re.compile(r"[A-Za-z0-9_-]{1,40}")
SHOP_ID: Final = re.compile(r"[A-Za-z0-9_-]{1,64}")
log = logging.getLogger("platforms.woocommerce.plugin")


def _container() -> Container:
    return cast(Container, current_app.extensions["connector"])


def _private(response: BaseResponse) -> BaseResponse:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _refused(reason: TokenRejected, audience: Audience) -> BaseResponse:
    """The agent's refusal: the page saying where the admin is opened from (403). A customer's is the portal's
    own "this link is not valid" page of the shop the token names (a link the portal refuses), with its order
    lookup one click away; without a shop we could name, the same 403 page."""
    log.info("woocommerce.plugin.token-refused", extra={"reason": reason.value, "audience": audience.value})
    shop_id = _claimed_shop(request.args.get("token", ""))
    if audience is Audience.RETURN and shop_id:
        return _private(redirect(link_path(shop_id, "invalid"), 303))
    return _private(Response(render_template("admin/signed_out.html"), 403))


def _claimed_shop(token: str) -> str:
    try:
        shop = unverified_claims(token).get("shop")
    except PluginTokenError:
        return ""
    return shop if isinstance(shop, str) and SHOP_ID.fullmatch(shop) else ""


def enter_admin() -> BaseResponse:
    """The agent's way in: a checked admin token becomes a session of its shop's admin."""
    try:
        checked = check_plugin_token(_container(), request.args.get("token", ""), Audience.ADMIN)
        agent = WpAgent.from_claims(checked.token.claims)
    except PluginTokenError as exc:
        return _refused(exc.reason, Audience.ADMIN)
    shop_id = checked.shop.id
    target = admin_path(shop_id) + "/"
    number = checked.token.claims.get("order_number") or checked.token.claims.get("order")
    if isinstance(number, str) and number.isascii() and 0 < len(number) <= MAX_SEARCH:
        target += "?" + urlencode({"q": number})
    log.info("woocommerce.plugin.admin-entry", extra={"shop": shop_id, "role": agent.role})
    return _private(open_session(redirect(target, 303), shop_id, agent, checked.secret))


def enter_portal() -> BaseResponse:
    """The customer's way in: a checked return token becomes the portal's signed link of the order."""
    container = _container()
    try:
        checked = check_plugin_token(container, request.args.get("token", ""), Audience.RETURN)
        order_id = checked.token.claims.get("order")
        if not isinstance(order_id, str) or not ORDER_ID.fullmatch(order_id):
            raise PluginTokenError(TokenRejected.BAD_CLAIMS)
        order = order_at_hand(container, checked.shop.id, order_id).order
    except PluginTokenError as exc:
        return _refused(exc.reason, Audience.RETURN)
    except (UnknownShop, ConnectorError):
        return _refused(TokenRejected.BAD_CLAIMS, Audience.RETURN)
    customer = checked.token.claims.get("customer")
    if order.customer is None or str(order.customer.id or "") != str(customer):
        return _refused(TokenRejected.BAD_CLAIMS, Audience.RETURN)
    signer = cast(PortalSigner, current_app.extensions[SIGNER_EXTENSION])
    target = link_path(order.shop_id, signer.woo_return_link_token(order.shop_id, order.id, order.email))
    language = supported_language(str(checked.token.claims.get("locale") or ""))
    if language:
        target += "?" + urlencode({LANG_PARAM: signer.language_token(language)})
    return _private(redirect(target, 303))


def plugin_blueprint() -> Blueprint:
    """The two entries; registering it also installs the admin session's authenticator on the app."""
    bp = Blueprint("woocommerce_plugin", __name__)
    bp.add_url_rule(ADMIN_ENTRY, view_func=enter_admin, methods=["GET"])
    bp.add_url_rule(PORTAL_ENTRY, view_func=enter_portal, methods=["GET"])
    bp.record_once(lambda state: install_session(cast(Flask, state.app)))
    return bp
