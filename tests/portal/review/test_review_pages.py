"""Screens 3 (method) and 4 (review + confirm) through the Flask test client, in French and English."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from connector.bootstrap import Container
from connector.pages.portal.draft import DraftLine, unseal
from tests.portal.review.portal_app import (
    ORDER,
    SHOP,
    access,
    action_of,
    csrf_of,
    draft,
    signer_of,
    text_of,
    use_policy,
)

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9"}
ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}
METHODS = {"methods": ["prepaid_label", "relay_point", "in_store"],
           "fees": {"return_shipping": {"EUR": "4.90"},
                    "by_method": {"relay_point": {"EUR": "2.90"}, "in_store": {"EUR": "0"}}}}


def method_url(app: Flask) -> str:
    return f"/portal/{SHOP}/o/{access(app)}/method"


def review_url(app: Flask) -> str:
    return f"/portal/{SHOP}/o/{access(app)}/review"


def returns_of_order(container: Container) -> list[str]:
    with container.uow() as uow:
        return [r.id for r in uow.returns(SHOP).for_order(ORDER)]


# -- screen 3 --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("headers", "free", "relay", "post"),
                         [(FRENCH, "Gratuit", "2,90\u00a0€", "4,90\u00a0€"), (ENGLISH, "Free", "€2.90", "€4.90")])
def test_only_the_enabled_methods_are_offered_each_with_its_fee(
    container: Container, app: Flask, client: FlaskClient, headers: dict[str, str], free: str, relay: str, post: str
) -> None:
    use_policy(container, METHODS)
    page = client.get(method_url(app), query_string={"d": draft(app, method=None)}, headers=headers)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'value="prepaid_label"' in html and 'value="relay_point"' in html and 'value="in_store"' in html
    assert 'value="home_pickup"' not in html
    words = text_of(html)
    assert post in words and relay in words and free in words


def test_choosing_a_method_carries_it_to_the_review(container: Container, app: Flask, client: FlaskClient) -> None:
    use_policy(container, METHODS)
    page = client.get(method_url(app), query_string={"d": draft(app, method=None)}).get_data(as_text=True)
    sent = client.post(method_url(app), data={"csrf": csrf_of(page), "d": draft(app, method=None),
                                              "method": "relay_point"})
    assert sent.status_code == 303
    location = sent.headers["Location"]
    assert "/review?" in location
    token = location.split("d=", 1)[1].split("&", 1)[0]
    assert unseal(token, signer_of(app), SHOP, ORDER).method == "relay_point"


@pytest.mark.parametrize("picked", ["", "home_pickup", "teleport"])
def test_a_method_not_offered_comes_back_marked_in_the_customers_language(
    container: Container, app: Flask, client: FlaskClient, picked: str
) -> None:
    use_policy(container, METHODS)
    token = draft(app, method=None)
    page = client.get(method_url(app), query_string={"d": token}).get_data(as_text=True)
    sent = client.post(action_of(page), data={"csrf": csrf_of(page), "d": token, "method": picked}, headers=FRENCH)
    assert sent.status_code == 422
    html = sent.get_data(as_text=True)
    assert 'aria-invalid="true"' in html and 'id="method-error"' in html and 'role="alert"' in html
    assert "Choisissez comment renvoyer les articles." in text_of(html)
    switch = re.search(r'hreflang="en" href="([^"]+)"', html)
    assert switch is not None and "/method?" in switch.group(1) and "d=" in switch.group(1), "the draft is kept"


def test_a_method_form_without_its_token_is_shown_again(container: Container, app: Flask, client: FlaskClient) -> None:
    sent = client.post(method_url(app), data={"d": draft(app, method=None), "method": "prepaid_label"})
    assert sent.status_code == 400
    assert 'name="csrf"' in sent.get_data(as_text=True)


# -- screen 4 --------------------------------------------------------------------------------------------------


def test_the_review_waits_for_a_method(app: Flask, client: FlaskClient) -> None:
    answer = client.get(review_url(app), query_string={"d": draft(app, method=None)})
    assert answer.status_code == 303 and "/method?" in answer.headers["Location"]


@pytest.mark.parametrize(("headers", "refund", "fee", "label"), [
    (FRENCH, "31,10\u00a0€", "4,90\u00a0€", "Remboursement sur votre moyen de paiement"),
    (ENGLISH, "€31.10", "€4.90", "Refund to your original payment"),
])
def test_the_review_shows_the_refund_after_the_methods_fee(
    container: Container, app: Flask, client: FlaskClient, headers: dict[str, str], refund: str, fee: str, label: str
) -> None:
    use_policy(container, METHODS)
    page = client.get(review_url(app), query_string={"d": draft(app)}, headers=headers)
    assert page.status_code == 200
    words = text_of(page.get_data(as_text=True))
    assert label in words and refund in words and fee in words
    assert returns_of_order(container) == [], "the review opens nothing"


def test_the_review_shows_store_credit_with_its_bonus(container: Container, app: Flask, client: FlaskClient) -> None:
    use_policy(container, {"bonus": {"kind": "percent", "percent": "10", "outcomes": ["store_credit"]}})
    token = draft(app, DraftLine("L1", 1, "size_too_small", outcome="store_credit"))
    words = text_of(client.get(review_url(app), query_string={"d": token}, headers=ENGLISH).get_data(as_text=True))
    assert "Store credit €39.60 (including a bonus of €3.60)" in words


def test_the_review_shows_the_difference_to_pay_for_a_dearer_replacement(app: Flask, client: FlaskClient) -> None:
    token = draft(app, DraftLine("L1", 1, "size_too_small", outcome="exchange", exchange_variant_id="V-9"))
    words = text_of(client.get(review_url(app), query_string={"d": token}, headers=FRENCH).get_data(as_text=True))
    assert "Prix du remplacement 50,00\u00a0€" in words
    assert "À payer pour le remplacement 14,00\u00a0€" in words


def test_keeping_the_item_needs_no_parcel(container: Container, app: Flask, client: FlaskClient) -> None:
    use_policy(container, {"keep_item": {"below": {"EUR": "50"}}, "fees": {"return_shipping": {"EUR": "4.90"}}})
    token = draft(app, DraftLine("L1", 1, "size_too_small", outcome="keep"))
    words = text_of(client.get(review_url(app), query_string={"d": token}, headers=ENGLISH).get_data(as_text=True))
    assert "Nothing to send back" in words and "Keep the item" in words
    assert "Refund to your original payment €36.00" in words


def test_a_line_refused_by_the_policy_says_why_and_offers_no_confirm(app: Flask, client: FlaskClient) -> None:
    token = draft(app, DraftLine("L2", 1, "size_too_small"))
    html = client.get(review_url(app), query_string={"d": token}, headers=FRENCH).get_data(as_text=True)
    words = text_of(html)
    assert "Ce retour ne peut pas être accepté" in words
    assert "ne peut pas être retourné" in words
    assert "Confirmer mon retour" not in words


def test_under_the_eu_preset_the_statutory_refund_deadline_is_shown(
    container: Container, app: Flask, client: FlaskClient
) -> None:
    use_policy(container, {"timezone": "Europe/Paris", "eu_withdrawal": {"days": 14, "refund_days": 14}})
    token = draft(app, DraftLine("L1", 1, "unwanted"))
    words = text_of(client.get(review_url(app), query_string={"d": token}, headers=FRENCH).get_data(as_text=True))
    assert "droit légal de rétractation" in words
    assert "24 mars 2026" in words  # requested on 10 March: refunded within 14 days


# -- confirm ---------------------------------------------------------------------------------------------------


def confirm(app: Flask, client: FlaskClient, token: str) -> tuple[int, str]:
    page = client.get(review_url(app), query_string={"d": token}).get_data(as_text=True)
    sent = client.post(review_url(app), data={"csrf": csrf_of(page), "d": token})
    return sent.status_code, sent.headers.get("Location", "")


def test_confirming_opens_the_return_and_shows_its_confirmation(
    container: Container, app: Flask, client: FlaskClient
) -> None:
    status, location = confirm(app, client, draft(app))
    assert status == 303 and f"/portal/{SHOP}/r/" in location and "new=1" in location
    [opened] = returns_of_order(container)
    words = text_of(client.get(location, headers=ENGLISH).get_data(as_text=True))
    assert opened in words and "Your return is registered" in words
    assert "The shop will e-mail you a prepaid label." in words


def test_a_double_confirm_opens_one_return(container: Container, app: Flask, client: FlaskClient) -> None:
    token = draft(app)
    first = confirm(app, client, token)
    again = confirm(app, client, token)
    assert first[0] == again[0] == 303
    assert first[1] == again[1], "the second submit lands on the first return"
    assert len(returns_of_order(container)) == 1


def test_a_confirm_without_its_form_token_opens_nothing(container: Container, app: Flask, client: FlaskClient) -> None:
    sent = client.post(review_url(app), data={"d": draft(app)}, headers=FRENCH)
    assert sent.status_code == 400
    assert "trop longtemps" in text_of(sent.get_data(as_text=True))
    assert returns_of_order(container) == []


def test_units_returned_meanwhile_send_the_customer_back_to_the_items(
    container: Container, app: Flask, client: FlaskClient
) -> None:
    both = DraftLine("L1", 2, "size_too_small")
    confirm(app, client, draft(app, both))
    answer = client.get(review_url(app), query_string={"d": draft(app, both)}, headers=ENGLISH)
    assert answer.status_code == 409
    assert "Choose the items again" in text_of(answer.get_data(as_text=True))


# -- links that cannot be read ---------------------------------------------------------------------------------


@pytest.mark.parametrize("screen", ["method", "review"])
def test_a_tampered_draft_shows_a_way_to_start_again(app: Flask, client: FlaskClient, screen: str) -> None:
    token = draft(app)
    answer = client.get(f"/portal/{SHOP}/o/{access(app)}/{screen}", query_string={"d": token[:-3] + "xyz"},
                        headers=FRENCH)
    assert answer.status_code == 400
    assert f'href="/portal/{SHOP}/"' in answer.get_data(as_text=True)


def test_an_expired_draft_says_so(container: Container, app: Flask, client: FlaskClient) -> None:
    token, path = draft(app), review_url(app)
    clock = container.clock
    clock.now = clock.now.replace(hour=clock.now.hour + 3)  # type: ignore[attr-defined]
    answer = client.get(path, query_string={"d": token}, headers=ENGLISH)
    assert answer.status_code == 410
    assert "This link has expired" in text_of(answer.get_data(as_text=True))


def test_a_draft_of_another_order_is_refused(app: Flask, client: FlaskClient) -> None:
    other = signer_of(app).order_access_token(SHOP, __import__("connector.pages.signed", fromlist=["OrderAccess"])
                                              .OrderAccess("O2"))
    answer = client.get(f"/portal/{SHOP}/o/{other}/review", query_string={"d": draft(app)})
    assert answer.status_code == 400
