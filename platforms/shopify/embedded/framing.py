"""``Content-Security-Policy: frame-ancestors https://{shop} https://admin.shopify.com`` on every HTML page of the
embedded admin: who may frame it. Shopify's app review refuses an embedded app without it
(shopify.dev/docs/apps/build/security/app-server/set-up-iframe-protection), and it is what keeps another site
from framing the admin to trick an agent into clicking.

Which shop: the verified ID token's when the page was served to an agent (the admin context's ``shop`` link
parameter, from the token's ``dest``), never the URL's then. A page served to nobody (the bounce page, the
exit-iframe page, a refusal) names the sanitised ``shop`` parameter, as shopify-app-js does
(``addDocumentResponseHeaders``): it shows nothing an attacker could make an agent act on. A page served through
another way in (the WordPress link-out, whose session is a cookie) is never framed by a Shopify admin: it keeps
the core's ``frame-ancestors 'none'`` (``connector.web.framing``), whatever its URL says.

The configured sandbox admin (``[shopify] admin_base_url``) is added, so the demo's admin can frame the app in a
real browser, which enforces the header.
"""

from __future__ import annotations

from typing import Final
from urllib.parse import urlsplit

from flask import Flask, request
from werkzeug.wrappers import Response

from connector.pages.admin.auth import admin_context
from connector.providers import ProcessResources
from platforms.shopify.auth import normalize_shop_domain
from platforms.shopify.embedded.authenticator import VIA
from platforms.shopify.embedded.host import SHOPIFY_ADMIN_ORIGIN
from platforms.shopify.settings import settings_of

HEADER: Final = "Content-Security-Policy"
EMBEDDED_BLUEPRINT: Final = "shopify_embedded"
ADMIN_PREFIX: Final = "/admin/"


def frame_ancestors(shop_domain: str, sandbox_admin: str = "") -> str:
    """The policy for a page framed by ``shop_domain``'s admin."""
    sources = [f"https://{shop_domain}", SHOPIFY_ADMIN_ORIGIN]
    sandbox = urlsplit(sandbox_admin) if sandbox_admin else None
    if sandbox is not None and sandbox.netloc:
        sources.append(f"{sandbox.scheme}://{sandbox.netloc}")
    return f"frame-ancestors {' '.join(sources)};"


def framing_shop() -> str | None:
    """The shop whose admin may frame this response, or None (then the core's 'none' applies)."""
    context = admin_context()
    if context is not None:
        return context.link_params.get("shop") if context.via == VIA else None
    embedded_page = request.blueprint == EMBEDDED_BLUEPRINT or request.path.startswith(ADMIN_PREFIX)
    return normalize_shop_domain(request.args.get("shop")) if embedded_page else None


def install_framing(app: Flask, resources: ProcessResources) -> None:
    """Set the header on every HTML response of the embedded admin (registered once per app)."""

    @app.after_request
    def _frame_ancestors(response: Response) -> Response:
        if response.mimetype != "text/html":
            return response
        shop = framing_shop()
        if shop:
            response.headers[HEADER] = frame_ancestors(shop, settings_of(resources.config).admin_base_url)
        return response
