"""``returns-connector serve`` as deployed (gunicorn, threaded by default) takes concurrent deliveries over
real HTTP: each key is stored once with its outbox row, every other copy is answered as a duplicate."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from sqlalchemy import func, select

from connector.bootstrap import Container
from connector.config.loader import load_config
from connector.domain import Platform
from connector.store.crypto import CredentialCipher
from connector.store.migrate import upgrade
from connector.store.tables import outbox, webhook_inbox

SECRET = "shpss_serve_test"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _delivery(n: int) -> tuple[bytes, dict[str, str]]:
    body = json.dumps({"id": 1000 + n, "updated_at": "2026-11-27T09:00:00Z"}).encode()
    digest = base64.b64encode(hmac.new(SECRET.encode(), body, hashlib.sha256).digest()).decode()
    return body, {"Content-Type": "application/json", "X-Shopify-Topic": "orders/updated",
                  "X-Shopify-Hmac-Sha256": digest, "X-Shopify-Shop-Domain": "a.myshopify.com",
                  "X-Shopify-Event-Id": f"evt-{n}", "X-Shopify-Webhook-Id": f"wh-{n}"}


def test_serve_stores_concurrent_deliveries_once_each(tmp_path: Path, db_url: str) -> None:
    config_file = tmp_path / "config.toml"
    config_file.write_text(f'[app]\nenvironment = "development"\ndata_dir = "{tmp_path}"\n'
                           f'[database]\nurl = "{db_url}"\n')
    env = {**os.environ, "SHOPIFY_API_SECRET": SECRET, "REDIS_URL": ""}
    env.setdefault("CONNECTOR_SECRET_KEYS", CredentialCipher.generate_key())
    os.environ.setdefault("CONNECTOR_SECRET_KEYS", env["CONNECTOR_SECRET_KEYS"])
    container = Container(load_config(config_file))
    upgrade(container.engine)
    with container.uow() as uow:
        uow.shops.add(Platform.SHOPIFY, "a.myshopify.com", shop_id="shop-a", credentials={"access_token": "t"})
        uow.commit()
    port = _free_port()
    command = [sys.executable, "-m", "wiring.cli", "--config", str(config_file), "serve",
               "--port", str(port), "--workers", "2", "--threads", "8"]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{url}/healthz", timeout=2).status_code < 600:
                    break
            except requests.ConnectionError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)

        def post(n: int) -> str:
            body, headers = _delivery(n % 20)  # every key three times, at once
            response = requests.post(f"{url}/webhooks/shopify", data=body, headers=headers, timeout=30)
            assert response.status_code == 200, response.text
            return str(response.json()["code"])

        with ThreadPoolExecutor(max_workers=24) as pool:
            codes = list(pool.map(post, range(60)))
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=30)
    assert sorted(set(codes)) == ["accepted", "duplicate"], stderr.decode(errors="replace")[-2000:]
    assert codes.count("accepted") == 20 and codes.count("duplicate") == 40
    with container.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(webhook_inbox)).scalar_one() == 20
        assert conn.execute(select(func.count()).select_from(outbox)).scalar_one() == 20
    container.close()
