"""The one spelling of a shop's address, whatever door it comes in by.

A shop is found by ``(platform, address)``: the CLI, the config, the install flows and the webhook intake
must all write the same string for the same shop, or a shop added one way is unknown to the others (a
WooCommerce shop added as ``https://example.fr/`` never matched the ``X-WC-Webhook-Source`` header,
which Woo sends as ``https://example.fr/`` too, but read as ``https://example.fr``). These functions are
pure (no DNS): whether an address may be *called* is ``connector.netguard``'s question.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from typing import Final
from urllib.parse import urlsplit, urlunsplit

from connector.errors import ConfigError

SHOPIFY_DOMAIN: Final = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9-]*\.myshopify\.com")
"""Shopify's documented shop-domain pattern, matched whole (``fullmatch``: ``$`` would let a newline in)."""
_HOST_NAME: Final = re.compile(r"[a-z0-9_-]+(\.[a-z0-9_-]+)*")
_DEFAULT_PORTS: Final = {"http": 80, "https": 443}


def shopify_shop_domain(raw: str) -> str:
    """``Demo-Shop.myshopify.com`` -> ``demo-shop.myshopify.com``; anything else is refused.

    No scheme, path or other host is tolerated: a shop named ``evil.com`` would make every call, install
    redirect and token exchange go to ``https://evil.com`` with our credentials.
    """
    cleaned = raw.strip()
    if len(cleaned) > 255 or not SHOPIFY_DOMAIN.fullmatch(cleaned):
        raise ConfigError(f"not a Shopify shop domain: {raw!r} (expected your-shop.myshopify.com)")
    return cleaned.lower()


def woocommerce_store_url(raw: str) -> str:
    """``HTTPS://Shop.Example:443/boutique/`` -> ``https://shop.example/boutique``.

    Lower-cases scheme and host, keeps IPv6 brackets, drops a default port and the trailing slash, keeps a
    path (WordPress in a folder). Refuses other schemes, userinfo (``http://user:pass@host`` is a way to
    smuggle credentials and to disguise the real host), queries and fragments, which no home URL has.
    """
    text = raw.strip()
    try:
        parts = urlsplit(text)
    except ValueError as exc:  # "Invalid IPv6 URL": an unclosed bracket
        raise ConfigError(f"not a store URL: {raw!r}") from exc
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"not a store URL: {raw!r} (expected https://your-shop.example)")
    if "@" in parts.netloc or "?" in text or "#" in text:
        raise ConfigError(f"store URL must not carry credentials, a query or a fragment: {raw!r}")
    try:
        port = parts.port
    except ValueError as exc:
        raise ConfigError(f"store URL has a bad port: {raw!r}") from exc
    host = _host(parts.hostname or "", raw)
    if port is not None and port != _DEFAULT_PORTS[parts.scheme]:
        host = f"{host}:{port}"
    return urlunsplit((parts.scheme, host, parts.path.rstrip("/"), "", ""))


@functools.lru_cache(maxsize=1024)
def normalize_source(header: str) -> str | None:
    """The store a webhook's ``X-WC-Webhook-Source`` names, spelled as stored; None if it is no store URL.

    Cached: it runs on every delivery, and a shop sends the same few values over and over.
    """
    try:
        return woocommerce_store_url(header)
    except ConfigError:
        return None


def _host(hostname: str, raw: str) -> str:
    """A lower-case host name, or an IP literal (IPv6 in brackets, as a URL needs it)."""
    host = hostname.lower().removesuffix(".")
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        ip = None
    if ip is not None:
        return f"[{ip.compressed}]" if ip.version == 6 else ip.compressed
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError as exc:
            raise ConfigError(f"store URL has a bad host name: {raw!r}") from exc
    if not _HOST_NAME.fullmatch(host):
        raise ConfigError(f"store URL has a bad host name: {raw!r}")
    return host
