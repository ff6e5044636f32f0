"""The customer return portal on the shop's own storefront, through Shopify's app proxy.

``https://{shop}/apps/returns/<path>`` reaches us as ``/proxy/<path>?<query>&shop=&logged_in_customer_id=
&path_prefix=&timestamp=&signature=`` (method and body forwarded, cookies stripped). Every request, GET or
POST, is verified (``app_proxy.verify_app_proxy``) before anything in it is read; then the shop is found by
its domain and the request is served by the SAME view the direct portal uses for
``/portal/<shop_id>/<path>``, with every link built under the proxy's ``path_prefix``
(``connector.pages.portal.links.mount_portal``), so the customer never leaves the shop's domain.

Why dispatch to the portal's views rather than register them twice: one view per screen means one behaviour
(validation, rate limits, CSRF, languages) whichever door the customer came through. The portal's own hooks
(its layout, its error pages) run because the request is made to look, from then on, like the portal
request it stands for (its URL rule and view arguments).

What the proxy changes:

- links are root-relative under ``path_prefix`` (``/apps/returns/o/...``), not ``https://{shop}/...``: the
  customer may browse the shop's own domain rather than ``{shop}.myshopify.com``, and a relative link stays
  on whichever the browser is on;
- the parameters Shopify adds are removed from the query the portal sees, so no page copies them into its
  links (Shopify adds them again, and a repeated ``signature`` is refused);
- a verified ``logged_in_customer_id`` replaces the lookup by the customer's own orders (the portal's
  ``customer_order_list`` screen, which lists only orders naming that customer);
- CSRF: the portal's stateless form token, on top of the proxy's signature (a cross-site POST to the shop's
  proxy URL is signed by Shopify too, so the signature alone proves nothing about the form);
- answers are plain ``text/html`` (never ``application/liquid``: nothing a customer sent is ever read as Liquid);
- the customer's address is the one Shopify saw, the last entry of the ``X-Forwarded-For`` it adds (what comes
  before it is the browser's to write): without it every customer of every shop would count their order
  lookups in the allowance of Shopify's few proxy addresses (10 a minute), and all would be refused at once.

A refused signature answers 401 with a page of its own that links nowhere (the path prefix is not trusted).
"""

from __future__ import annotations

import ipaddress
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any, Final

from flask import Blueprint, current_app, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import Rule
from werkzeug.wrappers import Response

from connector.domain.orders import Platform, Shop
from connector.pages.portal.links import mount_portal
from connector.pages.portal.signed_in import sign_in_customer
from connector.providers import ProcessResources
from platforms.shopify.app_proxy import AppProxyRefused, AppProxyRequest, verify_app_proxy
from platforms.shopify.mapping.scalars import gid
from platforms.shopify.webhook_source import app_secrets

log = logging.getLogger("connector.shopify.proxy")

PROXY_PARAMS: Final = frozenset({"shop", "logged_in_customer_id", "path_prefix", "timestamp", "signature"})
"""What Shopify adds to the storefront's query: ours to check, never the portal's to read or copy."""
PORTAL: Final = "portal"
START: Final = "portal.start"
CUSTOMER_ORDERS: Final = "portal.customer_order_list"


def create_proxy_blueprint(resources: ProcessResources, now: Callable[[], float] = time.time) -> Blueprint:
    """``/proxy`` and everything below it, for the shops of ``resources``' store. ``now`` is the Unix time the
    signature's timestamp is checked against."""
    bp = Blueprint("shopify_proxy", __name__, url_prefix="/proxy")

    @bp.route("/", defaults={"path": ""}, methods=["GET", "POST"])
    @bp.route("/<path:path>", methods=["GET", "POST"])
    def through_proxy(path: str) -> ResponseReturnValue:
        try:
            verified = verify_app_proxy(request.args.to_dict(flat=False), app_secrets(resources.config), now())
        except AppProxyRefused as refused:
            log.info("proxy.refused", extra={"reason": refused.reason.value, "path": request.path})
            return render_template("portal/storefront_refused.html", status=401), 401
        shop = _served_shop(resources, verified.shop)
        if shop is None:
            log.info("proxy.unknown-shop", extra={"shop": verified.shop})
            return render_template("portal/storefront_refused.html", status=404), 404
        _enter_portal(shop, verified)
        return _serve_portal_page(shop, path, signed_in=verified.logged_in_customer_id is not None)

    return bp


def _served_shop(resources: ProcessResources, domain: str) -> Shop | None:
    with resources.uow() as uow:
        shop = uow.shops.find(Platform.SHOPIFY, domain)
    return shop if shop is not None and shop.active else None


def _enter_portal(shop: Shop, verified: AppProxyRequest) -> None:
    """Links under the proxy's prefix, the signed-in customer (as Shopify spells it on orders), and the query
    without what the proxy added."""
    mount_portal(shop.id, verified.path_prefix)
    if verified.logged_in_customer_id is not None:
        sign_in_customer(gid("Customer", verified.logged_in_customer_id))
    own = [(key, value) for key, value in request.args.items(multi=True) if key not in PROXY_PARAMS]
    request.args = ImmutableMultiDict(own)  # werkzeug's cached_property takes the value for this request
    customer_address = _address_shopify_saw(request.headers.get("X-Forwarded-For", ""))
    if customer_address is not None:
        request.remote_addr = customer_address  # read from the environ once, when the request was made
        request.environ["REMOTE_ADDR"] = customer_address


def _address_shopify_saw(forwarded_for: str) -> str | None:
    """The last address of ``X-Forwarded-For`` (the one Shopify appended), when it is one."""
    last = forwarded_for.rsplit(",", 1)[-1].strip()
    try:
        return str(ipaddress.ip_address(last))
    except ValueError:
        return None


def _serve_portal_page(shop: Shop, path: str, *, signed_in: bool) -> Response:
    """The portal's view for ``/portal/<shop_id>/<path>``, run as if that had been requested."""
    urls = current_app.url_map.bind_to_environ(request.environ)
    try:
        rule, args = urls.match(f"/portal/{shop.id}/{path}", method=request.method, return_rule=True)
    except HTTPException:
        rule, args = None, {}
    if rule is None or not str(rule.endpoint).startswith(PORTAL + "."):
        _pose_as(_rule_of(START), {"shop_id": shop.id})
        raise NotFound()
    if rule.endpoint == START and signed_in:
        rule = _rule_of(CUSTOMER_ORDERS)
    answer = _pose_as(rule, args)
    if answer is not None:
        return answer
    view = current_app.ensure_sync(current_app.view_functions[rule.endpoint])
    return current_app.make_response(view(**(request.view_args or {})))


def _pose_as(rule: Rule, args: Mapping[str, Any]) -> Response | None:
    """Make the request the portal's (its blueprint's layout, error pages and hooks apply) and run the
    portal's own per-request hooks; a hook's answer, if any, is the answer."""
    request.url_rule = rule
    request.view_args = dict(args)
    app = current_app
    for name in request.blueprints:
        for preprocess in app.url_value_preprocessors.get(name, ()):
            preprocess(rule.endpoint, request.view_args)
    for name in request.blueprints:
        for before in app.before_request_funcs.get(name, ()):
            answer = app.ensure_sync(before)()
            if answer is not None:
                return app.make_response(answer)
    return None


def _rule_of(endpoint: str) -> Rule:
    return next(rule for rule in current_app.url_map.iter_rules(endpoint))
