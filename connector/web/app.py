"""The core's Flask app: ``create_core_app(config)`` builds a fresh app with the core's blueprints (health, the
JSON API, the customer portal's pages in French and English) registered.

Why "core": this app names no platform and has no webhook intake in front of it, since connector/ imports
neither; ``wiring.app.create_app`` adds each platform's routes and the intake to it and is what is served.
"""

from __future__ import annotations

from flask import Flask

from connector.api import register_api
from connector.bootstrap import Container
from connector.config.model import Config
from connector.jobs.queue import make_queue
from connector.pages.admin import install_admin
from connector.pages.i18n import install_i18n
from connector.pages.keys import portal_keys
from connector.pages.labels import install_labels
from connector.pages.portal import install_portal
from connector.pages.signed import PortalSigner
from connector.pages.store import install_store
from connector.web import json_provider
from connector.web.errors import register_error_handlers
from connector.web.framing import install_framing_default
from connector.web.health import bp as health_bp


def create_core_app(config: Config | None = None, container: Container | None = None) -> Flask:
    container = container or Container(config or Config())
    app = Flask("connector")
    app.config["MAX_CONTENT_LENGTH"] = container.config.webhooks.max_body_bytes
    json_provider.install(app)  # every get_json refuses too-deep JSON with a 400 naming it
    app.extensions["connector"] = container
    register_error_handlers(app)
    install_framing_default(app)  # frame-ancestors 'none' on every HTML page a platform does not frame itself
    app.register_blueprint(health_bp)
    register_api(app)
    # The portal's links expire by the container's clock, the one the use cases (and the tests) move.
    install_i18n(app, container.config, PortalSigner(lambda: portal_keys(container.config), clock=container.clock))
    install_portal(app)  # the customer portal's pages, under /portal/<shop_id>
    install_labels(app, container)  # the label link, /labels/<token>, and the label texts of in-process jobs
    install_store(app)  # the store counter's return page, under /store/<shop_id>
    install_admin(app)  # the agents' admin, under /admin/<shop_id> (its ways in are registered by the platforms)
    app.extensions["connector.queue"] = make_queue(container)
    return app
