"""Fixtures: the sandbox carrier on 127.0.0.1:0, a client that validates every answer against Sendcloud's
descriptions, and a receiver that records the webhooks it is pushed (raw body and headers)."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
from flask import Flask, Response, request
from werkzeug.serving import make_server

from sandboxes.carrier.app import start_in_thread
from sandboxes.carrier.carrier import CarrierOptions
from tests.sandbox_carrier.openapi import check_response, check_webhook

PUBLIC = "pk-test"
SECRET = "sk-test"


class Sendcloud:
    """Basic-auth client for ``/api``; ``checked`` lists what each answer was validated against."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.session = requests.Session()
        self.session.auth = (PUBLIC, SECRET)
        self.checked: list[str] = []

    def call(self, method: str, path: str, *, validate: bool = True, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", 10)
        response = self.session.request(method, self.base_url + path, **kwargs)
        if validate:
            kind = response.headers.get("Content-Type", "")
            data = response.json() if kind.startswith("application/json") else None
            path = path.split("?")[0]
            self.checked.append(check_response(method, path, response.status_code, kind, response.content, data))
        return response

    def sandbox(self, method: str, path: str, **kwargs: Any) -> Any:
        response = requests.request(method, f"{self.base_url}/__sandbox/{path}", timeout=15, **kwargs)
        assert response.status_code == 200, response.text
        return response.json()

    def create(self, **overrides: Any) -> requests.Response:
        return self.call("POST", "/api/v3/returns", json=return_body(**overrides))


def return_body(**overrides: Any) -> dict[str, Any]:
    """The description's own create example, made French (a customer in Paris returning to Lyon)."""
    body: dict[str, Any] = {
        "from_address": {"name": "Jeanne Client", "address_line_1": "Rue de la Roquette", "house_number": "5",
                         "postal_code": "75011", "city": "Paris", "country_code": "FR",
                         "email": "jeanne@example.com"},
        "to_address": {"name": "Entrepôt Retours", "company_name": "Maison Lumen", "address_line_1": "ZA des Gones",
                       "house_number": "12", "postal_code": "69007", "city": "Lyon", "country_code": "FR"},
        "ship_with": {"type": "shipping_option_code", "shipping_option_code": "colissimo:return/dropoff",
                      "contract": 4242},
        "weight": {"value": 0.4, "unit": "kg"},
        "order_number": "1042",
        "external_reference": "RET-1042-1",
        "parcel_items": [{"description": "T-Shirt XL", "quantity": 1, "sku": "TS1234", "return_reason_id": "26"}],
        "delivery_option": "drop_off_point",
    }  # fmt: skip
    body.update(overrides)
    return body


@dataclass
class Receiver:
    """A webhook endpoint that records raw bodies and headers, answering ``status``."""

    url: str = ""
    received: list[tuple[bytes, dict[str, str]]] = field(default_factory=list)
    status: int = 200

    def wait_for(self, count: int, timeout: float = 10) -> list[tuple[bytes, dict[str, str]]]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return list(self.received)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    app = Flask("receiver")
    found = Receiver()

    @app.post("/hook")
    def hook() -> Response:
        found.received.append((request.get_data(), dict(request.headers)))
        return Response("", status=found.status)

    server = make_server("127.0.0.1", 0, app, threaded=True)
    found.url = f"http://127.0.0.1:{server.server_port}/hook"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield found
    server.shutdown()
    thread.join(5)
    server.server_close()


@pytest.fixture
def carrier(receiver: Receiver) -> Iterator[Sendcloud]:
    yield from _serve(CarrierOptions(public_key=PUBLIC, secret_key=SECRET, webhook_url=receiver.url))


@pytest.fixture
def manual_carrier(receiver: Receiver) -> Iterator[Sendcloud]:
    """A carrier whose announcements wait for ``POST /__sandbox/returns/<id>/announce``."""
    options = CarrierOptions(public_key=PUBLIC, secret_key=SECRET, webhook_url=receiver.url, announce="manual")
    yield from _serve(options)


def _serve(options: CarrierOptions) -> Iterator[Sendcloud]:
    base_url, _app, stop = start_in_thread(options)
    client = Sendcloud(base_url)
    yield client
    _check_every_webhook_sent(client)
    stop()


def _check_every_webhook_sent(client: Sendcloud) -> None:
    """Whatever the test did, each webhook the carrier pushed is described and correctly signed."""
    secret = client.sandbox("GET", "webhooks")["secret"]
    for delivery in client.sandbox("GET", "webhooks/deliveries"):
        raw = delivery["body"].encode()
        check_webhook(json.loads(raw))
        expected = hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(delivery["headers"]["Sendcloud-Signature"], expected)
