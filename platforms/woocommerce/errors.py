"""Every WooCommerce HTTP outcome is classified here, and only here, into ``connector.errors``.

Woo errors look like ``{"code", "message", "data": {"status": N}}``, but some handlers put a bare int in
``data`` (the failed gateway refund sends ``"data": 500``), so parsing is defensive.

Rules (reads are idempotent; writes are not, so a write whose answer is lost is ``OutcomeUnknown``):

============================  ==========================  ====================================
what happened                 read (GET/HEAD/OPTIONS)     write (POST/PUT/DELETE)
============================  ==========================  ====================================
connect timeout / refused     RetryableError              RetryableError (never sent)
TLS failure (certificate)     ConfigError                 ConfigError
read timeout / reset          RetryableError              OutcomeUnknown
3xx (we never follow)         ConfigError                 ConfigError (a POST turned GET is a trap)
401 / 403                     ConfigError                 ConfigError
404                           NotFound                    NotFound
429                           RetryableError              RetryableError (throttled before work)
other 4xx                     WooApiError (permanent)     WooApiError (permanent)
500 with a Woo error body     RetryableError              WooApiError (Woo answered: refused)
other 5xx / 408               RetryableError              OutcomeUnknown
2xx that is not JSON          PermanentError              OutcomeUnknown
============================  ==========================  ====================================
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import Any, Final

import requests

from connector import jsonlimits
from connector.domain.timeutil import utcnow
from connector.errors import (
    ConfigError,
    ConnectorError,
    NotFound,
    OutcomeUnknown,
    PermanentError,
    RetryableError,
)

READ_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})

GATEWAY_CANNOT_REFUND: Final = "woocommerce_rest_cannot_create_order_refund"
"""500 from ``POST orders/<id>/refunds``: the gateway refused or cannot refund; Woo deleted the refund."""

COUPON_CODE_EXISTS: Final = "woocommerce_rest_coupon_code_already_exists"


@dataclass(frozen=True, slots=True)
class WooErrorBody:
    code: str
    message: str
    status: int | None


def parse_error_body(body: Any) -> WooErrorBody | None:
    """The ``{code, message, data}`` triple of a Woo/WP error, or None when ``body`` is not one."""
    if not isinstance(body, Mapping):
        return None
    code = body.get("code")
    if not isinstance(code, str) or not code:
        return None
    message = body.get("message")
    data = body.get("data")
    status: int | None = None
    if isinstance(data, Mapping) and isinstance(data.get("status"), int):
        status = data["status"]
    elif isinstance(data, int) and not isinstance(data, bool):
        status = data
    return WooErrorBody(code, message if isinstance(message, str) else "", status)


class WooApiError(PermanentError):
    """WooCommerce refused the request; ``code`` is Woo's machine-readable error code."""

    def __init__(self, message: str, *, code: str, status: int, woo_status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.status = status
        self.woo_status = woo_status


class WooNotFound(NotFound):
    def __init__(self, message: str, *, code: str = "", status: int = 404) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


class WooAuthError(ConfigError):
    def __init__(self, message: str, *, code: str = "", status: int = 401) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """``Retry-After`` as seconds (delta or HTTP date), or None."""
    raw = headers.get("Retry-After")
    if not raw:
        return None
    raw = raw.strip()
    if raw.isdigit():
        return float(raw)
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - utcnow()).total_seconds())


def decode_json(text: str) -> Any:
    """Woo JSON with every non-integer number as Decimal: money never passes through float. Too deep a
    document is a ValueError like any other bad JSON (``connector.jsonlimits``), not a RecursionError."""
    return jsonlimits.loads(text, parse_float=Decimal)


def _body(response: requests.Response) -> Any:
    try:
        return decode_json(response.text)
    except ValueError:
        return None


def error_for_response(response: requests.Response, *, method: str, path: str) -> ConnectorError:
    """The connector error for a non-2xx response (see the table in the module docstring)."""
    status = response.status_code
    is_write = method.upper() not in READ_METHODS
    woo = parse_error_body(_body(response))
    code = woo.code if woo else ""
    what = f"{method} {path}: HTTP {status}" + (f" {woo.code}: {woo.message}" if woo else "")
    if 300 <= status < 400:
        location = response.headers.get("Location", "?")
        return ConfigError(f"{what}: the store redirects to {location}; fix the store URL (scheme, www)")
    if status in (401, 403):
        return WooAuthError(what, code=code, status=status)
    if status == 404:
        return WooNotFound(what, code=code, status=status)
    if status == 429:
        return RetryableError(what, retry_after=retry_after_seconds(response.headers))
    if status == 408 or status >= 500:
        if not is_write:
            return RetryableError(what, retry_after=retry_after_seconds(response.headers))
        if status == 500 and woo is not None:
            return WooApiError(what, code=woo.code, status=status, woo_status=woo.status)
        return OutcomeUnknown(what, retry_after=retry_after_seconds(response.headers))
    return WooApiError(what, code=code or f"http_{status}", status=status, woo_status=woo.status if woo else None)


def error_for_exception(exc: requests.RequestException, *, method: str, path: str) -> ConnectorError:
    """The connector error for a transport failure: was the request possibly applied?"""
    is_write = method.upper() not in READ_METHODS
    what = f"{method} {path}: {type(exc).__name__}"
    if isinstance(exc, requests.exceptions.SSLError):
        # certificate or TLS setup problem: the handshake failed before anything was sent; retrying won't fix it
        return ConfigError(f"{what}: TLS problem with the store (certificate?)")
    never_sent = isinstance(exc, requests.ConnectTimeout) or (
        isinstance(exc, requests.ConnectionError) and not isinstance(exc, requests.ReadTimeout) and _refused(exc)
    )
    if never_sent or not is_write:
        return RetryableError(what)
    return OutcomeUnknown(what)


def _refused(exc: requests.ConnectionError) -> bool:
    """True when the connection was never established (so nothing was sent)."""
    text = repr(exc)
    return any(
        marker in text
        for marker in ("NewConnectionError", "Connection refused", "NameResolutionError", "Failed to resolve")
    )


def error_for_invalid_json(*, method: str, path: str, status: int) -> ConnectorError:
    what = f"{method} {path}: HTTP {status} but the body is not JSON (caching or security plugin?)"
    if method.upper() in READ_METHODS:
        return PermanentError(what)
    return OutcomeUnknown(what)
