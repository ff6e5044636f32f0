"""A return at the counter: what the page shows, receiving (everything or per line) and inspecting each line, each
moving the stored return with events in the signed-in key's name; and every mistake answered with the field
marked, in the staff's language, never a 500."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from connector.bootstrap import Container
from connector.domain.events import ActorKind
from connector.domain.resolutions import Condition, Disposition, ReturnMethod
from connector.domain.returns import ReturnRequest
from connector.domain.shipments import Shipment
from connector.domain.shipping import TrackingStatus
from connector.domain.states import ReturnStatus
from connector.policy import Decision, Policy
from connector.services.policies import set_policy
from tests.store_page.conftest import L1, L2, SHOP, csrf_of, open_in_store, page_token, sign_in


def _stored(container: Container, return_id: str) -> ReturnRequest:
    with container.uow() as uow:
        found = uow.returns(SHOP).get(return_id)
    assert found is not None
    return found


def _key_id(container: Container) -> str:
    with container.uow() as uow:
        return uow.api_keys.list(SHOP)[0].id


def _post(client: FlaskClient, return_id: str, step: str, data: dict[str, str],
          headers: dict[str, str] | None = None) -> tuple[int, str, str]:
    path = f"/store/{SHOP}/returns/{return_id}"
    token = page_token(client, path)
    answer = client.post(f"{path}/{step}", data={"csrf": token, **data}, headers=headers or {})
    return answer.status_code, answer.headers.get("Location", ""), answer.get_data(as_text=True)


def _inspect(client: FlaskClient, return_id: str, line: int, condition: str, disposition: str,
             note: str = "") -> tuple[int, str, str]:
    return _post(client, return_id, "inspect", {"line": str(line), f"condition-{line}": condition,
                                               f"disposition-{line}": disposition, f"note-{line}": note})


def test_the_page_shows_the_return_at_the_counter(signed_in: FlaskClient, container: Container) -> None:
    return_id = open_in_store(signed_in)
    with container.uow() as uow:  # the parcel, whether or not approval already made one for the label
        parcels = uow.shipments(SHOP)
        parcel = parcels.for_return(return_id)
        if parcel is None:
            parcels.add(Shipment(f"shp_{return_id}", SHOP, return_id, "sendcloud", "prepaid_label",
                                 f"ret:{return_id}:label"), container.clock())
            parcel = parcels.for_return(return_id)
        assert parcel is not None
        parcel.status, parcel.carrier_ref = TrackingStatus.IN_TRANSIT, "p-1"
        parcel.tracking_number, parcel.tracking_url = "3SABC123", "https://track.example/3SABC123"
        parcels.save(parcel, container.clock())
        uow.commit()
    page = signed_in.get(f"/store/{SHOP}/returns/{return_id}").get_data(as_text=True)
    for shown in (return_id, "#1001", "ana@example.com", "Return in store", "Approved: waiting for the items",
                  "Too small", "Defective or does not work", "3SABC123", "https://track.example/3SABC123",
                  "Receive all 3 expected units", "Photos"):
        assert shown in page, shown
    assert "Save the inspection" not in page  # nothing received yet


def test_receive_everything_then_inspect_each_line(signed_in: FlaskClient, container: Container) -> None:
    return_id = open_in_store(signed_in)
    status, location, _ = _post(signed_in, return_id, "receive", {"all": "1"})
    assert status == 303 and location.endswith(f"/returns/{return_id}?done=received")
    received = _stored(container, return_id)
    assert received.status is ReturnStatus.RECEIVED
    assert [line.received_quantity for line in received.lines] == [2, 1]
    actor = received.events[-1].actor
    assert received.events[-1].action == "receive"
    assert (actor.kind, actor.id) == (ActorKind.AGENT, f"api-key:{_key_id(container)}:Ana")
    assert "The units are recorded as received." in signed_in.get(location).get_data(as_text=True)

    status, _, _ = _inspect(signed_in, return_id, 1, "new", "restock")
    assert status == 303
    assert _stored(container, return_id).status is ReturnStatus.RECEIVED  # one line of two
    status, _, _ = _inspect(signed_in, return_id, 2, "defective", "dispose", "screen cracked")
    assert status == 303
    inspected = _stored(container, return_id)
    assert inspected.status is ReturnStatus.INSPECTED
    assert [(line.condition, line.disposition) for line in inspected.lines] == [
        (Condition.NEW, Disposition.RESTOCK), (Condition.DEFECTIVE, Disposition.DISPOSE)]
    steps = [(e.action, e.actor.id, e.reason) for e in inspected.events[-2:]]
    agent = f"api-key:{_key_id(container)}:Ana"
    assert steps == [("inspect_line", agent, ""), ("inspect", agent, "screen cracked")]


def test_receive_part_then_the_rest(signed_in: FlaskClient, container: Container) -> None:
    return_id = open_in_store(signed_in)
    assert _post(signed_in, return_id, "receive", {"qty-1": "1", "qty-2": ""})[0] == 303
    assert [line.received_quantity for line in _stored(container, return_id).lines] == [1, 0]
    page = signed_in.get(f"/store/{SHOP}/returns/{return_id}").get_data(as_text=True)
    assert "Receive all 2 expected units" in page
    # An item never received can only be missing.
    status, _, page = _inspect(signed_in, return_id, 2, "new", "restock")
    assert status == 422 and 'id="disposition-2"' in page and "only “Missing” can be chosen" in page
    assert _inspect(signed_in, return_id, 2, "", "missing")[0] == 303
    assert _post(signed_in, return_id, "receive", {"all": "1"})[0] == 303
    assert [line.received_quantity for line in _stored(container, return_id).lines] == [2, 0]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"qty-1": "abc", "qty-2": "1"}, "qty-1", "Enter a whole number from 0 to 2"),
        ({"qty-1": "3"}, "qty-1", "Enter a whole number from 0 to 2"),
        ({"qty-1": "-1"}, "qty-1", "Enter a whole number from 0 to 2"),
        ({"qty-1": "0", "qty-2": "0"}, "qty-1", "at least one"),
        ({"qty-2": "٣"}, "qty-2", "from 0 to 1"),
    ],
)
def test_bad_quantities_are_marked_and_change_nothing(
    signed_in: FlaskClient, container: Container, data: dict[str, str], field: str, message: str
) -> None:
    return_id = open_in_store(signed_in)
    status, _, page = _post(signed_in, return_id, "receive", data)
    assert status == 422
    assert f'id="{field}"' in page and f'id="{field}-error"' in page and message in page
    assert 'aria-invalid="true"' in page
    stored = _stored(container, return_id)
    assert stored.status is ReturnStatus.APPROVED and stored.received_quantity == 0


def test_bad_inspections_are_marked(signed_in: FlaskClient, container: Container) -> None:
    return_id = open_in_store(signed_in)
    _post(signed_in, return_id, "receive", {"all": "1"})
    for line, condition, disposition, field in ((1, "new", "", "disposition-1"), (1, "", "restock", "condition-1"),
                                                (2, "shiny", "restock", "condition-2"),
                                                (1, "new", "burn", "disposition-1")):
        status, _, page = _inspect(signed_in, return_id, line, condition, disposition)
        assert status == 422 and f'id="{field}-error"' in page, (condition, disposition)
    status, _, page = _inspect(signed_in, return_id, 1, "new", "restock", "x" * 501)
    assert status == 422 and 'id="note-1-error"' in page
    status, _, page = _post(signed_in, return_id, "inspect", {"line": "7", "disposition-7": "missing"})
    assert status == 422 and "names no item of this return" in page
    assert all(line.disposition is None for line in _stored(container, return_id).lines)


def test_a_step_the_state_forbids_is_refused_with_the_state_shown(
    signed_in: FlaskClient, container: Container
) -> None:
    return_id = open_in_store(signed_in, lines=[{**L1, "quantity": 1}])
    status, _, page = _inspect(signed_in, return_id, 1, "", "missing")
    assert status == 409 and "cannot be done while the return is in this state" in page
    assert "Approved: waiting for the items" in page
    with container.uow() as uow:  # the next return waits for review
        set_policy(uow, SHOP, Policy(name="review", default_action=Decision.REVIEW,
                                     methods=frozenset({ReturnMethod.IN_STORE})))
        uow.commit()
    waiting = open_in_store(signed_in, lines=[L2])
    assert _stored(container, waiting).status is ReturnStatus.REQUESTED
    page = signed_in.get(f"/store/{SHOP}/returns/{waiting}").get_data(as_text=True)
    assert "cannot be received before it is approved" in page and "Receive all" not in page
    status, _, page = _post(signed_in, waiting, "receive", {"all": "1"})
    assert status == 409 and "cannot be done while the return is in this state" in page
    assert _stored(container, waiting).status is ReturnStatus.REQUESTED
    assert _stored(container, waiting).received_quantity == 0


def test_nothing_more_expected(signed_in: FlaskClient, container: Container) -> None:
    return_id = open_in_store(signed_in, lines=[L2])
    _post(signed_in, return_id, "receive", {"all": "1"})
    status, _, page = _post(signed_in, return_id, "receive", {"all": "1"})
    assert status == 422 and "Nothing more is expected for this return." in page
    assert _stored(container, return_id).received_quantity == 1


def test_forms_without_the_sessions_token_are_refused(signed_in: FlaskClient, client: FlaskClient,
                                                      container: Container, staff_key: str) -> None:
    return_id = open_in_store(signed_in)
    path = f"/store/{SHOP}/returns/{return_id}"
    assert signed_in.post(f"{path}/receive", data={"all": "1"}).status_code == 400
    old_token = page_token(signed_in, path)
    other = client.application.test_client()
    sign_in(other, staff_key)  # another session of the same key: its own tokens
    answer = other.post(f"{path}/receive", data={"all": "1", "csrf": old_token})
    assert answer.status_code == 400 and "open for too long" in answer.get_data(as_text=True)
    assert _stored(container, return_id).received_quantity == 0


def test_a_form_token_expires(signed_in: FlaskClient, container: Container, clock: object) -> None:
    return_id = open_in_store(signed_in)
    path = f"/store/{SHOP}/returns/{return_id}"
    token = csrf_of(signed_in.get(path).get_data(as_text=True))
    for _ in range(3):  # the session is kept alive; the page's token is not
        clock.now += timedelta(minutes=50)  # type: ignore[attr-defined]
        assert signed_in.get("/store/shop-a/").status_code == 200
    assert signed_in.post(f"{path}/receive", data={"all": "1", "csrf": token}).status_code == 400


def test_french_staff_get_french_errors(signed_in: FlaskClient) -> None:
    return_id = open_in_store(signed_in)
    status, _, page = _post(signed_in, return_id, "receive", {"qty-1": "9"}, headers={"Accept-Language": "fr-FR"})
    assert status == 422 and '<html lang="fr"' in page
    assert "Enter a whole number" not in page and "Receive" not in page


def test_an_unknown_return_is_a_page_not_found(signed_in: FlaskClient) -> None:
    answer = signed_in.get(f"/store/{SHOP}/returns/RNOPE")
    assert answer.status_code == 404 and "<html" in answer.get_data(as_text=True)
    answer = signed_in.post(f"/store/{SHOP}/returns/RNOPE/receive", data={"all": "1"})
    assert answer.status_code == 404
