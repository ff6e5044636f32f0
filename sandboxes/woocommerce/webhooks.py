"""Webhook delivery the way WooCommerce + Action Scheduler behave.

- One pending delivery per (webhook, resource id): a burst of changes is delivered once, and the payload
  is built when it is sent, so intermediate states are lost.
- Body = the resource's v3 GET JSON (``deleted`` sends only ``{"id": N}``), slashes escaped like
  ``wp_json_encode``; ``X-WC-Webhook-Signature`` = base64 HMAC-SHA256 of the raw body with the secret.
- No retries. HTTP 200-302 is success and resets ``failure_count``; a failure while the count is already
  above 5 disables the webhook (the 7th consecutive failure), otherwise the count goes up.
- Creating an active webhook POSTs an unsigned ping ``webhook_id=<id>`` (form body) synchronously.
- Fault kit: drop, duplicate (same body re-sent later), delay, reorder a batch.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import requests

from sandboxes.kit.faults import Faults
from sandboxes.woocommerce.state import Store, Webhook

USER_AGENT = "WooCommerce/9.9.3 Hookshot (WordPress/6.8.2)"
MAX_FAILURES = 5
MAX_LOGGED_DELIVERIES = 10_000  # the introspection log keeps the newest attempts only
PayloadBuilder = Callable[[str, int], dict[str, Any] | None]
"""(resource, id) -> the v3 JSON of that resource now, or None if it no longer exists."""


@dataclass
class Delivery:
    """One attempt, kept for ``GET /__sandbox/webhooks/deliveries``."""

    delivery_id: str
    webhook_id: int
    topic: str
    resource_id: int
    at: str
    kind: str  # delivery | ping | duplicate
    status: int | None  # HTTP status, None when the connection failed or the delivery was dropped
    ok: bool
    dropped: bool = False
    error: str = ""
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)


def encode_body(payload: dict[str, Any]) -> bytes:
    """``wp_json_encode``: compact, ASCII with \\u escapes, and ``/`` escaped as ``\\/``."""
    return json.dumps(payload, separators=(",", ":")).replace("/", "\\/").encode()


def signature(body: bytes, secret: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


class Dispatcher:
    """Queues events per (webhook, resource) and delivers them from one background thread."""

    def __init__(self, store: Store, faults: Faults, build: PayloadBuilder, source_url: Callable[[], str],
                 *, batch_delay_s: float = 0.05, timeout_s: float = 60.0) -> None:  # fmt: skip
        self.store = store
        self.faults = faults
        self.build = build
        self.source_url = source_url
        self.batch_delay_s = batch_delay_s
        self.timeout_s = timeout_s
        self.deliveries: deque[Delivery] = deque(maxlen=MAX_LOGGED_DELIVERIES)
        self._pending: dict[tuple[int, int], str] = {}  # (webhook id, resource id) -> event
        self._cond = threading.Condition()
        self._stopped = False
        self._busy = False
        self._thread = threading.Thread(target=self._run, name="wc-sandbox-webhooks", daemon=True)
        self._thread.start()
        store.listeners.append(self.on_event)

    def on_event(self, resource: str, event: str, resource_id: int) -> None:
        topic = f"{resource}.{event}"
        with self.store.lock:
            targets = [w.id for w in self.store.webhooks.values() if w.status == "active" and w.topic == topic]
        if not targets:
            return
        with self._cond:
            for webhook_id in targets:
                self._pending.setdefault((webhook_id, resource_id), event)  # already pending: merged
            self._cond.notify_all()

    def pending(self) -> list[tuple[int, int]]:
        with self._cond:
            return list(self._pending)

    def wait_idle(self, timeout_s: float = 10.0) -> bool:
        """For tests: wait until nothing is pending or being sent."""
        deadline = time.monotonic() + timeout_s
        with self._cond:
            while self._pending or self._busy:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(remaining)
        return True

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        self._thread.join(5)

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._pending and not self._stopped:
                    self._cond.wait()
                if self._stopped:
                    return
                self._busy = True
            time.sleep(self.batch_delay_s)  # Action Scheduler runs a little later: bursts merge meanwhile
            with self._cond:
                batch = list(self._pending.items())
                self._pending.clear()
            if self.faults.config.webhook_reorder:
                random.Random(self.faults.config.seed + len(self.deliveries)).shuffle(batch)
            for (webhook_id, resource_id), event in batch:
                try:
                    self._deliver(webhook_id, resource_id, event)
                except Exception as exc:  # a sandbox bug must not kill the sender thread
                    self._record(Delivery("", webhook_id, "", resource_id, _now(), "delivery", None, False,
                                          error=f"sandbox error: {exc!r}"))  # fmt: skip
            with self._cond:
                self._busy = False
                self._cond.notify_all()

    def _deliver(self, webhook_id: int, resource_id: int, event: str) -> None:
        with self.store.lock:
            webhook = self.store.webhooks.get(webhook_id)
            if webhook is None or webhook.status != "active":
                return
            resource = webhook.topic.split(".")[0]
            payload = {"id": resource_id} if event == "deleted" else self.build(resource, resource_id)
        if payload is None:
            return
        if self.faults.config.webhook_delay_s:
            time.sleep(self.faults.config.webhook_delay_s)
        body = encode_body(payload)
        if self.faults.roll("webhook_drop"):
            self._record(Delivery(self._delivery_id(webhook), webhook.id, webhook.topic, resource_id, _now(),
                                  "delivery", None, False, dropped=True, body=body.decode()))  # fmt: skip
            return
        ok = self._send(webhook, resource_id, body, "delivery")
        self._count(webhook, ok)
        if self.faults.roll("webhook_duplicate"):
            threading.Thread(target=self._send_later, args=(webhook, resource_id, body), daemon=True).start()

    def _send_later(self, webhook: Webhook, resource_id: int, body: bytes) -> None:
        time.sleep(max(self.faults.config.webhook_delay_s, self.batch_delay_s * 4))
        self._send(webhook, resource_id, body, "duplicate")

    def _headers(self, webhook: Webhook, body: bytes) -> dict[str, str]:
        resource, _, event = webhook.topic.partition(".")
        return {
            "Content-Type": "application/json", "User-Agent": USER_AGENT,
            "X-WC-Webhook-Source": self.source_url() + "/", "X-WC-Webhook-Topic": webhook.topic,
            "X-WC-Webhook-Resource": resource, "X-WC-Webhook-Event": event,
            "X-WC-Webhook-Signature": signature(body, webhook.secret), "X-WC-Webhook-ID": str(webhook.id),
            "X-WC-Webhook-Delivery-ID": self._delivery_id(webhook),
        }  # fmt: skip

    @staticmethod
    def _delivery_id(webhook: Webhook) -> str:
        """``wp_hash(id + current second)``: per attempt and per second, not a dedupe key."""
        return hashlib.md5(f"{webhook.id}{int(time.time())}".encode(), usedforsecurity=False).hexdigest()

    def _send(self, webhook: Webhook, resource_id: int, body: bytes, kind: str) -> bool:
        headers = self._headers(webhook, body)
        status: int | None = None
        error = ""
        try:
            response = requests.post(webhook.delivery_url, data=body, headers=headers, timeout=self.timeout_s,
                                     allow_redirects=False)  # fmt: skip
            status = response.status_code
        except requests.RequestException as exc:
            error = type(exc).__name__
        ok = status is not None and 200 <= status <= 302
        self._record(Delivery(headers["X-WC-Webhook-Delivery-ID"], webhook.id, webhook.topic, resource_id,
                              _now(), kind, status, ok, error=error, body=body.decode(), headers=headers))  # fmt: skip
        return ok

    def _count(self, webhook: Webhook, ok: bool) -> None:
        with self.store.lock:
            if ok:
                webhook.failure_count = 0
            elif webhook.failure_count > MAX_FAILURES:
                webhook.status = "disabled"
            else:
                webhook.failure_count += 1

    def ping(self, webhook: Webhook) -> bool:
        """Unsigned form POST ``webhook_id=<id>``, sent when an active webhook is created."""
        status: int | None = None
        error = ""
        try:
            response = requests.post(webhook.delivery_url, data={"webhook_id": str(webhook.id)},
                                     headers={"User-Agent": USER_AGENT}, timeout=self.timeout_s,
                                     allow_redirects=False)  # fmt: skip
            status = response.status_code
        except requests.RequestException as exc:
            error = type(exc).__name__
        ok = status is not None and 200 <= status <= 302
        self._record(Delivery("", webhook.id, webhook.topic, 0, _now(), "ping", status, ok, error=error,
                              body=f"webhook_id={webhook.id}"))  # fmt: skip
        return ok

    def _record(self, delivery: Delivery) -> None:
        with self._cond:
            self.deliveries.append(delivery)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")
