"""The sandbox's Shopify admin, as far as an embedded app sees it: the page that frames the app.

``GET /store/<name>/apps/<api key>/<path>`` is ``https://admin.shopify.com/store/<name>/apps/<api key>/<path>``: a
page of the admin with the app's ``application_url`` + ``<path>`` in an iframe, loaded the way Shopify loads it:
the page's own query (an admin link's ``id``...) plus ``embedded=1``, ``host`` (base64 of this admin's address),
``id_token`` (a one-minute ID token signed with the app's secret for staff ``?staff=`` or 42), ``locale``
(``?locale=``, default ``en``), ``session``, ``shop``, ``timestamp`` and an ``hmac`` over them. The page answers
the framed app's App Bridge stand-in (``/__sandbox/app-bridge.js``) when it asks for a fresh ID token, by
postMessage to the app's origin only. ``/__sandbox/polaris.js`` is the Polaris stand-in (it defines nothing).

The app's URL is ``--app-url`` or ``PUT /__sandbox/app {"application_url": ...}`` (the demo and tests start the
sandbox before they know the app's port); ``GET /__sandbox/app`` says it and where the admin page is.
"""

from __future__ import annotations

import base64
import secrets
import time
from pathlib import Path
from typing import Final
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Response, current_app, jsonify, request, send_from_directory
from markupsafe import escape

from sandboxes.shopify import oauth
from sandboxes.shopify.options import SandboxOptions

STATIC: Final = Path(__file__).with_name("static")
APP_URL_KEY: Final = "SANDBOX_APP_URL"
_SANDBOX_ONLY: Final = frozenset({"staff", "locale"})
"""The admin page's own query parameters that are the sandbox's (who is signed in, the admin's language)."""


def admin_path(options: SandboxOptions, path: str = "") -> str:
    """The admin page of the app (``/store/<name>/apps/<api key>``), optionally at one of the app's paths."""
    root = f"/store/{options.shop_domain.split('.')[0]}/apps/{options.api_key}"
    return root + (f"/{path.lstrip('/')}" if path else "")


def framed_url(app_url: str, path: str, options: SandboxOptions, admin_netloc: str) -> str:
    """What the admin loads in its iframe: the app's URL at ``path`` with Shopify's parameters."""
    store = options.shop_domain.split(".")[0]
    host = base64.b64encode(f"{admin_netloc}/store/{store}".encode()).decode().rstrip("=")
    params = {key: value for key, value in request.args.items() if key not in _SANDBOX_ONLY}
    params |= {
        "embedded": "1",
        "host": host,
        "locale": request.args.get("locale", "en"),
        "session": secrets.token_hex(16),
        "shop": options.shop_domain,
        "timestamp": str(int(time.time())),
    }
    params["hmac"] = oauth.query_hmac(params, options.api_secret)
    params["id_token"] = oauth.session_token(
        options.api_key, options.api_secret, options.shop_domain, request.args.get("staff", "42")
    )
    return f"{app_url.rstrip('/')}/{path.lstrip('/')}?{urlencode(params)}"


def _page(options: SandboxOptions, src: str, staff: str) -> str:
    """The admin page: a header and the app's iframe; admin-frame.js answers the app's token requests."""
    app_origin = "{0.scheme}://{0.netloc}".format(urlsplit(src))
    title = f"{escape(options.shop_name)} · Returns · Shopify admin (sandbox)"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{margin:0;font-family:system-ui,sans-serif}} header{{background:#1a1a1a;color:#fff;padding:.5rem 1rem}}
iframe{{border:0;width:100%;height:calc(100vh - 2.5rem);display:block}}</style></head>
<body><header>{escape(options.shop_name)} — Shopify admin (sandbox) — Returns</header>
<iframe id="app" title="Returns" src="{escape(src)}" data-app-origin="{escape(app_origin)}"
 data-staff="{escape(staff)}" data-mint="/__sandbox/session-token"></iframe>
<script src="/__sandbox/admin-frame.js"></script></body></html>"""


def blueprint(options: SandboxOptions) -> Blueprint:
    bp = Blueprint("sandbox_admin_frame", __name__)
    store = options.shop_domain.split(".")[0]

    @bp.get(f"/store/{store}/apps/<api_key>/", defaults={"path": ""})
    @bp.get(f"/store/{store}/apps/<api_key>/<path:path>")
    @bp.get(f"/store/{store}/apps/<api_key>", defaults={"path": ""})
    def framed_app(api_key: str, path: str) -> Response:
        app_url = _app_url()
        if api_key != options.api_key:
            return Response("No such app in this shop.", status=404, mimetype="text/plain")
        if not app_url:
            return Response("No app URL: PUT /__sandbox/app {\"application_url\": ...}", 409, mimetype="text/plain")
        src = framed_url(app_url, path, options, request.host)
        return Response(_page(options, src, request.args.get("staff", "42")), mimetype="text/html")

    @bp.get("/__sandbox/app")
    def app_settings() -> Response:
        return jsonify({"application_url": _app_url(), "admin_url": request.host_url.rstrip("/") + admin_path(options)})

    @bp.put("/__sandbox/app")
    def set_app() -> Response | tuple[Response, int]:
        url = str((request.get_json(silent=True) or {}).get("application_url") or "")
        if urlsplit(url).scheme not in ("http", "https"):
            return jsonify({"error": "application_url must be an http(s) URL"}), 400
        current_app.config[APP_URL_KEY] = url
        return app_settings()

    @bp.get("/__sandbox/<any('app-bridge.js','polaris.js','admin-frame.js'):name>")
    def script(name: str) -> Response:
        return send_from_directory(STATIC, name, mimetype="text/javascript", max_age=0)

    return bp


def _app_url() -> str:
    return str(current_app.config.get(APP_URL_KEY) or "")
