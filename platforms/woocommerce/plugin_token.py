"""The tokens the WordPress plugin signs (``wordpress-plugin/returns-connector/includes/token.php``), read here.

Why a token of our own rather than WooCommerce's keys: the plugin opens our pages in the browser of a user
WordPress has already signed in. WordPress vouches for them by signing a short-lived token with the store's
shared secret (``plugin_secret``), a secret only that server and the connector hold; it never reaches a browser.

Format (the same text as the PHP file's)::

    token     = payload "." signature
    payload   = base64url(JSON claims)                                (RFC 4648 section 5, no padding)
    signature = base64url(HMAC-SHA256(shared secret, "returns-connector.v1." + payload))

Claims of every token: ``v`` (1), ``aud`` (``admin`` or ``return``), ``shop`` (our shop id), ``store`` (the
site's home URL), ``iat``/``exp`` (Unix seconds), ``nonce``. ``admin`` adds ``user``, ``login``, ``role``,
``locale`` and, from an order's screen, ``order``/``order_number``; ``return`` adds ``order``, ``customer`` and
``locale``.

``verify`` checks what the token alone can prove: the signature, the version and audience, its age (issued at
most ``MAX_LIFETIME`` before it expires, not in the future beyond ``CLOCK_SKEW``, not expired). The caller checks
the rest against the shop: that ``store`` is the shop's address and that the nonce is used once
(``plugin_entry``). ``sign`` is the same function in Python, for the tests and the demo.
"""

from __future__ import annotations

import base64
import binascii
import enum
import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

CONTEXT: Final = b"returns-connector.v1."
VERSION: Final = 1
LIFETIME: Final = 300
"""What the plugin gives (seconds): enough for a redirect."""
MAX_LIFETIME: Final = 600
"""The most we accept between ``iat`` and ``exp``: a token meant to last longer was not made by our plugin."""
CLOCK_SKEW: Final = 60
"""How far ahead of our clock the store's may run (``iat`` in the future) and still be believed."""
MAX_TOKEN_LENGTH: Final = 4096
NONCE: Final = re.compile(r"[A-Za-z0-9_-]{16,64}")


class Audience(enum.StrEnum):
    ADMIN = "admin"
    RETURN = "return"


class TokenRejected(enum.StrEnum):
    """Why a token was refused; logged (never the token), and the page says only "not valid"."""

    MALFORMED = "malformed"
    UNKNOWN_SHOP = "unknown_shop"
    BAD_SIGNATURE = "bad_signature"
    WRONG_AUDIENCE = "wrong_audience"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    WRONG_STORE = "wrong_store"
    REPLAYED = "replayed"
    BAD_CLAIMS = "bad_claims"


class PluginTokenError(Exception):
    def __init__(self, reason: TokenRejected) -> None:
        super().__init__(reason.value)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class PluginToken:
    """A token whose signature and age were checked; ``claims`` holds the audience's own."""

    shop_id: str
    store: str
    audience: Audience
    issued_at: int
    expires_at: int
    nonce: str
    claims: Mapping[str, Any]


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    if not re.fullmatch(r"[A-Za-z0-9_-]*", text):
        raise PluginTokenError(TokenRejected.MALFORMED)
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise PluginTokenError(TokenRejected.MALFORMED) from None


def _signature(payload: str, secret: str) -> bytes:
    return hmac.new(secret.encode(), CONTEXT + payload.encode("ascii"), hashlib.sha256).digest()


def sign(claims: Mapping[str, Any], secret: str) -> str:
    """The token the plugin would make of ``claims`` (as ``returns_connector_sign_token`` does)."""
    payload = _b64encode(json.dumps(dict(claims), separators=(",", ":"), ensure_ascii=False).encode())
    return f"{payload}.{_b64encode(_signature(payload, secret))}"


def unverified_claims(token: str) -> dict[str, Any]:
    """The claims, NOT checked: only to find the shop whose secret checks them (``shop``)."""
    if not token or len(token) > MAX_TOKEN_LENGTH or token.count(".") != 1:
        raise PluginTokenError(TokenRejected.MALFORMED)
    try:
        claims = json.loads(_b64decode(token.split(".", 1)[0]))
    except (ValueError, UnicodeDecodeError):
        raise PluginTokenError(TokenRejected.MALFORMED) from None
    if not isinstance(claims, dict):
        raise PluginTokenError(TokenRejected.MALFORMED)
    return claims


def verify(token: str, secret: str, *, audience: Audience, now: float) -> PluginToken:
    """The token, when ``secret`` signed it for ``audience`` and it is valid at ``now`` (Unix seconds)."""
    claims = unverified_claims(token)
    payload, signature = token.split(".", 1)
    if not secret or not hmac.compare_digest(_b64decode(signature), _signature(payload, secret)):
        raise PluginTokenError(TokenRejected.BAD_SIGNATURE)
    if claims.get("v") != VERSION:
        raise PluginTokenError(TokenRejected.BAD_CLAIMS)
    if claims.get("aud") != audience.value:
        raise PluginTokenError(TokenRejected.WRONG_AUDIENCE)
    issued, expires = _int_claim(claims, "iat"), _int_claim(claims, "exp")
    if not 0 < expires - issued <= MAX_LIFETIME:
        raise PluginTokenError(TokenRejected.BAD_CLAIMS)
    if now >= expires:
        raise PluginTokenError(TokenRejected.EXPIRED)
    if issued > now + CLOCK_SKEW:
        raise PluginTokenError(TokenRejected.NOT_YET_VALID)
    shop, store, nonce = claims.get("shop"), claims.get("store"), claims.get("nonce")
    if not isinstance(shop, str) or not shop or not isinstance(store, str) or not isinstance(nonce, str) \
            or not NONCE.fullmatch(nonce):
        raise PluginTokenError(TokenRejected.BAD_CLAIMS)
    return PluginToken(shop, store, audience, issued, expires, nonce, claims)


def _int_claim(claims: Mapping[str, Any], name: str) -> int:
    value = claims.get(name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise PluginTokenError(TokenRejected.BAD_CLAIMS)
    return value
