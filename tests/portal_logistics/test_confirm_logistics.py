"""From the portal's screens to the carrier: the relay point or pickup window picked is kept on the return's
shipment in the transaction that opens it, the label job (run here as the worker runs it) makes the label at the
sandbox carrier for that return, and the tracking page then shows the point or window, the tracking number and
its carrier link, and the label's links, which serve the PDFs."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from connector.bootstrap import Container
from connector.domain.actions import ActionKind
from connector.services.executor import ActionExecutor
from connector.store.actions_repo import ActionState
from tests.portal.review.portal_app import SHOP, text_of
from tests.portal_logistics.flow import choose_method, draft_of, post_form, radio_values

pytestmark = pytest.mark.e2e
BOTH = pytest.mark.parametrize("customer_locale", ["fr-FR", "en-GB"])


@pytest.fixture(autouse=True)
def _signing_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONNECTOR_SIGNING_KEY", "confirm-logistics-test-key")


def confirm(client: FlaskClient, review: str) -> str:
    page = client.get(review).get_data(as_text=True)
    status, answer, tracking = post_form(client, page)
    assert status == 303, answer
    return tracking.split("?", 1)[0]


def opened(container: Container) -> str:
    with container.uow() as uow:
        [found] = uow.returns(SHOP).for_order("O1")
    return found.id


def run(container: Container, return_id: str, kind: ActionKind) -> ActionState | None:
    with container.uow() as uow:
        [action] = [a for a in uow.actions(SHOP).for_return(return_id) if a.kind is kind]
    return ActionExecutor(container).run(SHOP, action.id)


@BOTH
def test_a_relay_point_return_from_the_screens_to_its_label(
    container: Container, app: Flask, client: FlaskClient, carrier_url: str, customer_locale: str
) -> None:
    page = client.get(choose_method(app, client, "relay_point")).get_data(as_text=True)
    status, _answer, review = post_form(client, page, point=radio_values(page, "point")[0])
    assert status == 303
    point = draft_of(app, review).point
    assert point is not None
    tracking = confirm(client, review)
    return_id = opened(container)
    with container.uow() as uow:
        shipment = uow.shipments(SHOP).for_return(return_id)
    assert shipment is not None and shipment.service_point == point and shipment.carrier == "sendcloud"
    waiting = text_of(client.get(tracking).get_data(as_text=True))
    assert point.name in waiting
    preparing = "Votre étiquette est en préparation" if customer_locale == "fr-FR" else "Your label is being prepared"
    assert preparing in waiting

    assert run(container, return_id, ActionKind.CREATE_LABEL) is ActionState.SUCCEEDED
    made = requests.get(f"{carrier_url}/__sandbox/returns", params={"external_reference": f"ret:{return_id}:label"},
                        timeout=10).json()  # fmt: skip
    assert len(made) == 1 and made[0]["order_number"] == return_id
    page = client.get(tracking).get_data(as_text=True)
    assert made[0]["tracking_number"] in text_of(page) and f'href="{made[0]["tracking_url"]}"' in page
    links = re.findall(r'<a href="([^"]+/labels/[^"]+)" download>(A[46])</a>', page)
    assert [size for _url, size in links] == ["A6", "A4"]
    for url, _size in links:
        answer = client.get(urlsplit(url).path)
        assert answer.status_code == 200 and answer.data.startswith(b"%PDF")


def test_a_pickup_return_keeps_its_window_and_plans_the_pickup(
    container: Container, app: Flask, client: FlaskClient
) -> None:
    page = client.get(choose_method(app, client, "home_pickup")).get_data(as_text=True)
    status, _answer, review = post_form(client, page, window=radio_values(page, "window")[1])
    assert status == 303
    window = draft_of(app, review).pickup
    tracking = confirm(client, review)
    return_id = opened(container)
    with container.uow() as uow:
        shipment = uow.shipments(SHOP).for_return(return_id)
        kinds = {a.kind for a in uow.actions(SHOP).for_return(return_id)}
    assert shipment is not None and shipment.pickup_window == window and shipment.method == "home_pickup"
    assert {ActionKind.CREATE_LABEL, ActionKind.BOOK_PICKUP} <= kinds
    assert "jeudi 12 mars 2026, 09:00" in text_of(client.get(tracking).get_data(as_text=True))
