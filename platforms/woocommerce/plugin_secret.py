"""The secret a store shares with us for the WordPress plugin's tokens (``plugin_token``).

Where it lives: in the shop's credentials, beside the REST keys and the webhook secret, under ``plugin_secret``,
so it is encrypted at rest like them (``connector.store.crypto``) and goes with the shop. On the store's side the
plugin keeps it in a WordPress option (not autoloaded) and never sends it to a browser.

How a merchant gets it: ``returns-connector shops plugin --url <store>`` makes one when the shop has
none and prints it with the connector's address and the shop id, the three values the plugin's settings page
asks for. It is printed only when made (like an API key); ``--rotate`` makes a new one, which ends every
session opened with the old one (``fingerprint``) and makes the plugin's tokens fail until the new one is pasted.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Final, Protocol

from connector.errors import ConfigError

KEY: Final = "plugin_secret"


class SecretStore(Protocol):
    def load(self, store_url: str) -> dict[str, str] | None: ...

    def save(self, store_url: str, creds: dict[str, str]) -> None: ...


def new_plugin_secret() -> str:
    """43 URL-safe characters (256 bits): pasted by hand, so nothing a form or a shell would mangle."""
    return secrets.token_urlsafe(32)


def issue_plugin_secret(credentials: SecretStore, store_url: str, *, rotate: bool = False) -> str | None:
    """A new secret for a connected store (returned: to be shown once), or None when it has one and ``rotate``
    is not asked. ``ConfigError`` when the store is not connected."""
    creds = credentials.load(store_url)
    if creds is None:
        raise ConfigError(f"{store_url} is not connected: run `shops connect-woocommerce` first")
    if creds.get(KEY) and not rotate:
        return None
    secret = new_plugin_secret()
    credentials.save(store_url, {**creds, KEY: secret})
    return secret


def fingerprint(secret: str) -> str:
    """Names the secret a session was opened with, without revealing it: a rotated secret ends the session."""
    return hmac.new(secret.encode(), b"returns-connector session", hashlib.sha256).hexdigest()[:16]
