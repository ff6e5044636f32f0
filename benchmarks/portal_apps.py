"""gunicorn app factories for ``portal_pages_bench.py``: our app (the customer portal's pages), and a bare Flask
app rendering templates of the same size as the portal's pages, as the baseline.

Settings come from the environment the benchmark sets: BENCH_DATABASE_URL, BENCH_DATA_DIR, and for the bare
app BENCH_PAGES_DIR (one ``<name>.html`` per page the portal answered, captured by the benchmark: the bare app
renders each through a Jinja loop over its lines, so the same bytes come out of a template engine).
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, abort, render_template_string

from benchmarks.intake_apps import bench_config
from connector.bootstrap import Container

BARE_TEMPLATE = "{% for line in lines %}{{ line | safe }}\n{% endfor %}"
"""The page's own bytes, line by line through the template engine: the same size out as the portal's page."""


def connector() -> Flask:
    from wiring.app import create_app

    return create_app(container=Container(bench_config()))


def bare() -> Flask:
    app = Flask("bare")
    pages = {page.stem: page.read_text(encoding="utf-8").splitlines()
             for page in Path(os.environ["BENCH_PAGES_DIR"]).glob("*.html")}

    @app.get("/<name>")
    def page(name: str) -> str:
        if name not in pages:
            abort(404)  # the benchmark's readiness probe
        return render_template_string(BARE_TEMPLATE, lines=pages[name])

    return app
