"""The Returns Connector WordPress plugin's "Returns" button, as the sandbox's stand-in for WordPress with the plugin
installed (platforms/woocommerce/wordpress-plugin/returns-connector).

Why: the demo prints an address a person opens to reach the agents' admin of the WooCommerce shop, and that must
work as the real store does: every visit signs a fresh five-minute token with the shop's shared secret and
redirects to the connector's ``/admin/enter/woocommerce``, which accepts each token once. There is no WordPress
sign-in here: the visitor is the store's administrator (user 1, ``admin``), as on a store's own back office.

- ``POST /__sandbox/returns-connector`` ``{"url", "shop_id", "secret"}``: the plugin's settings page (what
  ``returns-connector shops plugin`` prints);
- ``GET /wp-admin/admin-post.php?action=returns_connector_open[&order=<id>][&locale=fr_FR]``: the button.

The signing is the plugin's format (``includes/token.php``), written again here because the sandboxes share no
code with the connector; tests/sandbox_woocommerce checks that the connector accepts what this makes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from typing import Any, Final
from urllib.parse import quote

from flask import Blueprint, Response, current_app, jsonify, redirect, request
from werkzeug.wrappers import Response as BaseResponse

from sandboxes.woocommerce.shop import sandbox_error, shop

blueprint = Blueprint("wc_plugin", __name__)
EXTENSION: Final = "wc_sandbox.returns_connector"
CONTEXT: Final = b"returns-connector.v1."
LIFETIME: Final = 300
ADMIN: Final = {"user": 1, "login": "admin", "role": "administrator"}


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def sign(claims: dict[str, Any], secret: str) -> str:
    """``returns_connector_sign_token``: base64url(JSON) "." base64url(HMAC-SHA256(secret, context + payload))."""
    payload = _b64(json.dumps(claims, separators=(",", ":"), ensure_ascii=False).encode())
    signature = hmac.new(secret.encode(), CONTEXT + payload.encode("ascii"), hashlib.sha256).digest()
    return f"{payload}.{_b64(signature)}"


@blueprint.post("/__sandbox/returns-connector")
def configure() -> Response:
    body = request.get_json(silent=True)
    fields = ("url", "shop_id", "secret")
    if not isinstance(body, dict) or not all(isinstance(body.get(f), str) and body[f] for f in fields):
        return sandbox_error("url, shop_id and secret are required")
    current_app.extensions[EXTENSION] = {f: str(body[f]) for f in fields}
    return jsonify({"configured": True})


@blueprint.get("/wp-admin/admin-post.php")
def open_returns() -> BaseResponse:
    settings: dict[str, str] | None = current_app.extensions.get(EXTENSION)
    if request.args.get("action") != "returns_connector_open" or settings is None:
        return sandbox_error("the Returns Connector plugin is not set up", 404)
    now = int(time.time())
    claims: dict[str, Any] = {**ADMIN, "locale": request.args.get("locale", "en_US")[:10]}
    order = request.args.get("order", "")
    if order.isdigit() and int(order) in shop().store.orders:
        claims["order"] = claims["order_number"] = order
    claims.update({"v": 1, "aud": "admin", "shop": settings["shop_id"], "store": shop().site().home_url,
                   "iat": now, "exp": now + LIFETIME, "nonce": secrets.token_hex(16)})
    target = f"{settings['url'].rstrip('/')}/admin/enter/woocommerce?token={quote(sign(claims, settings['secret']))}"
    response = redirect(target, 303)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
