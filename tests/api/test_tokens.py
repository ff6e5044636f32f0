"""Where the signing key of customer links comes from, and rotating it without breaking issued links."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from connector.api.errors import error_response
from connector.api.idempotency import _keep
from connector.bootstrap import Container
from connector.config.model import AppSettings
from tests.api.conftest import EMAIL, bearer
from wiring.app import create_app


@pytest.fixture
def bare_app(container: Container, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Flask:
    """No signing key configured anywhere: production settings, empty data directory."""
    monkeypatch.delenv("CONNECTOR_SIGNING_KEY", raising=False)
    monkeypatch.delenv("CONNECTOR_SECRET_KEYS", raising=False)
    app_settings = AppSettings(environment="production", data_dir=str(tmp_path))
    container.config = replace(container.config, app=app_settings)
    return create_app(container=container)


def _lookup(client: FlaskClient) -> tuple[int, dict[str, object]]:
    answer = client.post("/api/v1/portal/shop-a/lookup", json={"order_number": "#1001", "email": EMAIL})
    return answer.status_code, answer.get_json()


def test_without_any_key_the_portal_says_so(bare_app: Flask) -> None:
    status, body = _lookup(bare_app.test_client())
    assert status == 503 and body["error"]["code"] == "not_configured"  # type: ignore[index]


def test_key_from_the_environment_and_rotation(bare_app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    client = bare_app.test_client()
    monkeypatch.setenv("CONNECTOR_SIGNING_KEY", "old-key")
    status, body = _lookup(client)
    assert status == 200
    old_token = str(body["token"])
    monkeypatch.setenv("CONNECTOR_SIGNING_KEY", "new-key,old-key")
    assert client.get("/api/v1/portal/shop-a/lines", headers=bearer(old_token)).status_code == 200
    new_token = str(_lookup(client)[1]["token"])
    assert new_token != old_token
    monkeypatch.setenv("CONNECTOR_SIGNING_KEY", "new-key")  # the old key is dropped: its links die
    assert client.get("/api/v1/portal/shop-a/lines", headers=bearer(old_token)).status_code == 401
    assert client.get("/api/v1/portal/shop-a/lines", headers=bearer(new_token)).status_code == 200


def test_key_derived_from_the_credential_keys(bare_app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    from connector.store.crypto import CredentialCipher

    monkeypatch.setenv("CONNECTOR_SECRET_KEYS", CredentialCipher.generate_key())
    client = bare_app.test_client()
    status, body = _lookup(client)
    assert status == 200
    assert client.get("/api/v1/portal/shop-a/lines", headers=bearer(str(body["token"]))).status_code == 200
    monkeypatch.setenv("CONNECTOR_SECRET_KEYS", CredentialCipher.generate_key())
    assert client.get("/api/v1/portal/shop-a/lines", headers=bearer(str(body["token"]))).status_code == 401


def test_development_falls_back_to_the_local_key_file(container: Container, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CONNECTOR_SIGNING_KEY", raising=False)
    monkeypatch.delenv("CONNECTOR_SECRET_KEYS", raising=False)
    (tmp_path / "secret.key").write_text("dev-key-material\n")
    container.config = replace(container.config, app=AppSettings(environment="development", data_dir=str(tmp_path)))
    assert _lookup(create_app(container=container).test_client())[0] == 200


def test_which_answers_are_kept_for_replay(app: Flask) -> None:
    with app.test_request_context():
        def answer(status: int, code: str) -> bool:
            body, _ = error_response(status, code, "x")
            body.status_code = status
            return _keep(body)

        assert answer(409, "illegal_transition") and answer(404, "not_found")
        assert not answer(409, "concurrent_update")
        assert not any(answer(status, "x") for status in (400, 422, 429, 500, 503))
