"""Agent side: authentication, search, the full record, and every action through the return service."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient

from connector.bootstrap import Container
from connector.policy import Decision, Policy
from connector.services.policies import set_policy
from tests.api.conftest import (
    APP_KEY,
    REFUND_LINE,
    Clock,
    bearer,
    customer_token,
    issue_key,
    open_return,
    session_token,
)

BASE = "/api/v1/shops/shop-a/returns"


@pytest.fixture
def key(container: Container) -> dict[str, str]:
    return {"X-API-Key": issue_key(container, "shop-a", "helpdesk")}


def _act(client: FlaskClient, key: dict[str, str], return_id: str, action: str, body: dict[str, Any]) -> Any:
    return client.post(f"{BASE}/{return_id}/{action}", json=body, headers=key)


# -- authentication ------------------------------------------------------------------------------------


def test_no_or_bad_credentials_are_401(client: FlaskClient, container: Container) -> None:
    assert client.get(BASE).status_code == 401
    assert client.get(BASE, headers={"X-API-Key": "rck_0123456789ab_" + "x" * 43}).status_code == 401
    assert client.get(BASE, headers=bearer("not-a-jwt")).status_code == 401
    plain = issue_key(container, "shop-a")
    assert client.get(BASE, headers=bearer(plain)).status_code == 200  # also as a bearer token
    assert client.get(BASE, headers={"X-API-Key": plain[:-1] + ("A" if plain[-1] != "A" else "B")}).status_code == 401


def test_revoked_key_stops_working(client: FlaskClient, container: Container) -> None:
    plain = issue_key(container, "shop-a")
    assert client.get(BASE, headers={"X-API-Key": plain}).status_code == 200
    with container.uow() as uow:
        key_id = uow.api_keys.list("shop-a")[0].id
        assert uow.api_keys.revoke("shop-a", key_id, container.clock())
        uow.commit()
    assert client.get(BASE, headers={"X-API-Key": plain}).status_code == 401


def test_shopify_session_token_acts_as_that_staff_user(client: FlaskClient) -> None:
    token = customer_token(client, "shop-b")
    created = open_return(client, token, "shop-b").get_json()["return"]["id"]
    headers = bearer(session_token(user="4242"))
    answer = client.post(f"/api/v1/shops/shop-b/returns/{created}/notes", json={"text": "called the customer"},
                         headers=headers)
    assert answer.status_code == 200
    assert answer.get_json()["return"]["events"][-1]["actor_id"] == "shopify-user:4242"
    assert answer.get_json()["return"]["events"][-1]["actor_kind"] == "agent"


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(lambda: session_token(expires_in=-30), id="expired"),
        pytest.param(lambda: session_token(audience="another-app"), id="wrong-audience"),
        pytest.param(lambda: session_token(secret="not-the-secret-but-just-as-long-0123"), id="wrong-secret"),
        pytest.param(lambda: session_token("unknown.myshopify.com"), id="unregistered-shop"),
        pytest.param(lambda: session_token(expires_in=3600), id="lives-an-hour"),
        pytest.param(lambda: session_token(expires_in=60, issued_ago=62), id="lives-just-over-two-minutes"),
    ],
)
def test_bad_session_tokens_are_401(client: FlaskClient, token: Any) -> None:
    answer = client.get("/api/v1/shops/shop-b/returns", headers=bearer(token()))
    assert answer.status_code == 401
    assert APP_KEY not in answer.get_data(as_text=True)


def test_a_session_token_living_two_minutes_is_still_accepted(client: FlaskClient) -> None:
    token = session_token(expires_in=60, issued_ago=60)
    assert client.get("/api/v1/shops/shop-b/returns", headers=bearer(token)).status_code == 200


def test_session_token_for_an_uninstalled_shop_is_401(client: FlaskClient, container: Container) -> None:
    with container.uow() as uow:  # what app/uninstalled does
        uow.shops.set_active("shop-b", False)
        uow.shops.clear_credentials("shop-b")
        uow.commit()
    answer = client.get("/api/v1/shops/shop-b/returns", headers=bearer(session_token()))
    assert answer.status_code == 401


def test_api_key_for_an_uninstalled_shop_is_401(client: FlaskClient, container: Container) -> None:
    headers = {"X-API-Key": issue_key(container, "shop-b", "helpdesk")}
    assert client.get("/api/v1/shops/shop-b/returns", headers=headers).status_code == 200
    with container.uow() as uow:  # what app/uninstalled does
        uow.shops.set_active("shop-b", False)
        uow.commit()
    answer = client.get("/api/v1/shops/shop-b/returns", headers=headers)
    assert answer.status_code == 401 and answer.get_json()["error"]["message"] == "this shop is not installed here"


def test_session_token_for_one_shop_cannot_read_another(client: FlaskClient) -> None:
    assert client.get("/api/v1/shops/shop-b/returns", headers=bearer(session_token())).status_code == 200
    assert client.get(BASE, headers=bearer(session_token())).status_code == 404


# -- search and read -----------------------------------------------------------------------------------


def test_list_filters_and_pages(client: FlaskClient, container: Container, clock: Clock,
                                key: dict[str, str]) -> None:
    token = customer_token(client)
    first = open_return(client, token).get_json()["return"]["id"]
    clock.now += timedelta(days=1)
    token = customer_token(client)  # the first portal token has expired by now
    second = open_return(client, token, lines=[{**REFUND_LINE, "order_line_id": "L2", "reason": "defective"}])
    second_id = second.get_json()["return"]["id"]
    _act(client, key, first, "cancel", {"reason": "changed mind"})

    def ids(query: str) -> list[str]:
        answer = client.get(f"{BASE}?{query}", headers=key)
        assert answer.status_code == 200, answer.get_json()
        return [item["id"] for item in answer.get_json()["items"]]

    assert ids("") == [second_id, first]
    assert ids("status=canceled") == [first]
    assert ids("reason=defective") == [second_id]
    assert ids("email=ANA@example.com") == [second_id, first]
    assert ids("email=bob@example.com") == []
    assert ids("order_id=O1") == [second_id, first]
    assert ids("created_from=2026-03-11T00:00:00%2B00:00") == [second_id]
    assert ids("created_to=2026-03-11T00:00:00%2B00:00") == [first]
    page = client.get(f"{BASE}?limit=1", headers=key).get_json()
    assert [i["id"] for i in page["items"]] == [second_id] and page["next_offset"] == 1
    last = client.get(f"{BASE}?limit=1&offset=1", headers=key).get_json()
    assert [i["id"] for i in last["items"]] == [first] and last["next_offset"] is None


def test_list_names_bad_filters(client: FlaskClient, key: dict[str, str]) -> None:
    answer = client.get(f"{BASE}?status=lost&limit=0&created_from=yesterday&colour=red", headers=key)
    assert answer.status_code == 422
    assert set(answer.get_json()["error"]["fields"]) == {"status", "limit", "created_from", "colour"}
    backwards = client.get(f"{BASE}?created_from=2026-03-11T00:00:00Z&created_to=2026-03-10T00:00:00Z", headers=key)
    assert backwards.status_code == 422 and "created_to" in backwards.get_json()["error"]["fields"]


def test_read_one_return_in_full(client: FlaskClient, opened: str, key: dict[str, str]) -> None:
    body = client.get(f"{BASE}/{opened}?locale=fr", headers=key).get_json()
    assert body["id"] == opened and body["status"] == "approved"
    assert body["evaluation"]["decision"] == "approve"
    assert body["explanation"][0].startswith("Retour accepté")
    assert [e["action"] for e in body["events"]] == ["request", "approve"]
    assert [(a["kind"], a["state"]) for a in body["actions"]] == [("note", "pending")]
    assert body["lines"][0]["order_line_id"] == "L1"
    assert client.get(f"{BASE}/R-NOPE", headers=key).status_code == 404


# -- acting --------------------------------------------------------------------------------------------


def test_full_agent_flow_records_the_agent(client: FlaskClient, opened: str, container: Container) -> None:
    key = {"X-API-Key": issue_key(container, "shop-a"), "X-Agent-Id": "marie@shop.example"}
    line_id = f"{opened}-1"
    steps: list[tuple[str, dict[str, Any], str]] = [
        ("in-transit", {"tracking": "6A0001"}, "in_transit"),
        ("receive", {"lines": [{"line_id": line_id, "quantity": 1}]}, "received"),
        ("inspect", {"line_id": line_id, "condition": "new", "disposition": "restock"}, "inspected"),
        ("resolve", {}, "resolved"),
    ]
    for action, body, status in steps:
        answer = _act(client, key, opened, action, body)
        assert answer.status_code == 200, (action, answer.get_json())
        assert answer.get_json()["return"]["status"] == status
    final = answer.get_json()
    assert len(final["action_ids"]) == 1  # the refund, recorded for the executor
    refund = [a for a in final["return"]["actions"] if a["kind"] == "refund"]
    assert refund and refund[0]["state"] == "pending" and refund[0]["id"] == final["action_ids"][0]
    agents = {e["actor_id"] for e in final["return"]["events"] if e["actor_kind"] == "agent"}
    assert len(agents) == 1 and next(iter(agents)).endswith(":marie@shop.example")
    assert next(iter(agents)).startswith("api-key:")


def test_partial_receipt_adds_up(client: FlaskClient, key: dict[str, str]) -> None:
    token = customer_token(client)
    return_id = open_return(client, token, lines=[{**REFUND_LINE, "quantity": 2}]).get_json()["return"]["id"]
    line_id = f"{return_id}-1"
    first = _act(client, key, return_id, "receive", {"lines": [{"line_id": line_id, "quantity": 1}]})
    assert first.get_json()["return"]["lines"][0]["received_quantity"] == 1
    second = _act(client, key, return_id, "receive", {"lines": [{"line_id": line_id, "quantity": 1}]})
    assert second.get_json()["return"]["lines"][0]["received_quantity"] == 2
    too_many = _act(client, key, return_id, "receive", {"lines": [{"line_id": line_id, "quantity": 1}]})
    assert too_many.status_code == 422


def test_approve_and_decline_a_return_waiting_for_review(client: FlaskClient, container: Container,
                                                        key: dict[str, str]) -> None:
    with container.uow() as uow:
        set_policy(uow, "shop-a", Policy(name="review", default_action=Decision.REVIEW))
        uow.commit()
    token = customer_token(client)
    one = open_return(client, token).get_json()["return"]["id"]
    two = open_return(client, token, lines=[{**REFUND_LINE, "order_line_id": "L2"}]).get_json()["return"]["id"]
    missing_reason = _act(client, key, two, "decline", {"reason": "   "})
    assert missing_reason.status_code == 422 and "reason" in missing_reason.get_json()["error"]["fields"]
    assert _act(client, key, one, "approve", {"reason": "fine"}).get_json()["return"]["status"] == "approved"
    declined = _act(client, key, two, "decline", {"reason": "worn"}).get_json()["return"]
    assert declined["status"] == "declined" and declined["decline_reason"] == "worn"


def test_illegal_transition_is_409_naming_the_current_status(client: FlaskClient, opened: str,
                                                              key: dict[str, str]) -> None:
    answer = _act(client, key, opened, "resolve", {})
    assert answer.status_code == 409
    assert answer.get_json()["error"]["current_status"] == "approved"
    again = _act(client, key, opened, "approve", {})
    assert again.status_code == 409 and again.get_json()["error"]["current_status"] == "approved"


def test_override_needs_a_reason_and_a_sane_amount(client: FlaskClient, opened: str, key: dict[str, str]) -> None:
    line_id = f"{opened}-1"
    _act(client, key, opened, "receive", {"lines": [{"line_id": line_id, "quantity": 1}]})
    _act(client, key, opened, "inspect", {"line_id": line_id, "condition": "damaged", "disposition": "dispose"})
    no_reason = _act(client, key, opened, "resolve", {"override": {"amount": "5.00", "currency": "EUR"}})
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["error"]["fields"]
    as_float = _act(client, key, opened, "resolve", {"override": {"amount": 5.0, "currency": "EUR"}, "reason": "x"})
    assert as_float.status_code == 422 and "override" in as_float.get_json()["error"]["fields"]
    too_much = _act(client, key, opened, "resolve", {"override": {"amount": "5000.00", "currency": "EUR"},
                                                     "reason": "goodwill"})
    assert too_much.status_code == 422
    done = _act(client, key, opened, "resolve", {"override": {"amount": "5.00", "currency": "EUR"},
                                                 "reason": "worn, goodwill"})
    assert done.status_code == 200
    note = done.get_json()["return"]["events"][-1]
    assert note["action"] == "note" and note["data"] == {"override": "5.00", "currency": "EUR"}


def test_inspect_cancel_and_note_errors(client: FlaskClient, opened: str, key: dict[str, str]) -> None:
    bad = _act(client, key, opened, "inspect", {"line_id": "x", "disposition": "burn"})
    assert bad.status_code == 422 and "disposition" in bad.get_json()["error"]["fields"]
    unknown_line = _act(client, key, opened, "inspect", {"line_id": "x", "disposition": "missing"})
    assert unknown_line.status_code == 409  # nothing received: the return cannot be inspected yet
    assert _act(client, key, opened, "notes", {"text": ""}).status_code == 422
    assert _act(client, key, opened, "notes", {"text": "hello"}).status_code == 200
    canceled = _act(client, key, opened, "cancel", {"reason": "customer asked"})
    assert canceled.get_json()["return"]["status"] == "canceled"
    assert _act(client, key, "R-NOPE", "cancel", {"reason": "x"}).status_code == 404
