"""Flask app factory: ``create_app(config)`` builds a fresh app with its blueprints registered."""

from __future__ import annotations

from flask import Flask

from connector.api import register_api
from connector.bootstrap import Container
from connector.config.model import Config
from connector.jobs.queue import make_queue
from connector.web import json_provider
from connector.web.errors import register_error_handlers
from connector.web.health import bp as health_bp
from connector.web.install import register_install_blueprints
from webhooks.intake import Intake
from webhooks.intake_store import IntakeStore
from webhooks.wsgi import WebhookIntake


def create_app(config: Config | None = None, container: Container | None = None) -> Flask:
    container = container or Container(config or Config())
    app = Flask("connector")
    app.config["MAX_CONTENT_LENGTH"] = container.config.webhooks.max_body_bytes
    json_provider.install(app)  # every get_json refuses too-deep JSON with a 400 naming it
    app.extensions["connector"] = container
    register_error_handlers(app)
    app.register_blueprint(health_bp)
    register_api(app)
    register_install_blueprints(app, container)
    app.extensions["connector.queue"] = make_queue(container)
    app.extensions["connector.intake"] = store = IntakeStore(container)
    app.wsgi_app = WebhookIntake(app.wsgi_app, Intake(container, store))  # type: ignore[method-assign]
    return app
