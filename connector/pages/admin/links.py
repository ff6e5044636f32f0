"""Every address inside the admin, built here: ``admin_url`` adds the context's ``link_params`` (Shopify's
``shop``, ``host`` and ``embedded``, which its bounce page needs to fetch a fresh ID token on the next page),
so the same views and templates serve the embedded app and the WordPress link-out."""

from __future__ import annotations

from typing import Any, Final

from flask import url_for

from connector.pages.admin.auth import admin_context

PREFIX: Final = "/admin"


def admin_path(shop_id: str) -> str:
    """``/admin/<shop_id>``: where every admin page of the shop lives (a cookie session is scoped to it)."""
    return f"{PREFIX}/{shop_id}"


def admin_url(endpoint: str, **values: Any) -> str:
    """``url_for`` with the current context's link parameters (values given win over them)."""
    context = admin_context()
    params: dict[str, Any] = {k: v for k, v in (context.link_params if context else {}).items() if k not in values}
    return url_for(endpoint, **params, **values)
