"""The embedded app's own routes: the app's URL, the admin link's target, the bounce and exit-iframe pages.

- ``GET /``: the app's URL (``application_url`` in ``shopify.app.toml``), loaded by the admin with ``shop``,
  ``host``, ``embedded``, ``id_token``, ``locale``... A document load with a bad ``shop`` or ``host`` gets a page
  saying to open the app from the admin (400); one made outside the admin (``embedded`` not ``1``) is sent into
  it (``https://admin.shopify.com/store/<name>/apps/<api key>``), as Shopify's library does; then the token is
  checked (bounce page or 401) and the shop installed by token exchange if need be (``entry.open_session``), and
  the agent lands on the shop's returns queue, the token still in the URL so the queue loads without a bounce.
- ``GET /shopify/order-returns``: the admin link on an order's page (``extensions/order-returns/``); the same, then
  the queue searched for that order. Shopify adds the order's ``id`` (a number, or on some targets a GID).
- ``GET /auth/session-token``: the bounce page (``answers``).
- ``GET /auth/exit-iframe?exitIframe=<url>``: opens ``url`` in the top window; this app's pages and the shop's
  admin only.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Request, redirect, request
from werkzeug.wrappers import Response

from connector.providers import ProcessResources
from platforms.shopify.auth import InstallFlow, normalize_shop_domain
from platforms.shopify.embedded.answers import (
    BOUNCE_PATH,
    EXIT_IFRAME_PATH,
    RELOAD_PARAM,
    app_bridge_page,
    local_path,
)
from platforms.shopify.embedded.entry import EmbeddedSession, open_session
from platforms.shopify.embedded.host import SHOPIFY_ADMIN_ORIGIN, read_host
from platforms.shopify.embedded.id_token import FIELD, is_document
from platforms.shopify.mapping.scalars import gid
from platforms.shopify.settings import settings_of

HOME_PATH = "/"
ORDER_LINK_PATH = "/shopify/order-returns"
ORDER_SEARCH_PARAM = "q"
"""The queue's search box (order number, customer, return number)."""


def register_views(bp: Blueprint, resources: ProcessResources, flow: Callable[[], InstallFlow]) -> None:
    """Add the routes to ``bp`` (the ``shopify_embedded`` blueprint)."""

    @bp.get(HOME_PATH)
    def home() -> Response:
        return _enter(resources, flow, lambda session: {})

    @bp.get(ORDER_LINK_PATH)
    def order_returns() -> Response:
        return _enter(resources, flow, lambda session: _order_search(resources, session))

    @bp.get(BOUNCE_PATH)
    def session_token() -> Response:
        reload = local_path(request.args.get(RELOAD_PARAM, ""))
        if reload is None:
            return _not_from_admin(resources)
        return app_bridge_page("bounce.html", settings_of(resources.config), reload=reload)

    @bp.get(EXIT_IFRAME_PATH)
    def exit_iframe() -> Response:
        target = _exit_target(resources, request)
        if target is None:
            return _not_from_admin(resources)
        return app_bridge_page("exit_iframe.html", settings_of(resources.config), target=target)


def _enter(
    resources: ProcessResources, flow: Callable[[], InstallFlow], extra: Callable[[EmbeddedSession], dict[str, str]]
) -> Response:
    """A load of the app from the admin: checked, installed if need be, then on to the shop's queue."""
    settings = settings_of(resources.config)
    if is_document(request):
        host = read_host(request.args.get("host"), settings.admin_base_url)
        if normalize_shop_domain(request.args.get("shop")) is None or host is None:
            return _not_from_admin(resources)
        if request.args.get("embedded") != "1":
            return redirect(host.app_url(settings.api_key))
    session = open_session(resources, request, flow)
    if isinstance(session, Response):
        return session
    params = {"embedded": "1", "shop": session.shop.address, "host": session.host.raw}
    if session.locale_param:
        params["locale"] = session.locale_param
    params |= extra(session)
    params[FIELD] = session.raw_token
    return redirect(f"/admin/{session.shop.id}/?{urlencode(params)}")


def _order_search(resources: ProcessResources, session: EmbeddedSession) -> dict[str, str]:
    """The admin link's order (``id``: 450789469, or gid://shopify/Order/450789469) as the queue's search: its
    number (``#1001``, which the queue searches) from the order we keep or one of its returns; nothing for an
    ``id`` that is not an order's, or an order of which we know nothing (it has no return here)."""
    raw = request.args.get("id", "").strip()
    if raw.startswith("gid://shopify/Order/"):
        raw = raw.rsplit("/", 1)[-1]
    if not raw.isdigit() or len(raw) > 20:
        return {}
    order_id = gid("Order", raw)
    with resources.uow() as uow:
        order = uow.orders(session.shop.id).get(order_id)
        name = order.name if order is not None else ""
        if not name:
            name = next((r.order_name for r in uow.returns(session.shop.id).for_order(order_id) if r.order_name), "")
    return {ORDER_SEARCH_PARAM: name} if name else {}


def _exit_target(resources: ProcessResources, req: Request) -> str | None:
    """Where exit-iframe may send the top window: a path of this app, this app's base URL, the shop's admin."""
    raw = req.args.get("exitIframe", "")
    if local_path(raw):
        return raw
    parts = urlsplit(raw)
    if parts.scheme not in ("https", "http") or any(ch.isspace() for ch in raw):
        return None
    origin = f"{parts.scheme}://{parts.netloc}"
    settings = settings_of(resources.config)
    base = urlsplit(resources.config.app.base_url)
    shop = normalize_shop_domain(req.args.get("shop"))
    allowed = {SHOPIFY_ADMIN_ORIGIN, f"{base.scheme}://{base.netloc}"}
    if shop:
        allowed.add(f"https://{shop}")
    if settings.admin_base_url:
        admin = urlsplit(settings.admin_base_url)
        allowed.add(f"{admin.scheme}://{admin.netloc}")
    return raw if origin in allowed else None


def _not_from_admin(resources: ProcessResources) -> Response:
    """A load that is not Shopify's (no valid shop or host, a reload target elsewhere): where to open the app."""
    return app_bridge_page("not_from_admin.html", settings_of(resources.config), status=400)
