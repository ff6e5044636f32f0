"""Fixtures: a sandbox shop served on 127.0.0.1:0, a Basic-auth client, and a recording HTTP receiver."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
from flask import Flask, Response, request
from werkzeug.serving import make_server

from sandboxes.kit.faults import FaultConfig
from sandboxes.woocommerce.app import start_in_thread
from sandboxes.woocommerce.shop import SandboxOptions

KEY = "ck_" + "a" * 40
SECRET = "cs_" + "b" * 40


class Woo:
    """Basic-auth client for the REST API plus helpers for the sandbox's own endpoints."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.api = f"{base_url}/wp-json/wc/v3/"
        self.session = requests.Session()
        self.session.auth = (KEY, SECRET)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.session.get(self.api + path, timeout=10, **kwargs)

    def post(self, path: str, json: Any = None, **kwargs: Any) -> requests.Response:
        return self.session.post(self.api + path, json=json, timeout=10, **kwargs)

    def put(self, path: str, json: Any = None, **kwargs: Any) -> requests.Response:
        return self.session.put(self.api + path, json=json, timeout=10, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> requests.Response:
        return self.session.delete(self.api + path, timeout=10, **kwargs)

    def sandbox(self, method: str, path: str, **kwargs: Any) -> Any:
        response = requests.request(method, f"{self.base_url}/__sandbox/{path}", timeout=15, **kwargs)
        assert response.status_code == 200, response.text
        return response.json()

    def order_paid_with(self, gateway: str) -> dict[str, Any]:
        """A seeded order paid through ``gateway`` with nothing refunded yet."""
        for page in range(1, 10):
            for order in self.get("orders", params={"per_page": 100, "page": page}).json():
                if order["payment_method"] == gateway and not order["refunds"]:
                    return dict(order)
        raise AssertionError(f"no seeded order paid with {gateway}")


def start(**overrides: Any) -> tuple[Woo, Any]:
    options = SandboxOptions(orders=overrides.pop("orders", 60), consumer_key=KEY, consumer_secret=SECRET,
                             **overrides)
    base_url, stop = start_in_thread(options)
    return Woo(base_url), stop


@pytest.fixture
def woo() -> Iterator[Woo]:
    client, stop = start()
    yield client
    stop()


@pytest.fixture
def woo_factory() -> Iterator[Any]:
    stops: list[Any] = []

    def make(**overrides: Any) -> Woo:
        client, stop = start(**overrides)
        stops.append(stop)
        return client

    yield make
    for stop in stops:
        stop()


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    form: dict[str, str]
    json: Any


@dataclass
class Receiver:
    """A tiny HTTP server on 127.0.0.1:0 that records what it is sent and answers ``status``."""

    status: int = 200
    received: list[Received] = field(default_factory=list)

    def __post_init__(self) -> None:
        app = Flask("receiver")
        self._event = threading.Condition()

        @app.route("/<path:path>", methods=["POST", "GET"])
        def catch(path: str) -> Response:
            raw = request.get_data()
            item = Received("/" + path, dict(request.headers), raw, request.form.to_dict(),
                            request.get_json(silent=True))
            with self._event:
                self.received.append(item)
                self._event.notify_all()
            return Response("ok", status=self.status)

        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Received]:
        with self._event:
            self._event.wait_for(lambda: len(self.received) >= count, timeout)
            return list(self.received)

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(5)
        self._server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    rec = Receiver()
    yield rec
    rec.stop()


__all__ = ["KEY", "SECRET", "FaultConfig", "Receiver", "Woo"]
