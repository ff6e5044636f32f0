"""Signed values the portal carries instead of a session: behind Shopify's app proxy the browser's cookies
never reach us (Shopify strips ``Cookie`` and ``Set-Cookie``), so what a page must remember travels in its
links and hidden fields, signed so that the customer cannot change it.

Four purposes, each with its own salt (a value signed for one is worthless for another) and lifetime:

- ``FORM``: the CSRF token of a form, bound to the shop and the subject the form acts on (an order, a
  customer). Flask-WTF's token lives in the session cookie, which the proxy strips; this one needs nothing
  stored. The proxy signature alone is not enough: a cross-site POST to ``/apps/returns/...`` arrives signed
  by Shopify with the victim's ``logged_in_customer_id``, but without a token we issued.
- ``ORDER_ACCESS``: "this visitor proved they may see this order" (after the order-number-and-e-mail lookup,
  or a verified logged-in customer), so the next pages do not ask again.
- ``LANGUAGE``: the language chosen with the switcher. It is checked against the supported ones anyway; it
  is signed because it travels with the rest of the state and should come only from our own links.
- ``WOO_RETURN_LINK``: the "Request a return" link placed on a WooCommerce order: shop, order and a keyed
  hash of the order's e-mail (the link dies if the order changes hands; the address never appears in a URL).

Values are itsdangerous ``URLSafeTimedSerializer`` signatures (HMAC-SHA256) whose timestamp is read from the
injected clock, so the expiry is part of what is signed and tests can travel in time. They are signed, not
encrypted: ids only, never personal data.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from connector.domain.timeutil import utcnow


@dataclass(frozen=True, slots=True)
class Purpose:
    salt: str
    ttl: timedelta


FORM: Final = Purpose("portal-form", timedelta(hours=2))
"""A form left open over lunch still submits; a token copied from a page yesterday does not."""
ORDER_ACCESS: Final = Purpose("portal-order-access", timedelta(hours=2))
"""One visit: choosing lines, outcomes and a method. Coming back later goes through the lookup again."""
LANGUAGE: Final = Purpose("portal-language", timedelta(days=365))
"""A preference, harmless to keep: only the shop's own pages ever hand it out."""
WOO_RETURN_LINK: Final = Purpose("woocommerce-return-link", timedelta(days=400))
"""Sent with the order: it must outlive the longest return window (a year for holiday sales) plus delivery."""


class Rejected(enum.StrEnum):
    """Why a value was refused; the page says "expired" or "this link is not valid" and offers a new start."""

    INVALID = "invalid"
    EXPIRED = "expired"
    WRONG_SHOP = "wrong_shop"
    WRONG_SUBJECT = "wrong_subject"


class SignedValueRejected(Exception):
    def __init__(self, reason: Rejected) -> None:
        super().__init__(reason.value)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class OrderAccess:
    order_id: str
    customer_id: str | None = None


@dataclass(frozen=True, slots=True)
class WooReturnLink:
    order_id: str
    email_hash: str


def _checked_keys(keys: Sequence[str]) -> list[str]:
    if not keys or not all(keys):
        raise ValueError("the portal needs at least one non-empty signing key")
    return list(keys)


class PortalSigner:
    """Signs and reads the portal's values with ``keys`` (newest first, ``connector.pages.keys``).

    ``keys`` may be a function, read on first use: an app is built before anyone asks for a page, and a
    process without a secret must still start and serve its API, answering only the portal's pages with the
    configuration error."""

    def __init__(
        self, keys: Sequence[str] | Callable[[], Sequence[str]], clock: Callable[[], datetime] = utcnow
    ) -> None:
        self._key_source = keys
        self._resolved: list[str] | None = None
        if not callable(keys):
            self._resolved = _checked_keys(keys)
        self._clock = clock
        self._signer = _clocked_signer(clock)

    @property
    def _keys(self) -> list[str]:
        if self._resolved is None:
            source = self._key_source
            self._resolved = _checked_keys(source() if callable(source) else source)
        return self._resolved

    # -- the generic value ------------------------------------------------------------------------------------

    def dumps(self, purpose: Purpose, shop_id: str | None, claims: Mapping[str, str]) -> str:
        payload: dict[str, Any] = {"c": dict(claims)}
        if shop_id is not None:
            payload["s"] = shop_id
        return str(self._serializer(purpose).dumps(payload))

    def loads(self, purpose: Purpose, token: str, shop_id: str | None) -> dict[str, str]:
        """The claims of a value signed for ``purpose`` (and ``shop_id``, when given), not expired."""
        try:
            payload = self._serializer(purpose).loads(token, max_age=int(purpose.ttl.total_seconds()))
        except SignatureExpired as exc:
            raise SignedValueRejected(Rejected.EXPIRED) from exc
        except (BadSignature, ValueError, TypeError) as exc:
            raise SignedValueRejected(Rejected.INVALID) from exc
        claims = payload.get("c") if isinstance(payload, dict) else None
        if not isinstance(claims, dict) or not all(isinstance(v, str) for v in claims.values()):
            raise SignedValueRejected(Rejected.INVALID)
        if payload.get("s") != shop_id:
            raise SignedValueRejected(Rejected.WRONG_SHOP)
        return {str(key): value for key, value in claims.items()}

    # -- (a) CSRF tokens of forms -------------------------------------------------------------------------------

    def form_token(self, shop_id: str, subject: str) -> str:
        return self.dumps(FORM, shop_id, {"sub": subject})

    def check_form_token(self, token: str, shop_id: str, subject: str) -> None:
        """Returns when the token was issued by us, for this shop and subject, less than ``FORM.ttl`` ago."""
        if self.loads(FORM, token, shop_id).get("sub") != subject:
            raise SignedValueRejected(Rejected.WRONG_SUBJECT)

    # -- (b) state carried by links and hidden fields -----------------------------------------------------------

    def order_access_token(self, shop_id: str, access: OrderAccess) -> str:
        claims = {"o": access.order_id}
        if access.customer_id is not None:
            claims["u"] = access.customer_id
        return self.dumps(ORDER_ACCESS, shop_id, claims)

    def read_order_access(self, token: str, shop_id: str) -> OrderAccess:
        claims = self.loads(ORDER_ACCESS, token, shop_id)
        if not claims.get("o"):
            raise SignedValueRejected(Rejected.INVALID)
        return OrderAccess(order_id=claims["o"], customer_id=claims.get("u"))

    def language_token(self, language: str) -> str:
        return self.dumps(LANGUAGE, None, {"l": language})

    def read_language(self, token: str) -> str:
        language = self.loads(LANGUAGE, token, None).get("l")
        if not language:
            raise SignedValueRejected(Rejected.INVALID)
        return language

    # -- (c) WooCommerce's "Request a return" link --------------------------------------------------------------

    def woo_return_link_token(self, shop_id: str, order_id: str, email: str) -> str:
        return self.dumps(WOO_RETURN_LINK, shop_id, {"o": order_id, "e": self._email_hash(self._keys[0], email)})

    def read_woo_return_link(self, token: str, shop_id: str) -> WooReturnLink:
        claims = self.loads(WOO_RETURN_LINK, token, shop_id)
        if not claims.get("o") or not claims.get("e"):
            raise SignedValueRejected(Rejected.INVALID)
        return WooReturnLink(order_id=claims["o"], email_hash=claims["e"])

    def email_matches(self, link: WooReturnLink, email: str) -> bool:
        """Whether the order's e-mail today is the one the link was made for (under any key: a link made
        before a rotation keeps working)."""
        matched = False
        for key in self._keys:
            matched |= hmac.compare_digest(self._email_hash(key, email), link.email_hash)
        return matched

    @staticmethod
    def _email_hash(key: str, email: str) -> str:
        """Keyed, so the hash read from a link cannot be matched against a list of addresses."""
        digest = hmac.new(key.encode(), email.strip().lower().encode(), hashlib.sha256).hexdigest()
        return digest[:32]

    def _serializer(self, purpose: Purpose) -> URLSafeTimedSerializer:
        # itsdangerous signs with the LAST key and accepts any of them.
        return URLSafeTimedSerializer(
            list(reversed(self._keys)),
            salt=purpose.salt,
            signer=self._signer,
            signer_kwargs={"digest_method": hashlib.sha256},
        )


def _clocked_signer(clock: Callable[[], datetime]) -> type[TimestampSigner]:
    """A timestamp signer reading ``clock`` rather than ``time.time()``, so the signed issue time and the
    expiry check both follow the process's clock (and a test's)."""

    class ClockedSigner(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(clock().timestamp())

    return ClockedSigner
