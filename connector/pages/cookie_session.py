"""A staff session in a signed cookie, scoped to one shop's pages: the store counter's (``store.session``) and
the WordPress link-out's into the agents' admin (``platforms/woocommerce``) are both one of these.

The cookie holds ids only (a random session id, the sign-in time and the kind's own claims), signed with the
pages' keys (``PortalSigner``) for its purpose and shop, never a credential. Why it cannot outlive its use:

- idle: the signature's own time is checked against the purpose's ``ttl`` on every request, and the cookie is
  signed again on each page (``write``), so a session left alone that long asks again;
- absolute: ``max_session`` after sign-in, however busy;
- revocation: the kind checks its own (a revoked API key, a rotated shared secret) on every request.

It is ``HttpOnly``, ``SameSite=Lax`` (a form posted from another site carries none), ``Secure`` in production and
over HTTPS, and its path is the shop's pages only (``path(shop_id)``): a session of one shop is not even sent to
another's pages, and one that is (a forged path) is refused by its signed shop.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from flask import request
from werkzeug.wrappers import Response as BaseResponse

from connector.errors import ConfigError
from connector.pages.signed import PortalSigner, Purpose, SignedValueRejected

_RESERVED = frozenset({"n", "t"})


@dataclass(frozen=True, slots=True)
class CookieSession:
    """One signed-in session of one shop: its random id, when it began, and the kind's own claims."""

    shop_id: str
    session_id: str
    signed_in_at: datetime
    claims: Mapping[str, str] = field(default_factory=dict)


def new_session(shop_id: str, now: datetime, claims: Mapping[str, str]) -> CookieSession:
    return CookieSession(shop_id, secrets.token_urlsafe(12), now, dict(claims))


@dataclass(frozen=True, slots=True)
class SignedCookie:
    """One kind of session: its cookie's name, its purpose (salt and idle time), its longest life and path."""

    name: str
    purpose: Purpose
    max_session: timedelta
    path: Callable[[str], str]

    def read(self, signer: PortalSigner, shop_id: str, now: datetime) -> CookieSession | None:
        """The request's valid session of ``shop_id``; None for none, another shop's, an idle, too old or forged
        one. The kind still checks its own revocation."""
        raw = request.cookies.get(self.name, "")
        if not raw:
            return None
        try:
            claims = signer.loads(self.purpose, raw, shop_id)
            signed_in_at = datetime.fromtimestamp(int(claims.get("t", "")), UTC)
        except (SignedValueRejected, ConfigError, ValueError, OverflowError, OSError):
            return None
        if not claims.get("n") or signed_in_at > now or now - signed_in_at > self.max_session:
            return None
        own = {key: value for key, value in claims.items() if key not in _RESERVED}
        return CookieSession(shop_id, claims["n"], signed_in_at, own)

    def write(self, response: BaseResponse, signer: PortalSigner, session: CookieSession, now: datetime,
              *, secure: bool) -> BaseResponse:
        """Set the session's cookie on ``response``, signed now (the idle time starts anew)."""
        claims = {**session.claims, "n": session.session_id, "t": str(int(session.signed_in_at.timestamp()))}
        left = self.max_session - (now - session.signed_in_at)
        response.set_cookie(
            self.name,
            signer.dumps(self.purpose, session.shop_id, claims),
            max_age=max(0, int(left.total_seconds())),
            path=self.path(session.shop_id),
            secure=secure,
            httponly=True,
            samesite="Lax",
        )
        return response

    def delete(self, response: BaseResponse, shop_id: str, *, secure: bool) -> BaseResponse:
        response.delete_cookie(self.name, path=self.path(shop_id), secure=secure, httponly=True, samesite="Lax")
        return response


def secure_cookies(is_production: bool) -> bool:
    """Whether cookies are ``Secure``: always in production, else when the request came over HTTPS."""
    return is_production or request.is_secure
