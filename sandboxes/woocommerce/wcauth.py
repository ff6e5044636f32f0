"""``/wc-auth/v1/authorize``: the app-install flow of ``class-wc-auth.php``.

The sandbox's admin is always logged in. With ``wc_auth_auto_approve`` the request is approved at once;
otherwise a small page offers Approve/Deny links (``approve=1`` / ``deny=1``). On approval a key is made
and POSTed as JSON to ``callback_url``; anything but HTTP 200 deletes the key and shows an error page.
The browser is then redirected to ``return_url?success=1&user_id=...``.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from urllib.parse import urlencode, urlsplit

import requests
from flask import Blueprint, Response, redirect, request
from werkzeug.wrappers import Response as BaseResponse

from sandboxes.woocommerce.auth import new_key
from sandboxes.woocommerce.shop import shop

blueprint = Blueprint("wc_auth", __name__)
SCOPES = {"read": "read", "write": "write", "read_write": "read_write"}
_REQUIRED = ("app_name", "scope", "user_id", "return_url", "callback_url")


def _page(title: str, body: str, status: int = 200) -> Response:
    text = f"<!doctype html><html><head><title>{html.escape(title)}</title></head><body>{body}</body></html>"
    return Response(text, status=status, mimetype="text/html")


def _die(message: str, status: int = 400) -> Response:
    return _page("WordPress - Error", f"<p>Error: {html.escape(message)}</p>", status)


def _with_query(url: str, **params: str) -> str:
    return url + ("&" if urlsplit(url).query else "?") + urlencode(params)


@blueprint.get("/wc-auth/v1/authorize")
def authorize() -> BaseResponse:
    the_shop = shop()
    args = request.args
    for name in _REQUIRED:
        if not args.get(name):
            return _die(f"Missing parameter {name}")
    scope = args["scope"]
    if scope not in SCOPES:
        return _die(f"Invalid scope {scope}")
    callback_url = args["callback_url"]
    for name in ("return_url", "callback_url"):
        if urlsplit(args[name]).scheme not in ("http", "https"):
            return _die(f"The {name} is not a valid URL")
    if the_shop.options.wc_auth_require_https and not callback_url.startswith("https://"):
        return _die("The callback_url needs to be over SSL")
    if not the_shop.url_allowed(callback_url):
        return _die("The callback_url must be a loopback address in the sandbox")
    if args.get("deny") == "1":
        return redirect(_with_query(args["return_url"], success="0", user_id=args["user_id"]), 302)
    if args.get("approve") != "1" and not the_shop.options.wc_auth_auto_approve:
        approve = request.full_path + "&approve=1"
        deny = request.full_path + "&deny=1"
        return _page("Sandbox Shop - Authorize", (
            f"<h1>{html.escape(args['app_name'])} would like to connect to your store</h1>"
            f"<p>Access requested: {html.escape(SCOPES[scope])}</p>"
            f'<a id="approve" href="{html.escape(approve)}">Approve</a> '
            f'<a id="deny" href="{html.escape(deny)}">Deny</a>'
        ))  # fmt: skip
    return _grant(args["app_name"], scope, args["user_id"], args["return_url"], callback_url)


def _grant(app_name: str, scope: str, their_user_id: str, return_url: str, callback_url: str) -> BaseResponse:
    the_shop = shop()
    description = f"{app_name} - API ({datetime.now(UTC).strftime('%Y-%m-%d %H:%M:%S')})"
    key = new_key(the_shop.store, 1, description, SCOPES[scope])
    payload = {
        "key_id": key.key_id, "user_id": their_user_id, "consumer_key": key.consumer_key,
        "consumer_secret": key.consumer_secret, "key_permissions": key.permissions,
    }  # fmt: skip
    try:
        answer = requests.post(callback_url, json=payload, timeout=the_shop.options.webhook_timeout_s,
                               allow_redirects=False)  # fmt: skip
        status = answer.status_code
    except requests.RequestException:
        status = 0
    if status != 200:
        with the_shop.store.lock:
            the_shop.store.api_keys.pop(key.consumer_key, None)
        return _die("An error occurred in the request and at the time were unable to send the consumer data",
                    401)  # fmt: skip
    return redirect(_with_query(return_url, success="1", user_id=their_user_id), 302)
