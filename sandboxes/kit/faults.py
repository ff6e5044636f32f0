"""Fault injection for the sandbox shops: errors, throttling, latency, dropped connections, lost answers.

The connector must survive what real shops and networks do to it; the sandboxes use this kit so tests can
turn those failures on by probability (seeded, so a run can be repeated) and change them at run time with
``PUT /__sandbox/faults``.  Webhook senders ask :meth:`Faults.roll` whether to duplicate, drop or delay.
Replacing the config (PUT merges the given keys over the current ones) restarts the seeded stream, so the
same PUT followed by the same requests injects the same faults.  ``GET /__sandbox/faults/stats`` counts
what was injected.  Dropping a connection needs werkzeug's server (``werkzeug.socket``); under Flask's
test client a drop answers 599 with ``X-Sandbox-Dropped: 1`` instead.
"""

from __future__ import annotations

import contextlib
import dataclasses
import random
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

from flask import Flask, Response, jsonify, request

ErrorBody = Callable[[int], Response]
"""Builds the platform's own error response for a status code (500/502/503/429)."""

WRITE_METHODS: Final = frozenset({"POST", "PUT", "PATCH", "DELETE"})
ERROR_STATUSES: Final = (500, 502, 503)
_DROPPED_HEADER: Final = "X-Sandbox-Dropped"


@dataclass
class FaultConfig:
    """Probabilities are 0..1 (floats are fine here: they are not money)."""

    error_rate: float = 0.0
    throttle_rate: float = 0.0
    latency_ms: int = 0
    drop_rate: float = 0.0
    timeout_after_write_rate: float = 0.0
    webhook_duplicate_rate: float = 0.0
    webhook_drop_rate: float = 0.0
    webhook_delay_s: float = 0.0
    webhook_reorder: bool = False
    seed: int = 0
    # Narrow the HTTP faults to some paths / methods (empty = every non-exempt request).
    path_prefixes: list[str] = field(default_factory=list)
    methods: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.methods = [method.upper() for method in self.methods]

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any], base: FaultConfig | None = None) -> FaultConfig:
        """Merge ``data`` over ``base`` (or the defaults); ValueError on unknown keys or bad values."""
        known = {f.name: f for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - set(known))
        if unknown:
            raise ValueError(f"unknown fault option(s): {', '.join(unknown)}")
        merged = (base or cls()).to_dict()
        for key, value in data.items():
            merged[key] = _coerce(key, value)
        return cls(**merged)


_RATES: Final = frozenset(
    {"error_rate", "throttle_rate", "drop_rate", "timeout_after_write_rate",
     "webhook_duplicate_rate", "webhook_drop_rate"}
)  # fmt: skip


def _coerce(key: str, value: Any) -> Any:
    if key in _RATES or key == "webhook_delay_s":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{key} must be a number")
        number = float(value)
        if key in _RATES and not 0.0 <= number <= 1.0:
            raise ValueError(f"{key} must be between 0 and 1")
        if number < 0:
            raise ValueError(f"{key} must not be negative")
        return number
    if key in ("latency_ms", "seed"):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{key} must be a non-negative integer")
        return value
    if key == "webhook_reorder":
        if not isinstance(value, bool):
            raise ValueError(f"{key} must be a boolean")
        return value
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"{key} must be a list of strings")
    return list(value)


def default_error_body(status: int) -> Response:
    response = jsonify({"error": {"status": status, "message": "injected fault"}})
    response.status_code = status
    return response


def drop_connection() -> bool:
    """Shut the client's socket so it gets no answer at all; False when not served by werkzeug."""
    sock = request.environ.get("werkzeug.socket")
    if not isinstance(sock, socket.socket):
        return False
    with contextlib.suppress(OSError):  # already gone: the client sees a dropped connection either way
        sock.shutdown(socket.SHUT_RDWR)
    return True


class Faults:
    """Seeded, thread-safe fault decisions plus the Flask hooks that apply them."""

    def __init__(self, config: FaultConfig | None = None, error_body: ErrorBody | None = None) -> None:
        self._lock = threading.Lock()
        self._config = config or FaultConfig()
        self._random = random.Random(self._config.seed)
        self.error_body: ErrorBody = error_body or default_error_body
        self.injected: Counter[str] = Counter()

    @property
    def config(self) -> FaultConfig:
        return self._config

    @config.setter
    def config(self, value: FaultConfig) -> None:
        with self._lock:
            self._config = value
            self._random = random.Random(value.seed)

    def chance(self, probability: float) -> bool:
        """One seeded draw; probability 0 never draws (so turning faults off does not shift the stream)."""
        if probability <= 0.0:
            return False
        with self._lock:
            return self._random.random() < probability

    def roll(self, name: str) -> bool:
        """Decide a named fault such as ``webhook_duplicate`` (rate read from ``<name>_rate``)."""
        attr = name if name.endswith("_rate") else f"{name}_rate"
        probability = getattr(self._config, attr, None)
        if not isinstance(probability, float | int):
            raise KeyError(f"no fault rate called {attr}")
        hit = self.chance(float(probability))
        if hit:
            self._count(name.removesuffix("_rate"))
        return hit

    def _count(self, name: str) -> None:
        with self._lock:
            self.injected[name] += 1

    def _applies(self, exempt_prefixes: tuple[str, ...]) -> bool:
        path = request.path
        if any(path.startswith(prefix) for prefix in exempt_prefixes):
            return False
        config = self._config
        if config.path_prefixes and not any(path.startswith(p) for p in config.path_prefixes):
            return False
        return not (config.methods and request.method.upper() not in config.methods)

    def install(
        self,
        app: Flask,
        throttle_response: Callable[[], Response] | None = None,
        exempt_prefixes: tuple[str, ...] = ("/__sandbox",),
        error_body: ErrorBody | None = None,
    ) -> None:
        """Register the before/after hooks and ``GET/PUT /__sandbox/faults`` (+ ``/stats``)."""
        if error_body is not None:
            self.error_body = error_body

        def throttled() -> Response:
            if throttle_response is not None:
                return throttle_response()
            response = self.error_body(429)
            response.headers["Retry-After"] = "1"
            return response

        def before() -> Response | None:
            if not self._applies(exempt_prefixes):
                return None
            config = self._config
            if config.latency_ms:
                time.sleep(config.latency_ms / 1000.0)
            if self.chance(config.drop_rate):
                self._count("drop")
                return self._dropped()
            if self.chance(config.throttle_rate):
                self._count("throttle")
                return throttled()
            if self.chance(config.error_rate):
                with self._lock:
                    status = self._random.choice(ERROR_STATUSES)
                self._count(f"error_{status}")
                return self.error_body(status)
            return None

        def after(response: Response) -> Response:
            if (
                request.method.upper() in WRITE_METHODS
                and response.status_code < 400
                and _DROPPED_HEADER not in response.headers
                and self._applies(exempt_prefixes)
                and self.chance(self._config.timeout_after_write_rate)
            ):
                self._count("timeout_after_write")
                return self._dropped()
            return response

        def get_faults() -> Response:
            return jsonify(self._config.to_dict())

        def put_faults() -> Response:
            body = request.get_json(silent=True)
            if not isinstance(body, dict):
                return _bad_request("body must be a JSON object")
            try:
                self.config = FaultConfig.from_dict(body, base=self._config)
            except ValueError as exc:
                return _bad_request(str(exc))
            return jsonify(self._config.to_dict())

        def get_stats() -> Response:
            with self._lock:
                return jsonify(dict(self.injected))

        app.before_request(before)
        app.after_request(after)
        app.add_url_rule("/__sandbox/faults", "sandbox_faults_get", get_faults, methods=["GET"])
        app.add_url_rule("/__sandbox/faults", "sandbox_faults_put", put_faults, methods=["PUT"])
        app.add_url_rule("/__sandbox/faults/stats", "sandbox_faults_stats", get_stats, methods=["GET"])

    def _dropped(self) -> Response:
        """Drop the connection; under a test client (no socket) answer 599 with a marker header instead."""
        response = Response(b"", status=599 if not drop_connection() else 200)
        response.headers[_DROPPED_HEADER] = "1"
        return response


def _bad_request(message: str) -> Response:
    response = jsonify({"error": {"status": 400, "message": message}})
    response.status_code = 400
    return response
