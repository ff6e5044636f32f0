"""``returns-connector api-keys issue|list|revoke`` against a real database, and the keys on the API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from connector.bootstrap import Container
from connector.cli.main import main
from connector.config.loader import load_config
from tests.api.conftest import SIGNING_KEY
from wiring.app import create_app


@pytest.fixture
def config_file(tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("CONNECTOR_SECRET_KEYS", raising=False)
    path = tmp_path / "config.toml"
    path.write_text(f'[app]\ndata_dir = "{tmp_path}"\n[database]\nurl = "{db_url}"\n')
    return path


def _run(config: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--config", str(config), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_issue_list_revoke(config_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(config_file, capsys, "shops", "add", "--platform", "woocommerce", "--address",
                "https://cli.example")[0] == 0
    code, out, _ = _run(config_file, capsys, "api-keys", "issue", "--shop", "https://cli.example",
                        "--label", "zendesk", "--json")
    assert code == 0
    issued = json.loads(out)
    plain = issued["key"]
    assert plain.startswith(f"rck_{issued['id']}_") and issued["label"] == "zendesk"

    container = Container(load_config(str(config_file)))
    app = create_app(container=container)
    app.config["CONNECTOR_SIGNING_KEY"] = SIGNING_KEY
    client = app.test_client()
    url = f"/api/v1/shops/{issued['shop_id']}/returns"
    assert client.get(url, headers={"X-API-Key": plain}).status_code == 200

    code, out, _ = _run(config_file, capsys, "api-keys", "list", "--shop", issued["shop_id"], "--json")
    listed = json.loads(out)
    assert code == 0 and [(k["id"], k["active"], k["label"]) for k in listed] == [(issued["id"], True, "zendesk")]
    assert listed[0]["last_used_at"] is not None
    assert plain not in out and plain.split("_", 2)[2] not in out

    code, out, _ = _run(config_file, capsys, "api-keys", "revoke", "--shop", "https://cli.example", issued["id"])
    assert code == 0 and "revoked" in out
    assert client.get(url, headers={"X-API-Key": plain}).status_code == 401
    code, out, _ = _run(config_file, capsys, "api-keys", "list", "--shop", "https://cli.example")
    assert code == 0 and "revoked" in out and plain not in out
    assert _run(config_file, capsys, "api-keys", "revoke", "--shop", "https://cli.example", issued["id"])[0] == 1
    container.close()


def test_plain_issue_shows_the_key_once_and_unknown_shops_fail(config_file: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    _run(config_file, capsys, "shops", "add", "--platform", "shopify", "--address", "k.myshopify.com")
    code, out, _ = _run(config_file, capsys, "api-keys", "issue", "--shop", "k.myshopify.com")
    assert code == 0 and "shown only now" in out and out.strip().splitlines()[-1].startswith("rck_")
    code, _, err = _run(config_file, capsys, "api-keys", "issue", "--shop", "nowhere.example")
    assert code == 1 and "nowhere.example" in err and "Traceback" not in err
