"""Flask routes for installing the app. Thin: every decision is in ``auth.InstallFlow``.

Routes (all under the blueprint's prefix, default ``/shopify``):

* ``GET /install``  - checks shop + HMAC, redirects to Shopify's consent screen with a fresh state, and
  gives the browser the signed nonce cookie that state is bound to (``oauth_cookie``).
* ``GET /callback`` - checks shop, HMAC and the single-use state (issued for this shop, to the browser
  holding the cookie), stores the token, subscribes webhooks, then redirects to ``after_install`` (or
  answers 200).
* ``POST /session`` - embedded apps: ``Authorization: Bearer <App Bridge session token>``; verifies
  it and, for a shop we hold no token for, runs the token exchange. Answers ``{"shop": ...}``.

Collaborators: pass ``flow_factory`` (a zero-argument callable returning an ``InstallFlow``), or
register one at ``current_app.extensions["returns_connector"]["shopify_install_flow"]``. The flow
needs ``AppConfig``, a ``StateStore``, a ``CredentialStore``, a ``TokenEndpoint`` and optionally a
``subscribe(shop_domain)`` callable.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Blueprint, current_app, jsonify, redirect, request
from werkzeug.wrappers import Response

from connector.errors import ConfigError, RetryableError
from platforms.shopify import oauth_cookie
from platforms.shopify.auth import STATE_TTL, InstallFlow, OAuthError

log = logging.getLogger(__name__)

EXTENSION_KEY = "returns_connector"
FLOW_KEY = "shopify_install_flow"


def _flow_from_app() -> InstallFlow:
    registry: Any = current_app.extensions.get(EXTENSION_KEY) or {}
    flow = registry.get(FLOW_KEY) if isinstance(registry, dict) else getattr(registry, FLOW_KEY, None)
    if callable(flow) and not isinstance(flow, InstallFlow):
        flow = flow()
    if not isinstance(flow, InstallFlow):
        raise ConfigError(f"app.extensions[{EXTENSION_KEY!r}][{FLOW_KEY!r}] is not configured")
    return flow


def _params() -> dict[str, Any]:
    """The query as a flat dict; ``k[]`` keys keep their list (ShopifyAPI's HMAC rules need it)."""
    return {k: (request.args.getlist(k) if k.endswith("[]") else request.args.get(k)) for k in request.args}


def _set_nonce_cookie(response: Response, flow: InstallFlow, nonce: str, path: str) -> None:
    """HttpOnly, SameSite=Lax (sent on Shopify's top-level redirect back to us, not on cross-site
    subrequests), Secure whenever the app is reached over https, scoped to the install routes."""
    secure = request.is_secure or flow.app.redirect_uri.startswith("https://")
    response.set_cookie(
        oauth_cookie.COOKIE_NAME, oauth_cookie.sign(nonce, flow.app.api_secrets), max_age=int(STATE_TTL),
        path=path, secure=secure, httponly=True, samesite="Lax",
    )


def create_blueprint(
    flow_factory: Callable[[], InstallFlow] | None = None,
    *,
    url_prefix: str = "/shopify",
    after_install: Callable[[str], str] | None = None,
) -> Blueprint:
    """The install blueprint. ``after_install(shop)`` may return the URL to send the merchant to."""
    get_flow = flow_factory or _flow_from_app
    bp = Blueprint("shopify_install", __name__, url_prefix=url_prefix)

    cookie_path = url_prefix or "/"

    @bp.get("/install")
    def install() -> Response | tuple[Response, int]:
        flow = get_flow()
        nonce = oauth_cookie.new_nonce()
        try:
            target = flow.begin(_params(), nonce)
        except OAuthError as exc:
            log.warning("shopify.install.refused", extra={"why": str(exc)})
            return jsonify(error=str(exc)), 400
        response = redirect(target, code=302)
        _set_nonce_cookie(response, flow, nonce, cookie_path)
        return response

    @bp.get("/callback")
    def callback() -> Response | tuple[Response, int]:
        flow = get_flow()
        nonce = oauth_cookie.read(request.cookies.get(oauth_cookie.COOKIE_NAME), flow.app.api_secrets)
        try:
            shop = flow.complete(_params(), nonce)
        except OAuthError as exc:
            log.warning("shopify.callback.refused", extra={"why": str(exc)})
            return jsonify(error=str(exc)), 400
        except ConfigError as exc:
            log.error("shopify.callback.token-refused", extra={"why": str(exc)})
            return jsonify(error="Shopify refused the authorization code"), 400
        except RetryableError:
            return jsonify(error="Shopify is unreachable, please retry the install"), 503
        answer = redirect(after_install(shop), code=302) if after_install is not None else jsonify(
            shop=shop, installed=True
        )
        answer.delete_cookie(oauth_cookie.COOKIE_NAME, path=cookie_path)
        return answer, answer.status_code

    @bp.post("/session")
    def session() -> tuple[Response, int]:
        return _session_answer(get_flow)

    return bp


def _session_answer(get_flow: Callable[[], InstallFlow]) -> tuple[Response, int]:
    """An embedded page's session token exchanged for the shop's offline token: the shop, or why not."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return jsonify(error="missing session token"), 401
    try:
        shop = get_flow().exchange_session(header)
    except OAuthError as exc:
        log.warning("shopify.session.refused", extra={"why": str(exc)})
        return jsonify(error="invalid session token"), 401
    except ConfigError:
        return jsonify(error="Shopify refused the token exchange"), 401
    except RetryableError:
        return jsonify(error="Shopify is unreachable"), 503
    return jsonify(shop=shop), 200
