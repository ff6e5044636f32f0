"""Basic auth with the integration's public key as user and secret key as password, as Sendcloud's API.

Only ``/api/`` is guarded; ``/__sandbox`` is the test harness's own door and ``/tracking`` stands for the
public tracking page. Keys are seeded from the options; more pairs can be added with ``POST /__sandbox/keys``.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field

from flask import Flask, Response, request

from sandboxes.carrier.errors import json_api


@dataclass
class Keys:
    pairs: dict[str, str] = field(default_factory=dict)  # public key -> secret key

    def valid(self, public: str, secret: str) -> bool:
        expected = self.pairs.get(public)
        return expected is not None and hmac.compare_digest(expected.encode(), secret.encode())

    def install(self, app: Flask) -> None:
        def before() -> Response | None:
            if not request.path.startswith("/api/"):
                return None
            auth = request.authorization
            if auth is None or auth.type != "basic" or not self.valid(auth.username or "", auth.password or ""):
                response = json_api(401, "authentication_failed", "Invalid username/password.")
                response.headers["WWW-Authenticate"] = 'Basic realm="api"'
                return response
            return None

        app.before_request(before)
