"""gunicorn app factories for ``webhook_intake_bench.py``: our app, and a bare Flask endpoint as the baseline.

Both are served by the same gunicorn command line (``'benchmarks.intake_apps:connector()'`` or ``:bare()``).
Settings come from the environment the benchmark sets: BENCH_DATABASE_URL, BENCH_REDIS_URL (may be empty:
then the app falls back to its embedded queue), BENCH_QUEUE (a queue name of its own), BENCH_DATA_DIR.
"""

from __future__ import annotations

import os
from dataclasses import replace

from flask import Flask, Response, jsonify

from connector.bootstrap import Container
from connector.config.model import AppSettings, Config, DatabaseSettings, QueueSettings, RedisSettings


def bench_config() -> Config:
    return replace(
        Config(),
        app=AppSettings(environment="development", data_dir=os.environ["BENCH_DATA_DIR"], log_level="WARNING"),
        database=DatabaseSettings(os.environ["BENCH_DATABASE_URL"]),
        redis=RedisSettings(os.environ.get("BENCH_REDIS_URL", "")),
        queue=replace(QueueSettings(), name=os.environ.get("BENCH_QUEUE", "bench-intake")),
    )


def connector() -> Flask:
    from wiring.app import create_app

    return create_app(container=Container(bench_config()))


def bare() -> Flask:
    app = Flask("bare")

    @app.post("/webhooks/shopify")
    def receive() -> tuple[Response, int]:
        return jsonify({"ok": True, "code": "accepted"}), 200

    return app


def from_config() -> Flask:
    """The app as deployed: settings from the file named by RETURNS_CONNECTOR_CONFIG (and the environment)."""
    from connector.config.loader import load_config
    from wiring.app import create_app

    return create_app(config=load_config())
