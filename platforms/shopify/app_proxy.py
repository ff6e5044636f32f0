"""Requests that reach us through the shop's app proxy (``https://{shop}/apps/returns/...``), verified.

Shopify forwards the storefront request with ``shop``, ``logged_in_customer_id``, ``path_prefix`` and
``timestamp`` added, and ``signature``: the hex HMAC-SHA256, under the app secret, of every other query
parameter as ``key=value`` sorted by key and concatenated with no separator, a repeated key's values
joined with ``,`` in the order received
(https://shopify.dev/docs/apps/build/online-store/app-proxies/authenticate-app-proxies; the same as
shopify-api-js ``stringifyQueryForAppProxy``). Nothing in the query can be trusted before this passes:
anyone can call the proxy URL directly with any ``shop`` or ``logged_in_customer_id``.

Refused as well, as shopify-api-js does: a repeated ``shop``, ``timestamp``, ``signature`` or ``hmac``
(which value would we trust?) and a timestamp more than 90 s from our clock (a replayed link).

The caller passes the query with blank values KEPT (werkzeug's ``request.args.to_dict(flat=False)`` does;
``urllib.parse.parse_qs`` needs ``keep_blank_values=True``): an anonymous visitor's
``logged_in_customer_id=`` is part of what Shopify signed.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from connector.errors import ConfigError
from connector.shopaddress import shopify_shop_domain

CLOCK_WINDOW_SECONDS: Final = 90
_SINGLE_VALUED: Final = ("shop", "timestamp", "signature", "hmac")
_PATH_PREFIX: Final = re.compile(r"(/[A-Za-z0-9_-]+)+")
"""What Shopify lets a merchant choose (``apps``/``a``/``community``/``tools`` + a subpath of letters, digits,
``_`` and ``-``); anything else would be pasted into our links, so it is refused even when signed."""
_CUSTOMER_ID: Final = re.compile(r"[0-9]{1,20}")


class Refusal(enum.StrEnum):
    """Why a proxied request was not accepted, for the log; the visitor sees one answer for all."""

    NOT_CONFIGURED = "no_app_secret_configured"
    MISSING = "missing_parameter"
    REPEATED = "repeated_parameter"
    BAD_SIGNATURE = "bad_signature"
    STALE = "stale_timestamp"
    MALFORMED = "malformed_parameter"


class AppProxyRefused(Exception):
    def __init__(self, reason: Refusal) -> None:
        super().__init__(reason.value)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class AppProxyRequest:
    """What a verified proxied request tells us: whose shop, who is logged in there, and the storefront path
    our pages live under (links are built from it: the merchant may change it)."""

    shop: str
    logged_in_customer_id: str | None
    path_prefix: str


def signed_message(params: Mapping[str, Sequence[str]]) -> str:
    """The text Shopify signs: every parameter but ``signature``, sorted, ``k=v1,v2``, no separator."""
    return "".join(f"{key}={','.join(params[key])}" for key in sorted(params) if key != "signature")


def sign(params: Mapping[str, Sequence[str]], secret: str) -> str:
    return hmac.new(secret.encode(), signed_message(params).encode(), hashlib.sha256).hexdigest()


def verify_app_proxy(params: Mapping[str, Sequence[str]], secrets: Sequence[str], now: float) -> AppProxyRequest:
    """The verified request, or ``AppProxyRefused``. ``secrets`` are the app secrets (several during a
    rotation, ``webhook_source.app_secrets``); ``now`` is the Unix time."""
    usable = [secret for secret in secrets if secret]
    if not usable:
        raise AppProxyRefused(Refusal.NOT_CONFIGURED)
    if any(len(params.get(key, ())) > 1 for key in _SINGLE_VALUED):
        raise AppProxyRefused(Refusal.REPEATED)
    if any(not params.get(key) for key in ("shop", "timestamp", "signature", "path_prefix")):
        raise AppProxyRefused(Refusal.MISSING)
    if not _signed_by_any(params, params["signature"][0], usable):
        raise AppProxyRefused(Refusal.BAD_SIGNATURE)
    timestamp = params["timestamp"][0]
    if not timestamp.isascii() or not timestamp.isdigit():
        raise AppProxyRefused(Refusal.MALFORMED)
    if abs(now - int(timestamp)) > CLOCK_WINDOW_SECONDS:
        raise AppProxyRefused(Refusal.STALE)
    return _read(params)


def _signed_by_any(params: Mapping[str, Sequence[str]], given: str, secrets: Sequence[str]) -> bool:
    """Every secret is tried (no early exit) so the timing does not tell which one matched."""
    given_bytes = given.strip().lower().encode("ascii", "replace")
    matched = False
    for secret in secrets:
        matched |= hmac.compare_digest(sign(params, secret).encode("ascii"), given_bytes)
    return matched


def _read(params: Mapping[str, Sequence[str]]) -> AppProxyRequest:
    try:
        shop = shopify_shop_domain(params["shop"][0])
    except ConfigError as exc:
        raise AppProxyRefused(Refusal.MALFORMED) from exc
    path_prefix = params["path_prefix"][0]
    customers = params.get("logged_in_customer_id") or [""]
    customer = customers[0] if len(customers) == 1 else None
    if customer is None or not _PATH_PREFIX.fullmatch(path_prefix):
        raise AppProxyRefused(Refusal.MALFORMED)
    if customer and not _CUSTOMER_ID.fullmatch(customer):
        raise AppProxyRefused(Refusal.MALFORMED)
    return AppProxyRequest(shop=shop, logged_in_customer_id=customer or None, path_prefix=path_prefix)
