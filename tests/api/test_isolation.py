"""One shop's credentials never see another shop's data, on every endpoint (404 or 403, never the data).

``CASES`` names every API endpoint; a test checks it against the app's URL map, so a new endpoint
cannot be added without a cross-shop case here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from connector.bootstrap import Container
from tests.api.conftest import REFUND_LINE, bearer, customer_token, issue_key, open_return, session_token
from tests.factories import order, order_line
from tests.fakes import FakeShop

AGENT_ACTIONS: dict[str, dict[str, Any]] = {
    "approve": {"reason": "ok"},
    "decline": {"reason": "no"},
    "in-transit": {"tracking": "T1"},
    "receive": {"lines": [{"line_id": "X-1", "quantity": 1}]},
    "inspect": {"line_id": "X-1", "disposition": "missing"},
    "resolve": {},
    "refund-override": {"override": {"amount": "1.00", "currency": "EUR"}, "reason": "what is left"},
    "cancel": {"reason": "x"},
    "notes": {"text": "peek"},
}


@dataclass(frozen=True)
class World:
    b_return: str  # a return of shop-b
    b_tracking: str
    a_tracking: str  # the tracking token of a return of shop-a
    a_key: str  # shop-a's API key
    a_customer: str  # a portal token for shop-a's order #1001
    b_session: str  # a Shopify session token for shop-b


@dataclass(frozen=True)
class Case:
    endpoint: str
    method: str
    path: Callable[[World], str]
    headers: Callable[[World], dict[str, str]]
    body: dict[str, Any] | None = None


def _agent(endpoint: str, method: str, suffix: str = "", body: dict[str, Any] | None = None) -> list[Case]:
    """shop-a's key on shop-b's URL; shop-a's key on its own URL naming shop-b's return; shop-b's session
    token on shop-a's URL."""
    with_id = "/{rid}" if suffix or endpoint == "api_agent.get_return" else ""

    def url(shop: str) -> Callable[[World], str]:
        return lambda w: f"/api/v1/shops/{shop}/returns" + with_id.format(rid=w.b_return) + suffix

    cases = [
        Case(endpoint, method, url("shop-b"), lambda w: {"X-API-Key": w.a_key}, body),
        Case(endpoint, method, url("shop-a"), lambda w: bearer(w.b_session), body),
    ]
    if with_id:
        cases.append(Case(endpoint, method, url("shop-a"), lambda w: {"X-API-Key": w.a_key}, body))
    return cases


CASES: list[Case] = [
    *_agent("api_agent.list_returns", "GET"),
    *_agent("api_agent.get_return", "GET"),
    *[
        case
        for action, body in AGENT_ACTIONS.items()
        for case in _agent(f"api_agent.{action.replace('-', '_')}_return", "POST", f"/{action}", body)
    ],
    Case("api_portal.lines", "GET", lambda w: "/api/v1/portal/shop-b/lines", lambda w: bearer(w.a_customer)),
    Case("api_portal.list_returns", "GET", lambda w: "/api/v1/portal/shop-b/returns",
         lambda w: bearer(w.a_customer)),
    Case("api_portal.create_return", "POST", lambda w: "/api/v1/portal/shop-b/returns",
         lambda w: bearer(w.a_customer), {"lines": [REFUND_LINE], "method": "prepaid_label"}),
    # shop-a's order #3001 exists only there: shop-b's lookup must not find it.
    Case("api_portal.lookup", "POST", lambda w: "/api/v1/portal/shop-b/lookup", lambda w: {},
         {"order_number": "#3001", "email": "zoe@example.com"}),
    # A tracking token names its shop and return inside the signature: shop-a's, edited to name shop-b's
    # return, is refused.
    Case("api_track.track", "GET", lambda w: f"/api/v1/track/{_forge(w.a_tracking, w.b_return)}", lambda w: {}),
]
PUBLIC = {"api_docs.openapi_document"}  # the API's own description: no shop data


def _forge(token: str, return_id: str) -> str:
    """Point a signed payload at shop-b's return while keeping the old signature."""
    import base64
    import json

    payload, _, signature = token.rpartition(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    data.update(s="shop-b", r=return_id)
    forged = base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")
    return f"{forged}.{signature}"


@pytest.fixture
def world(client: FlaskClient, container: Container, fake_shops: dict[str, FakeShop]) -> World:
    extra = replace(order(order_line("Z1"), order_id="O3"), name="#3001", email="zoe@example.com")
    fake_shops["shop-a"].orders[extra.id] = extra
    created = open_return(client, customer_token(client, "shop-b"), "shop-b").get_json()
    own = open_return(client, customer_token(client, "shop-a")).get_json()
    return World(
        b_return=created["return"]["id"],
        b_tracking=created["tracking"]["token"],
        a_tracking=own["tracking"]["token"],
        a_key=issue_key(container, "shop-a"),
        a_customer=customer_token(client, "shop-a"),
        b_session=session_token(),
    )


def test_every_endpoint_has_a_cross_shop_case(app: Flask) -> None:
    routed = {rule.endpoint for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/")}
    assert {case.endpoint for case in CASES} | PUBLIC == routed


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.method}-{c.endpoint}")
def test_other_shops_credentials_see_nothing(client: FlaskClient, container: Container, world: World,
                                            case: Case) -> None:
    with container.uow() as uow:
        before = uow.returns("shop-b").get(world.b_return)
    answer = client.open(case.path(world), method=case.method, json=case.body, headers=case.headers(world))
    assert answer.status_code in (403, 404), answer.get_json()
    text = answer.get_data(as_text=True)
    assert world.b_return not in text and "B1" not in text and "token" not in (answer.get_json() or {})
    with container.uow() as uow:
        after = uow.returns("shop-b").get(world.b_return)
    assert before is not None and after is not None
    assert (after.status, len(after.events), after.version) == (before.status, len(before.events), before.version)


def test_the_same_credentials_do_work_on_their_own_shop(client: FlaskClient, world: World) -> None:
    """The cases above fail for the right reason: these credentials are valid for their own shop."""
    own = client.get(f"/api/v1/shops/shop-b/returns/{world.b_return}", headers=bearer(world.b_session))
    assert own.status_code == 200 and own.get_json()["id"] == world.b_return
    assert client.get("/api/v1/shops/shop-a/returns", headers={"X-API-Key": world.a_key}).status_code == 200
    assert client.get("/api/v1/portal/shop-a/lines", headers=bearer(world.a_customer)).status_code == 200
    assert client.get(f"/api/v1/track/{world.b_tracking}").status_code == 200
    assert client.get(f"/api/v1/track/{world.a_tracking}").status_code == 200
    found = client.post("/api/v1/portal/shop-a/lookup", json={"order_number": "#3001", "email": "zoe@example.com"})
    assert found.status_code == 200
