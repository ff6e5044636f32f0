"""Screen 1: the lookup form, its answers in the customer's language, its token and its limits."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from connector.api.settings import LOOKUP_LIMIT
from tests.portal_pages.conftest import EMAIL, SHOP, csrf_of, hidden_fields, lines_url, lookup

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}


def test_the_form_has_labelled_fields_that_accept_autofill(client: FlaskClient) -> None:
    html = client.get(f"/portal/{SHOP}/").get_data(as_text=True)
    assert '<html lang="en"' in html
    assert '<label for="order_number">Order number</label>' in html
    assert '<label for="email">E-mail address</label>' in html
    assert 'autocomplete="email"' in html
    assert "onpaste" not in html
    assert 'name="csrf"' in html


def test_the_form_speaks_the_browser_language(client: FlaskClient) -> None:
    html = client.get(f"/portal/{SHOP}/", headers=FRENCH).get_data(as_text=True)
    assert '<html lang="fr"' in html
    assert "Numéro de commande" in html
    assert "Retrouver ma commande" in html


def test_the_switcher_changes_the_language_and_its_links_keep_it(client: FlaskClient) -> None:
    english = client.get(f"/portal/{SHOP}/").get_data(as_text=True)
    to_french = re.search(r'<a lang="fr" hreflang="fr" href="([^"]+)"', english)
    assert to_french is not None
    html = client.get(to_french.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert '<html lang="fr"' in html
    assert 'name="lang"' in html  # the form carries the choice on to the next page
    assert 'name="lang"' not in english  # a language nobody chose is not carried


def test_a_found_order_leads_to_its_lines_with_a_signed_access(client: FlaskClient) -> None:
    status, _, location = lookup(client, number=" 1001 ", email=" ANA@example.com ")
    assert status == 303
    assert location.startswith(f"/portal/{SHOP}/o/")
    assert client.get(location).status_code == 200


def test_unknown_order_and_wrong_email_get_the_same_answer(client: FlaskClient) -> None:
    unknown = lookup(client, number="#9999")
    wrong = lookup(client, email="eve@example.com")
    assert unknown[0] == wrong[0] == 404
    assert _without_tokens(unknown[1]) == _without_tokens(wrong[1])
    assert "We could not find an order with this number and e-mail address" in wrong[1]
    assert 'role="alert"' in wrong[1]
    assert 'value="eve@example.com"' in wrong[1]  # nothing to type again


def test_invalid_fields_come_back_marked_in_french(client: FlaskClient) -> None:
    status, html, _ = lookup(client, number="   ", email="not-an-address", headers=FRENCH)
    assert status == 422
    assert '<html lang="fr"' in html
    assert 'role="alert"' in html
    assert 'id="order_number-error"' in html and 'id="email-error"' in html
    number_input = re.search(r'<input id="order_number"[^>]*>', html, re.S)
    assert number_input is not None
    assert 'aria-invalid="true"' in number_input.group(0)
    assert 'aria-describedby="order_number-hint order_number-error"' in number_input.group(0)
    assert "Saisissez une adresse e-mail de la forme nom@exemple.fr." in html
    assert 'href="#email"' in html  # the summary leads to the field


def test_a_form_without_our_token_is_shown_again(client: FlaskClient) -> None:
    for token in ("", "forged", _other_purpose_token(client)):
        answer = client.post(f"/portal/{SHOP}/lookup", data={"csrf": token, "order_number": "#1001", "email": EMAIL})
        assert answer.status_code == 400
        assert "This form was open for too long" in answer.get_data(as_text=True)


def test_lookups_are_limited_with_the_api_in_one_allowance(client: FlaskClient) -> None:
    for _ in range(LOOKUP_LIMIT // 2):
        api = client.post(f"/api/v1/portal/{SHOP}/lookup", json={"order_number": "#1001", "email": "eve@example.com"})
        assert api.status_code == 404
    for _ in range(LOOKUP_LIMIT - LOOKUP_LIMIT // 2):
        assert lookup(client, email="eve@example.com")[0] == 404
    form = client.get(f"/portal/{SHOP}/").get_data(as_text=True)
    refused = client.post(
        f"/portal/{SHOP}/lookup", data={"csrf": csrf_of(form), "order_number": "#1001", "email": EMAIL}
    )
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert "Too many attempts" in refused.get_data(as_text=True)


def test_an_unknown_shop_gets_a_page_not_found(client: FlaskClient) -> None:
    answer = client.get("/portal/no-such-shop/")
    assert answer.status_code == 404
    assert answer.mimetype == "text/html"
    assert "Page not found" in answer.get_data(as_text=True)


def test_the_stylesheet_is_served_under_the_portal(client: FlaskClient) -> None:
    html = client.get(f"/portal/{SHOP}/").get_data(as_text=True)
    href = re.search(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert href is not None and href.group(1) == f"/portal/{SHOP}/static/base.css"
    assert client.get(href.group(1)).status_code == 200


def _without_tokens(html: str) -> str:
    """The page without what differs by design: the values typed, the signed tokens, the links carrying them."""
    return re.sub(r'(value|href)="[^"]*"', "", html)


def _other_purpose_token(client: FlaskClient) -> str:
    """A value we signed, but for the language switcher: worthless as a form token."""
    html = client.get(f"/portal/{SHOP}/").get_data(as_text=True)
    found = re.search(r'href="[^"]*\?lang=([^"&]+)"', html)
    assert found is not None
    return found.group(1)


def test_a_chosen_language_follows_the_customer_past_the_lookup(client: FlaskClient) -> None:
    """Shop B's customer speaks French (the order says so): without a choice their order's page is French, but
    a language chosen with the switcher on the lookup wins, carried by the form to the next page."""
    assert '<html lang="fr"' in client.get(lines_url(client, shop="shop-b")).get_data(as_text=True)
    start = client.get("/portal/shop-b/").get_data(as_text=True)
    to_english = re.search(r'<a aria-current="true" lang="en" href="([^"]+)"', start)
    assert to_english is not None
    form = client.get(to_english.group(1).replace("&amp;", "&")).get_data(as_text=True)
    answer = client.post("/portal/shop-b/lookup", data={**hidden_fields(form), "order_number": "#1001", "email": EMAIL})
    assert answer.status_code == 303
    assert '<html lang="en"' in client.get(answer.headers["Location"]).get_data(as_text=True)
