"""A production process without any secret still starts: its health check and the API's refusals answer as
usual, the portal shows its "try again later" page (503, HTML) and the JSON API answers 503 not_configured."""

from __future__ import annotations

from pathlib import Path

import pytest

from connector.config.model import AppSettings, Config, DatabaseSettings
from connector.pages.keys import SIGNING_KEY_ENV
from connector.store.crypto import ENV_VAR as SECRET_KEYS_ENV
from connector.store.migrate import upgrade
from wiring.app import create_app


def test_without_a_secret_the_app_starts_and_the_portal_names_the_missing_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(SIGNING_KEY_ENV, raising=False)
    monkeypatch.delenv(SECRET_KEYS_ENV, raising=False)
    config = Config(app=AppSettings(environment="production", data_dir=str(tmp_path)),
                    database=DatabaseSettings(f"sqlite:///{tmp_path / 'db.sqlite'}"))
    app = create_app(config)  # building the app asks for no key
    upgrade(app.extensions["connector"].engine)
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    assert client.get("/api/v1/shops/shop-1/returns/r-1").status_code == 401  # no credentials: refused as always
    page = client.get("/portal/shop-1/")
    assert page.status_code == 503 and page.mimetype == "text/html"
    issued = client.post("/api/v1/portal/shop-1/lookup", json={"order_number": "1001", "email": "ana@example.com"})
    assert issued.status_code == 503
    error = issued.get_json()["error"]
    assert error["code"] == "not_configured"  # a customer is told the shop is not set up, not which variable
