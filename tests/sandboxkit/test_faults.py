"""Fault kit against a real threaded werkzeug server: errors, throttling, drops, lost answers, admin API."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
import requests
from flask import Flask, Response, jsonify
from werkzeug.serving import make_server

from sandboxes.kit.faults import FaultConfig, Faults


def _woo_error(status: int) -> Response:
    response = jsonify({"code": f"err_{status}", "message": "boom", "data": {"status": status}})
    response.status_code = status
    return response


class Server:
    def __init__(self, faults: Faults, throttle: bool = False) -> None:
        self.faults = faults
        self.writes: list[str] = []
        app = Flask(__name__)

        def throttle_response() -> Response:
            return jsonify({"errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}]})

        faults.install(app, throttle_response=throttle_response if throttle else None, error_body=_woo_error)

        @app.get("/api/thing")
        def get_thing() -> Response:
            return jsonify({"ok": True})

        @app.post("/api/thing")
        def post_thing() -> Response:
            self.writes.append("write")
            return jsonify({"ok": True})

        @app.get("/__sandbox/ping")
        def ping() -> Response:
            return jsonify({"pong": True})

        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(5)


@pytest.fixture
def server() -> Iterator[Server]:
    srv = Server(Faults(FaultConfig(seed=7)))
    yield srv
    srv.stop()


def test_no_faults_by_default(server: Server) -> None:
    for _ in range(20):
        assert requests.get(f"{server.url}/api/thing", timeout=5).status_code == 200


def test_error_rate_one_returns_platform_error_shape(server: Server) -> None:
    server.faults.config = FaultConfig(error_rate=1.0)
    statuses = set()
    for _ in range(30):
        response = requests.get(f"{server.url}/api/thing", timeout=5)
        body = response.json()
        assert body["data"]["status"] == response.status_code
        statuses.add(response.status_code)
    assert statuses <= {500, 502, 503}
    assert len(statuses) >= 2  # the errors are split across the codes


def test_error_rate_partial_is_seeded_and_repeatable(server: Server) -> None:
    def run() -> list[int]:
        server.faults.config = FaultConfig(error_rate=0.5, seed=42)
        return [requests.get(f"{server.url}/api/thing", timeout=5).status_code for _ in range(30)]

    first = run()
    assert first == run()
    assert 0 < sum(code == 200 for code in first) < 30


def test_throttle_rest_is_429_with_retry_after(server: Server) -> None:
    server.faults.config = FaultConfig(throttle_rate=1.0)
    response = requests.get(f"{server.url}/api/thing", timeout=5)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "1"
    assert response.json()["code"] == "err_429"


def test_throttle_callable_answers_for_graphql() -> None:
    srv = Server(Faults(FaultConfig(throttle_rate=1.0)), throttle=True)
    try:
        response = requests.get(f"{srv.url}/api/thing", timeout=5)
        assert response.status_code == 200
        assert response.json()["errors"][0]["extensions"]["code"] == "THROTTLED"
    finally:
        srv.stop()


def test_drop_closes_connection_without_answer(server: Server) -> None:
    server.faults.config = FaultConfig(drop_rate=1.0)
    with pytest.raises(requests.ConnectionError):
        requests.post(f"{server.url}/api/thing", json={}, timeout=5)
    assert server.writes == []  # dropped before the view ran
    # the server keeps serving afterwards
    server.faults.config = FaultConfig()
    assert requests.get(f"{server.url}/api/thing", timeout=5).status_code == 200


def test_timeout_after_write_applies_write_then_drops(server: Server) -> None:
    server.faults.config = FaultConfig(timeout_after_write_rate=1.0)
    with pytest.raises(requests.ConnectionError):
        requests.post(f"{server.url}/api/thing", json={}, timeout=5)
    assert server.writes == ["write"]  # the write happened: "did it happen?"
    assert requests.get(f"{server.url}/api/thing", timeout=5).status_code == 200  # reads unaffected
    stats = requests.get(f"{server.url}/__sandbox/faults/stats", timeout=5).json()
    assert stats == {"timeout_after_write": 1}


def test_latency(server: Server) -> None:
    server.faults.config = FaultConfig(latency_ms=200)
    started = time.monotonic()
    requests.get(f"{server.url}/api/thing", timeout=5)
    assert time.monotonic() - started >= 0.2
    started = time.monotonic()
    requests.get(f"{server.url}/__sandbox/ping", timeout=5)  # exempt
    assert time.monotonic() - started < 0.2


def test_exempt_prefix_is_never_faulted(server: Server) -> None:
    server.faults.config = FaultConfig(error_rate=1.0, drop_rate=1.0)
    assert requests.get(f"{server.url}/__sandbox/ping", timeout=5).status_code == 200


def test_path_and_method_filters(server: Server) -> None:
    server.faults.config = FaultConfig(error_rate=1.0, methods=["post"])
    assert requests.get(f"{server.url}/api/thing", timeout=5).status_code == 200
    assert requests.post(f"{server.url}/api/thing", json={}, timeout=5).status_code >= 500
    server.faults.config = FaultConfig(error_rate=1.0, path_prefixes=["/api/other"])
    assert requests.post(f"{server.url}/api/thing", json={}, timeout=5).status_code == 200


def test_admin_get_put_faults(server: Server) -> None:
    url = f"{server.url}/__sandbox/faults"
    assert requests.get(url, timeout=5).json()["error_rate"] == 0.0
    updated = requests.put(url, json={"error_rate": 1, "latency_ms": 5}, timeout=5)
    assert updated.status_code == 200
    assert updated.json()["error_rate"] == 1.0 and updated.json()["seed"] == 7  # merged over current
    assert requests.get(f"{server.url}/api/thing", timeout=5).status_code >= 500
    # put back what GET returned, with faults off
    config = requests.get(url, timeout=5).json() | {"error_rate": 0}
    assert requests.put(url, json=config, timeout=5).status_code == 200
    assert requests.get(f"{server.url}/api/thing", timeout=5).status_code == 200


@pytest.mark.parametrize(
    "body",
    [{"nope": 1}, {"error_rate": 2}, {"error_rate": "x"}, {"latency_ms": -1}, {"webhook_reorder": 1}, [1]],
)
def test_admin_put_rejects_bad_bodies(server: Server, body: object) -> None:
    response = requests.put(f"{server.url}/__sandbox/faults", json=body, timeout=5)
    assert response.status_code == 400
    assert requests.get(f"{server.url}/__sandbox/faults", timeout=5).json()["error_rate"] == 0.0


def test_roll_is_seeded_and_named() -> None:
    a = Faults(FaultConfig(webhook_duplicate_rate=0.5, seed=3))
    b = Faults(FaultConfig(webhook_duplicate_rate=0.5, seed=3))
    draws_a = [a.roll("webhook_duplicate") for _ in range(50)]
    assert draws_a == [b.roll("webhook_duplicate_rate") for _ in range(50)]
    assert 0 < sum(draws_a) < 50
    assert a.injected["webhook_duplicate"] == sum(draws_a)
    assert not Faults(FaultConfig()).roll("webhook_drop")
    with pytest.raises(KeyError):
        a.roll("no_such")


def test_roll_is_thread_safe() -> None:
    faults = Faults(FaultConfig(webhook_drop_rate=1.0))

    def worker() -> None:
        for _ in range(500):
            faults.roll("webhook_drop")

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert faults.injected["webhook_drop"] == 4000


def test_test_client_drop_marker() -> None:
    app = Flask(__name__)
    Faults(FaultConfig(drop_rate=1.0)).install(app)
    app.add_url_rule("/x", "x", lambda: "ok")
    response = app.test_client().get("/x")
    assert response.status_code == 599
    assert response.headers["X-Sandbox-Dropped"] == "1"
