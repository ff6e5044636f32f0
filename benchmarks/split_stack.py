"""A demo-like stack with no shared interpreter: the Shopify sandbox in a child process, the web app under
gunicorn (2 workers), ``returns-connector worker`` processes, and only the reconciler and the agent here.

``demo.stack.start_stack`` hosts both sandboxes, the web app and the reconciler in one process (one
GIL), which caps end-to-end throughput whatever the number of workers; this stack removes that cap so the
worker count is what varies. WooCommerce is left out (the benchmark only drives Shopify returns).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from benchkit import ROOT, free_port

SANDBOX = """
import logging, sys
from sandboxes.shopify.cli import start_in_thread
from sandboxes.shopify.options import SandboxOptions
logging.getLogger("werkzeug").setLevel(logging.ERROR)
url, stop = start_in_thread(SandboxOptions(orders=int(sys.argv[1]), seed=int(sys.argv[2])))
print(url, flush=True)
sys.stdin.read()
stop()
"""


@dataclass
class SplitStack:
    container: Any
    shopify_url: str
    app_url: str
    shopify_domain: str
    _stops: list[Callable[[], None]] = field(default_factory=list)

    def stop(self) -> None:
        for stop in reversed(self._stops):
            try:
                stop()
            except Exception as exc:  # keep tearing down
                print(f"split stack: stop failed: {exc}", file=sys.stderr)


def _child_stop(process: subprocess.Popen[str]) -> Callable[[], None]:
    def stop() -> None:
        if process.stdin:
            process.stdin.close()
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()

    return stop


def start_split_stack(data_dir: Path, *, orders: int, workers: int, web_workers: int = 2, seed: int = 7) -> SplitStack:
    from connector.bootstrap import Container
    from connector.jobs.queue import make_queue
    from connector.jobs.runtime import use_container
    from connector.store.crypto import CredentialCipher
    from connector.store.migrate import upgrade
    from demo.stack import SHOPIFY_SECRET, _config, _start_reconciler, _start_workers, _write_config
    from sandboxes.shopify.options import SandboxOptions

    if data_dir.exists():
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True)
    os.environ["SHOPIFY_API_SECRET"] = SHOPIFY_SECRET
    os.environ.setdefault("CONNECTOR_SECRET_KEYS", CredentialCipher.generate_key())  # one key for every process
    sandbox = subprocess.Popen(
        [sys.executable, "-c", SANDBOX, str(orders), str(seed)], cwd=ROOT, stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, text=True,
    )
    stack = SplitStack(None, "", "", SandboxOptions().shop_domain, [_child_stop(sandbox)])
    try:
        assert sandbox.stdout is not None
        stack.shopify_url = sandbox.stdout.readline().strip()
        port = free_port()
        config = _config(data_dir, port, stack.shopify_url)
        stack.container = container = Container(config)
        upgrade(container.engine)
        queue = make_queue(container)
        queue.queue.empty()  # type: ignore[no-untyped-call]
        config_file = data_dir / "config.toml"
        _write_config(config, config_file)
        web = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "-w", str(web_workers), "--bind", f"127.0.0.1:{port}",
             "--log-level", "warning", "benchmarks.intake_apps:from_config()"],
            cwd=ROOT, env={**os.environ, "RETURNS_CONNECTOR_CONFIG": str(config_file), "PYTHONPATH": str(ROOT)},
            text=True,
        )
        stack._stops.append(_child_stop(web))
        stack.app_url = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                requests.get(f"{stack.app_url}/nowhere", timeout=1)
                break
            except requests.RequestException:
                time.sleep(0.1)
        use_container(container)
        stack._stops.append(_start_workers(config_file, workers))
        stack._stops.append(_start_reconciler(container, queue))
    except BaseException:
        stack.stop()
        raise
    return stack


def install_shopify(stack: SplitStack) -> str:
    from connector.domain.orders import Platform

    answer = requests.Session().get(f"{stack.app_url}/shopify/install", params={"shop": stack.shopify_domain},
                                    timeout=60)
    if answer.status_code >= 400:
        raise RuntimeError(f"Shopify install failed: {answer.status_code} {answer.text[:200]}")
    with stack.container.uow() as uow:
        shop = uow.shops.find(Platform.SHOPIFY, stack.shopify_domain)
    if shop is None:
        raise RuntimeError("the Shopify shop did not finish installing")
    return str(shop.id)
