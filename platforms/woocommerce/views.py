"""Flask routes for connecting a WooCommerce shop; the logic lives in ``auth``.

``GET  /woocommerce/connect?store_url=...``   -> 302 to the store's wc-auth approval screen
``POST /woocommerce/callback?store_url=...``  <- Woo posts the keys (must answer 200 fast)
``GET  /woocommerce/return?store_url=...&success=1|0&user_id=...`` <- the merchant's browser comes back;
     webhooks are created here (or handed to ``on_connected``, e.g. to enqueue a job).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
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
    base = public_base_url.rstrip("/")
    bp = Blueprint("woocommerce_connect", __name__, url_prefix="/woocommerce")

    def text(message: str, status: int) -> Response:
        return Response(message + "\n", status=status, mimetype="text/plain")

    @bp.get("/connect")
    def connect() -> BaseResponse:
        if not base.startswith("https://"):
            # WooCommerce's wc-auth refuses a callback_url that is not https ("The callback_url needs to be
            # over SSL", seen on a real 10.0.2 store): sending the merchant there would only show them that.
            if not allow_private:
                return text(HTTPS_NEEDED.format(base=base), 400)
            log.warning("woocommerce.connect.http-callback", extra={"base_url": base})
        try:
            store_url = admit_store_url(request.args.get("store_url", ""), allow_private=allow_private)
        except InternalAddress:
            return text(UNREACHABLE, 400)
        except ConfigError as exc:
            return text(str(exc), 400)
        query = urlencode({"store_url": store_url})
        target = authorize_url(
            store_url,
            app_name=app_name,
            user_id=states.issue(),
            return_url=f"{base}/woocommerce/return?{query}",
            callback_url=f"{base}/woocommerce/callback?{query}",
        )
        return redirect(target, code=302)

    @bp.post("/callback")
    def callback() -> Response:
        try:
            payload = jsonlimits.loads(request.get_data(cache=True))
        except jsonlimits.JSONTooDeep as exc:
            return text(str(exc), 400)
        except ValueError:
            payload = None  # handle_callback answers "expected a JSON object"
        result = handle_callback(
            payload,
            request.args.get("store_url", ""),
            states=states,
            credentials=credentials,
            client_factory=check_client_factory,
            allow_private=allow_private,
        )
        log.info("woocommerce.connect.callback", extra={"status": result.status, "store": result.store_url})
        return text(result.message, result.status)

    @bp.get("/return")
    def returned() -> Response:
        if request.args.get("success") != "1":
            return text("The shop did not approve the connection.", 400)
        try:
            store_url = woocommerce_store_url(request.args.get("store_url", ""))
        except ConfigError as exc:
            return text(str(exc), 400)
        if not credentials.load(store_url):
            return text("No keys were received from the shop; please try connecting again.", 409)
        if on_connected is not None:
            on_connected(store_url)
            return text("Connected. Webhooks are being set up.", 200)
        try:
            setup = finish_connect(store_url, webhook_delivery_url(store_url), credentials=credentials,
                                   client_factory=client_factory, allow_private=allow_private)
        except ConnectorError as exc:
            log.warning("woocommerce.connect.webhooks_failed", extra={"store": store_url, "error": str(exc)})
            return text(f"Connected, but {UNREACHABLE} to create its webhooks.", 400)
        return text(f"Connected. {len(setup.ids)} webhooks active.", 200)

    return bp
