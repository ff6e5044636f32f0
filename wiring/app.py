"""The served Flask app: the core's app, each platform's own routes, and the webhook intake in front of it all.

Why the intake wraps the WSGI callable instead of being a blueprint: a delivery is verified, deduplicated and
stored before Flask parses anything (``webhooks.wsgi``), which is what keeps the intake fast.
"""

from __future__ import annotations

from flask import Flask

from connector.bootstrap import Container
from connector.config.model import Config
from connector.providers import registered
from connector.web.app import create_core_app
from webhooks.intake import Intake
from webhooks.intake_store import IntakeStore
from webhooks.tracking import TrackingIntake
from webhooks.wsgi import WebhookIntake


def create_app(config: Config | None = None, container: Container | None = None) -> Flask:
    """A fresh app over ``container`` (or a new one for ``config``), as ``serve`` runs it in each worker."""
    container = container or Container(config or Config())
    app = create_core_app(container=container)
    _register_platform_routes(app, container)
    _mount_intake(app, container)
    return app


def _register_platform_routes(app: Flask, container: Container) -> None:
    """Install and connect routes of every registered platform, plugins included."""
    for provider in registered():
        for blueprint in provider.blueprints(container):
            app.register_blueprint(blueprint)


def _mount_intake(app: Flask, container: Container) -> None:
    app.extensions["connector.intake"] = store = IntakeStore(container)
    tracking = TrackingIntake(container)
    app.wsgi_app = WebhookIntake(app.wsgi_app, Intake(container, store), tracking)  # type: ignore[method-assign]
