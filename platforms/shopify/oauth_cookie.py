"""The browser half of an OAuth ``state``: a random nonce in a signed, HttpOnly, SameSite=Lax cookie.

``/install`` gives the browser a fresh nonce and stores the state bound to a hash of it (see
``auth.state_binding``); ``/callback`` reads it back. A ``state`` stolen from a URL, or planted in a
victim's browser (login CSRF), is useless without the cookie of the browser that started the install.
The cookie is signed with the app's API secret (any current or old secret verifies, for rotation), so a
forged or truncated cookie reads as no cookie at all.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Final

from itsdangerous import BadSignature, URLSafeSerializer

COOKIE_NAME: Final = "shopify_oauth_nonce"
_SALT: Final = "returns-connector shopify oauth nonce v1"


def new_nonce() -> str:
    return secrets.token_urlsafe(32)


def _serializer(app_secrets: Sequence[str]) -> URLSafeSerializer:
    # itsdangerous signs with the LAST key and accepts any of them; app_secrets lists the current first.
    return URLSafeSerializer(list(reversed(app_secrets)), salt=_SALT)


def sign(nonce: str, app_secrets: Sequence[str]) -> str:
    return str(_serializer(app_secrets).dumps(nonce))


def read(cookie: str | None, app_secrets: Sequence[str]) -> str:
    """The nonce in a cookie we signed; "" for a missing, forged or malformed one."""
    if not cookie or not app_secrets:
        return ""
    try:
        nonce = _serializer(app_secrets).loads(cookie)
    except (BadSignature, ValueError, TypeError):
        return ""
    return nonce if isinstance(nonce, str) else ""
