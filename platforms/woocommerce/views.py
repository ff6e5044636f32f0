"""Flask routes for connecting a WooCommerce shop; the logic lives in ``auth``.

``GET  /woocommerce/connect?store_url=...``   -> 302 to the store's wc-auth approval screen
``POST /woocommerce/callback?store_url=...``  <- Woo posts the keys (must answer 200 fast)
``GET  /woocommerce/return?store_url=...&success=1|0&user_id=...`` <- the merchant's browser comes back;
     webhooks are created here (or handed to ``on_connected``, e.g. to enqueue a job).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from flask import Blueprint, Response, redirect, request
from werkzeug.wrappers import Response as BaseResponse

from connector import jsonlimits
from connector.errors import ConfigError, ConnectorError
from connector.netguard import InternalAddress, admit_store_url
from connector.shopaddress import woocommerce_store_url
from platforms.woocommerce.auth import (
    UNREACHABLE,
    ClientFactory,
    CredentialStore,
    StateStore,
    authorize_url,
    finish_connect,
    handle_callback,
)

log = logging.getLogger(__name__)
HTTPS_NEEDED = (
    "WooCommerce sends its keys only to an https address, and this app's address is {base}. Set [app] base_url "
    "to the app's https URL, or connect with `returns-connector shops connect-woocommerce` and a REST key."
)


def _text(message: str, status: int) -> Response:
    return Response(message + "\n", status=status, mimetype="text/plain")


@dataclass(frozen=True)
class _ConnectRoutes:
    """The three steps of connecting a store (send the merchant to wc-auth, receive the keys, come back),
    each a view over the same settings; see ``create_blueprint``."""

    states: StateStore
    credentials: CredentialStore
    base: str
    webhook_delivery_url: Callable[[str], str]
    app_name: str
    on_connected: Callable[[str], None] | None
    check_client_factory: ClientFactory | None
    client_factory: ClientFactory | None
    allow_private: bool

    def connect(self) -> BaseResponse:
        """Send the merchant to the store's wc-auth page, asking for read/write keys for this app."""
        base = self.base
        if not base.startswith("https://"):
            # WooCommerce's wc-auth refuses a callback_url that is not https ("The callback_url needs to be
            # over SSL", seen on a real 10.0.2 store): sending the merchant there would only show them that.
            if not self.allow_private:
                return _text(HTTPS_NEEDED.format(base=base), 400)
            log.warning("woocommerce.connect.http-callback", extra={"base_url": base})
        try:
            store_url = admit_store_url(request.args.get("store_url", ""), allow_private=self.allow_private)
        except InternalAddress:
            return _text(UNREACHABLE, 400)
        except ConfigError as exc:
            return _text(str(exc), 400)
        query = urlencode({"store_url": store_url})
        target = authorize_url(
            store_url,
            app_name=self.app_name,
            user_id=self.states.issue(),
            return_url=f"{base}/woocommerce/return?{query}",
            callback_url=f"{base}/woocommerce/callback?{query}",
        )
        return redirect(target, code=302)

    def callback(self) -> Response:
        """The store posts the keys here (server to server); they are checked and stored."""
        try:
            payload = jsonlimits.loads(request.get_data(cache=True))
        except jsonlimits.JSONTooDeep as exc:
            return _text(str(exc), 400)
        except ValueError:
            payload = None  # handle_callback answers "expected a JSON object"
        result = handle_callback(
            payload,
            request.args.get("store_url", ""),
            states=self.states,
            credentials=self.credentials,
            client_factory=self.check_client_factory,
            allow_private=self.allow_private,
        )
        log.info("woocommerce.connect.callback", extra={"status": result.status, "store": result.store_url})
        return _text(result.message, result.status)

    def returned(self) -> Response:
        """The merchant comes back from wc-auth: with keys stored, the store's webhooks are set up."""
        if request.args.get("success") != "1":
            return _text("The shop did not approve the connection.", 400)
        try:
            store_url = woocommerce_store_url(request.args.get("store_url", ""))
        except ConfigError as exc:
            return _text(str(exc), 400)
        if not self.credentials.load(store_url):
            return _text("No keys were received from the shop; please try connecting again.", 409)
        if self.on_connected is not None:
            self.on_connected(store_url)
            return _text("Connected. Webhooks are being set up.", 200)
        try:
            setup = finish_connect(store_url, self.webhook_delivery_url(store_url), credentials=self.credentials,
                                   client_factory=self.client_factory, allow_private=self.allow_private)
        except ConnectorError as exc:
            log.warning("woocommerce.connect.webhooks_failed", extra={"store": store_url, "error": str(exc)})
            return _text(f"Connected, but {UNREACHABLE} to create its webhooks.", 400)
        return _text(f"Connected. {len(setup.ids)} webhooks active.", 200)


def create_blueprint(
    *,
    states: StateStore,
    credentials: CredentialStore,
    public_base_url: str,
    webhook_delivery_url: Callable[[str], str],
    app_name: str = "Returns connector",
    on_connected: Callable[[str], None] | None = None,
    check_client_factory: ClientFactory | None = None,
    client_factory: ClientFactory | None = None,
    allow_private: bool = False,
) -> Blueprint:
    """The connect routes. ``public_base_url`` is this app's external https URL (Woo calls it back);
    ``webhook_delivery_url(store_url)`` gives the URL Woo should POST order webhooks to for that shop.

    Whatever goes wrong between us and the store answers 400 "could not reach the store", the same for a
    closed port, an open one, a refused key and an internal address: the routes are anonymous.
    ``allow_private`` is ``[app] allow_private_store_urls``."""
    routes = _ConnectRoutes(
        states,
        credentials,
        public_base_url.rstrip("/"),
        webhook_delivery_url,
        app_name,
        on_connected,
        check_client_factory,
        client_factory,
        allow_private,
    )
    bp = Blueprint("woocommerce_connect", __name__, url_prefix="/woocommerce")
    bp.add_url_rule("/connect", view_func=routes.connect, methods=["GET"])
    bp.add_url_rule("/callback", view_func=routes.callback, methods=["POST"])
    bp.add_url_rule("/return", view_func=routes.returned, methods=["GET"])
    return bp
