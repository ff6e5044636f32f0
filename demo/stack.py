"""The demo's moving parts: both sandbox shops, a sandbox carrier for each, the web app and the worker, all on
127.0.0.1.

With no REDIS_URL the worker is RQ's own worker in a thread on an in-process Redis (the embedded queue);
with REDIS_URL it is ``returns-connector worker`` processes on the real Redis, plus a reconciler thread.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from werkzeug.serving import make_server

from connector import logconfig
from connector.bootstrap import Container
from connector.config.model import AppSettings, Config, DatabaseSettings, QueueSettings, RedisSettings
from connector.domain.orders import Platform
from connector.jobs.embedded import EmbeddedRunner
from connector.jobs.queue import JobQueue
from connector.jobs.reconcile import reconcile
from connector.jobs.runtime import use_container
from connector.private_files import private_dir
from connector.store.migrate import upgrade
from demo.carrier import DemoCarrier, start_carrier
from demo.records import raw_records
from demo.storefront import start_storefront
from platforms.shopify.settings import KEY as SHOPIFY
from platforms.shopify.settings import ShopifySettings
from platforms.shopify.settings import settings_of as shopify_settings
from sandboxes.shopify.cli import start_in_thread as start_shopify
from sandboxes.shopify.options import SandboxOptions as ShopifyOptions
from sandboxes.woocommerce.app import start_in_thread as start_woo
from sandboxes.woocommerce.shop import SandboxOptions as WooOptions
from wiring.app import create_app

log = logging.getLogger("connector.demo")
SHOPIFY_SECRET = ShopifyOptions().api_secret
SHOPIFY_API_KEY = ShopifyOptions().api_key


@dataclass
class Stack:
    container: Container
    queue: JobQueue
    app_url: str
    shopify_url: str
    woo_url: str
    shopify_domain: str
    baseline: dict[str, int]
    storefront_url: str = ""
    """The Shopify shop's storefront with the app proxy, simulated (``demo.storefront``)."""
    carriers: dict[str, DemoCarrier] = field(default_factory=dict)
    """Each shop's sandbox Sendcloud account (``demo.carrier``) by platform, made its carrier by the scenario."""
    _stops: list[Callable[[], None]] = field(default_factory=list)

    def stop(self) -> None:
        for stop in reversed(self._stops):
            try:
                stop()
            except Exception:  # a demo tearing down must not hide the summary
                log.exception("demo.stop-failed")


def _config(data_dir: Path, port: int, shopify_url: str, log_level: str) -> Config:
    database = os.environ.get("DATABASE_URL") or f"sqlite:///{data_dir}/connector.sqlite3"
    return Config(
        app=AppSettings(environment="development", base_url=f"http://127.0.0.1:{port}", data_dir=str(data_dir),
                        log_level=log_level, allow_private_store_urls=True),
        database=DatabaseSettings(database),
        redis=RedisSettings(os.environ.get("REDIS_URL", "")),
        queue=replace(QueueSettings(), name="returns-demo", backoff_base_seconds=1, backoff_max_seconds=4,
                      job_timeout_seconds=60, stuck_after_seconds=120),
    ).with_section(SHOPIFY, ShopifySettings(
        api_key=SHOPIFY_API_KEY, admin_base_url=shopify_url,
        # The embedded admin loads the sandbox's App Bridge and Polaris stand-ins: nothing from Shopify's CDN.
        app_bridge_url=f"{shopify_url}/__sandbox/app-bridge.js", polaris_url=f"{shopify_url}/__sandbox/polaris.js",
    ))


def _write_config(config: Config, path: Path) -> None:
    """For worker processes: the same settings as a file (secrets stay in the environment)."""
    shopify = shopify_settings(config)
    path.write_text(
        "[app]\n"
        f'environment = "development"\nbase_url = "{config.app.base_url}"\ndata_dir = "{config.app.data_dir}"\n'
        f'log_level = "{config.app.log_level}"\n'
        "allow_private_store_urls = true\n"  # the sandbox shops listen on 127.0.0.1
        f'[database]\nurl = "{config.database.url}"\n'
        f'[redis]\nurl = "{config.redis.url}"\n'
        f'[queue]\nname = "{config.queue.name}"\nbackoff_base_seconds = 1\nbackoff_max_seconds = 4\n'
        f"job_timeout_seconds = {config.queue.job_timeout_seconds}\n"
        f"stuck_after_seconds = {config.queue.stuck_after_seconds}\n"
        f'[shopify]\napi_key = "{shopify.api_key}"\nadmin_base_url = "{shopify.admin_base_url}"\n'
        f'app_bridge_url = "{shopify.app_bridge_url}"\npolaris_url = "{shopify.polaris_url}"\n'
    )


def start_stack(
    data_dir: Path, *, orders: int, port: int = 0, workers: int = 1, seed: int = 7, log_level: str = "INFO",
    log_file: str | None = None,
) -> Stack:
    """Start everything on 127.0.0.1 in a wiped ``data_dir``; with ``log_file``, this process logs to that
    file in it (the console keeps warnings only), from the first migration on."""
    if data_dir.exists():
        shutil.rmtree(data_dir)
    private_dir(data_dir)  # it holds the database and the development key
    if log_file:
        logconfig.to_file(data_dir / log_file)
    os.environ["SHOPIFY_API_SECRET"] = SHOPIFY_SECRET
    server = make_server("127.0.0.1", port, None, threaded=True)  # type: ignore[arg-type]
    app_port = server.server_port
    # The sandbox's admin frames the app's URL (its /store/<name>/apps/<key> page), as Shopify's admin does.
    shopify_url, stop_shopify = start_shopify(
        ShopifyOptions(orders=orders, seed=seed, app_url=f"http://127.0.0.1:{app_port}/"))
    woo_url, stop_woo = start_woo(WooOptions(orders=orders, seed=seed + 1))
    config = _config(data_dir, app_port, shopify_url, log_level)
    container = Container(config)
    upgrade(container.engine)
    app = create_app(container=container)
    server.app = app
    threading.Thread(target=server.serve_forever, name="demo-web", daemon=True).start()
    queue: JobQueue = app.extensions["connector.queue"]
    if not queue.embedded:  # the embedded Redis is new with this process; fakeredis has no Lua for empty()
        queue.queue.empty()  # type: ignore[no-untyped-call]  # jobs left by an earlier demo refer to a database that was just wiped
    stack = Stack(container, queue, f"http://127.0.0.1:{app_port}", shopify_url, woo_url,
                  ShopifyOptions().shop_domain, raw_records(shopify_url, woo_url))
    storefront_url, stop_storefront = start_storefront(stack.app_url, stack.shopify_domain, SHOPIFY_SECRET)
    stack.storefront_url = storefront_url
    stack._stops += [stop_shopify, stop_woo, server.shutdown, stop_storefront]
    for platform in (Platform.SHOPIFY, Platform.WOOCOMMERCE):
        stack.carriers[platform], stop_carrier = start_carrier(platform.value)
        stack._stops.append(stop_carrier)
    if queue.embedded:
        runner = EmbeddedRunner(container, queue, reconcile_every=0.5)
        runner.start()
        stack._stops.append(runner.stop)
    else:
        use_container(container)
        config_file = data_dir / "config.toml"
        _write_config(config, config_file)
        stack._stops.append(_start_workers(config_file, workers))
        stack._stops.append(_start_reconciler(container, queue))
    return stack


def _start_workers(config_file: Path, count: int) -> Callable[[], None]:
    command = [sys.executable, "-m", "connector.cli.main", "--config", str(config_file), "worker"]
    processes = []
    for index in range(count):
        log_file = (config_file.parent / f"worker-{index + 1}.log").open("ab")
        processes.append(subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT))  # noqa: S603

    def stop() -> None:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()

    return stop


def _start_reconciler(container: Container, queue: JobQueue) -> Callable[[], None]:
    done = threading.Event()

    def loop() -> None:
        while not done.wait(0.5):
            try:
                reconcile(container, queue)
            except Exception:
                log.exception("demo.reconcile-failed")

    thread = threading.Thread(target=loop, name="demo-reconciler", daemon=True)
    thread.start()

    def stop() -> None:
        done.set()
        thread.join(timeout=5)

    return stop
