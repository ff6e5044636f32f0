"""``shops add`` stores the one spelling of an address, refuses what is not a shop, and what points inside."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
from pathlib import Path
from typing import Any

import pytest

from connector.bootstrap import Container
from connector.cli.main import main
from connector.config.loader import load_config
from wiring.app import create_app

WOO_SECRET = "per-shop-webhook-secret"


def _config(tmp_path: Path, *, allow_private: bool = False) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[app]\ndata_dir = "{tmp_path}"\nallow_private_store_urls = {str(allow_private).lower()}\n'
        f'[database]\nurl = "sqlite:///{tmp_path}/c.sqlite3"\n'
    )
    return config


def _add(config: Path, platform: str, address: str, *credentials: str) -> int:
    args = ["--config", str(config), "shops", "add", "--platform", platform, "--address", address]
    for credential in credentials:
        args += ["--credential", credential]
    return main(args)


def _addresses(config: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    capsys.readouterr()
    assert main(["--config", str(config), "shops", "list", "--json"]) == 0
    return [shop["address"] for shop in json.loads(capsys.readouterr().out)]


@pytest.mark.parametrize(
    ("platform", "address"),
    [
        ("woocommerce", "file:///etc/passwd"),
        ("woocommerce", "http://user:pass@host.example"),
        ("woocommerce", "https://shop.example/?page=1"),
        ("woocommerce", "http://127.0.0.1:8080"),
        ("woocommerce", "http://169.254.169.254"),
        ("woocommerce", "http://2130706433"),
        ("woocommerce", "http://0x7f.1"),
        ("woocommerce", "http://metadata.google.internal"),
        ("woocommerce", "http://[::1]:8080"),
        ("shopify", "evil.com"),
        ("shopify", "https://demo.myshopify.com"),
        ("shopify", "demo.myshopify.com.evil.com"),
    ],
)
def test_shops_add_refuses(tmp_path: Path, capsys: pytest.CaptureFixture[str], platform: str, address: str) -> None:
    config = _config(tmp_path)
    assert _add(config, platform, address) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err
    assert _addresses(config, capsys) == []


def test_a_name_resolving_inside_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = socket.getaddrinfo

    def dns(host: Any, *args: Any, **kwargs: Any) -> Any:
        return real("10.0.0.3" if host == "intranet-shop.example.com" else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", dns)
    config = _config(tmp_path)
    assert _add(config, "woocommerce", "https://intranet-shop.example.com") == 1
    assert "resolves to an internal address" in capsys.readouterr().err
    assert _addresses(config, capsys) == []


def test_private_store_urls_are_allowed_only_by_the_flag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = _config(tmp_path, allow_private=True)
    assert _add(config, "woocommerce", "http://127.0.0.1:8080/") == 0
    assert _add(config, "shopify", "Demo.myshopify.com") == 0
    assert _addresses(config, capsys) == ["demo.myshopify.com", "http://127.0.0.1:8080"]


def test_a_shop_added_with_a_trailing_slash_receives_its_webhooks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Woo sends ``X-WC-Webhook-Source: https://example.fr/``; the shop was added as typed, with the slash.
    Both must name the same stored shop (it was 404 unknown_shop)."""
    config = _config(tmp_path)
    monkeypatch.setenv("WC_KEY", "ck_x")
    monkeypatch.setenv("WC_SECRET", "cs_x")
    monkeypatch.setenv("WC_HOOKS", WOO_SECRET)
    assert _add(config, "woocommerce", "https://Example.fr/", "consumer_key=WC_KEY", "consumer_secret=WC_SECRET",
                "webhook_secret=WC_HOOKS") == 0
    assert _addresses(config, capsys) == ["https://example.fr"]
    client = create_app(container=Container(load_config(config))).test_client()
    body = json.dumps({"id": 727, "status": "completed", "date_modified_gmt": "2026-03-10T12:00:00"}).encode()
    signature = base64.b64encode(hmac.new(WOO_SECRET.encode(), body, hashlib.sha256).digest()).decode()
    headers = {
        "X-WC-Webhook-Source": "https://example.fr/", "X-WC-Webhook-Topic": "order.updated",
        "X-WC-Webhook-Resource": "order", "X-WC-Webhook-Event": "updated", "X-WC-Webhook-Signature": signature,
        "X-WC-Webhook-ID": "7", "X-WC-Webhook-Delivery-ID": "d1", "Content-Type": "application/json",
    }
    reply = client.post("/webhooks/woocommerce", data=body, headers=headers)
    assert (reply.status_code, reply.get_json()["code"]) == (200, "accepted")
