"""The admin pages over the same database (SQLite and PostgreSQL) and in-memory shops as the API's tests, entered
through the test authenticator (``signed_admin``: a signed header, a signed field in every form).

Shop ``shop-a`` (WooCommerce) has order ``#1001`` (O1: L1 of 2 units, L2 of 1, at 20 EUR each unless the
factories say otherwise); shop ``shop-b`` (Shopify) has its own ``#1001`` (B1), so a leak between shops would
show. ``review_everything`` makes the policy send every new return to an agent.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from connector.bootstrap import Container
from connector.policy import Decision, Policy
from connector.services.policies import set_policy
from tests.admin_pages.signed_admin import FORM_FIELD, admin_header, install_test_admin
from tests.api.conftest import app as api_app  # noqa: F401 - the fixture below builds on it
from tests.api.conftest import (  # noqa: F401 - fixtures reused as they are
    bearer,
    client,
    clock,
    container,
    customer_token,
    fake_shops,
    make_app,
)

SHOP = "shop-a"
SIGNING_KEY = "admin-pages-test-signing-key"
L1 = {"order_line_id": "L1", "quantity": 2, "reason": "size_too_small", "resolution": {"kind": "refund"}}
L2 = {"order_line_id": "L2", "quantity": 1, "reason": "defective", "resolution": {"kind": "refund"}}
_FORM_TOKEN = re.compile(rf'name="{FORM_FIELD}" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _signing_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pages' keys (photo links, label links) come from the process's environment."""
    monkeypatch.setenv("CONNECTOR_SIGNING_KEY", SIGNING_KEY)


@pytest.fixture
def app(api_app: Flask) -> Flask:  # noqa: F811 - the API's app, with the test way into the admin
    install_test_admin(api_app)
    return api_app


def review_everything(box: Container, *shop_ids: str) -> None:
    with box.uow() as uow:
        for shop_id in shop_ids or ("shop-a", "shop-b"):
            set_policy(uow, shop_id, Policy(name="review everything", default_action=Decision.REVIEW))
        uow.commit()


def open_return(web: FlaskClient, shop_id: str = SHOP, lines: list[dict[str, Any]] | None = None,
                method: str = "prepaid_label") -> str:
    """A return opened by the customer through the portal API; decided by the shop's policy."""
    token = customer_token(web, shop_id)
    answer = web.post(f"/api/v1/portal/{shop_id}/returns", json={"lines": lines or [L1, L2], "method": method},
                      headers=bearer(token))
    assert answer.status_code == 201, answer.get_json()
    return str(answer.get_json()["return"]["id"])


class Agent:
    """A test client acting as one agent of one shop: every request carries the header, every POST the form
    field the pages rendered (read from the page the form is on, as a browser would send it)."""

    def __init__(self, web: FlaskClient, shop_id: str = SHOP, user: str = "alice", locale: str = "en") -> None:
        self.web = web
        self.shop_id = shop_id
        self.headers = admin_header(shop_id, user, locale=locale)

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.web.get(path, headers=self.headers, **kwargs)

    def post(self, path: str, data: dict[str, Any], form_page: str | None = None) -> TestResponse:
        """POST ``data`` with the hidden field of the page at ``form_page`` (the admin's queue by default)."""
        page = self.get(form_page or f"/admin/{self.shop_id}/").get_data(as_text=True)
        found = _FORM_TOKEN.search(page)
        assert found is not None, "the page has no form carrying the context's hidden fields"
        return self.web.post(path, data={FORM_FIELD: found.group(1), **data}, headers=self.headers)


@pytest.fixture
def agent(client: FlaskClient) -> Agent:  # noqa: F811 - the fixture imported above
    return Agent(client)


def page_text(answer: TestResponse) -> str:
    return answer.get_data(as_text=True)
