"""Registering a blueprint of pages made of one module per screen (``views_*``) plus the modules every screen
shares (its layout, its error pages), with no list of screens to keep in step: adding a screen is adding a
module. The store page uses it; the portal's ``install_portal`` does the same by hand and could call it too.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable, Sequence

from flask import Blueprint, Flask

SCREENS_PREFIX = "views_"


def install_screens(app: Flask, bp: Blueprint, package: str, path: Iterable[str], shared: Sequence[str]) -> None:
    """Import every ``views_*`` module of ``package`` (found under ``path``, its ``__path__``), then the ``shared``
    ones, whose handlers cover every screen; then register ``bp`` on ``app``."""
    for module in pkgutil.iter_modules(path):
        if module.name.startswith(SCREENS_PREFIX):
            importlib.import_module(f"{package}.{module.name}")
    for name in shared:
        importlib.import_module(f"{package}.{name}")
    app.register_blueprint(bp)
