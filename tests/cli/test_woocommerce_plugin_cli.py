"""``shops plugin``: the plugin's three settings for a connected store; the shared secret is made
once, stored encrypted with the shop's credentials, printed only when made, and ``--rotate`` replaces it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from connector.bootstrap import Container
from connector.config.loader import load_config
from connector.domain import Platform
from connector.store.migrate import upgrade
from platforms.woocommerce.plugin_secret import KEY
from wiring.cli import main

STORE = "https://shop.example"


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("CONNECTOR_SECRET_KEYS", raising=False)
    path = tmp_path / "config.toml"
    path.write_text(f'[app]\ndata_dir = "{tmp_path}"\nbase_url = "https://returns.example"\n'
                    f'[database]\nurl = "sqlite:///{tmp_path}/c.sqlite3"\n')
    container = Container(load_config(path))
    upgrade(container.engine)
    with container.uow() as uow:
        uow.shops.add(Platform.WOOCOMMERCE, STORE, shop_id="shop-w", credentials={"consumer_key": "ck"})
        uow.commit()
    return path


def _stored_secret(config_file: Path) -> str:
    with Container(load_config(config_file)).uow() as uow:
        return (uow.shops.credentials("shop-w") or {}).get(KEY, "")


def test_the_secret_is_made_once_and_shown_once(config_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(config_file), "shops", "plugin", "--url", "https://Shop.Example/"]) == 0
    out = capsys.readouterr().out
    assert "Connector address: https://returns.example" in out and "Shop ID:           shop-w" in out
    shown = re.search(r"Shared secret:\s+(\S+)\n", out)
    assert shown is not None and len(shown.group(1)) >= 43
    assert _stored_secret(config_file) == shown.group(1)
    assert main(["--config", str(config_file), "shops", "plugin", "--url", STORE]) == 0
    again = capsys.readouterr().out
    assert shown.group(1) not in again and "not shown again" in again
    assert main(["--config", str(config_file), "shops", "plugin", "--url", STORE, "--rotate"]) == 0
    rotated = capsys.readouterr().out
    assert shown.group(1) not in rotated and _stored_secret(config_file) in rotated
    with Container(load_config(config_file)).uow() as uow:
        assert (uow.shops.credentials("shop-w") or {})["consumer_key"] == "ck"  # the keys are kept


def test_a_store_not_connected_is_told_so(config_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(config_file), "shops", "plugin", "--url", "https://other.example"]) == 1
    assert "is not connected" in capsys.readouterr().err
