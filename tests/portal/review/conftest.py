"""Fixtures of the tests of screens 3-5 and the policy page: the served app over the store (SQLite and PostgreSQL)
with ``shop-a`` and its order (``portal_app``), its test client."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine

from connector.bootstrap import Container
from tests.portal.review.portal_app import fake_shop, make_container, portal_app


@pytest.fixture
def container(engine: Engine, tmp_path: Path) -> Container:
    """The store (SQLite and PostgreSQL, ``tests/conftest.py``) with ``shop-a`` and its order, policy: approve."""
    return make_container(engine, fake_shop(), tmp_path)


@pytest.fixture
def app(container: Container) -> Flask:
    return portal_app(container)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
