"""The pickup screen after "Pickup at your home": the carrier's windows (the shop's Sendcloud promise: 3 working
days from tomorrow, 09:00-18:00 in Paris) on the customer's clock and in their language; the window chosen goes
to the review; a window the carrier did not offer is refused; a carrier without pickup offers no such method."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient

from carriers.sendcloud.pickup import PickupSlots
from connector.bootstrap import Container
from tests.factories import NOW
from tests.portal.review.portal_app import SHOP, access, draft, text_of
from tests.portal_logistics.conftest import sendcloud_account, use_carrier
from tests.portal_logistics.flow import choose_method, draft_of, method_url, post_form, radio_values

DAYS = {
    "fr-FR": ["mercredi 11 mars 2026", "jeudi 12 mars 2026", "vendredi 13 mars 2026"],
    "en-GB": ["Wednesday, 11 March 2026", "Thursday, 12 March 2026", "Friday, 13 March 2026"],
}
HOURS = {"fr-FR": "09:00\u2009\u2013\u200918:00", "en-GB": "09:00\u201318:00"}
BOTH = pytest.mark.parametrize("customer_locale", ["fr-FR", "en-GB"])


@BOTH
def test_the_carriers_windows_on_the_customers_clock(app: Flask, client: FlaskClient, customer_locale: str) -> None:
    location = choose_method(app, client, "home_pickup")
    assert "/pickup?" in location
    page = client.get(location).get_data(as_text=True)
    offered = PickupSlots(days=3).windows(NOW)  # the adapter's own computation, as the oracle
    assert radio_values(page, "window") == [window.starts_at.isoformat() for window in offered]
    assert offered[0].starts_at == datetime(2026, 3, 11, 8, tzinfo=UTC)  # 09:00 in Paris
    said = text_of(page)
    for day in DAYS[customer_locale]:
        assert f"{day}, {HOURS[customer_locale]}" in said


@BOTH
def test_the_chosen_window_goes_to_the_review(app: Flask, client: FlaskClient, customer_locale: str) -> None:
    page = client.get(choose_method(app, client, "home_pickup")).get_data(as_text=True)
    status, _answer, review = post_form(client, page, window=radio_values(page, "window")[2])
    assert status == 303 and "/review?" in review
    chosen = draft_of(app, review).pickup
    assert chosen is not None and chosen.starts_at == datetime(2026, 3, 13, 8, tzinfo=UTC)
    said = text_of(client.get(review).get_data(as_text=True))
    assert f"{DAYS[customer_locale][2]}, {HOURS[customer_locale]}" in said
    assert ("Changer le jour d\u2019enlèvement" if customer_locale == "fr-FR" else "Change the pickup day") in said


@BOTH
@pytest.mark.parametrize("sent", [{}, {"window": "2026-03-14T08:00:00+00:00"}, {"window": "tomorrow"}])
def test_a_window_not_offered_is_refused(
    app: Flask, client: FlaskClient, customer_locale: str, sent: dict[str, str]
) -> None:
    page = client.get(choose_method(app, client, "home_pickup")).get_data(as_text=True)
    status, answer, _location = post_form(client, page, **sent)
    assert status == 422
    assert 'href="#window"' in answer and 'aria-describedby="window-error"' in answer
    expected = "Choisissez quand le transporteur peut passer." if customer_locale == "fr-FR" else "Choose when"
    assert expected in text_of(answer)


def test_the_review_sends_a_pickup_draft_without_its_window_to_the_pickup_screen(
    app: Flask, client: FlaskClient
) -> None:
    answer = client.get(f"/portal/{SHOP}/o/{access(app)}/review", query_string={"d": draft(app, method="home_pickup")})
    assert answer.status_code == 303 and "/pickup?" in answer.headers["Location"]


def test_a_carrier_without_pickup_does_not_offer_it(
    container: Container, app: Flask, client: FlaskClient, carrier_url: str
) -> None:
    use_carrier(container, sendcloud_account(carrier_url, pickup_option_code=""))
    page = client.get(method_url(app), query_string={"d": draft(app, method=None)}).get_data(as_text=True)
    assert re.findall(r'name="method" value="([a-z_]+)"', page) == ["prepaid_label", "relay_point", "in_store"]
    answer = client.get(f"/portal/{SHOP}/o/{access(app)}/pickup", query_string={"d": draft(app, method="home_pickup")})
    assert answer.status_code == 303 and "/review?" in answer.headers["Location"], "nothing to pick: on to the review"


def test_the_self_issued_carrier_offers_the_label_and_the_store_only(
    container: Container, app: Flask, client: FlaskClient
) -> None:
    from connector.carrier_settings import ShopCarrier

    use_carrier(container, ShopCarrier("self_issued", {}))
    page = client.get(method_url(app), query_string={"d": draft(app, method=None)}).get_data(as_text=True)
    assert re.findall(r'name="method" value="([a-z_]+)"', page) == ["prepaid_label", "in_store"]
    assert "/review?" in choose_method(app, client, "prepaid_label")
