"""The relay-point screen after "Drop-off at a relay point": the sandbox carrier's points near the order's
postcode (75011), nearest first, with address, distance and opening hours in the customer's language; a search
near another postcode; a malformed or unknown postcode marked on the form; the point chosen carried to the review.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine

from connector.bootstrap import Container
from sandboxes.carrier.points import POSTCODES, distance_m, seed_points
from tests.portal.review.portal_app import SHOP, access, draft, make_container, portal_app, text_of, use_policy
from tests.portal_logistics.conftest import (
    METHODS,
    PUBLIC_ENV,
    SECRET_ENV,
    sendcloud_account,
    shop_with,
    use_carrier,
)
from tests.portal_logistics.flow import choose_method, draft_of, post_form, radio_values, with_query

WORDS = {
    "fr-FR": {"title": "Choisissez un point relais", "near": "Points relais près de 75011",
              "weekdays": "Lundi \u2013 samedi", "sunday": "Dimanche", "closed": "Fermé",
              "hours": "Horaires d\u2019ouverture",
              "bad": "Saisissez un code postal valide, par exemple 75011.", "point": "Votre point relais",
              "none": "Nous n\u2019avons trouvé aucun point relais près de 99999.", "round": "Ouvert 24 h/24"},
    "en-GB": {"title": "Choose a relay point", "near": "Relay points near 75011", "weekdays": "Monday \u2013 Saturday",
              "sunday": "Sunday", "closed": "Closed", "hours": "Opening hours",
              "bad": "Enter a valid postcode, for example 75011.", "point": "Your relay point",
              "none": "We found no relay point near 99999.", "round": "Open 24 hours"},
}
BOTH = pytest.mark.parametrize("customer_locale", ["fr-FR", "en-GB"])


def nearest_first(postcode: str, within_m: int = 10_000) -> list[str]:
    """The seeded points' ids within ``within_m`` of the postcode's centre, nearest first: the carrier's own
    geometry (sandboxes/carrier/points.py) as the oracle."""
    _city, lat, lon = POSTCODES[postcode]
    found = sorted((distance_m(lat, lon, p.latitude, p.longitude), p.id) for p in seed_points())
    return [str(point_id) for metres, point_id in found if metres <= within_m][:10]


@BOTH
def test_the_points_near_the_orders_postcode_nearest_first(
    app: Flask, client: FlaskClient, customer_locale: str
) -> None:
    words = WORDS[customer_locale]
    location = choose_method(app, client, "relay_point")
    assert "/relay-point?" in location
    answer = client.get(location)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200, page
    said = text_of(page)
    assert words["title"] in said and words["near"] in said
    assert radio_values(page, "point") == nearest_first("75011"), "Paris's eight points, nearest first"
    assert "52 Rue de la Roquette, 75011 Paris" in said
    assert "m" in said and words["hours"] in said
    assert f"{words['weekdays']} 09:00" in said and f"{words['sunday']} {words['closed']}" in said
    assert words["round"] in said, "a locker open round the clock says so"
    assert 'id="postcode"' in page and 'value="75011"' in page


@BOTH
def test_a_search_near_another_postcode(app: Flask, client: FlaskClient, customer_locale: str) -> None:
    location = choose_method(app, client, "relay_point")
    page = client.get(with_query(location, postcode=" 69002 ")).get_data(as_text=True)
    assert radio_values(page, "point") == nearest_first("69002")
    assert "Fleuriste Bellecour" in text_of(page) and "Tabac de la Roquette" not in page
    assert 'value="69002"' in page, "the field shows the postcode as searched, tidied"


@BOTH
@pytest.mark.parametrize("postcode", ["ABC", "7501", "750111", "<script>", "x" * 300])
def test_a_malformed_postcode_brings_the_form_back_marked(
    app: Flask, client: FlaskClient, customer_locale: str, postcode: str
) -> None:
    location = choose_method(app, client, "relay_point")
    answer = client.get(with_query(location, postcode=postcode))
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert WORDS[customer_locale]["bad"] in text_of(page)
    assert 'aria-invalid="true" aria-describedby="postcode-hint postcode-error"' in page
    assert 'href="#postcode"' in page and "<script>" not in page


@BOTH
def test_a_postcode_with_no_point_near_it_is_marked(app: Flask, client: FlaskClient, customer_locale: str) -> None:
    location = choose_method(app, client, "relay_point")
    answer = client.get(with_query(location, postcode="99999"))
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert WORDS[customer_locale]["none"] in text_of(page) and 'name="point"' not in page


@BOTH
def test_the_chosen_point_goes_to_the_review_and_can_be_changed(
    app: Flask, client: FlaskClient, customer_locale: str
) -> None:
    location = choose_method(app, client, "relay_point")
    page = client.get(with_query(location, postcode="75002")).get_data(as_text=True)
    second = radio_values(page, "point")[1]
    status, _page, review = post_form(client, page, point=second)
    assert status == 303 and "/review?" in review
    chosen = draft_of(app, review).point
    assert chosen is not None and chosen.id == second and chosen.address.postal_code == "75002"
    assert chosen.opening_hours[1] and chosen.distance_m is not None
    said = text_of(client.get(review).get_data(as_text=True))
    assert WORDS[customer_locale]["point"] in said and chosen.name in said
    again = client.get(review.replace("/review?", "/relay-point?")).get_data(as_text=True)
    assert f'value="{second}" id="point-2" aria-describedby="point-2-where" checked' in again


@BOTH
def test_no_point_or_a_point_not_listed_is_refused(app: Flask, client: FlaskClient, customer_locale: str) -> None:
    page = client.get(choose_method(app, client, "relay_point")).get_data(as_text=True)
    for forged in ({}, {"point": "424242"}):
        status, answer, _location = post_form(client, page, **forged)
        assert status == 422
        assert 'href="#point"' in answer and 'aria-describedby="point-error"' in answer
    status, answer, _location = post_form(client, page, postcode="nope", point=radio_values(page, "point")[0])
    assert status == 422 and 'aria-describedby="postcode-hint postcode-error"' in answer


def test_the_review_sends_a_relay_draft_without_its_point_to_the_relay_screen(app: Flask, client: FlaskClient) -> None:
    review = f"/portal/{SHOP}/o/{access(app)}/review"
    answer = client.get(review, query_string={"d": draft(app, method="relay_point")})
    assert answer.status_code == 303 and "/relay-point?" in answer.headers["Location"]
    assert client.post(review, data={"d": draft(app, method="relay_point")}).status_code == 303


def test_a_shop_without_a_carrier_goes_from_the_method_to_the_review(
    container: Container, app: Flask, client: FlaskClient
) -> None:
    use_carrier(container, None)
    assert "/review?" in choose_method(app, client, "relay_point")


def test_a_carrier_that_does_not_answer_says_so_without_an_error_page(
    app: Flask, client: FlaskClient, carrier_url: str
) -> None:
    location = choose_method(app, client, "relay_point")
    fault = {"kind": "status", "status": 429, "count": 3, "retry_after": 600, "path_prefix": "/api/v3/service-points"}
    requests.post(f"{carrier_url}/__sandbox/faults/next", json=fault, timeout=5).raise_for_status()
    try:
        answer = client.get(location)
    finally:
        requests.delete(f"{carrier_url}/__sandbox/faults/next", timeout=5)
    assert answer.status_code == 503
    said = text_of(answer.get_data(as_text=True))
    assert "Les points relais ne peuvent pas être affichés pour le moment" in said
    assert 'id="postcode"' in answer.get_data(as_text=True), "the search form is still there"


def test_a_draft_for_another_method_is_sent_back_to_the_method_screen(app: Flask, client: FlaskClient) -> None:
    answer = client.get(f"/portal/{SHOP}/o/{access(app)}/relay-point", query_string={"d": draft(app)})
    assert answer.status_code == 303 and "/method?" in answer.headers["Location"]


def test_an_order_without_address_searches_in_the_warehouses_country(
    engine: Engine, tmp_path: Path, carrier_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PUBLIC_ENV, "pk-portal")
    monkeypatch.setenv(SECRET_ENV, "sk-portal")
    built = make_container(engine, shop_with(address=None, country=None, locale="en-GB"), tmp_path)
    use_policy(built, {"methods": METHODS})
    use_carrier(built, sendcloud_account(carrier_url))
    app = portal_app(built)
    client = app.test_client()
    location = choose_method(app, client, "relay_point")
    first = client.get(location)
    assert first.status_code == 200 and 'name="point"' not in first.get_data(as_text=True), "no postcode yet"
    assert 'id="postcode" name="postcode" type="text" value=""' in first.get_data(as_text=True)
    assert radio_values(client.get(with_query(location, postcode="75011")).get_data(as_text=True), "point")

    use_carrier(built, replace(sendcloud_account(carrier_url), settings={"options": {
        "base_url": f"{carrier_url}/api", "option_code": "colissimo:return/dropoff"}}))  # no warehouse: no country
    review = choose_method(app, client, "relay_point")
    assert "/review?" in review, "nowhere to search: nothing to pick"
    assert client.get(review).status_code == 200, "and the review does not send it back"
