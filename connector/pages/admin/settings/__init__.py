"""The merchant's settings (issue 20): a blueprint of its own, ``settings``, nested in the admin's, under
``/admin/<shop_id>/settings``, so every page is behind the admin's way in (``auth.current_admin``, run by the
admin's layout for its nested blueprints too), in its layout, language and error pages.

Screens, one module each (``views_*``): ``views_index`` (what can be set), ``views_policy`` (the return policy as
a form over the policy model: fields marked in the admin's language, "simulate on past returns", save as a new
version), ``views_carrier`` (enabled methods per country and the carrier account, credentials as variable names
only) and ``views_look`` (the portal's look and the shop's language). What they share: ``layout`` (the
settings' stylesheet and navigation), ``access`` (the settings are the merchant's: an agent's role is refused;
the form as sent, without the way in's own fields) and ``problems`` (each ``Problem`` of the services worded in
the admin's language).

The use cases are ``connector.services.policy_settings``, ``carrier_form`` and ``look_form``; the pages only show
them. ``connector.pages.admin.views_settings`` nests this blueprint in the admin's when the admin installs.
"""

from __future__ import annotations

import importlib
import pkgutil

from flask import Blueprint

from connector.pages.screens import SCREENS_PREFIX

bp = Blueprint("settings", __name__, url_prefix="/settings", template_folder="../../templates")


def install_settings(admin: Blueprint) -> None:
    """Import every screen, then nest the settings in ``admin`` (before ``admin`` is registered on an app)."""
    for module in pkgutil.iter_modules(__path__):
        if module.name.startswith(SCREENS_PREFIX):
            importlib.import_module(f"{__name__}.{module.name}")
    importlib.import_module(f"{__name__}.layout")
    admin.register_blueprint(bp)


__all__ = ["bp", "install_settings"]
