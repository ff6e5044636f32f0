"""The portal's pages over the same database and in-memory shops as the JSON API's tests (``tests/api``).

Shop ``shop-a`` (WooCommerce) has order ``#1001`` of ``ana@example.com`` with lines L1 (2 units) and L2.
"""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from tests.api.conftest import (  # noqa: F401 - fixtures reused as they are
    APP_SECRET,
    EMAIL,
    SECRET_ENV,
    Clock,
    app,
    client,
    clock,
    container,
    fake_shops,
)

SHOP = "shop-a"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _signing_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """The portal's keys come from the process's environment (connector.pages.keys)."""
    monkeypatch.setenv("CONNECTOR_SIGNING_KEY", "portal-pages-test-key")


def csrf_of(page: str) -> str:
    found = _CSRF.search(page)
    assert found is not None, "the page has no form token"
    return found.group(1)


def lookup(web: FlaskClient, number: str = "#1001", email: str = EMAIL, shop: str = SHOP,
           headers: dict[str, str] | None = None) -> tuple[int, str, str]:
    """(status, page, Location) of a lookup sent through the form, with the form's own token."""
    form = web.get(f"/portal/{shop}/", headers=headers or {})
    answer = web.post(
        f"/portal/{shop}/lookup",
        data={"csrf": csrf_of(form.get_data(as_text=True)), "order_number": number, "email": email},
        headers=headers or {},
    )
    return answer.status_code, answer.get_data(as_text=True), answer.headers.get("Location", "")
