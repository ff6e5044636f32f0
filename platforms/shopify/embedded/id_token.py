"""Where a request of the embedded admin carries its ID token, and whether it is a document load or a fetch.

Shopify's own rule (``authenticate.admin`` in shopify-app-js): a request without ``Authorization: Bearer`` is a
document request. Its token is the ``id_token`` query parameter Shopify adds when the admin loads the app (and
that the bounce page adds on reload); a refused one is answered with the bounce page, which gets a fresh token
from App Bridge. A request with the header is a fetch that App Bridge signed; a refused one gets a 401 with
``X-Shopify-Retry-Invalid-Session-Request: 1``, and App Bridge retries it with a new token.

Forms are documents too, posted by the browser with no header. Their token is the hidden ``id_token`` field,
which ``embedded.js`` fills from ``await shopify.idToken()`` as the form is submitted. This is the admin's CSRF
protection inside the iframe, where there are no cookies: another site can make a browser post a form, but
cannot put in it a token that Shopify signed for this app and this shop a minute ago. So a POST is read from
the header or its form field only, never from the URL: a URL is copied, logged and kept in history.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from flask import Request

FIELD: Final = "id_token"
"""The query parameter of document loads and the hidden field of every form."""
RETRY_HEADER: Final = "X-Shopify-Retry-Invalid-Session-Request"
Source = Literal["header", "query", "form"]
_SAFE: Final = frozenset({"GET", "HEAD"})
_MAX_TOKEN: Final = 4096
"""Longer than any ID token Shopify signs (a few hundred bytes); a longer one is not even decoded."""


@dataclass(frozen=True, slots=True)
class FoundToken:
    value: str
    source: Source


def bearer(request: Request) -> str:
    """The ``Authorization: Bearer`` value, or ""."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def is_document(request: Request) -> bool:
    """No ``Authorization`` header: a page the browser loads (or a form it posts), not a signed fetch."""
    return not request.headers.get("Authorization")


def find_token(request: Request) -> FoundToken | None:
    """The request's ID token and where it was, or None when it carries none."""
    header = bearer(request)
    if header:
        return _sized(header, "header")
    if request.method in _SAFE:
        return _sized(request.args.get(FIELD, ""), "query")
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return _sized(request.form.get(FIELD, ""), "form")
    return None


def _sized(value: str, source: Source) -> FoundToken | None:
    value = value.strip()
    if not value:
        return None
    return FoundToken(value[:_MAX_TOKEN + 1], source)


def looks_embedded(request: Request) -> bool:
    """Whether a request without a token comes from inside Shopify's admin: it carries the parameters the admin
    adds to every load (and the admin's pages keep on their links and forms)."""
    return request.args.get("embedded") == "1" or ("shop" in request.args and "host" in request.args)
