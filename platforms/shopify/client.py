"""GraphQL Admin API transport: pooled HTTP, cost-aware pacing, retries, one error classification.

Why not ``shopify.GraphQL().execute`` from the ShopifyAPI package: it posts through ``urllib`` with
the shop, version and token taken from class-level session globals (unsafe when one process serves
several shops or threads), returns the raw JSON string, prints bodies on HTTP errors, and has no
retry, no THROTTLED handling and no cost tracking (shopify.md §7). Here every call names its shop and
token explicitly, reuses one ``requests.Session`` connection pool, and:

* paces itself from ``extensions.cost.throttleStatus``: before a call it projects how many points
  the bucket holds now (``currentlyAvailable + restoreRate * elapsed``) and sleeps until the next
  query's expected cost fits, instead of running the bucket dry and eating THROTTLED;
* retries THROTTLED (HTTP 200 + ``errors[].extensions.code``), 429, 5xx, timeouts and connection
  errors with capped exponential backoff and jitter;
* never blindly retries a mutation whose request may have been applied, unless it carries an
  ``@idempotent`` key (then Shopify deduplicates and the retry is safe); otherwise it raises
  ``OutcomeUnknown`` so the caller looks for the effect first.

Sleep, clock and randomness are injected so tests run instantly and deterministically.
"""

from __future__ import annotations

import json
import logging
import random
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

import requests

from connector import jsonlimits
from connector.errors import ConnectorError, OutcomeUnknown, PermanentError, RetryableError
from platforms.shopify import errors as classify

log = logging.getLogger(__name__)

DEFAULT_API_VERSION: Final = "2026-04"
DEFAULT_TIMEOUT: Final = (3.05, 20.0)
"""(connect, read) seconds. Connect is short: Shopify's edge answers fast or not at all."""
DEFAULT_MAX_ATTEMPTS: Final = 5
DEFAULT_BASE_DELAY: Final = 0.5
DEFAULT_MAX_DELAY: Final = 30.0
DEFAULT_QUERY_COST: Final = 50
"""Assumed cost of the very first query; after that an unseen query is assumed to cost as much as the
dearest one seen so far (cautious: waiting a little beats a THROTTLED round trip)."""
_VERSION_RE: Final = re.compile(r"^\d{4}-(01|04|07|10)$")
_KEY_RE: Final = re.compile(r"^[A-Za-z0-9_.:\-]{1,255}$")

TokenProvider = Callable[[], str]


@dataclass(slots=True)
class _Bucket:
    """The last throttle status Shopify reported, and when we saw it (monotonic seconds)."""

    maximum: float
    available: float
    restore_rate: float
    observed_at: float

    def projected(self, now: float) -> float:
        return min(self.maximum, self.available + self.restore_rate * max(0.0, now - self.observed_at))


def idempotent_directive(key: str) -> str:
    """``@idempotent(key: "...")`` for a mutation field; the key must be a plain token (our action id)."""
    if not _KEY_RE.match(key):
        raise PermanentError(f"idempotency key {key!r} is not a plain token")
    return f"@idempotent(key: {json.dumps(key)})"


class GraphQLClient:
    """One shop's GraphQL Admin endpoint. Thread-safe; share one per shop per process."""

    def __init__(
        self,
        shop_domain: str,
        token_provider: TokenProvider,
        *,
        api_version: str = DEFAULT_API_VERSION,
        session: requests.Session | None = None,
        base_url: str | None = None,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        base_delay: float = DEFAULT_BASE_DELAY,
        max_delay: float = DEFAULT_MAX_DELAY,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        if not _VERSION_RE.match(api_version):
            raise ValueError(f"not a Shopify API version: {api_version!r}")
        self.shop_domain = shop_domain
        self.api_version = api_version
        root = (base_url or f"https://{shop_domain}").rstrip("/")
        self.endpoint = f"{root}/admin/api/{api_version}/graphql.json"
        self._token = token_provider
        self._session = session or _pooled_session()
        self._timeout = timeout
        self._max_attempts = max(1, max_attempts)
        self._base_delay = base_delay
        self._max_delay = max_delay
        self._sleep = sleep
        self._clock = clock
        self._jitter = jitter
        self._lock = threading.Lock()
        self._bucket: _Bucket | None = None
        self._costs: dict[str, int] = {}
        self.stats: dict[str, float] = {"requests": 0, "throttled": 0, "retries": 0, "paced_s": 0.0}
        """Counters for metrics: requests sent, THROTTLED/429 answers, retries, seconds spent pacing."""

    # -- public ---------------------------------------------------------------------------------

    def query(self, document: str, variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Run a read; returns ``data``. Retries everything transient."""
        return self._execute(document, variables, mutation=False, idempotent=False)

    def mutate(
        self,
        document: str,
        variables: Mapping[str, Any] | None = None,
        *,
        payload_key: str,
        idempotent: bool = False,
    ) -> dict[str, Any]:
        """Run a mutation; returns ``data[payload_key]`` once its ``userErrors`` are checked.

        ``idempotent`` says the document carries ``@idempotent(key:)``: only then is a request whose
        outcome is unknown retried here; otherwise ``OutcomeUnknown`` goes up to the caller.
        """
        data = self._execute(document, variables, mutation=True, idempotent=idempotent)
        payload = data.get(payload_key)
        if not isinstance(payload, dict):
            raise PermanentError(f"{payload_key}: no payload in the answer")
        user_errors = payload.get("userErrors") or []
        if user_errors:
            raise classify.classify_user_errors(payload_key, user_errors)
        return payload

    @property
    def throttle_status(self) -> _Bucket | None:
        return self._bucket

    # -- internals ------------------------------------------------------------------------------

    def _execute(
        self, document: str, variables: Mapping[str, Any] | None, *, mutation: bool, idempotent: bool
    ) -> dict[str, Any]:
        body = {"query": document, "variables": dict(variables or {})}
        last: ConnectorError | None = None
        for attempt in range(self._max_attempts):
            if attempt:
                self.stats["retries"] += 1
                self._sleep(self._backoff(attempt, last))
            self._wait_for_budget(document)
            try:
                return self._once(document, body, mutation=mutation)
            except OutcomeUnknown as exc:
                last = exc
                if not idempotent:
                    raise
                log.warning("shopify.graphql.retry-idempotent", extra={"attempt": attempt + 1})
            except RetryableError as exc:
                last = exc
                log.info("shopify.graphql.retry", extra={"attempt": attempt + 1, "error": str(exc)})
        assert last is not None
        raise last

    def _once(self, document: str, body: Mapping[str, Any], *, mutation: bool) -> dict[str, Any]:
        headers = {
            "X-Shopify-Access-Token": self._token(),
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        self.stats["requests"] += 1
        try:
            response = self._session.post(
                self.endpoint, data=json.dumps(body, default=_decimal_as_string), headers=headers, timeout=self._timeout
            )
        except requests.RequestException as exc:
            raise classify.classify_transport(exc, mutation=mutation) from exc
        retry_after = _retry_after(response)
        if response.status_code == 429:
            self.stats["throttled"] += 1
        failure = classify.classify_status(response.status_code, mutation=mutation, retry_after=retry_after)
        if failure is not None:
            raise failure
        try:
            parsed = jsonlimits.loads(response.text, parse_float=Decimal)  # too deep is a ValueError too
        except ValueError as exc:
            raise (OutcomeUnknown if mutation else RetryableError)("shopify sent a body that is not JSON") from exc
        if not isinstance(parsed, dict):
            raise PermanentError("shopify sent an unexpected body")
        self._observe_cost(document, parsed.get("extensions"))
        errors = parsed.get("errors")
        if errors:
            if isinstance(errors, str):
                errors = [{"message": errors}]
            throttled = classify.is_throttled(errors)
            if throttled:
                self.stats["throttled"] += 1
            wait = self._throttle_wait(parsed) if throttled else retry_after
            raise classify.classify_graphql_errors(errors, mutation=mutation, retry_after=wait)
        data = parsed.get("data")
        if not isinstance(data, dict):
            raise PermanentError("shopify answered without data")
        return data

    def _observe_cost(self, document: str, extensions: Any) -> None:
        cost = (extensions or {}).get("cost") if isinstance(extensions, dict) else None
        if not isinstance(cost, dict):
            return
        requested = cost.get("requestedQueryCost")
        if requested is not None:
            self._costs[document] = int(requested)
        status = cost.get("throttleStatus")
        if isinstance(status, dict):
            try:
                bucket = _Bucket(
                    maximum=float(status["maximumAvailable"]),
                    available=float(status["currentlyAvailable"]),
                    restore_rate=float(status["restoreRate"]),
                    observed_at=self._clock(),
                )
            except (KeyError, TypeError, ValueError):
                return
            with self._lock:
                self._bucket = bucket

    def _throttle_wait(self, parsed: Mapping[str, Any]) -> float | None:
        """After THROTTLED: time for the bucket to hold the requested cost again."""
        cost = (parsed.get("extensions") or {}).get("cost") or {}
        requested = float(cost.get("requestedQueryCost") or DEFAULT_QUERY_COST)
        bucket = self._bucket
        if bucket is None or bucket.restore_rate <= 0:
            return None
        return max(0.0, (requested - bucket.available) / bucket.restore_rate)

    def _wait_for_budget(self, document: str) -> None:
        """Sleep before sending when the bucket will not hold this query's expected cost."""
        bucket = self._bucket
        if bucket is None or bucket.restore_rate <= 0:
            return
        guess = max(self._costs.values(), default=DEFAULT_QUERY_COST)
        needed = min(float(self._costs.get(document, guess)), bucket.maximum)
        have = bucket.projected(self._clock())
        if have >= needed:
            return
        wait = (needed - have) / bucket.restore_rate
        log.info("shopify.graphql.pace", extra={"wait_s": round(wait, 3), "needed": needed})
        self.stats["paced_s"] += wait
        self._sleep(wait)

    def _backoff(self, attempt: int, last: ConnectorError | None) -> float:
        """Capped exponential backoff with jitter in [50%, 100%]; honours a longer server hint."""
        ceiling = min(self._max_delay, self._base_delay * (2.0 ** (attempt - 1)))
        delay = ceiling * (0.5 + 0.5 * self._jitter())
        hint = getattr(last, "retry_after", None)
        if isinstance(hint, int | float) and hint > delay:
            delay = min(float(hint), self._max_delay)
        return delay


def _decimal_as_string(value: object) -> str:
    """Money goes out as decimal strings (``MoneyInput.amount``), never through float."""
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def _pooled_session() -> requests.Session:
    session = requests.Session()
    adapter = requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=16, max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session
