"""What every portal page shows around its content: the shop's look, the language switcher, the policy link,
and the stylesheet, served by the portal itself.

Why the stylesheet is served under ``/portal/<shop_id>/static/``: behind Shopify's app proxy the page's own
host is the shop's domain, so the stylesheet must be reached through the proxy as the page is (``links``
rebuilds the URL under the proxy's prefix). No CDN, no cookie: the file is the same for every shop.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from flask import Response, current_app, g

from connector.branding import Branding
from connector.pages.i18n import SUPPORTED
from connector.pages.portal import bp
from connector.pages.portal.links import (
    asset_url,
    carried_language,
    language_switch_url,
    portal_url,
    remember_shop,
    serving_portal,
)
from connector.pages.static_files import send_static

NEUTRAL_ACCENT: Final = "#334155"
"""Slate grey, 10.4:1 on white: the sober default until the shop sets its own colour."""
_LOOK: Final = "connector_portal_look"
LANGUAGE_NAMES: Final = {"en": "English", "fr": "Français"}
"""Each language named in itself, as switchers do: a customer lost in the other language finds their own."""


@dataclass(frozen=True, slots=True)
class PageLook:
    """The shop's look as the layout uses it; ``connector.branding`` checks the values a merchant sets."""

    shop_name: str = ""
    accent_colour: str = NEUTRAL_ACCENT
    text_on_accent: str = "#ffffff"
    logo_url: str | None = None
    policy_url: str | None = None
    contact_url: str | None = None


def show_look(look: PageLook) -> None:
    """The look of the page being rendered (a view sets it once it knows the shop)."""
    setattr(g, _LOOK, look)


def show_branding(branding: Branding) -> None:
    """The shop's checked branding (``connector.services.portal_settings``) as the page's look."""
    show_look(
        PageLook(
            shop_name=branding.shop_name,
            accent_colour=branding.accent_colour,
            text_on_accent=branding.text_on_accent,
            logo_url=branding.logo_url,
            policy_url=branding.policy_url,
            contact_url=branding.contact_url,
        )
    )


@bp.url_value_preprocessor
def _remember_shop(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    if values and "shop_id" in values:
        remember_shop(str(values["shop_id"]))


@bp.app_template_global("carried_language")
def _carried_language() -> str | None:
    """For the forms' hidden ``lang`` (``macros.hidden_state``), which imported macros reach as a global."""
    return carried_language()


@bp.get("/static/<path:filename>")
def static(shop_id: str, filename: str) -> Response:
    del shop_id  # the same file for every shop
    return send_static(filename)


@bp.app_context_processor
def _layout() -> dict[str, Any]:
    """App-wide, for the app proxy's views that serve the portal's pages; nothing outside a portal page."""
    if not serving_portal():
        return {}
    look: PageLook = g.get(_LOOK) or PageLook()
    return {
        "look": look,
        "stylesheet_url": asset_url("base.css"),
        "portal_url": portal_url,
        "language_links": [(code, LANGUAGE_NAMES[code], language_switch_url(code)) for code in SUPPORTED],
        "policy_link": look.policy_url or _own_policy_page(),
        "start_url": portal_url("start"),
    }


def _own_policy_page() -> str | None:
    """The policy page generated from the shop's policy, once its screen is installed."""
    if "portal.policy" not in current_app.view_functions:
        return None
    return portal_url("policy")
