"""Install logic: shop-domain check, OAuth HMAC, session tokens, single-use state and the install flow.

The pure checks (domain, HMAC, session token) use ShopifyAPI's helpers where they fit, without its
class-level globals: HMACs are computed on a throwaway ``shopify.Session`` subclass that carries the
secret, so two apps or a secret rotation in one process never share state. The token endpoint (code and
session-token exchange, refresh) and the per-shop ``TokenManager`` are in ``tokens.py``.

Collaborators are protocols the lead backs with the database and Redis:
``StateStore`` (single-use OAuth state), ``CredentialStore`` (tokens, encrypted at rest by the lead's
implementation) and ``LockFactory`` (a per-shop lock so two workers never spend the same rotating
refresh token). In-memory versions are provided for tests and single-process use.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final, Protocol
from urllib.parse import urlencode, urlparse

import jwt
import shopify
from shopify.utils import shop_url

from connector.errors import ConfigError, ConnectorError, PermanentError
from connector.shopaddress import shopify_shop_domain

# TokenEndpoint, TokenManager and the collaborators they share with the install flow live in tokens.py;
# named here too, as the install's callers and tests have always imported them.
from platforms.shopify.tokens import CredentialStore as CredentialStore
from platforms.shopify.tokens import LockFactory as LockFactory
from platforms.shopify.tokens import TokenEndpoint as TokenEndpoint
from platforms.shopify.tokens import TokenManager as TokenManager

log = logging.getLogger(__name__)

STATE_TTL: Final = 600.0
"""Seconds an OAuth ``state`` stays valid: the merchant has 10 minutes to approve the install."""
SESSION_TOKEN_LEEWAY: Final = 5
"""Seconds of clock skew accepted on a session token's exp/nbf (App Bridge tokens live 60 s)."""
SESSION_TOKEN_MAX_LIFETIME: Final = 120
"""Seconds a session token may live (``exp - iat``): Shopify's live 60 s, so a longer one was not minted
by Shopify, or was minted by someone holding the secret to outlive a revocation."""


class OAuthError(PermanentError):
    """An install or callback request that must be refused (bad shop, HMAC, state or code)."""


# -- collaborators ------------------------------------------------------------------------------


class StateStore(Protocol):
    """Single-use values, each issued for a ``subject`` and consumable only with that same subject."""

    def issue(self, subject: str) -> str: ...

    def consume(self, state: str, subject: str) -> bool: ...


class InMemoryStateStore:
    """Random states that expire and can be consumed once, with the subject they were issued for.
    Single process only."""

    def __init__(self, ttl: float = STATE_TTL, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl
        self._clock = clock
        self._issued: dict[str, tuple[float, str]] = {}
        self._guard = threading.Lock()

    def issue(self, subject: str) -> str:
        state = secrets.token_urlsafe(24)
        with self._guard:
            self._issued[state] = (self._clock() + self._ttl, subject)
        return state

    def consume(self, state: str, subject: str) -> bool:
        with self._guard:
            found = self._issued.get(state)
            if found is None or not secrets.compare_digest(found[1], subject):
                return False
            del self._issued[state]
        return self._clock() <= found[0]


class InMemoryCredentialStore:
    """Plain dict store (tests, local runs). The lead's store encrypts at rest."""

    def __init__(self) -> None:
        self._data: dict[str, dict[str, str]] = {}
        self._guard = threading.Lock()

    def load(self, shop_domain: str) -> dict[str, str] | None:
        with self._guard:
            found = self._data.get(shop_domain)
            return dict(found) if found is not None else None

    def save(self, shop_domain: str, creds: dict[str, str]) -> None:
        with self._guard:
            self._data[shop_domain] = dict(creds)


class InMemoryLockFactory:
    """One ``threading.Lock`` per name; the lead provides a Redis lock for several processes."""

    def __init__(self) -> None:
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def lock(self, name: str) -> AbstractContextManager[Any]:
        with self._guard:
            found = self._locks.setdefault(name, threading.Lock())
        return _held(found)


@contextmanager
def _held(lock: threading.Lock) -> Iterator[None]:
    with lock:
        yield


# -- pure checks --------------------------------------------------------------------------------


def normalize_shop_domain(raw: str | None) -> str | None:
    """ShopifyAPI's sanitising (lower-case, strip scheme), then the one shop-domain check every entry point
    uses (``connector.shopaddress``); None if invalid."""
    if not raw or len(raw) > 255:
        return None
    try:
        return shopify_shop_domain(shop_url.sanitize_shop_domain(raw) or "")
    except (ConfigError, ValueError):  # ValueError: ShopifyAPI's urlparse of "[" ("Invalid IPv6 URL")
        return None


def _hmac_session(secret: str) -> type[Any]:
    """A ``shopify.Session`` subclass carrying ``secret``: its classmethods read ``cls.secret``."""
    return type("_AppSession", (shopify.Session,), {"secret": secret})


def verify_oauth_hmac(params: Mapping[str, Any], app_secrets: Sequence[str], *, check_age: bool = True) -> bool:
    """Hex HMAC over the sorted query (ShopifyAPI's ``validate_params``: also refuses >24 h old).

    ``params`` is the query as a flat dict (``k[]`` keys as lists). Any secret may match (rotation).
    """
    flat = {k: v for k, v in params.items()}
    for secret in app_secrets:
        session_cls = _hmac_session(secret)
        try:
            ok = session_cls.validate_params(flat) if check_age else session_cls.validate_hmac(flat)
        except (TypeError, ValueError):
            return False
        if ok:
            return True
    return False


@dataclass(frozen=True, slots=True)
class SessionToken:
    shop_domain: str
    user_id: str
    session_id: str
    expires_at: datetime
    claims: Mapping[str, Any]


def decode_session_token(
    token: str, api_key: str, app_secrets: Sequence[str], *, leeway: int = SESSION_TOKEN_LEEWAY
) -> SessionToken:
    """Verify an App Bridge ID token: HS256, ``aud`` = api key, exp/nbf with leeway, iss host = dest host,
    a lifetime (``exp - iat``) of at most ``SESSION_TOKEN_MAX_LIFETIME``.

    Raises ``OAuthError`` on any failure; tries every secret (rotation).
    """
    if token.startswith("Bearer "):
        token = token[len("Bearer ") :]
    last: Exception | None = None
    for secret in app_secrets:
        try:
            claims = jwt.decode(
                token,
                secret,
                algorithms=["HS256"],
                audience=api_key,
                leeway=leeway,
                options={"require": ["exp", "nbf", "iat", "iss", "dest", "aud", "sub"]},
            )
        except jwt.InvalidSignatureError as exc:
            last = exc
            continue
        except jwt.PyJWTError as exc:
            raise OAuthError(f"session token refused: {exc}") from exc
        _check_lifetime(claims)
        dest = normalize_shop_domain(urlparse(str(claims["dest"])).hostname)
        issuer = urlparse(str(claims["iss"])).hostname
        if dest is None or issuer != dest:
            raise OAuthError("session token refused: issuer and destination shops differ")
        return SessionToken(
            shop_domain=dest,
            user_id=str(claims["sub"]),
            session_id=str(claims.get("sid", "")),
            expires_at=datetime.fromtimestamp(int(claims["exp"]), UTC),
            claims=claims,
        )
    raise OAuthError(f"session token refused: {last or 'no secret configured'}")


def _check_lifetime(claims: Mapping[str, Any]) -> None:
    try:
        lifetime = int(claims["exp"]) - int(claims["iat"])
    except (TypeError, ValueError) as exc:
        raise OAuthError("session token refused: exp and iat must be numbers") from exc
    if lifetime > SESSION_TOKEN_MAX_LIFETIME:
        raise OAuthError(f"session token refused: it lives {lifetime} s, more than {SESSION_TOKEN_MAX_LIFETIME} s")


def state_binding(shop_domain: str, browser_nonce: str) -> str:
    """What an OAuth ``state`` is stored with: the shop it was issued for and a hash of the nonce held in
    the cookie of the browser that started the install (the nonce itself is never stored)."""
    return hashlib.sha256(f"{shop_domain}\n{browser_nonce}".encode()).hexdigest()


def authorize_url(shop_domain: str, api_key: str, scopes: Sequence[str], redirect_uri: str, state: str) -> str:
    query = urlencode({"client_id": api_key, "scope": ",".join(scopes), "redirect_uri": redirect_uri, "state": state})
    return f"https://{shop_domain}/admin/oauth/authorize?{query}"


# -- install flow -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AppConfig:
    """The app's identity at Shopify. ``api_secrets`` lists the current secret first (rotation)."""

    api_key: str
    api_secrets: tuple[str, ...]
    scopes: tuple[str, ...]
    redirect_uri: str
    webhook_url: str
    expiring_tokens: bool = True


class InstallFlow:
    """The authorization-code grant (``/shopify/install`` → Shopify → ``/shopify/callback``) and
    the embedded token exchange, ending with webhook subscriptions for the new shop.

    ``subscribe`` receives the shop domain once its token is stored; ``factory.install_flow`` wires it
    to ``ShopifyAdapter(...).subscribe_webhooks(app.webhook_url)``.
    """

    def __init__(
        self,
        app: AppConfig,
        states: StateStore,
        store: CredentialStore,
        endpoint: TokenEndpoint,
        subscribe: Callable[[str], object] | None = None,
    ) -> None:
        self.app = app
        self._states = states
        self._store = store
        self._endpoint = endpoint
        self._subscribe = subscribe

    def begin(self, params: Mapping[str, Any], browser_nonce: str) -> str:
        """Check the install request and return the authorize URL to redirect the merchant to.

        Installs started from the Shopify admin carry an ``hmac`` (checked); a merchant typing their shop
        on our own page sends none, which is harmless: nothing is granted before the signed callback.
        The state is bound to this shop and to ``browser_nonce``, which the caller keeps in the browser
        (a signed cookie): a state cannot complete another shop's install, nor one in another browser.
        """
        shop = self._checked_shop(params)
        if "hmac" in params and not verify_oauth_hmac(params, self.app.api_secrets):
            raise OAuthError("install request has a bad HMAC")
        if not browser_nonce:
            raise OAuthError("install request has no browser nonce")
        state = self._states.issue(state_binding(shop, browser_nonce))
        return authorize_url(shop, self.app.api_key, self.app.scopes, self.app.redirect_uri, state)

    def complete(self, params: Mapping[str, Any], browser_nonce: str) -> str:
        """Check the callback (shop, HMAC, single-use state bound to this shop and this browser's nonce),
        get and store the token, subscribe."""
        shop = self._checked_shop(params)
        if not verify_oauth_hmac(params, self.app.api_secrets):
            raise OAuthError("callback has a bad or stale HMAC")
        state = str(params.get("state") or "")
        if not browser_nonce:
            raise OAuthError("callback came without the cookie of the browser that started the install")
        if not state or not self._states.consume(state, state_binding(shop, browser_nonce)):
            raise OAuthError("callback state is unknown, expired, already used or issued for another shop or browser")
        code = str(params.get("code") or "")
        if not code:
            raise OAuthError("callback has no code")
        creds = self._endpoint.exchange_code(shop, code, expiring=self.app.expiring_tokens)
        self._store.save(shop, creds)
        log.info("shopify.install.token-stored", extra={"shop": shop})
        self._after_install(shop)
        return shop

    def exchange_session(self, authorization: str) -> str:
        """Embedded apps: verify the App Bridge session token, get an offline token if we have none."""
        claims = decode_session_token(authorization, self.app.api_key, self.app.api_secrets)
        existing = self._store.load(claims.shop_domain)
        if existing and existing.get("access_token"):
            return claims.shop_domain
        raw = authorization.removeprefix("Bearer ")
        creds = self._endpoint.exchange_session_token(claims.shop_domain, raw, expiring=self.app.expiring_tokens)
        self._store.save(claims.shop_domain, creds)
        self._after_install(claims.shop_domain)
        return claims.shop_domain

    def _after_install(self, shop: str) -> None:
        """Subscribe webhooks; a failure here must not undo a stored token (subscribing is idempotent
        and can be retried by a job), so it is logged, not raised."""
        if self._subscribe is None:
            return
        try:
            self._subscribe(shop)
        except ConnectorError as exc:
            log.error("shopify.install.subscribe-failed", extra={"shop": shop, "error": type(exc).__name__})

    @staticmethod
    def _checked_shop(params: Mapping[str, Any]) -> str:
        shop = normalize_shop_domain(str(params.get("shop") or ""))
        raw = str(params.get("shop") or "").strip().lower()
        if shop is None or shop != raw:
            raise OAuthError("shop must be a plain <name>.myshopify.com domain")
        return shop
