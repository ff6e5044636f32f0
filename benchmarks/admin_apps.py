"""gunicorn app factory for ``admin_queue_bench.py``: our app with the admin pages, entered as the admin pages'
tests enter them (a signed header, ``tests/admin_pages/signed_admin.py``, standing for Shopify's ID token or the
WordPress session). The baseline is ``portal_apps.bare``, serving the bytes our queue page answered.

Settings come from the environment the benchmark sets: BENCH_DATABASE_URL, BENCH_DATA_DIR.
"""

from __future__ import annotations

from flask import Flask

from benchmarks.intake_apps import bench_config
from connector.bootstrap import Container


def connector() -> Flask:
    from tests.admin_pages.signed_admin import install_test_admin
    from wiring.app import create_app

    app = create_app(container=Container(bench_config()))
    install_test_admin(app)
    return app

