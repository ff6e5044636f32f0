"""Every URL of the portal goes through ``portal_url``, so one switch moves them all under another base.

Why: the same views answer directly (``/portal/<shop_id>/...``) and through Shopify's app proxy, where the
customer's browser sees the shop's domain and a prefix the merchant chose (``/apps/returns``, ``/a/returns``,
...). Links written with ``url_for`` alone would leave the proxy for the app's own host, where the proxy's
signature and the shop's domain are lost. The proxy's view calls ``mount_portal(shop_id, path_prefix)`` before
calling the portal's view; from then on ``portal_url`` keeps the path below ``/portal/<shop_id>`` and puts it
under that prefix.

Links also carry the language the customer chose with the switcher (a signed ``lang``), since no cookie can
remember it under the proxy. A language that only came from the browser or the order is not carried: the
next page finds it the same way.
"""

from __future__ import annotations

from typing import Any, Final

from flask import g, request, url_for

from connector.pages.i18n import LANG_PARAM, chosen_language, language_token

_SHOP: Final = "connector_portal_shop_id"
_MOUNT: Final = "connector_portal_mount"
_BLUEPRINT: Final = "portal."


def mount_portal(shop_id: str, base: str) -> None:
    """Serve this request's links under ``base`` (the app proxy's ``path_prefix``, e.g. ``/apps/returns``)."""
    setattr(g, _SHOP, shop_id)
    setattr(g, _MOUNT, base.rstrip("/"))


def remember_shop(shop_id: str) -> None:
    """The shop of the page being served: links to the portal's other pages stay in it."""
    setattr(g, _SHOP, shop_id)


def serving_portal() -> bool:
    """Whether this request renders a portal page (its own route, or a mount such as the app proxy)."""
    return g.get(_SHOP) is not None


def current_shop_id() -> str:
    shop_id: str | None = g.get(_SHOP)
    if shop_id is None:
        shop_id = (request.view_args or {}).get("shop_id")
    if not shop_id:
        raise RuntimeError("portal_url outside a portal page: no shop to link to")
    return str(shop_id)


def portal_url(endpoint: str, **values: Any) -> str:
    """The URL of one of the portal's endpoints (``"lines"`` or ``"portal.lines"``) in the current shop, with
    the chosen language carried on, under the app proxy's prefix when the request came through it."""
    name = endpoint if endpoint.startswith(_BLUEPRINT) else _BLUEPRINT + endpoint
    shop_id = str(values.pop("shop_id", None) or current_shop_id())
    if LANG_PARAM not in values:
        values[LANG_PARAM] = carried_language()
    path = url_for(name, shop_id=shop_id, **values)
    base: str | None = g.get(_MOUNT)
    if base is None:
        return path
    direct_root = url_for(_BLUEPRINT + "start", shop_id=shop_id).rstrip("/")
    return base + path[len(direct_root):]


def carried_language() -> str | None:
    """The signed ``lang`` a form sends on: the customer's own choice only. A language that came from the
    browser or the order is found again on the next page; carrying it would make it a choice, and the
    order's language would no longer win over the browser's once the order is known."""
    return language_token() if chosen_language() is not None else None


def asset_url(filename: str) -> str:
    """A file of ``connector/pages/static`` (the stylesheet), served by the portal itself so that it is
    reached the same way as the page (directly or through the proxy)."""
    return portal_url("static", filename=filename, **{LANG_PARAM: None})


def language_switch_url(language: str) -> str:
    """This page again in ``language``: the same endpoint, path and query, with a signed ``lang``. A page
    answering a POST (a form sent back with errors) links to the form's own GET page. Under a mount whose route
    is not the portal's, the switcher leads to the lookup in that language."""
    endpoint = request.endpoint or ""
    if not endpoint.startswith(_BLUEPRINT):  # a mount's own route: its path is not ours to rebuild
        return portal_url("start", **{LANG_PARAM: language_token(language)})
    args = {key: value for key, value in request.args.items() if key != LANG_PARAM}
    view_args = {key: value for key, value in (request.view_args or {}).items() if key != "shop_id"}
    return portal_url(endpoint, **view_args, **args, **{LANG_PARAM: language_token(language)})
