"""Counted faults: "the next N requests answer 503" or "the next write is done but its answer is lost".

The kit's faults are probabilities, right for soak runs; a test of a retry or of a lost answer needs the
fault exactly once, on the request it names. Rules are matched in order on method and path prefix; each
fires ``count`` times then disappears. A 429 carries ``Retry-After`` as Sendcloud's rate limiter does.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Final

from flask import Flask, Response, request

from sandboxes.carrier.errors import error_object
from sandboxes.kit.faults import drop_connection

KINDS: Final = ("status", "timeout_after_write")
_WRITES: Final = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_MESSAGES: Final = {429: "Too many requests, please retry later.", 500: "Internal server error.",
                    502: "Bad gateway.", 503: "Service temporarily unavailable.", 504: "Gateway timeout."}  # fmt: skip


@dataclass
class Rule:
    kind: str
    count: int = 1
    status: int = 503
    retry_after: int = 1
    path_prefix: str = "/api/"
    methods: list[str] = field(default_factory=list)

    @classmethod
    def parse(cls, data: Any) -> Rule:
        if not isinstance(data, dict):
            raise ValueError("a rule is a JSON object")
        unknown = set(data) - {"kind", "count", "status", "retry_after", "path_prefix", "methods"}
        if unknown:
            raise ValueError(f"unknown rule field(s): {', '.join(sorted(unknown))}")
        rule = cls(**data)
        if rule.kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}")
        if rule.kind == "status" and rule.status not in _MESSAGES:
            raise ValueError(f"status must be one of {sorted(_MESSAGES)}")
        if not isinstance(rule.count, int) or rule.count < 1:
            raise ValueError("count must be a positive integer")
        rule.methods = [method.upper() for method in rule.methods]
        return rule

    def matches(self) -> bool:
        if not request.path.startswith(self.path_prefix):
            return False
        return not self.methods or request.method.upper() in self.methods


@dataclass
class ScriptedFaults:
    rules: list[Rule] = field(default_factory=list)
    fired: list[dict[str, Any]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, rule: Rule) -> None:
        with self._lock:
            self.rules.append(rule)

    def clear(self) -> None:
        with self._lock:
            self.rules.clear()

    def _take(self, kind: str) -> Rule | None:
        with self._lock:
            for rule in self.rules:
                if rule.kind == kind and rule.matches():
                    rule.count -= 1
                    if rule.count == 0:
                        self.rules.remove(rule)
                    self.fired.append({"kind": kind, "status": rule.status, "method": request.method,
                                       "path": request.path})  # fmt: skip
                    return rule
        return None

    def install(self, app: Flask) -> None:
        def before() -> Response | None:
            if request.path.startswith("/__sandbox"):
                return None
            rule = self._take("status")
            if rule is None:
                return None
            response = error_object(rule.status, "throttled" if rule.status == 429 else "server_error",
                                    _MESSAGES[rule.status])  # fmt: skip
            if rule.status in (429, 503):
                response.headers["Retry-After"] = str(rule.retry_after)
            return response

        def after(response: Response) -> Response:
            if request.method.upper() not in _WRITES or response.status_code >= 400:
                return response
            if request.path.startswith("/__sandbox") or self._take("timeout_after_write") is None:
                return response
            lost = Response(b"", status=200 if drop_connection() else 599)
            lost.headers["X-Sandbox-Dropped"] = "1"
            return lost

        app.before_request(before)
        app.after_request(after)
