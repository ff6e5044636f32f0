"""Where the portal's signing keys come from."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from connector.api.settings import SIGNING_KEY_ENV as API_SIGNING_KEY_ENV
from connector.config.model import AppSettings, Config
from connector.errors import ConfigError
from connector.pages.keys import SIGNING_KEY_ENV, derive, portal_keys


def config(tmp_path: Path, environment: str = "development") -> Config:
    return Config(app=replace(AppSettings(), environment=environment, data_dir=str(tmp_path)))


def test_explicit_signing_keys_win_newest_first(tmp_path: Path) -> None:
    env = {"CONNECTOR_SIGNING_KEY": "new, old", "CONNECTOR_SECRET_KEYS": "fernet"}
    assert portal_keys(config(tmp_path), env) == [derive("new"), derive("old")]


def test_the_pages_and_the_api_read_the_same_signing_key_variable() -> None:
    assert SIGNING_KEY_ENV == API_SIGNING_KEY_ENV


def test_the_credential_keys_serve_when_no_signing_key_is_set(tmp_path: Path) -> None:
    assert portal_keys(config(tmp_path), {"CONNECTOR_SECRET_KEYS": "a,b"}) == [derive("a"), derive("b")]


def test_a_derived_key_is_not_the_root() -> None:
    assert derive("root") != "root" and derive("root") != derive("other")


def test_development_uses_the_cipher_key_file_and_keeps_it(tmp_path: Path) -> None:
    first = portal_keys(config(tmp_path), {})
    assert (tmp_path / "secret.key").exists()
    assert portal_keys(config(tmp_path), {}) == first == [derive((tmp_path / "secret.key").read_text().strip())]


def test_production_without_a_secret_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        portal_keys(config(tmp_path, "production"), {})
    assert not (tmp_path / "secret.key").exists()
