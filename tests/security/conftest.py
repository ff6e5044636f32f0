"""The API's two seeded shops (``tests/api/conftest.py``), reused: the security suites probe the same app."""

from __future__ import annotations

from tests.api.conftest import app, client, container, fake_shops, opened  # noqa: F401  (fixtures)
