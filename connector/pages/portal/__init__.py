"""The customer return portal as pages (issue 18): one blueprint, ``portal``, under ``/portal/<shop_id>``.

Each screen is a module of its own that registers its routes on ``bp``: ``views_lookup`` (1: find the order),
``views_lines`` (2: choose items and outcomes), ``views_method``, ``views_review``, ``views_tracking`` (3-5) and
``views_policy`` (the policy page). ``install_portal`` imports every ``views_*`` module of this package before
registering the blueprint, so adding a screen is adding a module, with no list to keep in step.

What the screens share: ``links`` builds every URL (so Shopify's app proxy can serve the same views under its
own path prefix), ``draft`` carries the return being put together between screens, ``forms`` checks the
stateless CSRF token of every form, ``layout`` gives every page the shop's look and the language switcher, and
``errors`` turns an expired or tampered link into a friendly page with a way back to the start.
"""

from __future__ import annotations

import importlib
import pkgutil

from flask import Blueprint, Flask

bp = Blueprint("portal", __name__, url_prefix="/portal/<shop_id>", template_folder="../templates")

_SCREENS_PREFIX = "views_"


def install_portal(app: Flask) -> None:
    """Register the portal on ``app`` (after ``connector.pages.i18n.install_i18n``, whose signer it uses)."""
    for module in pkgutil.iter_modules(__path__):
        if module.name.startswith(_SCREENS_PREFIX):
            importlib.import_module(f"{__name__}.{module.name}")
    importlib.import_module(f"{__name__}.layout")
    importlib.import_module(f"{__name__}.errors")
    app.register_blueprint(bp)


__all__ = ["bp", "install_portal"]
