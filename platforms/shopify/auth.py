"""Install and token logic: shop-domain check, OAuth HMAC, single-use state, token exchange and refresh.

The pure checks (domain, HMAC, session token) use ShopifyAPI's helpers where they fit, without its
class-level globals: HMACs are computed on a throwaway ``shopify.Session`` subclass that carries the
secret, so two apps or a secret rotation in one process never share state. ShopifyAPI cannot ask for
expiring offline tokens nor refresh them (shopify.md §7), so the token endpoint calls are ours.

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
from datetime import UTC, datetime, timedelta
from typing import Any, Final, Protocol
from urllib.parse import urlencode, urlparse

import jwt
import requests
import shopify
from shopify.utils import shop_url

from connector.errors import ConfigError, ConnectorError, PermanentError, RetryableError
from connector.shopaddress import shopify_shop_domain

log = logging.getLogger(__name__)

TOKEN_EXCHANGE_GRANT: Final = "urn:ietf:params:oauth:grant-type:token-exchange"  # noqa: S105
ID_TOKEN_TYPE: Final = "urn:ietf:params:oauth:token-type:id_token"  # noqa: S105
OFFLINE_TOKEN_TYPE: Final = "urn:shopify:params:oauth:token-type:offline-access-token"  # noqa: S105
REFRESH_MARGIN: Final = timedelta(minutes=5)
"""Refresh an expiring offline token this long before it expires (tokens live 1 h)."""
STATE_TTL: Final = 600.0
"""Seconds an OAuth ``state`` stays valid: the merchant has 10 minutes to approve the install."""
SESSION_TOKEN_LEEWAY: Final = 5
"""Seconds of clock skew accepted on a session token's exp/nbf (App Bridge tokens live 60 s)."""
SESSION_TOKEN_MAX_LIFETIME: Final = 120
"""Seconds a session token may live (``exp - iat``): Shopify's live 60 s, so a longer one was not minted
by Shopify, or was minted by someone holding the secret to outlive a revocation."""
HTTP_TIMEOUT: Final = (3.05, 15.0)


class OAuthError(PermanentError):
    """An install or callback request that must be refused (bad shop, HMAC, state or code)."""


# -- collaborators ------------------------------------------------------------------------------


class StateStore(Protocol):
    """Single-use values, each issued for a ``subject`` and consumable only with that same subject."""

    def issue(self, subject: str) -> str: ...

    def consume(self, state: str, subject: str) -> bool: ...


class CredentialStore(Protocol):
    def load(self, shop_domain: str) -> dict[str, str] | None: ...

    def save(self, shop_domain: str, creds: dict[str, str]) -> None: ...


class LockFactory(Protocol):
    def lock(self, name: str) -> AbstractContextManager[Any]: ...


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


# -- tokens -------------------------------------------------------------------------------------


def credentials_from_response(body: Mapping[str, Any], now: datetime) -> dict[str, str]:
    """Token endpoint answer → what we persist (strings only; expiry as ISO UTC)."""
    if not body.get("access_token"):
        raise ConfigError("shopify token endpoint answered without an access token")
    creds = {"access_token": str(body["access_token"]), "scope": str(body.get("scope") or "")}
    if body.get("expires_in") is not None:
        creds["expires_at"] = (now + timedelta(seconds=int(body["expires_in"]))).isoformat()
    if body.get("refresh_token"):
        creds["refresh_token"] = str(body["refresh_token"])
    if body.get("refresh_token_expires_in") is not None:
        creds["refresh_token_expires_at"] = (now + timedelta(seconds=int(body["refresh_token_expires_in"]))).isoformat()
    return creds


def needs_refresh(creds: Mapping[str, str], now: datetime, margin: timedelta = REFRESH_MARGIN) -> bool:
    expires = creds.get("expires_at")
    if not expires or not creds.get("refresh_token"):
        return False
    return datetime.fromisoformat(expires) - margin <= now


class TokenEndpoint:
    """``POST https://{shop}/admin/oauth/access_token`` for the three grants we use."""

    def __init__(
        self,
        api_key: str,
        api_secret: str,
        *,
        session: requests.Session | None = None,
        shop_url_for: Callable[[str], str] = lambda shop: f"https://{shop}",
        timeout: tuple[float, float] = HTTP_TIMEOUT,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._api_key = api_key
        self._secret = api_secret
        self._session = session or requests.Session()
        self._url_for = shop_url_for
        self._timeout = timeout
        self._clock = clock

    def exchange_code(self, shop_domain: str, code: str, *, expiring: bool = True) -> dict[str, str]:
        form = {"client_id": self._api_key, "client_secret": self._secret, "code": code}
        if expiring:
            form["expiring"] = "1"
        return self._post(shop_domain, form)

    def exchange_session_token(self, shop_domain: str, session_token: str, *, expiring: bool = True) -> dict[str, str]:
        form = {
            "client_id": self._api_key,
            "client_secret": self._secret,
            "grant_type": TOKEN_EXCHANGE_GRANT,
            "subject_token": session_token,
            "subject_token_type": ID_TOKEN_TYPE,
            "requested_token_type": OFFLINE_TOKEN_TYPE,
        }
        if expiring:
            form["expiring"] = "1"
        return self._post(shop_domain, form)

    def refresh(self, shop_domain: str, refresh_token: str) -> dict[str, str]:
        form = {
            "client_id": self._api_key,
            "client_secret": self._secret,
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
        }
        return self._post(shop_domain, form)

    def _post(self, shop_domain: str, form: Mapping[str, str]) -> dict[str, str]:
        url = f"{self._url_for(shop_domain)}/admin/oauth/access_token"
        try:
            response = self._session.post(
                url, data=dict(form), headers={"Accept": "application/json"}, timeout=self._timeout
            )
        except requests.RequestException as exc:
            raise RetryableError(f"shopify token endpoint unreachable: {type(exc).__name__}") from exc
        if response.status_code == 429 or response.status_code >= 500:
            raise RetryableError(f"shopify token endpoint answered {response.status_code}")
        if response.status_code in (400, 401, 403):
            # Bad/expired code, session token or refresh token: a human (re-install) must act.
            raise ConfigError(f"shopify refused the token request ({response.status_code})")
        if response.status_code >= 300:
            raise PermanentError(f"shopify token endpoint answered {response.status_code}")
        try:
            body = response.json()
        except ValueError as exc:
            raise RetryableError("shopify token endpoint sent a body that is not JSON") from exc
        return credentials_from_response(body, self._clock())


class TokenManager:
    """Hands out a valid access token for one shop, refreshing expiring offline tokens in time.

    The refresh token rotates on every use, so two workers refreshing at once would burn it: the
    refresh happens under ``locks.lock("shopify:token:<shop>")``, and inside the lock the stored
    credentials are read again, so the loser of the race just uses the winner's new token.
    """

    def __init__(
        self,
        shop_domain: str,
        store: CredentialStore,
        locks: LockFactory,
        endpoint: TokenEndpoint,
        *,
        margin: timedelta = REFRESH_MARGIN,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.shop_domain = shop_domain
        self._store = store
        self._locks = locks
        self._endpoint = endpoint
        self._margin = margin
        self._clock = clock

    def __call__(self) -> str:
        return self.access_token()

    def access_token(self) -> str:
        creds = self._load()
        if not needs_refresh(creds, self._clock(), self._margin):
            return creds["access_token"]
        with self._locks.lock(f"shopify:token:{self.shop_domain}"):
            creds = self._load()
            if not needs_refresh(creds, self._clock(), self._margin):
                return creds["access_token"]
            log.info("shopify.token.refresh", extra={"shop": self.shop_domain})
            fresh = self._endpoint.refresh(self.shop_domain, creds["refresh_token"])
            merged = {**creds, **fresh}
            self._store.save(self.shop_domain, merged)
            return merged["access_token"]

    def _load(self) -> dict[str, str]:
        creds = self._store.load(self.shop_domain)
        if not creds or not creds.get("access_token"):
            raise ConfigError(f"no Shopify credentials for {self.shop_domain}: install the app")
        return creds


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
