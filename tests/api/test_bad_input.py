"""Whatever a client sends, the answer is a 4xx JSON error, never a 500 (property-based)."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connector.bootstrap import Container
from tests.api.conftest import bearer, customer_token, issue_key

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=15), inner, max_size=5),
    max_leaves=15,
)
FIELD_NAMES = ["lines", "method", "order_line_id", "quantity", "reason", "resolution", "kind", "line_id",
               "disposition", "condition", "override", "amount", "currency", "reason", "text", "tracking",
               "order_number", "email", "exchange_variant_id", "note"]
likely_bodies = st.dictionaries(st.sampled_from(FIELD_NAMES), json_values, max_size=5)
ACTIONS = ["approve", "decline", "in-transit", "receive", "inspect", "resolve", "cancel", "notes"]
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def creds(client: FlaskClient, container: Container, opened: str) -> dict[str, str]:
    return {"key": issue_key(container, "shop-a"), "customer": customer_token(client), "return": opened}


def _check(answer: Any) -> None:
    assert 400 <= answer.status_code < 500, (answer.status_code, answer.get_data(as_text=True)[:300])
    assert answer.get_json()["error"]["code"]


@FUZZ
@given(body=st.one_of(json_values, likely_bodies))
def test_portal_bodies(client: FlaskClient, creds: dict[str, str], body: Any) -> None:
    if isinstance(body, dict) and {"order_number", "email"} <= set(body):
        body.pop("email")  # keep the look-up itself failing validation rather than looking an order up
    for path in ("/api/v1/portal/shop-a/lookup", "/api/v1/portal/shop-a/returns"):
        answer = client.post(path, json=body, headers=bearer(creds["customer"]),
                             environ_base={"REMOTE_ADDR": "10.9.9.9"})
        if answer.status_code == 429:
            continue
        _check(answer)


@FUZZ
@given(body=st.one_of(json_values, likely_bodies), action=st.sampled_from(ACTIONS))
def test_agent_bodies(client: FlaskClient, creds: dict[str, str], body: Any, action: str) -> None:
    answer = client.post(f"/api/v1/shops/shop-a/returns/{creds['return']}/{action}", json=body,
                         headers={"X-API-Key": creds["key"]})
    if answer.status_code == 200:  # a body that happens to be valid (e.g. approve with no reason)
        return
    _check(answer)


@FUZZ
@given(params=st.dictionaries(st.sampled_from(["status", "reason", "email", "order_id", "created_from",
                                               "created_to", "limit", "offset", "locale", "x"]),
                              st.text(max_size=30), max_size=4))
def test_agent_queries(client: FlaskClient, creds: dict[str, str], params: dict[str, str]) -> None:
    answer = client.get("/api/v1/shops/shop-a/returns", query_string=params, headers={"X-API-Key": creds["key"]})
    assert answer.status_code in (200, 422), answer.get_data(as_text=True)[:300]


def test_raw_garbage(client: FlaskClient, creds: dict[str, str]) -> None:
    url = f"/api/v1/shops/shop-a/returns/{creds['return']}/notes"
    for data, kind in [(b"\xff\xfe", "application/json"), (b"[", "application/json"), (b"text=x", "text/plain"),
                       (b"null", "application/json"), (b'"text"', "application/json")]:
        _check(client.post(url, data=data, content_type=kind, headers={"X-API-Key": creds["key"]}))
    assert client.get("/api/v1/track/%00%ff").status_code == 404
