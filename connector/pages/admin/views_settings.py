"""The merchant's settings, nested in the admin (``connector.pages.admin.settings``): imported with the admin's
screens, before the admin's blueprint is registered, so its pages share the admin's way in, layout and errors."""

from __future__ import annotations

from connector.pages.admin import bp
from connector.pages.admin.settings import install_settings

install_settings(bp)
