"""Idempotency-Key: first answer kept and replayed, other bodies refused, concurrent copies run once."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from connector.api.settings import IDEMPOTENCY_STALE_AFTER, IDEMPOTENCY_TTL
from connector.bootstrap import Container
from tests.api.conftest import REFUND_LINE, Clock, customer_token, issue_key, open_return


@pytest.fixture
def key(container: Container) -> dict[str, str]:
    return {"X-API-Key": issue_key(container, "shop-a")}


def _note(client: FlaskClient, key: dict[str, str], return_id: str, text: str, idem: str) -> Any:
    return client.post(f"/api/v1/shops/shop-a/returns/{return_id}/notes", json={"text": text},
                       headers={**key, "Idempotency-Key": idem})


def _notes(container: Container, return_id: str, shop_id: str = "shop-a") -> int:
    with container.uow() as uow:
        found = uow.returns(shop_id).get(return_id)
    assert found is not None
    return sum(1 for event in found.events if event.action == "note")


def _count_returns(container: Container, shop_id: str = "shop-a") -> int:
    with container.uow() as uow:
        return len(uow.returns(shop_id).list())


def test_retry_replays_the_first_answer(client: FlaskClient, container: Container) -> None:
    token = customer_token(client)
    first = open_return(client, token, headers={"Idempotency-Key": "create-1"})
    again = open_return(client, token, headers={"Idempotency-Key": "create-1"})
    assert first.status_code == again.status_code == 201
    assert again.get_data() == first.get_data()
    assert again.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers
    assert _count_returns(container) == 1
    without_key = open_return(client, token)
    assert without_key.status_code == 201 and _count_returns(container) == 2


def test_same_key_other_body_or_url_is_422(client: FlaskClient, opened: str, key: dict[str, str],
                                           container: Container) -> None:
    assert _note(client, key, opened, "first", "k-1").status_code == 200
    other_body = _note(client, key, opened, "second", "k-1")
    assert other_body.status_code == 422 and other_body.get_json()["error"]["code"] == "idempotency_key_reused"
    other_url = client.post(f"/api/v1/shops/shop-a/returns/{opened}/cancel", json={"text": "first"},
                            headers={**key, "Idempotency-Key": "k-1"})
    assert other_url.status_code == 422 and other_url.get_json()["error"]["code"] == "idempotency_key_reused"
    reordered = client.post(f"/api/v1/shops/shop-a/returns/{opened}/notes",
                            data='{ "text" : "first" }', content_type="application/json",
                            headers={**key, "Idempotency-Key": "k-1"})
    assert reordered.status_code == 200 and reordered.headers.get("Idempotent-Replayed") == "true"
    assert _notes(container, opened) == 1


def test_a_409_is_replayed_too(client: FlaskClient, opened: str, key: dict[str, str]) -> None:
    url = f"/api/v1/shops/shop-a/returns/{opened}/resolve"
    first = client.post(url, json={}, headers={**key, "Idempotency-Key": "r-1"})
    again = client.post(url, json={}, headers={**key, "Idempotency-Key": "r-1"})
    assert first.status_code == again.status_code == 409
    assert again.get_data() == first.get_data() and again.headers["Idempotent-Replayed"] == "true"


def test_bad_input_is_not_kept(client: FlaskClient, opened: str, key: dict[str, str], container: Container) -> None:
    assert _note(client, key, opened, "", "k-2").status_code == 422
    assert _note(client, key, opened, "fixed", "k-2").status_code == 200
    assert _notes(container, opened) == 1


def test_keys_belong_to_one_shop(client: FlaskClient, container: Container) -> None:
    a = open_return(client, customer_token(client, "shop-a"), headers={"Idempotency-Key": "same"})
    b = open_return(client, customer_token(client, "shop-b"), "shop-b", headers={"Idempotency-Key": "same"})
    assert a.status_code == b.status_code == 201
    assert "Idempotent-Replayed" not in b.headers and b.get_json()["return"]["id"] != a.get_json()["return"]["id"]
    assert _count_returns(container, "shop-b") == 1


def test_running_copy_gets_409_until_it_is_stale(client: FlaskClient, opened: str, key: dict[str, str],
                                                 container: Container, clock: Clock) -> None:
    from connector.api import idempotency

    app: Flask = client.application
    with app.test_request_context(f"/api/v1/shops/shop-a/returns/{opened}/notes", method="POST",
                                  json={"text": "hi"}):
        print_ = idempotency.fingerprint()
    with container.uow() as uow:  # another process took the key and is still running
        uow.idempotency("shop-a").claim("agent", "k-3", print_, clock.now, IDEMPOTENCY_TTL, IDEMPOTENCY_STALE_AFTER)
        uow.commit()
    busy = _note(client, key, opened, "hi", "k-3")
    assert busy.status_code == 409 and busy.get_json()["error"]["code"] == "idempotency_in_progress"
    assert _notes(container, opened) == 0
    clock.now += IDEMPOTENCY_STALE_AFTER + timedelta(seconds=1)  # that process died
    assert _note(client, key, opened, "hi", "k-3").status_code == 200
    assert _notes(container, opened) == 1


def test_keys_expire_after_a_day(client: FlaskClient, opened: str, key: dict[str, str], container: Container,
                                 clock: Clock) -> None:
    assert _note(client, key, opened, "once", "k-4").status_code == 200
    clock.now += timedelta(hours=23)
    assert _note(client, key, opened, "once", "k-4").headers.get("Idempotent-Replayed") == "true"
    clock.now += timedelta(hours=2)
    fresh = _note(client, key, opened, "once", "k-4")
    assert fresh.status_code == 200 and "Idempotent-Replayed" not in fresh.headers
    assert _notes(container, opened) == 2


def test_key_must_be_sensible(client: FlaskClient, opened: str, key: dict[str, str]) -> None:
    answer = _note(client, key, opened, "x", "k" * 256)
    assert answer.status_code == 422 and "Idempotency-Key" in answer.get_json()["error"]["fields"]


@pytest.mark.parametrize("attempt", range(3))
def test_concurrent_copies_execute_once(app: Flask, container: Container, opened: str, key: dict[str, str],
                                        attempt: int) -> None:
    copies = 6
    start = threading.Barrier(copies)
    answers: list[tuple[int, bytes]] = []
    guard = threading.Lock()

    def send() -> None:
        client = app.test_client()
        start.wait(timeout=10)
        answer = _note(client, key, opened, "only once", f"race-{attempt}")
        with guard:
            answers.append((answer.status_code, answer.get_data()))

    threads = [threading.Thread(target=send) for _ in range(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(answers) == copies
    assert {status for status, _ in answers} <= {200, 409}
    assert _notes(container, opened) == 1
    assert len({body for status, body in answers if status == 200}) == 1  # the first answer, or its replay


def test_customer_create_with_a_key_then_line_change_is_refused(client: FlaskClient) -> None:
    token = customer_token(client)
    assert open_return(client, token, headers={"Idempotency-Key": "c-9"}).status_code == 201
    changed = open_return(client, token, lines=[{**REFUND_LINE, "order_line_id": "L2"}],
                          headers={"Idempotency-Key": "c-9"})
    assert changed.status_code == 422


def test_expired_keys_are_purged(container: Container, clock: Clock) -> None:
    with container.uow() as uow:
        repo = uow.idempotency("shop-a")
        repo.claim("agent", "old", "f", clock.now, IDEMPOTENCY_TTL, IDEMPOTENCY_STALE_AFTER)
        repo.claim("agent", "new", "f", clock.now + timedelta(hours=20), IDEMPOTENCY_TTL, IDEMPOTENCY_STALE_AFTER)
        assert repo.purge_expired(clock.now + IDEMPOTENCY_TTL + timedelta(seconds=1)) == 1
        assert uow.idempotency("shop-b").purge_expired(clock.now + timedelta(days=9)) == 0  # only its own shop
        uow.commit()
