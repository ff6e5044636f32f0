"""A bare Flask app with the pages' languages installed, for the i18n tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask

from connector.config.model import AppSettings, Config
from connector.pages.i18n import install_i18n
from connector.pages.signed import PortalSigner

KEY = "portal-test-key-" + "k" * 48
NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def signer() -> PortalSigner:
    return PortalSigner([KEY], clock=lambda: NOW)


def pages_app(data_dir: Path, default_locale: str = "en") -> Flask:
    config = Config(app=replace(AppSettings(), data_dir=str(data_dir), default_locale=default_locale))
    app = Flask("connector.pages", template_folder=str(Path("connector/pages/templates").resolve()))
    install_i18n(app, config, signer=signer())
    return app
