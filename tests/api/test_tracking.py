"""The tracking link: customer-safe view of one return, through a signed token that expires."""

from __future__ import annotations

from datetime import timedelta

from flask.testing import FlaskClient

from connector.bootstrap import Container
from connector.services.returns import ReturnService
from tests.api.conftest import Clock, customer_token, open_return
from tests.factories import AGENT


def _created(client: FlaskClient) -> dict[str, object]:
    answer = open_return(client, customer_token(client))
    assert answer.status_code == 201
    body: dict[str, object] = answer.get_json()
    return body


def _track_path(created: dict[str, object]) -> str:
    return f"/api/v1/track/{created['tracking']['token']}"  # type: ignore[index]


def test_tracking_shows_status_history_and_amounts_not_internals(client: FlaskClient, container: Container) -> None:
    created = _created(client)
    return_id = created["return"]["id"]  # type: ignore[index]
    service = ReturnService(container)
    service.add_note("shop-a", return_id, AGENT, "customer sounded angry, internal only")
    service.mark_in_transit("shop-a", return_id, AGENT, "6A0001")
    answer = client.get(_track_path(created))
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["id"] == return_id and body["status"] == "in_transit"
    assert [h["action"] for h in body["history"]] == ["request", "approve", "mark_in_transit"]
    assert body["amounts"]["refund"] == {"amount": "36.00", "currency": "EUR"}
    text = answer.get_data(as_text=True)
    assert "internal only" not in text and "agent-1" not in text and "customer_email" not in text


def test_tracking_in_french(client: FlaskClient) -> None:
    created = _created(client)
    body = client.get(_track_path(created) + "?locale=fr").get_json()
    assert body["explanation"][0].startswith("Retour accepté")


def test_tracking_link_expires(client: FlaskClient, clock: Clock) -> None:
    created = _created(client)
    clock.now += timedelta(days=119)
    assert client.get(_track_path(created)).status_code == 200
    clock.now += timedelta(days=2)
    expired = client.get(_track_path(created))
    assert expired.status_code == 404 and expired.get_json()["error"]["code"] == "invalid_link"
    assert "status" not in expired.get_json()


def test_altered_or_foreign_tokens_see_nothing(client: FlaskClient) -> None:
    created = _created(client)
    token = str(created["tracking"]["token"])  # type: ignore[index]
    altered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.get(f"/api/v1/track/{altered}").status_code == 404
    portal_token = customer_token(client)  # signed with the same key, but for another purpose
    assert client.get(f"/api/v1/track/{portal_token}").status_code == 404
    assert client.get("/api/v1/track/nonsense").status_code == 404
