"""The one table that turns Shopify answers into ``connector.errors`` types.

Every transport or API failure seen by ``client.py`` goes through one of the functions below, so the
retry policy, the "did it happen?" question and the "a human must fix it" question are answered in
one place. The table (tested row by row in ``tests/shopify/test_errors.py``):

| what Shopify did                                   | for a query      | for a mutation                |
|----------------------------------------------------|------------------|-------------------------------|
| connect failed / connect timeout (nothing sent)    | RetryableError   | RetryableError                |
| read timeout, connection dropped after sending     | RetryableError   | OutcomeUnknown                |
| HTTP 429, errors[].extensions.code == THROTTLED    | RetryableError   | RetryableError (not applied)  |
| HTTP 5xx                                           | RetryableError   | OutcomeUnknown                |
| HTTP 401, 403, ACCESS_DENIED, invalid token        | ConfigError      | ConfigError                   |
| HTTP 404                                           | NotFound         | NotFound                      |
| other 4xx, GraphQL validation errors               | PermanentError   | PermanentError                |
| userErrors on a mutation payload                   | -                | PermanentError (with codes)   |
| IDEMPOTENCY_CONCURRENT_REQUEST                     | -                | RetryableError                |
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

import requests

from connector.errors import (
    ConfigError,
    ConnectorError,
    NotFound,
    OutcomeUnknown,
    PermanentError,
    RetryableError,
)

THROTTLED: Final = "THROTTLED"
_CONFIG_CODES: Final = frozenset({"ACCESS_DENIED", "UNAUTHORIZED", "FORBIDDEN", "INVALID_TOKEN"})
_RETRY_CODES: Final = frozenset({THROTTLED, "INTERNAL_SERVER_ERROR", "IDEMPOTENCY_CONCURRENT_REQUEST"})


class ShopifyUserError(PermanentError):
    """A mutation answered with ``userErrors``: the shop refused it, nothing was applied."""

    def __init__(self, operation: str, errors: Sequence[Mapping[str, Any]]) -> None:
        self.operation = operation
        self.errors = [dict(e) for e in errors]
        self.codes = tuple(str(e.get("code") or "") for e in errors)
        text = "; ".join(str(e.get("message", "")) for e in errors)
        super().__init__(f"{operation}: {text}")


def classify_transport(exc: requests.RequestException, *, mutation: bool) -> ConnectorError:
    """A request that got no HTTP answer. Only a failed connect proves nothing reached Shopify."""
    never_sent = isinstance(exc, requests.ConnectTimeout) or (
        isinstance(exc, requests.ConnectionError)
        and not isinstance(exc, requests.ReadTimeout)
        and _is_connect_failure(exc)
    )
    message = f"shopify transport error: {type(exc).__name__}"
    if mutation and not never_sent:
        return OutcomeUnknown(message)
    return RetryableError(message)


def _is_connect_failure(exc: BaseException) -> bool:
    """True when urllib3 says the TCP/TLS connection was never made (refused, DNS, connect timeout)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        name = type(current).__name__
        if name in ("NewConnectionError", "NameResolutionError", "ConnectTimeoutError"):
            return True
        reason = getattr(current, "reason", None)
        if isinstance(reason, BaseException) and id(reason) not in seen:
            current = reason
            continue
        args = getattr(current, "args", ())
        nested = next((a for a in args if isinstance(a, BaseException)), None)
        current = nested or current.__cause__ or current.__context__
    return False


def classify_status(status: int, *, mutation: bool, retry_after: float | None = None) -> ConnectorError | None:
    """Map a non-2xx HTTP status; None for 2xx (the body still has to be looked at)."""
    if 200 <= status < 300:
        return None
    message = f"shopify answered HTTP {status}"
    if status == 429:
        return RetryableError(message, retry_after)
    if status >= 500:
        return OutcomeUnknown(message, retry_after) if mutation else RetryableError(message, retry_after)
    if status in (401, 403):
        return ConfigError(f"{message}: check the access token and granted scopes")
    if status == 404:
        return NotFound(message)
    return PermanentError(message)


def error_codes(errors: Sequence[Mapping[str, Any]]) -> list[str]:
    codes = []
    for error in errors:
        extensions = error.get("extensions") or {}
        codes.append(str(extensions.get("code") or ""))
    return codes


def classify_graphql_errors(
    errors: Sequence[Mapping[str, Any]], *, mutation: bool, retry_after: float | None = None
) -> ConnectorError:
    """Top-level ``errors`` of an HTTP 200 answer (throttling, access, validation)."""
    codes = error_codes(errors)
    text = "; ".join(str(e.get("message", "")) for e in errors)[:500]
    if any(code in _CONFIG_CODES for code in codes):
        return ConfigError(f"shopify refused access: {text}")
    if any(code in _RETRY_CODES for code in codes):
        if mutation and "INTERNAL_SERVER_ERROR" in codes:
            return OutcomeUnknown(f"shopify internal error: {text}", retry_after)
        return RetryableError(f"shopify asks to retry: {text}", retry_after)
    return PermanentError(f"shopify rejected the request: {text}")


def is_throttled(errors: Sequence[Mapping[str, Any]]) -> bool:
    return THROTTLED in error_codes(errors)


def classify_user_errors(operation: str, user_errors: Sequence[Mapping[str, Any]]) -> ConnectorError:
    """``userErrors`` on a mutation: permanent, except a concurrent request holding the same key."""
    codes = {str(e.get("code") or "") for e in user_errors}
    if "IDEMPOTENCY_CONCURRENT_REQUEST" in codes:
        return RetryableError(f"{operation}: the same idempotency key is still being processed", 1.0)
    return ShopifyUserError(operation, user_errors)
