"""Webhook delivery as Shopify does it: signed JSON POSTs from a background thread, retried on failure.

Each event gets one ``X-Shopify-Event-Id``; each subscription gets its own delivery with its own
``X-Shopify-Webhook-Id``; retries reuse both; injected duplicates reuse the event id with a new webhook id.
Fault options (from sandboxkit.faults) drop, duplicate, delay or reorder deliveries.
Deliveries go to 127.0.0.1/localhost only: the sandbox never talks to any other address.
"""

from __future__ import annotations

import base64
import hashlib
import heapq
import hmac
import itertools
import json
import logging
import random
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final
from urllib.parse import urlsplit

import requests

from sandboxes.kit.faults import Faults
from sandboxes.shopify.state import Shop

log = logging.getLogger(__name__)
_LOCAL_HOSTS: Final = frozenset({"127.0.0.1", "localhost", "::1"})
COMPLIANCE_TOPICS: Final = frozenset({"customers/data_request", "customers/redact", "shop/redact"})


def topic_enum(topic: str) -> str:
    """returns/request -> RETURNS_REQUEST (the GraphQL WebhookSubscriptionTopic value)."""
    return topic.replace("/", "_").upper()


def sign(body: bytes, secret: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


@dataclass(order=True)
class _Delivery:
    due: float
    seq: int
    topic: str = field(compare=False)
    uri: str = field(compare=False)
    body: bytes = field(compare=False)
    event_id: str = field(compare=False)
    webhook_id: str = field(compare=False)
    triggered_at: str = field(compare=False)
    api_version: str = field(compare=False)
    attempt: int = field(compare=False, default=1)
    duplicate: bool = field(compare=False, default=False)


class Dispatcher:
    """Queues events for subscribed endpoints and delivers them from one daemon thread."""

    def __init__(self, shop: Shop, secret: str, faults: Faults, retry_schedule: Sequence[float] = (1.0, 2.0, 4.0),
                 api_version: str = "2026-04", extra_subscriptions: dict[str, str] | None = None,
                 timeout: float = 5.0) -> None:  # fmt: skip
        self.shop = shop
        self.secret = secret
        self.faults = faults
        self.retry_schedule = tuple(retry_schedule)
        self.api_version = api_version
        self.extra = dict(extra_subscriptions or {})  # topic -> uri (app-wide, like shopify.app.toml)
        self.timeout = timeout
        self.deliveries: list[dict[str, Any]] = []
        self._heap: list[_Delivery] = []
        self._seq = itertools.count()
        self._cond = threading.Condition()
        self._stopped = False
        self._random = random.Random(shop.seed)
        self._session = requests.Session()
        self._thread = threading.Thread(target=self._run, name="sandbox-webhooks", daemon=True)
        self._thread.start()

    # ------------------------------------------------------------------ publishing

    def targets(self, topic: str) -> list[tuple[str, str]]:
        """(uri, api version) of every subscription to ``topic``."""
        enum = topic_enum(topic)
        found = [(s.uri, s.api_version) for s in self.shop.subscriptions.values() if s.topic == enum]
        if topic in self.extra:
            found.append((self.extra[topic], self.api_version))
        return found

    def publish(self, topic: str, payload: dict[str, Any], uri: str | None = None) -> str | None:
        """Queue ``payload`` for every subscriber (or just ``uri``); returns the event id, None if nobody."""
        targets = [(uri, self.api_version)] if uri else self.targets(topic)
        if not targets:
            return None
        event_id = str(uuid.uuid4())
        triggered = datetime.now(UTC).isoformat()
        body = json.dumps(payload, separators=(",", ":"), default=str).encode()
        config = self.faults.config
        now = time.monotonic()
        with self._cond:
            for target, version in targets:
                delay = config.webhook_delay_s
                if config.webhook_reorder:
                    delay += self._random.uniform(0.0, max(0.3, config.webhook_delay_s))
                if self.faults.roll("webhook_drop"):
                    self._record(topic, target, event_id, "-", 0, "dropped", None, False)
                    continue
                item = _Delivery(now + delay, next(self._seq), topic, target, body, event_id, str(uuid.uuid4()),
                                 triggered, version)  # fmt: skip
                heapq.heappush(self._heap, item)
                if self.faults.roll("webhook_duplicate"):
                    twin = _Delivery(now + delay + 0.05, next(self._seq), topic, target, body, event_id,
                                     str(uuid.uuid4()), triggered, version, duplicate=True)  # fmt: skip
                    heapq.heappush(self._heap, twin)
            self._cond.notify()
        return event_id

    # ------------------------------------------------------------------ delivery

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stopped and (not self._heap or self._heap[0].due > time.monotonic()):
                    wait = self._heap[0].due - time.monotonic() if self._heap else None
                    self._cond.wait(timeout=wait)
                if self._stopped:
                    return
                item = heapq.heappop(self._heap)
            self._deliver(item)

    def _deliver(self, item: _Delivery) -> None:
        host = urlsplit(item.uri).hostname or ""
        if host not in _LOCAL_HOSTS:
            self._record(item.topic, item.uri, item.event_id, item.webhook_id, item.attempt, "refused",
                         "the sandbox only delivers to 127.0.0.1", item.duplicate)  # fmt: skip
            return
        headers = {
            "Content-Type": "application/json",
            "X-Shopify-Topic": item.topic,
            "X-Shopify-Hmac-Sha256": sign(item.body, self.secret),
            "X-Shopify-Shop-Domain": self.shop.domain,
            "X-Shopify-Webhook-Id": item.webhook_id,
            "X-Shopify-Event-Id": item.event_id,
            "X-Shopify-API-Version": item.api_version,
            "X-Shopify-Triggered-At": item.triggered_at,
        }
        status: int | None = None
        error: str | None = None
        try:
            response = self._session.post(item.uri, data=item.body, headers=headers, timeout=self.timeout)
            status = response.status_code
        except requests.RequestException as exc:
            error = type(exc).__name__
        ok = status is not None and 200 <= status < 300
        self._record(item.topic, item.uri, item.event_id, item.webhook_id, item.attempt,
                     "delivered" if ok else "failed", error or (None if ok else f"HTTP {status}"), item.duplicate,
                     status)  # fmt: skip
        if not ok and item.attempt <= len(self.retry_schedule):
            item.due = time.monotonic() + self.retry_schedule[item.attempt - 1]
            item.attempt += 1
            item.seq = next(self._seq)
            with self._cond:
                heapq.heappush(self._heap, item)
                self._cond.notify()

    def _record(self, topic: str, uri: str, event_id: str, webhook_id: str, attempt: int, outcome: str,
                error: str | None, duplicate: bool, status: int | None = None) -> None:  # fmt: skip
        entry = {"topic": topic, "uri": uri, "event_id": event_id, "webhook_id": webhook_id, "attempt": attempt,
                 "outcome": outcome, "status": status, "error": error, "duplicate": duplicate,
                 "at": datetime.now(UTC).isoformat()}  # fmt: skip
        with self._cond:
            self.deliveries.append(entry)

    def pending(self) -> int:
        with self._cond:
            return len(self._heap)

    def wait_idle(self, timeout: float = 5.0, sleep: Callable[[float], None] = time.sleep) -> bool:
        """Test helper: True once nothing is queued (delivery may still be in flight briefly)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.pending():
                return True
            sleep(0.02)
        return False

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        self._thread.join(timeout=2)
        self._session.close()
