"""What the embedded app answers when it cannot serve a page yet: the bounce, exit-iframe and App-Bridge-only
pages, and the 401 a signed fetch gets for a refused token.

These are ports of shopify-app-js (``redirectToBouncePage``, ``renderAppBridge``, ``respondToInvalidSessionToken``):

- bounce: a document without a valid ID token is redirected to ``/auth/session-token`` with the page to come back
  to in ``shopify-reload`` (and without the refused ``id_token``). That page is App Bridge and nothing else worth
  the name; ``embedded.js`` asks App Bridge for a fresh token and reloads the page with it. Whether App Bridge
  reloads by itself on that page is not documented, so our script does it (a second reload to the same URL
  would be harmless). The reload target is always a path of this app: built here from the request, and
  checked again on the bounce page, which is a public URL anyone can craft;
- exit-iframe: ``/auth/exit-iframe?exitIframe=<url>`` opens ``url`` in the top window (out of the admin's iframe),
  for the few pages that cannot be framed. Only this app's own URLs and the shop's admin are accepted;
- a fetch with a refused token: 401 and ``X-Shopify-Retry-Invalid-Session-Request: 1``, no page.
"""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import urlencode, urlsplit

from flask import Request, redirect, render_template
from flask import Response as Page
from werkzeug.wrappers import Response

from platforms.shopify.embedded.id_token import FIELD, RETRY_HEADER, is_document
from platforms.shopify.settings import ShopifySettings

BOUNCE_PATH: Final = "/auth/session-token"
EXIT_IFRAME_PATH: Final = "/auth/exit-iframe"
RELOAD_PARAM: Final = "shopify-reload"
_LOCAL_PATH: Final = re.compile(r"/(?![/\\])[^\s\\]*")


def reload_target(request: Request) -> str:
    """The page to come back to once a fresh token is in hand: this request's path and query (as a GET),
    without the ``id_token`` that was refused."""
    query = [(key, value) for key, value in request.args.items(multi=True) if key != FIELD]
    return request.path + (f"?{urlencode(query)}" if query else "")


def local_path(target: str) -> str | None:
    """``target`` when it is a path of this app (``/admin/...``, not ``//other.site`` nor ``https://...``)."""
    return target if _LOCAL_PATH.fullmatch(target) and not urlsplit(target).netloc else None


def bounce(request: Request) -> Response:
    """Redirect a document to the bounce page, which comes back to it with a fresh ID token."""
    params = [(key, value) for key, value in request.args.items(multi=True) if key not in (FIELD, RELOAD_PARAM)]
    params.append((RELOAD_PARAM, reload_target(request)))
    return redirect(f"{BOUNCE_PATH}?{urlencode(params)}", code=303 if request.method == "POST" else 302)


def retry_with_new_token() -> Response:
    """A signed fetch whose token was refused: App Bridge retries it with a new one."""
    return Page(status=401, headers={RETRY_HEADER: "1"})


def refused(request: Request) -> Response:
    """A refused or missing ID token: the bounce page for a document, a 401 to retry for a fetch."""
    return bounce(request) if is_document(request) else retry_with_new_token()


def app_bridge_page(template: str, settings: ShopifySettings, status: int = 200, **context: object) -> Response:
    """One of the pages that are App Bridge and a line of text (bounce, exit-iframe), or the page saying to open
    the app from the admin."""
    body = render_template(
        f"shopify_embedded/{template}", api_key=settings.api_key, app_bridge_url=settings.app_bridge_url, **context
    )
    return Page(body, status=status, mimetype="text/html")
