"""Customer side: finding an order without revealing which exist, returnable lines, asking for a return."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from flask import Flask
from flask.testing import FlaskClient

from connector.bootstrap import Container
from connector.domain.reasons import ReasonCode
from connector.domain.resolutions import ResolutionKind
from connector.policy import Decision, Policy
from connector.policy.model import Bonus, BonusKind, Rule, RuleConditions
from connector.services.policies import set_policy
from tests.api.conftest import EMAIL, REFUND_LINE, Clock, bearer, customer_token, open_return
from tests.factories import order, order_line
from tests.fakes import FakeShop


def _lookup(client: FlaskClient, number: str = "#1001", email: str = EMAIL, ip: str = "10.0.0.1",
            shop_id: str = "shop-a") -> tuple[int, dict[str, object]]:
    answer = client.post(f"/api/v1/portal/{shop_id}/lookup", json={"order_number": number, "email": email},
                         environ_base={"REMOTE_ADDR": ip})
    return answer.status_code, answer.get_json()


# -- finding the order ----------------------------------------------------------------------------------


def test_lookup_gives_a_token_scoped_to_the_order(client: FlaskClient, fake_shops: dict[str, FakeShop]) -> None:
    status, body = _lookup(client, "1001", "ANA@example.com")
    assert status == 200
    assert body["order"] == {"id": "O1", "name": "#1001", "currency": "EUR"}
    assert isinstance(body["token"], str) and body["expires_at"] == "2026-03-10T12:30:00+00:00"
    assert "find_order" in fake_shops["shop-a"].calls  # not in the snapshots yet: asked the shop
    lines = client.get("/api/v1/portal/shop-a/lines", headers=bearer(str(body["token"])))
    assert lines.status_code == 200 and lines.get_json()["order"]["id"] == "O1"


def test_lookup_reads_snapshots_first(client: FlaskClient, container: Container,
                                      fake_shops: dict[str, FakeShop]) -> None:
    stored = order(order_line("L9"), order_id="O-SNAP", shipping="0.00")
    with container.uow() as uow:
        uow.orders("shop-a").upsert(stored)
        uow.commit()
    fake_shops["shop-a"].orders.clear()
    status, body = _lookup(client)
    assert status == 200 and body["order"]["id"] == "O-SNAP"  # type: ignore[index]
    assert "find_order" not in fake_shops["shop-a"].calls


def test_no_such_order_and_wrong_email_look_the_same(client: FlaskClient, container: Container,
                                                     fake_shops: dict[str, FakeShop]) -> None:
    with container.uow() as uow:  # the order is known locally, so "wrong e-mail" could be answered faster
        uow.orders("shop-a").upsert(fake_shops["shop-a"].orders["O1"])
        uow.commit()
    calls = fake_shops["shop-a"].calls
    wrong_email = _lookup(client, "#1001", "eve@example.com", ip="10.0.0.2")
    after_wrong = calls.count("find_order")
    no_order = _lookup(client, "#9999", EMAIL, ip="10.0.0.3")
    after_missing = calls.count("find_order")
    assert wrong_email == no_order
    assert wrong_email[0] == 404 and wrong_email[1]["error"]["code"] == "order_not_found"  # type: ignore[index]
    assert (after_wrong, after_missing) == (1, 2)  # both failures take the same path: snapshot, then the shop


def test_unknown_shop_gets_the_same_answer(client: FlaskClient) -> None:
    assert _lookup(client, shop_id="no-such-shop", ip="10.0.0.9") == _lookup(client, "#9999", ip="10.0.0.8")


def test_lookup_names_invalid_fields(client: FlaskClient) -> None:
    answer = client.post("/api/v1/portal/shop-a/lookup", json={"order_number": "", "email": "not-an-email"})
    assert answer.status_code == 422
    fields = answer.get_json()["error"]["fields"]
    assert set(fields) == {"order_number", "email"}
    bad_json = client.post("/api/v1/portal/shop-a/lookup", data="{nope", content_type="application/json")
    assert bad_json.status_code == 400 and bad_json.get_json()["error"]["code"] == "invalid_json"


def test_rate_limit_per_ip_applies_to_right_answers_too(client: FlaskClient, clock: Clock) -> None:
    clock.now = clock.now.replace(second=0)
    for attempt in range(10):
        assert _lookup(client, f"#{5000 + attempt}", ip="10.1.1.1")[0] == 404
    limited = client.post("/api/v1/portal/shop-a/lookup", json={"order_number": "#1001", "email": EMAIL},
                          environ_base={"REMOTE_ADDR": "10.1.1.1"})
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) == 60
    assert _lookup(client, ip="10.1.1.2")[0] == 200  # another address is not affected
    clock.now += timedelta(seconds=61)
    assert _lookup(client, ip="10.1.1.1")[0] == 200  # a new window


def test_rate_limit_per_order_number_across_addresses(client: FlaskClient) -> None:
    for attempt in range(10):
        assert _lookup(client, "#1001", f"guess{attempt}@example.com", ip=f"10.2.0.{attempt}")[0] == 404
    assert _lookup(client, "1001", EMAIL, ip="10.2.1.1")[0] == 429  # "#1001" and "1001" are one order number
    assert _lookup(client, "#1002", EMAIL, ip="10.2.1.2")[0] == 404


SPELLINGS_OF_1001 = ("# 1001", "#  1001", "#\t1001", "#\xa01001", "#\u30001001", "\u200b#1001",
                     "\uff03\uff11\uff10\uff10\uff11", "01001", "## 1001", "1001")


def test_every_spelling_of_an_order_number_shares_one_allowance(client: FlaskClient) -> None:
    for attempt, number in enumerate(SPELLINGS_OF_1001):
        assert _lookup(client, number, f"guess{attempt}@example.com", ip=f"10.2.2.{attempt}")[0] == 404
    for attempt, number in enumerate(SPELLINGS_OF_1001):
        assert _lookup(client, number, EMAIL, ip=f"10.2.3.{attempt}")[0] == 429, repr(number)


def test_the_lookup_finds_the_order_by_the_spelling_the_limit_counts(client: FlaskClient) -> None:
    for attempt, number in enumerate(SPELLINGS_OF_1001):
        assert _lookup(client, number, EMAIL, ip=f"10.2.4.{attempt}")[0] == 200, repr(number)


def test_rate_limit_is_shared_by_processes(container: Container, app: Flask) -> None:
    """Two apps (as two gunicorn workers) over one database share the counters."""
    from tests.api.conftest import make_app

    other = make_app(container).test_client()
    first = app.test_client()
    for attempt in range(5):
        assert _lookup(first, f"#{7000 + attempt}", ip="10.3.0.1")[0] == 404
        assert _lookup(other, f"#{7100 + attempt}", ip="10.3.0.1")[0] == 404
    assert _lookup(first, ip="10.3.0.1")[0] == 429
    assert _lookup(other, ip="10.3.0.1")[0] == 429


@pytest.mark.redis
def test_rate_limit_in_redis_is_shared(fake_shops: dict[str, FakeShop], container: Container, redis_url: str) -> None:
    from sqlalchemy import func, select

    from connector.store.tables import rate_limits
    from tests.api.conftest import build_container, make_app

    clients = [
        make_app(build_container(container.engine, fake_shops, redis_url, container.cipher)).test_client()
        for _ in range(2)
    ]
    for attempt in range(10):
        assert _lookup(clients[attempt % 2], f"#{8000 + attempt}", ip="10.4.0.1")[0] == 404
    assert _lookup(clients[0], ip="10.4.0.1")[0] == 429
    with container.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(rate_limits)).scalar_one() == 0  # all in Redis


def test_rate_limit_falls_back_to_the_database_when_redis_is_down(fake_shops: dict[str, FakeShop],
                                                                  container: Container) -> None:
    from sqlalchemy import func, select

    from connector.store.tables import rate_limits
    from tests.api.conftest import build_container, make_app

    down = make_app(build_container(container.engine, fake_shops, "redis://127.0.0.1:1/0", container.cipher))
    client = down.test_client()
    for attempt in range(10):
        assert _lookup(client, f"#{8100 + attempt}", ip="10.5.0.1")[0] == 404
    assert _lookup(client, ip="10.5.0.1")[0] == 429
    with container.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(rate_limits)).scalar_one() > 0


# -- returnable lines ---------------------------------------------------------------------------------


def test_lines_show_quantities_outcomes_fees_deadline_and_why(client: FlaskClient, container: Container) -> None:
    policy = Policy(
        name="credit bonus", default_action=Decision.APPROVE,
        bonus=Bonus(BonusKind.PERCENT, percent=Decimal("10")),
    )
    with container.uow() as uow:
        set_policy(uow, "shop-a", policy)
        uow.commit()
    token = customer_token(client)
    open_return(client, token)  # one unit of L1 is now on an open return
    body = client.get("/api/v1/portal/shop-a/lines", headers=bearer(token)).get_json()
    by_id = {line["line_id"]: line for line in body["lines"]}
    assert by_id["L1"]["returnable_quantity"] == 1 and by_id["L2"]["returnable_quantity"] == 1
    assert by_id["L1"]["eligible"] is True and by_id["L1"]["deadline"] == "2026-04-04"
    assert set(by_id["L1"]["allowed_outcomes"]) == {k.value for k in ResolutionKind}
    assert by_id["L1"]["fees"]["return_shipping"] == {"amount": "0.00", "currency": "EUR"}
    assert by_id["L1"]["explanation"][0].startswith("Return accepted")
    assert body["credit_bonus"]["kind"] == "percent" and body["credit_bonus"]["percent"] == "10"
    assert set(body["reasons"]) == {r.value for r in ReasonCode}


def test_lines_in_french_by_query_or_header(client: FlaskClient) -> None:
    token = customer_token(client)
    by_query = client.get("/api/v1/portal/shop-a/lines?locale=fr", headers=bearer(token)).get_json()
    by_header = client.get("/api/v1/portal/shop-a/lines",
                           headers={**bearer(token), "Accept-Language": "fr-FR,fr;q=0.9"}).get_json()
    assert by_query["locale"] == by_header["locale"] == "fr"
    assert by_query["lines"][0]["explanation"][0].startswith("Retour accepté")
    assert by_query["lines"] == by_header["lines"]
    bad = client.get("/api/v1/portal/shop-a/lines?locale=de", headers=bearer(token))
    assert bad.status_code == 422 and "locale" in bad.get_json()["error"]["fields"]


def test_lines_need_a_valid_unexpired_token(client: FlaskClient, clock: Clock) -> None:
    assert client.get("/api/v1/portal/shop-a/lines").status_code == 401
    token = customer_token(client)
    assert client.get("/api/v1/portal/shop-a/lines", headers=bearer(token + "x")).status_code == 401
    clock.now += timedelta(minutes=31)
    expired = client.get("/api/v1/portal/shop-a/lines", headers=bearer(token))
    assert expired.status_code == 401 and expired.get_json()["error"]["code"] == "unauthorized"


# -- asking for a return --------------------------------------------------------------------------------


def test_create_refund_is_approved_at_once(client: FlaskClient) -> None:
    answer = open_return(client, customer_token(client))
    assert answer.status_code == 201
    body = answer.get_json()
    assert body["decision"] == "approve" and body["return"]["status"] == "approved"
    assert body["return"]["amounts"]["refund"] == {"amount": "36.00", "currency": "EUR"}
    assert body["return"]["lines"][0]["title"] == "Shirt L1"
    assert body["return"]["explanation"] and body["tracking"]["url"].endswith(body["tracking"]["token"])
    assert [h["status"] for h in body["return"]["history"]] == ["requested", "approved"]


def test_credit_shows_its_bonus(client: FlaskClient, container: Container) -> None:
    with container.uow() as uow:
        set_policy(uow, "shop-a", Policy(name="bonus", default_action=Decision.APPROVE,
                                         bonus=Bonus(BonusKind.PERCENT, percent=Decimal("10"))))
        uow.commit()
    line = {**REFUND_LINE, "resolution": {"kind": "store_credit"}}
    body = open_return(client, customer_token(client), lines=[line]).get_json()
    amounts = body["return"]["amounts"]
    assert amounts["bonus"] == {"amount": "3.60", "currency": "EUR"}
    assert amounts["store_credit"] == {"amount": "39.60", "currency": "EUR"}


def test_exchange_checks_stock_through_the_shop(client: FlaskClient) -> None:
    token = customer_token(client)

    def exchange(variant: str, quantity: int = 1) -> tuple[int, dict[str, object]]:
        line = {**REFUND_LINE, "quantity": quantity,
                "resolution": {"kind": "exchange", "exchange_variant_id": variant}}
        answer = open_return(client, token, lines=[line])
        return answer.status_code, answer.get_json()

    status, body = exchange("V-0")
    assert status == 422
    assert body["error"]["fields"] == {  # type: ignore[index]
        "lines.0.resolution.exchange_variant_id": ["only 0 unit(s) of this variant in stock"]
    }
    status, body = exchange("V-9", quantity=2)
    assert status == 201 and body["return"]["lines"][0]["resolution"]["exchange_variant_id"] == "V-9"  # type: ignore[index]


def test_create_names_every_bad_field(client: FlaskClient) -> None:
    token = customer_token(client)
    answer = client.post(
        "/api/v1/portal/shop-a/returns",
        json={"lines": [{"order_line_id": "L1", "quantity": 0, "reason": "bored",
                         "resolution": {"kind": "exchange"}}], "method": "by_pigeon"},
        headers=bearer(token),
    )
    assert answer.status_code == 422
    fields = answer.get_json()["error"]["fields"]
    assert set(fields) == {"lines", "method"}
    assert set(fields["lines"]["0"]) == {"quantity", "reason", "resolution"}
    assert "exchange_variant_id" in fields["lines"]["0"]["resolution"]
    not_object = client.post("/api/v1/portal/shop-a/returns", json=[1, 2], headers=bearer(token))
    assert not_object.status_code == 422


def test_create_refuses_unknown_lines_and_too_many_units(client: FlaskClient) -> None:
    token = customer_token(client)
    lines = [{**REFUND_LINE, "order_line_id": "NOPE"}, {**REFUND_LINE, "order_line_id": "L2", "quantity": 2}]
    answer = open_return(client, token, lines=lines)
    assert answer.status_code == 422
    assert set(answer.get_json()["error"]["fields"]) == {"lines.0.order_line_id", "lines.1.quantity"}


def test_policy_decline_and_review_are_applied_at_once(client: FlaskClient, container: Container) -> None:
    decline = Rule("no-style", 1, Decision.DECLINE, RuleConditions(reasons=frozenset({ReasonCode.STYLE})),
                   {"en": "Style returns are not accepted."})
    with container.uow() as uow:
        set_policy(uow, "shop-a", Policy(name="strict", default_action=Decision.REVIEW, rules=(decline,)))
        uow.commit()
    token = customer_token(client)
    declined = open_return(client, token, lines=[{**REFUND_LINE, "reason": "style"}]).get_json()
    assert declined["decision"] == "decline" and declined["return"]["status"] == "declined"
    assert declined["return"]["decline_reason"].endswith("Style returns are not accepted.")
    assert declined["return"]["history"][-1]["reason"] == declined["return"]["decline_reason"]
    review = open_return(client, token).get_json()
    assert review["decision"] == "review" and review["return"]["status"] == "requested"


def test_customer_lists_the_orders_returns_with_links(client: FlaskClient) -> None:
    token = customer_token(client)
    created = open_return(client, token).get_json()
    listed = client.get("/api/v1/portal/shop-a/returns", headers=bearer(token)).get_json()
    assert [item["return"]["id"] for item in listed["items"]] == [created["return"]["id"]]
    followed = client.get(listed["items"][0]["tracking"]["url"].removeprefix("http://127.0.0.1:8000"))
    assert followed.status_code == 200 and followed.get_json()["id"] == created["return"]["id"]
