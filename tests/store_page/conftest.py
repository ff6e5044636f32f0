"""The store page over the same database (SQLite and PostgreSQL) and in-memory shops as the API's tests.

Shop ``shop-a`` (WooCommerce) has order ``#1001`` (O1: L1 of 2 units, L2 of 1); shop ``shop-b`` (Shopify) has its
own ``#1001`` (B1), so a leak between shops would show. Both approve every return and offer the return in store.
Staff sign in with an API key issued as ``returns-connector api-keys issue`` does.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import update
from werkzeug.test import TestResponse

from connector.bootstrap import Container
from connector.domain.resolutions import ReturnMethod
from connector.policy import Decision, Policy
from connector.services.policies import set_policy
from connector.store.tables import shops
from tests.api.conftest import (  # noqa: F401 - fixtures reused as they are
    app,
    bearer,
    client,
    clock,
    container,
    customer_token,
    fake_shops,
    issue_key,
)

SHOP = "shop-a"
SIGNING_KEY = "store-page-test-key"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')
L1 = {"order_line_id": "L1", "quantity": 2, "reason": "size_too_small", "resolution": {"kind": "refund"}}
L2 = {"order_line_id": "L2", "quantity": 1, "reason": "defective", "resolution": {"kind": "refund"}}


@pytest.fixture(autouse=True)
def _signing_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pages' keys (sessions, forms, the returns' codes) come from the process's environment."""
    monkeypatch.setenv("CONNECTOR_SIGNING_KEY", SIGNING_KEY)


@pytest.fixture(autouse=True)
def _in_store_offered(container: Container) -> None:  # noqa: F811 - the fixture imported above
    box = container
    policy = Policy(name="approve everything", default_action=Decision.APPROVE,
                    methods=frozenset({ReturnMethod.PREPAID_LABEL, ReturnMethod.IN_STORE}))
    with box.uow() as uow:
        for shop_id in ("shop-a", "shop-b"):
            set_policy(uow, shop_id, policy)
        uow.commit()


def set_shop_locale(box: Container, shop_id: str, locale: str) -> None:
    with box.uow() as uow:
        uow.connection.execute(update(shops).where(shops.c.id == shop_id).values(locale=locale))
        uow.commit()


def open_in_store(web: FlaskClient, shop_id: str = SHOP, lines: list[dict[str, Any]] | None = None) -> str:
    """A return opened by the customer through the portal API, to bring back in store; approved by the policy."""
    token = customer_token(web, shop_id)
    answer = web.post(f"/api/v1/portal/{shop_id}/returns", json={"lines": lines or [L1, L2], "method": "in_store"},
                         headers=bearer(token))
    assert answer.status_code == 201, answer.get_json()
    return str(answer.get_json()["return"]["id"])


def csrf_of(page: str) -> str:
    found = _CSRF.search(page)
    assert found is not None, "the page has no form token"
    return found.group(1)


def sign_in(web: FlaskClient, key: str, shop_id: str = SHOP, staff_name: str = "",
            next_path: str | None = None, headers: dict[str, str] | None = None) -> TestResponse:
    """Sign in through the form, with the form's own token."""
    form = web.get(f"/store/{shop_id}/sign-in", headers=headers or {}).get_data(as_text=True)
    data = {"csrf": csrf_of(form), "api_key": key, "staff_name": staff_name}
    if next_path is not None:
        data["next"] = next_path
    return web.post(f"/store/{shop_id}/sign-in", data=data, headers=headers or {})


@pytest.fixture
def staff_key(container: Container) -> str:  # noqa: F811 - the fixture imported above
    return issue_key(container, SHOP, "counter")


@pytest.fixture
def signed_in(client: FlaskClient, staff_key: str) -> FlaskClient:  # noqa: F811 - the fixture imported above
    """The test client with a session of shop-a, opened by Ana with the counter's key."""
    answer = sign_in(client, staff_key, staff_name="Ana")
    assert answer.status_code == 303, answer.get_data(as_text=True)
    return client


def page_token(web: FlaskClient, path: str) -> str:
    """The form token of the page at ``path`` (the session's own)."""
    answer = web.get(path)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    return csrf_of(answer.get_data(as_text=True))
