"""``POST .../returns/<id>/refund-override``: an agent pays a resolved return whose refund the shop refused.

Issue 16, P2-10: the refund failed because the shop had less left to refund than asked, and the override on
``resolve`` came too late (409, the return is resolved). Here the agent names the amount and why.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from connector.bootstrap import Container
from connector.domain.money import Money
from connector.services.executor import ActionExecutor
from connector.store.actions_repo import ActionState
from tests.api.conftest import customer_token, open_return
from tests.api.test_agent import BASE, _act, key  # noqa: F401  (the fixture)
from tests.fakes import FakeShop


def _override(amount: str, currency: str = "EUR", **extra: Any) -> dict[str, Any]:
    return {"override": {"amount": amount, "currency": currency}, "reason": "the shop has less left", **extra}


@pytest.fixture
def refused(client: FlaskClient, container: Container, fake_shops: dict[str, FakeShop],
            key: dict[str, str]) -> tuple[str, str]:  # noqa: F811
    """A resolved return of shop-a whose refund the shop refused: (return id, failed action id)."""
    return_id = open_return(client, customer_token(client)).get_json()["return"]["id"]
    line = f"{return_id}-1"
    assert _act(client, key, return_id, "receive", {"lines": [{"line_id": line, "quantity": 1}]}).status_code == 200
    assert _act(client, key, return_id, "inspect", {"line_id": line, "disposition": "dispose"}).status_code == 200
    resolved = _act(client, key, return_id, "resolve", {}).get_json()
    refund = next(a for a in resolved["return"]["actions"] if a["kind"] == "refund")
    fake_shops["shop-a"].fail_next = ["refuse"]
    assert ActionExecutor(container).run("shop-a", refund["id"]) is ActionState.FAILED
    return return_id, refund["id"]


def test_a_refused_refund_is_paid_with_the_agents_amount(client: FlaskClient, container: Container,
                                                         fake_shops: dict[str, FakeShop], key: dict[str, str],  # noqa: F811
                                                         refused: tuple[str, str]) -> None:
    return_id, failed_id = refused
    answer = _act(client, key, return_id, "refund-override", _override("3.50"))
    assert answer.status_code == 200, answer.get_json()
    shown = answer.get_json()["return"]
    assert shown["amounts"]["refund"] == {"amount": "3.50", "currency": "EUR"}
    by_id = {a["id"]: a for a in shown["actions"]}
    new_id = answer.get_json()["action_ids"][0]
    assert by_id[failed_id]["state"] == "failed" and by_id[new_id]["state"] == "pending"
    assert by_id[new_id]["idempotency_key"] == f"ret:{return_id}:refund:r2"
    note = shown["events"][-1]
    assert (note["actor_kind"], note["reason"], note["data"]["override"]) == ("agent", "the shop has less left", "3.50")

    assert ActionExecutor(container).run("shop-a", new_id) is ActionState.SUCCEEDED
    assert [e.amount for e in fake_shops["shop-a"].refunds.values()] == [Money("3.50", "EUR")]
    again = _act(client, key, return_id, "refund-override", _override("3.50"))
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "not_payable_again"
    closed = client.get(f"{BASE}/{return_id}", headers=key).get_json()
    assert closed["status"] == "closed" and len(fake_shops["shop-a"].refunds) == 1


def test_too_much_wrong_currency_or_another_shops_action_is_refused(client: FlaskClient, container: Container,
                                                                    key: dict[str, str],  # noqa: F811
                                                                    fake_shops: dict[str, FakeShop],
                                                                    refused: tuple[str, str]) -> None:
    return_id, _ = refused
    open_return(client, customer_token(client, "shop-b"), "shop-b")
    with container.uow() as uow:
        b_action = uow.actions("shop-b").list()[0].id
    left = fake_shops["shop-a"].orders["O1"].total_paid
    too_much = _act(client, key, return_id, "refund-override", _override(str(left.amount + 1)))
    assert too_much.status_code == 422 and f"{left} left to refund" in too_much.get_json()["error"]["message"]
    other_currency = _act(client, key, return_id, "refund-override", _override("1.00", "USD"))
    assert other_currency.status_code == 422
    no_reason = _act(client, key, return_id, "refund-override", {"override": {"amount": "1.00", "currency": "EUR"}})
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["error"]["fields"]
    for action_id in ("no-such-action", b_action):
        elsewhere = _act(client, key, return_id, "refund-override", _override("1.00", action_id=action_id))
        assert elsewhere.status_code == 404 and action_id not in elsewhere.get_data(as_text=True)
    assert not fake_shops["shop-a"].refunds


def test_a_return_without_a_refused_payment_is_409(client: FlaskClient, key: dict[str, str]) -> None:  # noqa: F811
    return_id = open_return(client, customer_token(client)).get_json()["return"]["id"]
    answer = _act(client, key, return_id, "refund-override", _override("1.00"))
    assert answer.status_code == 409 and "no failed refund" in answer.get_json()["error"]["message"]


def test_an_override_on_resolve_shows_in_the_amounts(client: FlaskClient, key: dict[str, str]) -> None:  # noqa: F811
    return_id = open_return(client, customer_token(client)).get_json()["return"]["id"]
    line = f"{return_id}-1"
    _act(client, key, return_id, "receive", {"lines": [{"line_id": line, "quantity": 1}]})
    _act(client, key, return_id, "inspect", {"line_id": line, "disposition": "dispose"})
    resolved = _act(client, key, return_id, "resolve", _override("2.25"))
    assert resolved.status_code == 200, resolved.get_json()
    assert resolved.get_json()["return"]["amounts"]["refund"] == {"amount": "2.25", "currency": "EUR"}


def test_the_endpoint_is_documented(client: FlaskClient) -> None:
    document = client.get("/api/openapi.json").get_json()
    operation = document["paths"]["/api/v1/shops/{shop_id}/returns/{return_id}/refund-override"]["post"]
    assert {"404", "409", "422"} <= set(operation["responses"])
    schema = document["components"]["schemas"]["RefundOverride"]
    assert set(schema["required"]) == {"override", "reason"} and "action_id" in schema["properties"]
