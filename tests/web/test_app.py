from __future__ import annotations

from dataclasses import replace

import pytest
from flask import Flask

from connector.bootstrap import Container
from connector.config.model import Config, DatabaseSettings, RedisSettings
from connector.store.crypto import CredentialCipher
from wiring.app import create_app


def _app(db_url: str, redis_url: str = "") -> Flask:
    config = replace(Config(), database=DatabaseSettings(db_url), redis=RedisSettings(redis_url))
    container = Container(config, _cipher=CredentialCipher([CredentialCipher.generate_key()]))
    return create_app(container=container)


@pytest.mark.redis
def test_healthz_reports_database_and_redis(db_url: str, redis_url: str) -> None:
    response = _app(db_url, redis_url).test_client().get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["database"]["backend"] in ("sqlite", "postgresql")
    assert body["redis"] == {"ok": True, "configured": True}


def test_healthz_is_503_when_redis_is_unreachable(sqlite_url: str) -> None:
    response = _app(sqlite_url, "redis://127.0.0.1:1/0").test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable"
    assert body["redis"]["ok"] is False and body["database"]["ok"] is True


def test_healthz_is_503_when_the_database_is_unreachable() -> None:
    response = _app("postgresql://nobody@127.0.0.1:1/none").test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"]["ok"] is False


def test_errors_are_json_naming_the_problem(sqlite_url: str) -> None:
    client = _app(sqlite_url).test_client()
    missing = client.get("/no/such/page")
    assert missing.status_code == 404
    assert missing.get_json()["error"]["code"] == "not_found"
    wrong_method = client.post("/healthz")
    assert wrong_method.status_code == 405
    assert wrong_method.get_json()["error"]["code"] == "method_not_allowed"


def test_unexpected_errors_never_show_a_stack_trace(sqlite_url: str) -> None:
    app = _app(sqlite_url)

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert b"secret internals" not in response.data and b"Traceback" not in response.data
    assert response.get_json()["error"]["code"] == "internal_error"
