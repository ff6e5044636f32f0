"""Confirm refuses what the review refused: a POST made by hand, without the review page's (hidden) button, opens
no return the policy would decline, nor a keep-the-item it would refuse; the review page comes back with why."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from connector.bootstrap import Container
from connector.pages.portal.draft import DraftLine
from tests.portal.review.portal_app import ORDER, SHOP, access, csrf_of, draft, text_of, use_policy

ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}
NO_SIZING = {"rules": [{"id": "no-sizing", "priority": 1, "action": "decline", "when": {"reasons": ["size_too_small"]},
                        "message": {"en": "Sizing returns are not accepted.", "fr": "Pas de retour pour la taille."}}]}


def review_url(app: Flask) -> str:
    return f"/portal/{SHOP}/o/{access(app)}/review"


def opened(container: Container) -> list[str]:
    with container.uow() as uow:
        return [r.id for r in uow.returns(SHOP).for_order(ORDER)]


def hand_made_confirm(app: Flask, client: FlaskClient, token: str) -> tuple[int, str]:
    """The order's form token (the items page's: the review page has no form to take it from) and the draft,
    posted to the review page without its button."""
    review = client.get(review_url(app), query_string={"d": token}, headers=ENGLISH).get_data(as_text=True)
    assert "Confirm my return" not in review, "the review page itself offers no Confirm"
    items = client.get(f"/portal/{SHOP}/o/{access(app)}").get_data(as_text=True)
    sent = client.post(review_url(app), data={"csrf": csrf_of(items), "d": token}, headers=ENGLISH)
    return sent.status_code, sent.get_data(as_text=True)


def test_a_declined_return_posted_by_hand_is_not_opened(container: Container, app: Flask, client: FlaskClient) -> None:
    use_policy(container, NO_SIZING)
    status, page = hand_made_confirm(app, client, draft(app))
    assert status == 422
    words = text_of(page)
    assert "There is a problem Sizing returns are not accepted." in words
    assert "This return cannot be accepted" in words and "Confirm my return" not in words
    assert opened(container) == []


def test_a_refused_keep_the_item_posted_by_hand_is_not_opened(
    container: Container, app: Flask, client: FlaskClient
) -> None:
    use_policy(container, {"keep_item": {"below": {"EUR": "10"}}})
    status, page = hand_made_confirm(app, client, draft(app, DraftLine("L1", 1, "size_too_small", outcome="keep")))
    assert status == 422
    assert "You will need to send the items back" in text_of(page)
    assert opened(container) == []
