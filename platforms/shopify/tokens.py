"""Shopify's token endpoint and the per-shop access token: code and session-token exchange, and the
refresh of expiring offline tokens under a per-shop lock.

Why apart from ``auth``: this is what every API call needs (``TokenManager`` hands the adapter its token),
while ``auth`` is the install: the checks on what a browser sends and the OAuth flow. ShopifyAPI cannot ask
for expiring offline tokens nor refresh them (shopify.md §7), so these calls are ours.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from typing import Any, Final, Protocol

import requests

from connector.errors import ConfigError, PermanentError, RetryableError

log = logging.getLogger(__name__)

TOKEN_EXCHANGE_GRANT: Final = "urn:ietf:params:oauth:grant-type:token-exchange"  # noqa: S105
ID_TOKEN_TYPE: Final = "urn:ietf:params:oauth:token-type:id_token"  # noqa: S105
OFFLINE_TOKEN_TYPE: Final = "urn:shopify:params:oauth:token-type:offline-access-token"  # noqa: S105
REFRESH_MARGIN: Final = timedelta(minutes=5)
"""Refresh an expiring offline token this long before it expires (tokens live 1 h)."""
HTTP_TIMEOUT: Final = (3.05, 15.0)


class CredentialStore(Protocol):
    def load(self, shop_domain: str) -> dict[str, str] | None: ...

    def save(self, shop_domain: str, creds: dict[str, str]) -> None: ...


class LockFactory(Protocol):
    def lock(self, name: str) -> AbstractContextManager[Any]: ...


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
