"""Connecting a WooCommerce shop: the wc-auth key exchange, manual key entry, then webhooks.

wc-auth (``<store>/wc-auth/v1/authorize``): the merchant approves our app; Woo creates a REST key and POSTs
it as unsigned JSON ``{key_id, user_id, consumer_key, consumer_secret, key_permissions}`` to our
``callback_url``. Woo deletes the key unless that request answers exactly 200 within its 60 s timeout.
Since the callback is unsigned we accept keys only for a random, single-use ``user_id`` we issued, and we
prove them at once with a read against the store named in the callback URL: keys that work there can only
have come from someone who administers that store.

Webhooks are created later (``finish_connect``), never inside the callback: creating one makes Woo ping the
delivery URL synchronously, which would slow the callback or deadlock a single-worker server.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, Final, Protocol
from urllib.parse import urlencode

from connector.errors import ConfigError, ConnectorError
from connector.netguard import admit_store_url
from connector.shopaddress import woocommerce_store_url
from platforms.woocommerce.client import RetryPolicy, WooClient
from platforms.woocommerce.subscriptions import WebhookSetup, ensure_webhooks, new_webhook_secret

SCOPE: Final = "read_write"
STATE_TTL_SECONDS: Final = 30 * 60
"""How long a merchant may take on the approval screen before the ``user_id`` expires."""
CHECK_TIMEOUT: Final = (3.05, 15.0)
"""The key check runs inside Woo's 60 s callback window: fail fast, never retry there."""
UNREACHABLE: Final = "could not reach the store"
"""Every failure to check keys at a store gets this one answer: a refused connection, a timeout, an
internal address and keys the store refused must look the same, or the anonymous callback is a port
scanner (an open port answers "keys refused", a closed one "unreachable")."""

CURRENCY_CODE: Final = re.compile(r"[A-Z]{3}")

ClientFactory = Callable[[str, str, str], WooClient]


class StateStore(Protocol):
    """Single-use ``user_id`` values for wc-auth; the lead backs this with the database."""

    def issue(self) -> str: ...

    def consume(self, value: str) -> bool: ...


class CredentialStore(Protocol):
    """Per-store secrets (keys, webhook secret); the lead's implementation encrypts at rest."""

    def load(self, store_url: str) -> dict[str, str] | None: ...

    def save(self, store_url: str, creds: dict[str, str]) -> None: ...

    def set_currency(self, store_url: str, currency: str) -> None:
        """The shop's currency, as the store itself says (``woocommerce_currency``), saved after ``save``."""
        ...


class InMemoryStateStore:
    def __init__(self, ttl_seconds: float = STATE_TTL_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl_seconds
        self._clock = clock
        self._pending: dict[str, float] = {}
        self._lock = threading.Lock()

    def issue(self) -> str:
        value = secrets.token_urlsafe(24)
        with self._lock:
            self._pending[value] = self._clock() + self._ttl
        return value

    def consume(self, value: str) -> bool:
        with self._lock:
            expires = self._pending.pop(value, None)
        return expires is not None and self._clock() <= expires


class InMemoryCredentialStore:
    def __init__(self) -> None:
        self._data: dict[str, dict[str, str]] = {}
        self.currencies: dict[str, str] = {}
        self._lock = threading.Lock()

    def load(self, store_url: str) -> dict[str, str] | None:
        with self._lock:
            found = self._data.get(store_url)
            return dict(found) if found is not None else None

    def save(self, store_url: str, creds: dict[str, str]) -> None:
        with self._lock:
            self._data[store_url] = dict(creds)

    def set_currency(self, store_url: str, currency: str) -> None:
        with self._lock:
            self.currencies[store_url] = currency


def authorize_url(
    store_url: str, *, app_name: str, user_id: str, return_url: str, callback_url: str, scope: str = SCOPE
) -> str:
    query = urlencode(
        {"app_name": app_name, "scope": scope, "user_id": user_id, "return_url": return_url,
         "callback_url": callback_url}
    )
    return f"{woocommerce_store_url(store_url)}/wc-auth/v1/authorize?{query}"


def quick_client(store_url: str, key: str, secret: str, *, allow_private: bool = False) -> WooClient:
    return WooClient(store_url, key, secret, timeout=CHECK_TIMEOUT, retry=RetryPolicy(max_retries=0),
                     allow_private=allow_private)


def check_keys(store_url: str, key: str, secret: str, client_factory: ClientFactory = quick_client) -> str:
    """One cheap authenticated read, then the store's currency, which it returns; raises ``ConfigError``
    when the keys do not open the store."""
    client = client_factory(store_url, key, secret)
    try:
        client.get("orders", {"per_page": 1, "_fields": "id"})
        return store_currency(client)
    finally:
        client.close()


def store_currency(client: WooClient) -> str:
    """``woocommerce_currency``: the currency the store prices and takes payments in. Never assumed: a USD
    store connected as EUR has every amount labelled wrong (issue 16)."""
    setting = client.get("settings/general/woocommerce_currency")
    code = str(setting.get("value") or "").strip().upper() if isinstance(setting, Mapping) else ""
    if not CURRENCY_CODE.fullmatch(code):
        raise ConfigError(f"{client.store_url}: the store did not tell its currency")
    return code


def _store(credentials: CredentialStore, store_url: str, new: Mapping[str, str]) -> dict[str, str]:
    """Save keys, keeping (or creating once) the shop's webhook secret."""
    creds = dict(credentials.load(store_url) or {})
    creds.update(new)
    creds.setdefault("webhook_secret", new_webhook_secret())
    credentials.save(store_url, creds)
    return creds


@dataclass(frozen=True, slots=True)
class CallbackResult:
    status: int
    message: str
    store_url: str | None = None


def handle_callback(
    payload: Any,
    store_url: str,
    *,
    states: StateStore,
    credentials: CredentialStore,
    client_factory: ClientFactory | None = None,
    allow_private: bool = False,
) -> CallbackResult:
    """Accept wc-auth keys: 200 only when the ``user_id`` is ours and unused and the keys work."""
    if not isinstance(payload, Mapping):
        return CallbackResult(400, "expected a JSON object")
    user_id = payload.get("user_id")
    key = payload.get("consumer_key")
    secret = payload.get("consumer_secret")
    if not isinstance(user_id, str | int) or not isinstance(key, str) or not isinstance(secret, str):
        return CallbackResult(400, "user_id, consumer_key and consumer_secret are required")
    if not states.consume(str(user_id)):  # consumed even if what follows fails: single use
        return CallbackResult(403, "unknown or already used user_id")
    if payload.get("key_permissions") not in (None, SCOPE):
        return CallbackResult(400, f"the connector needs {SCOPE} keys")
    try:
        url = woocommerce_store_url(store_url)
    except ConfigError as exc:
        return CallbackResult(400, str(exc))
    try:
        admit_store_url(url, allow_private=allow_private)
        currency = check_keys(url, key, secret, client_factory or partial(quick_client, allow_private=allow_private))
    except ConnectorError:
        return CallbackResult(400, UNREACHABLE, url)
    fields = {"consumer_key": key, "consumer_secret": secret, "key_permissions": SCOPE}
    if payload.get("key_id") is not None:
        fields["key_id"] = str(payload["key_id"])
    _store(credentials, url, fields)
    credentials.set_currency(url, currency)
    return CallbackResult(200, "ok", url)


def connect_with_keys(
    store_url: str,
    consumer_key: str,
    consumer_secret: str,
    *,
    credentials: CredentialStore,
    client_factory: ClientFactory | None = None,
    allow_private: bool = False,
    expected_currency: str | None = None,
) -> tuple[str, str]:
    """Manual key entry (CLI): check the keys with a read, store them with the store's currency; returns the
    normalized store URL and that currency.

    Raises ``ConfigError`` when the URL is malformed or internal, the keys are refused, or the store's
    currency is not ``expected_currency`` (then nothing is stored). A read-only key passes this check and
    fails later, at webhook creation, with ``ConfigError``.
    """
    url = admit_store_url(store_url, allow_private=allow_private)
    factory = client_factory or partial(quick_client, allow_private=allow_private)
    currency = check_keys(url, consumer_key.strip(), consumer_secret.strip(), factory)
    if expected_currency and expected_currency.strip().upper() != currency:
        raise ConfigError(f"{url} is a {currency} store, not {expected_currency.strip().upper()}")
    _store(credentials, url, {"consumer_key": consumer_key.strip(), "consumer_secret": consumer_secret.strip()})
    credentials.set_currency(url, currency)
    return url, currency


def finish_connect(
    store_url: str,
    delivery_url: str,
    *,
    credentials: CredentialStore,
    client_factory: ClientFactory | None = None,
    allow_private: bool = False,
) -> WebhookSetup:
    """After the keys are stored: create (or re-arm) the order webhooks, signed with the shop's secret."""
    url = woocommerce_store_url(store_url)
    creds = credentials.load(url)
    if not creds or "consumer_key" not in creds or "consumer_secret" not in creds:
        raise ConfigError(f"{url}: no keys stored; connect the shop first")
    if not creds.get("webhook_secret"):
        creds = _store(credentials, url, {})
    factory = client_factory or partial(WooClient, allow_private=allow_private)
    client = factory(url, creds["consumer_key"], creds["consumer_secret"])
    try:
        return ensure_webhooks(client, delivery_url, creds["webhook_secret"])
    finally:
        client.close()
