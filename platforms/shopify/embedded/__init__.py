"""The agents' admin inside Shopify's admin: an embedded app (issue 20).

Shopify's admin loads the app's URL in an iframe with ``shop``, ``host``, ``embedded=1`` and a one-minute ID
token (``id_token``) signed with the app's secret; App Bridge, loaded by every page, hands out fresh ones. No
cookie is involved: every request proves itself with a token. The pieces:

- ``views``: the app's URL (``/``), the order page's admin link (``/shopify/order-returns``), the bounce page
  (``/auth/session-token``) and exit-iframe (``/auth/exit-iframe``);
- ``entry``: one request's embedded session (token checked, shop installed by token exchange if need be);
- ``authenticator``: the way into the core's admin pages (``connector.pages.admin``), registered with
  ``register_admin_authenticator`` when this blueprint is registered on an app;
- ``framing``: ``Content-Security-Policy: frame-ancestors`` on every HTML page of the embedded admin;
- ``host``, ``id_token``, ``answers``: Shopify's ``host`` parameter, where a request carries its token, and the
  pages and refusals of a request that cannot be served yet;
- ``static/embedded.js``: fills each form's ``id_token`` field on submit and does the bounce page's reload;
- ``templates/shopify_embedded/``: the bounce, exit-iframe, not-from-the-admin and unavailable pages.

The files a merchant deploys with Shopify's CLI (``shopify.app.toml`` and the admin link extension) are in
``platforms/shopify/shopify-app/``; ``tests/shopify_embedded/test_app_files.py`` checks that they name the routes
and topics this app serves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from flask import Blueprint, Flask, request
from flask.blueprints import BlueprintSetupState

from connector.pages.admin.auth import register_admin_authenticator
from connector.pages.i18n import current_language, supported_language, use_order_locale
from connector.providers import ProcessResources
from platforms.shopify.auth import InstallFlow
from platforms.shopify.embedded.authenticator import EmbeddedAdmin
from platforms.shopify.embedded.framing import EMBEDDED_BLUEPRINT, install_framing
from platforms.shopify.embedded.views import register_views


def create_embedded_blueprint(resources: ProcessResources, flow: Callable[[], InstallFlow]) -> Blueprint:
    """The embedded app's routes; registering it also registers the admin authenticator and the framing policy."""
    bp = Blueprint(
        EMBEDDED_BLUEPRINT, __name__, template_folder="templates", static_folder="static",
        static_url_path="/shopify/static",
    )
    register_views(bp, resources, flow)

    @bp.before_request
    def _language() -> None:
        """The admin's language, which Shopify gives in ``locale`` (``fr``, ``fr-FR``), else the browser's."""
        use_order_locale(supported_language(request.args.get("locale")))

    @bp.context_processor
    def _lang() -> dict[str, str]:
        return {"lang": current_language()}

    def _on_app(state: BlueprintSetupState) -> None:
        app = cast(Flask, state.app)
        register_admin_authenticator(app, EmbeddedAdmin(resources, flow))
        install_framing(app, resources)

    bp.record_once(_on_app)
    return bp


__all__ = ["create_embedded_blueprint"]
