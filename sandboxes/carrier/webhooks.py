"""Pushing ``parcel_status_changed`` webhooks, signed as Sendcloud signs them, with delivery faults.

``Sendcloud-Signature`` is the hex HMAC-SHA256 of the raw body keyed with the integration's secret key
(or its webhook signature key), as the v3 Webhooks description says. Deliveries go out from one background
thread so a control call that moves a parcel returns before the connector is called. Faults are scripted,
not random, so a test states exactly what it wants: the next N deliveries sent twice, or deliveries held
and then released in reverse order (Sendcloud warns its webhooks arrive unordered).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import queue
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import requests

USER_AGENT = "Sendcloud-Webhooks/sandbox"
SIGNATURE_HEADER = "Sendcloud-Signature"


def sign(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def encode(payload: dict[str, Any]) -> bytes:
    """``json.dumps`` with its default separators, as the description's Python example signs."""
    return json.dumps(payload).encode()


@dataclass
class Delivery:
    """One attempt, kept for ``GET /__sandbox/webhooks/deliveries``."""

    at: str
    url: str
    kind: str  # delivery | duplicate | released
    body: str
    headers: dict[str, str]
    status: int | None
    error: str = ""


@dataclass
class WebhookSettings:
    url: str | None = None
    secret: str = ""
    duplicate_next: int = 0
    hold: bool = False
    timeout_s: float = 10.0


@dataclass
class Dispatcher:
    settings: WebhookSettings
    deliveries: deque[Delivery] = field(default_factory=lambda: deque(maxlen=5000))
    held: list[bytes] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._queue: queue.Queue[tuple[bytes, str] | None] = queue.Queue()
        self._lock = threading.Lock()
        self._busy = 0
        self._idle = threading.Condition(self._lock)
        self._thread = threading.Thread(target=self._run, name="carrier-sandbox-webhooks", daemon=True)
        self._thread.start()

    def push(self, payload: dict[str, Any]) -> None:
        """Queue one event (or hold it, or send it twice, as the scripted faults say)."""
        if not self.settings.url:
            return
        body = encode(payload)
        with self._lock:
            if self.settings.hold:
                self.held.append(body)
                return
            copies = 1
            if self.settings.duplicate_next > 0:
                self.settings.duplicate_next -= 1
                copies = 2
            self._busy += copies
        for copy in range(copies):
            self._queue.put((body, "delivery" if copy == 0 else "duplicate"))

    def release(self, order: str = "reverse") -> int:
        """Send the held deliveries, newest first by default: the out-of-order fault."""
        with self._lock:
            bodies, self.held = self.held, []
            self.settings.hold = False
            self._busy += len(bodies)
        for body in reversed(bodies) if order == "reverse" else bodies:
            self._queue.put((body, "released"))
        return len(bodies)

    def wait_idle(self, timeout_s: float) -> bool:
        deadline = time.monotonic() + timeout_s
        with self._idle:
            while self._busy:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._idle.wait(remaining)
        return True

    def stop(self) -> None:
        self._queue.put(None)
        self._thread.join(5)

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            body, kind = item
            try:
                self._send(body, kind)
            finally:
                with self._idle:
                    self._busy -= 1
                    self._idle.notify_all()

    def _send(self, body: bytes, kind: str) -> None:
        url = self.settings.url or ""
        headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT,
                   SIGNATURE_HEADER: sign(body, self.settings.secret)}  # fmt: skip
        status: int | None = None
        error = ""
        try:
            status = requests.post(url, data=body, headers=headers, timeout=self.settings.timeout_s).status_code
        except requests.RequestException as exc:
            error = type(exc).__name__
        self.deliveries.append(Delivery(datetime.now(UTC).isoformat(), url, kind, body.decode(), headers, status,
                                        error))  # fmt: skip
