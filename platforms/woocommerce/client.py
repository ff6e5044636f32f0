"""HTTP transport for the WooCommerce REST API v3: pooled session, auth, pagination, retries.

Why not ``woocommerce.API`` (the official ``woocommerce`` package, 3.0.0, last release 2021)? It calls the
module-level ``requests.request`` for every call, so each call opens a new TCP (and TLS) connection; it
never retries, has a 5 s default timeout, rejects per-call ``timeout=``/``headers=`` (duplicate kwarg) and
appends query parameters twice in OAuth mode. We keep only its OAuth 1.0a signer (``woocommerce.oauth.OAuth``,
HMAC-SHA256, key ``secret&``), which is correct for one-legged OAuth over plain HTTP, with two changes: we
sign each attempt afresh so a retry never reuses a nonce, and we replace its nonce (a hash of 8 random
digits, 10^8 values: with thousands of calls in Woo's 15-minute nonce window a repeat, hence a 401, becomes
likely) by 160 random bits.

Auth: HTTPS uses Basic ``ck:cs`` (or ``consumer_key``/``consumer_secret`` in the query when the host
strips ``Authorization``); plain HTTP uses OAuth 1.0a in the query string, as WooCommerce requires.

Retries: reads (GET/HEAD/OPTIONS) are retried on 429/5xx/timeouts with exponential backoff and full
jitter, honouring ``Retry-After``. Writes are sent once: their failures are classified (see ``errors``)
and the caller decides, after looking for the effect when the outcome is unknown.
"""

from __future__ import annotations

import json
import logging
import random
import secrets
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final
from urllib.parse import urlencode, urlsplit

import requests
from woocommerce.oauth import OAuth

from connector.errors import ConfigError, RetryableError
from connector.netguard import GuardedAdapter, refusal_in
from platforms.woocommerce.errors import (
    READ_METHODS,
    decode_json,
    error_for_exception,
    error_for_invalid_json,
    error_for_response,
)

log = logging.getLogger(__name__)

API_PREFIX: Final = "wp-json/wc/v3"
DEFAULT_TIMEOUT: Final = (3.05, 30.0)
"""(connect, read) seconds. Woo is often slow on writes (gateway refunds), so the read part is generous."""
MAX_PER_PAGE: Final = 100
"""Woo's hard cap: above 100 the API answers 400 rest_invalid_param."""
USER_AGENT: Final = "returns-connector/0.1 (+woocommerce)"

Params = Mapping[str, str | int | bool | list[str] | list[int]]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How many times a read is retried, and how long to wait between tries."""

    max_retries: int = 3
    base_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0

    def delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.max_retry_after)
        ceiling = min(self.max_delay, self.base_delay * (2**attempt))
        return random.uniform(0, ceiling)  # full jitter: spreads a herd of workers apart


@dataclass(frozen=True, slots=True)
class Page:
    items: list[Any]
    total: int | None
    total_pages: int | None


class _OAuth(OAuth):  # type: ignore[misc]  # untyped third-party class
    """The package's signer with a nonce that cannot repeat in practice."""

    @staticmethod
    def generate_nonce() -> str:
        return secrets.token_hex(20)


def _json_default(value: object) -> str:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot send {type(value).__name__} as JSON")


def encode_json(body: Any) -> bytes:
    return json.dumps(body, default=_json_default, ensure_ascii=False).encode("utf-8")


def _query_value(value: str | int | bool | list[str] | list[int]) -> str | list[str]:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return [str(v) for v in value]
    return str(value)


class WooClient:
    """One shop's REST v3 endpoint over a pooled ``requests.Session``. Thread-safe for concurrent calls."""

    def __init__(
        self,
        store_url: str,
        consumer_key: str,
        consumer_secret: str,
        *,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        query_string_auth: bool = False,
        session: requests.Session | None = None,
        pool_size: int = 10,
        verify: bool | str = True,
        sleep: Callable[[float], None] = time.sleep,
        user_agent: str = USER_AGENT,
        allow_private: bool = False,
    ) -> None:
        """``allow_private`` lets the client connect to internal addresses (development, sandboxes); without
        it every new connection is checked where it landed (``connector.netguard``)."""
        parts = urlsplit(store_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError(f"not a store URL: {store_url!r}")
        self.store_url = store_url.rstrip("/")
        self.base_url = f"{self.store_url}/{API_PREFIX}/"
        self._key = consumer_key
        self._secret = consumer_secret
        self._https = parts.scheme == "https"
        self._query_auth = query_string_auth
        self.timeout = timeout
        self.verify = verify  # True, or a CA bundle path for a shop behind a private CA; passed per call
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        if session is None:
            session = requests.Session()
            adapter = GuardedAdapter(
                allow_private=allow_private, pool_connections=1, pool_maxsize=pool_size, max_retries=0
            )
            session.mount("http://", adapter)
            session.mount("https://", adapter)
        session.headers.update({"User-Agent": user_agent, "Accept": "application/json"})
        self.session = session

    def close(self) -> None:
        self.session.close()

    def __repr__(self) -> str:  # never show the keys
        return f"WooClient({self.store_url!r})"

    # -- public verbs -----------------------------------------------------------------------

    def get(self, path: str, params: Params | None = None) -> Any:
        return self.request("GET", path, params=params)[0]

    def options(self, path: str) -> Any:
        return self.request("OPTIONS", path)[0]

    def post(self, path: str, body: Any, params: Params | None = None) -> Any:
        return self.request("POST", path, params=params, body=body)[0]

    def put(self, path: str, body: Any) -> Any:
        return self.request("PUT", path, body=body)[0]

    def delete(self, path: str, params: Params | None = None) -> Any:
        return self.request("DELETE", path, params=params)[0]

    def get_page(self, path: str, params: Params | None = None) -> Page:
        data, headers = self.request("GET", path, params=params)
        items = data if isinstance(data, list) else []
        return Page(items, _int_header(headers, "X-WP-Total"), _int_header(headers, "X-WP-TotalPages"))

    def paginate(self, path: str, params: Params | None = None, per_page: int = MAX_PER_PAGE) -> Iterator[Any]:
        """Every item of a collection, one page in memory at a time, following ``X-WP-TotalPages``."""
        per_page = max(1, min(per_page, MAX_PER_PAGE))
        page_no = 1
        while True:
            query: dict[str, Any] = dict(params or {})
            query.update(page=page_no, per_page=per_page)
            page = self.get_page(path, query)
            yield from page.items
            if not page.items:
                return
            if page.total_pages is not None:
                if page_no >= page.total_pages:
                    return
            elif len(page.items) < per_page:
                return
            page_no += 1

    # -- transport --------------------------------------------------------------------------

    def request(
        self, method: str, path: str, *, params: Params | None = None, body: Any = None
    ) -> tuple[Any, Mapping[str, str]]:
        """Send once (writes) or with retries (reads); return (decoded JSON, headers) or raise."""
        method = method.upper()
        attempts = 1 + (self.retry.max_retries if method in READ_METHODS else 0)
        for attempt in range(attempts):
            try:
                return self._send_once(method, path, params, body)
            except RetryableError as exc:
                if attempt + 1 >= attempts or method not in READ_METHODS:
                    raise
                pause = self.retry.delay(attempt, exc.retry_after)
                log.warning(
                    "woocommerce.http.retry",
                    extra={"method": method, "path": path, "attempt": attempt + 1, "pause": round(pause, 3),
                           "error": str(exc)},
                )
                self._sleep(pause)
        raise AssertionError("unreachable")  # pragma: no cover

    def _send_once(
        self, method: str, path: str, params: Params | None, body: Any
    ) -> tuple[Any, Mapping[str, str]]:
        url, query, auth = self._signed(method, path, params)
        data = encode_json(body) if body is not None else None
        headers = {"Content-Type": "application/json; charset=utf-8"} if data is not None else None
        try:
            response = self.session.request(
                method, url, params=query, data=data, headers=headers, auth=auth,
                timeout=self.timeout, allow_redirects=False, verify=self.verify,
            )
        except requests.RequestException as exc:
            refusal = refusal_in(exc)
            if refusal is not None:  # never connected, and never will: not worth a retry
                raise refusal from exc
            raise error_for_exception(exc, method=method, path=path) from exc
        if not 200 <= response.status_code < 300:
            raise error_for_response(response, method=method, path=path)
        if response.status_code == 204 or not response.content:
            return None, response.headers
        try:
            return decode_json(response.text), response.headers
        except ValueError as exc:
            raise error_for_invalid_json(method=method, path=path, status=response.status_code) from exc

    def _signed(
        self, method: str, path: str, params: Params | None
    ) -> tuple[str, dict[str, str | list[str]] | None, tuple[str, str] | None]:
        url = self.base_url + path.lstrip("/")
        query = {k: _query_value(v) for k, v in (params or {}).items()}
        if self._https and not self._query_auth:
            return url, query, (self._key, self._secret)
        if self._https:
            query.update(consumer_key=self._key, consumer_secret=self._secret)
            return url, query, None
        # Plain HTTP: one-legged OAuth 1.0a, signed per attempt (fresh nonce and timestamp).
        full = f"{url}?{urlencode(query, doseq=True)}" if query else url
        signed = _OAuth(full, self._key, self._secret, version="wc/v3", method=method).get_oauth_url()
        return str(signed), None, None


def _int_header(headers: Mapping[str, str], name: str) -> int | None:
    raw = headers.get(name)
    try:
        return int(raw) if raw is not None else None
    except ValueError:
        return None
