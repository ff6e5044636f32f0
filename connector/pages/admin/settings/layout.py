"""What every settings page has beside the admin's layout: its stylesheet, the links between the settings' pages
(with the way in's link parameters, ``admin_url``), and ``named``, which pairs values with their words for the
forms' choices (``named(METHODS, method_name)`` in a template)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import request, url_for

from connector.pages.admin.links import admin_url
from connector.pages.admin.settings import bp

PAGES = ("index", "policy", "carrier", "look")


def named(values: Iterable[str], namer: Callable[[str], Any]) -> list[tuple[str, str]]:
    return [(value, str(namer(value)).strip()) for value in values]


@bp.context_processor
def _settings_layout() -> dict[str, Any]:
    shop_id = str((request.view_args or {}).get("shop_id", ""))
    return {
        "settings_stylesheet_url": url_for("admin.static", shop_id=shop_id, filename="settings.css"),
        "settings_links": {page: admin_url(f"admin.settings.{page}", shop_id=shop_id) for page in PAGES},
        "named": named,
    }
