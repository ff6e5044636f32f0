"""The EU withdrawal refund deadline is watched (issue 15 §6): an alert two days ahead and once overdue, in the
return's history, the log and the agents' list filter; counted in ``actions list``."""

from __future__ import annotations

import argparse
import logging
from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from connector.bootstrap import Container
from connector.cli import jobscmd
from connector.domain.events import Actor, ActorKind
from connector.domain.refund_deadline import DeadlineRisk, deadline_risk
from connector.domain.states import ReturnStatus
from connector.services.refund_deadlines import watch_refund_deadlines
from tests.api.conftest import REFUND_LINE, Clock, customer_token, issue_key, open_return
from tests.factories import money

BASE = "/api/v1/shops/shop-a/returns"


def _under_withdrawal(container: Container, return_id: str, due_in: timedelta, now: Clock) -> None:
    """What the EU/FR preset stores on a return: its refund deadline (14 days from the withdrawal)."""
    with container.uow() as uow:
        request = uow.returns("shop-a").get(return_id)
        assert request is not None
        request.refund_due_by = now.now + due_in
        uow.returns("shop-a").save(request)
        uow.commit()


def _history(container: Container, return_id: str) -> list[str]:
    with container.uow() as uow:
        request = uow.returns("shop-a").get(return_id)
    assert request is not None
    return [event.action for event in request.events]


def _ids(client: FlaskClient, key: dict[str, str], query: str) -> list[str]:
    answer = client.get(f"{BASE}?{query}", headers=key)
    assert answer.status_code == 200, answer.get_json()
    return [item["id"] for item in answer.get_json()["items"]]


def test_deadline_risk_levels() -> None:
    from datetime import UTC, datetime

    due = datetime(2026, 3, 20, 12, tzinfo=UTC)
    open_ = ReturnStatus.APPROVED
    assert deadline_risk(due, open_, False, due - timedelta(days=3)) is None
    assert deadline_risk(due, open_, False, due - timedelta(days=2)) is DeadlineRisk.DUE_SOON
    assert deadline_risk(due, open_, False, due) is DeadlineRisk.OVERDUE
    assert deadline_risk(due, open_, True, due) is None  # refunded or credited
    assert deadline_risk(due, ReturnStatus.DECLINED, False, due) is None
    assert deadline_risk(None, open_, False, due) is None


def test_a_return_near_then_past_its_deadline_is_flagged_once_per_level(
    client: FlaskClient, container: Container, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    key = {"X-API-Key": issue_key(container, "shop-a", "helpdesk")}
    watched = open_return(client, customer_token(client)).get_json()["return"]["id"]
    calm = open_return(client, customer_token(client), lines=[{**REFUND_LINE, "order_line_id": "L2"}]
                       ).get_json()["return"]["id"]
    _under_withdrawal(container, watched, timedelta(days=3), clock)
    _under_withdrawal(container, calm, timedelta(days=10), clock)
    assert watch_refund_deadlines(container, clock.now) == []
    assert _ids(client, key, "refund_deadline=at_risk") == []

    clock.now += timedelta(days=1, hours=1)  # now within two days of the deadline
    with caplog.at_level(logging.WARNING, logger="connector.refund_deadlines"):
        alerts = watch_refund_deadlines(container, clock.now)
    assert [(a.return_id, a.risk) for a in alerts] == [(watched, DeadlineRisk.DUE_SOON)]
    assert any(r.getMessage() == "refund-deadline.due_soon" and getattr(r, "return") == watched
               for r in caplog.records)
    assert watch_refund_deadlines(container, clock.now) == []  # recorded once
    assert _history(container, watched)[-1] == "refund_deadline_due_soon"
    assert _ids(client, key, "refund_deadline=at_risk") == [watched]
    assert _ids(client, key, "refund_deadline=due_soon") == [watched]
    assert _ids(client, key, "refund_deadline=overdue") == []
    listed = client.get(BASE, headers=key).get_json()["items"]
    assert {i["id"]: i["refund_deadline"] for i in listed} == {watched: "due_soon", calm: None}

    clock.now += timedelta(days=2)
    assert [a.risk for a in watch_refund_deadlines(container, clock.now)] == [DeadlineRisk.OVERDUE]
    assert _history(container, watched)[-2:] == ["refund_deadline_due_soon", "refund_deadline_overdue"]
    assert _ids(client, key, "refund_deadline=overdue") == [watched]
    assert client.get(f"{BASE}?refund_deadline=late", headers=key).status_code == 422


def test_a_paid_return_is_not_at_risk(client: FlaskClient, container: Container, clock: Clock) -> None:
    key = {"X-API-Key": issue_key(container, "shop-a", "helpdesk")}
    paid = open_return(client, customer_token(client)).get_json()["return"]["id"]
    _under_withdrawal(container, paid, timedelta(hours=1), clock)
    with container.uow() as uow:
        request = uow.returns("shop-a").get(paid)
        assert request is not None
        request.record_money_moved(Actor(ActorKind.SYSTEM, "t"), clock.now, "refund", money("10", request.currency))
        uow.returns("shop-a").save(request)
        uow.commit()
    assert watch_refund_deadlines(container, clock.now + timedelta(days=1)) == []
    assert _ids(client, key, "refund_deadline=at_risk") == []


def test_actions_list_counts_overdue_refunds(client: FlaskClient, container: Container, clock: Clock,
                                             monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    late = open_return(client, customer_token(client)).get_json()["return"]["id"]
    _under_withdrawal(container, late, -timedelta(hours=5), clock)
    container.clock = lambda: clock.now  # type: ignore[method-assign]
    monkeypatch.setattr(jobscmd, "container_from", lambda _args: container)
    assert jobscmd.run_list(argparse.Namespace(shop=None, failed=False, json=False)) == 0
    assert "EU withdrawal refunds: 1 overdue, 0 due within 2 days" in capsys.readouterr().out

