"""HTTP transport for Sendcloud's API: one pooled session, timeouts, Basic auth, pacing and retries.

Why requests and not httpx (carriers.md suggests httpx): the project already ships requests, its ``responses``
test double and a typed stub, and the platforms' clients use it; one HTTP stack to pool, mock and audit.

Auth: Basic, user = Public Key, password = Secret Key (sendcloud.dev/docs/getting-started/authentication;
``HTTPBasicAuth`` in every description of ``openapi/``). ``base_url`` is ``https://panel.sendcloud.sc/api`` by
default and configurable, so the sandbox carrier stands in; paths carry their version (``/v3/returns``,
``/v2/parcels/{id}/documents/qr``) since the QR document is described in v2 only.

Retries: reads are retried on 429, 5xx and network errors with exponential backoff and full jitter, honouring
``Retry-After`` (the descriptions document no rate-limit headers). Writes are retried only on 429, which is
refused before anything is done; any other failure of a write is classified and handed back, and a timeout
after a write becomes ``OutcomeUnknown``: the adapter looks for the effect (by ``external_reference``)
before it writes again.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, Final

import requests
from requests.adapters import HTTPAdapter

from carriers.sendcloud.errors import error_for_response
from carriers.sendcloud.ratelimit import SAFE_METHODS, TokenBucket, buckets_for
from connector.domain.timeutil import utcnow
from connector.errors import ConnectorError, OutcomeUnknown, RetryableError

log = logging.getLogger(__name__)

DEFAULT_BASE_URL: Final = "https://panel.sendcloud.sc/api"
DEFAULT_TIMEOUT: Final = (3.05, 30.0)
"""(connect, read) seconds: a synchronous announcement waits for the carrier, so the read part is generous."""
USER_AGENT: Final = "returns-connector/0.1 (+sendcloud)"
MAX_RETRY_AFTER: Final = 60.0
"""Longer waits are the queue's business: the error goes back with its ``retry_after`` instead."""

Params = Mapping[str, str | int | float | bool | list[str]]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 3
    base_delay: float = 0.5
    max_delay: float = 8.0

    def delay(self, attempt: int) -> float:
        """Full jitter: a random wait up to the exponential ceiling, so retrying workers spread out."""
        return random.uniform(0, min(self.max_delay, self.base_delay * 2**attempt))


@dataclass(frozen=True, slots=True)
class Answer:
    """A successful answer: its status, its JSON body (or None) and its raw bytes."""

    status: int
    body: Any
    content: bytes
    content_type: str


class SendcloudClient:
    """One Sendcloud account. Thread-safe as far as ``requests.Session`` is (one per worker process)."""

    def __init__(
        self,
        public_key: str,
        secret_key: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        buckets: tuple[TokenBucket, TokenBucket] | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._timeout = timeout
        self._retry = retry or RetryPolicy()
        self._sleep = sleep
        self._safe, self._unsafe = buckets or buckets_for(public_key)
        self._session = session or requests.Session()
        pool = HTTPAdapter(pool_connections=4, pool_maxsize=16, max_retries=0)
        self._session.mount("https://", pool)
        self._session.mount("http://", pool)
        self._session.auth = (public_key, secret_key)
        self._session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json"})

    def close(self) -> None:
        self._session.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        what: str,
        params: Params | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        ok: tuple[int, ...] = (200, 201, 202),
    ) -> Answer:
        """Send one call (retrying as the module says) and return its answer, or raise ``connector.errors``."""
        method = method.upper()
        safe = method in SAFE_METHODS
        url = path if path.startswith(("http://", "https://")) else f"{self.base_url}{path}"
        attempt = 0
        while True:
            self._pace(safe)
            try:
                response = self._session.request(
                    method, url, params=params, json=json, headers=headers, timeout=self._timeout
                )
            except (requests.ConnectionError, requests.Timeout) as exc:
                error = self._network_error(exc, safe, what)
                if safe and attempt + 1 < self._retry.attempts:
                    attempt += 1
                    self._sleep(self._retry.delay(attempt))
                    continue
                raise error from exc
            if response.status_code in ok:
                return _answer(response)
            error = error_for_response(response.status_code, _json(response), what, _retry_after(response))
            retryable = safe or response.status_code == 429
            if isinstance(error, RetryableError) and retryable and attempt + 1 < self._retry.attempts:
                wait = _wait(error, self._retry, attempt + 1)
                if wait is not None:
                    attempt += 1
                    log.info("sendcloud %s: HTTP %s, retry %d in %.1fs", what, response.status_code, attempt, wait)
                    self._sleep(wait)
                    continue
            raise error

    def _pace(self, safe: bool) -> None:
        wait = (self._safe if safe else self._unsafe).take()
        if wait > 0:
            self._sleep(wait)

    @staticmethod
    def _network_error(exc: Exception, safe: bool, what: str) -> ConnectorError:
        """A write that may have reached Sendcloud is ``OutcomeUnknown``; a connect failure never sent it."""
        if not safe and not isinstance(exc, requests.ConnectTimeout):
            return OutcomeUnknown(f"Sendcloud {what}: no answer ({type(exc).__name__}); it may have been applied")
        return RetryableError(f"Sendcloud {what}: {type(exc).__name__}: {exc}")


def _wait(error: RetryableError, policy: RetryPolicy, attempt: int) -> float | None:
    """How long to wait before retrying here; None when the server asks for longer than a worker should block."""
    if error.retry_after is None:
        return policy.delay(attempt)
    if error.retry_after > MAX_RETRY_AFTER:
        return None
    return error.retry_after


def _retry_after(response: requests.Response) -> float | None:
    """``Retry-After`` in seconds (RFC 9110: delay-seconds or an HTTP date)."""
    raw = response.headers.get("Retry-After")
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        return max(0.0, (parsedate_to_datetime(raw) - utcnow()).total_seconds())
    except (TypeError, ValueError):
        return None


def _json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _answer(response: requests.Response) -> Answer:
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip()
    body = _json(response) if content_type == "application/json" else None
    return Answer(response.status_code, body, response.content, content_type)
