"""Screen 5, ``/portal/<shop_id>/r/<tracking>``: the confirmation after Confirm, then the tracking page, which
keeps working after the return closes and shows the money already paid, in the customer's language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from connector.bootstrap import Container
from connector.domain.events import Actor
from connector.domain.money import Money
from connector.domain.states import ReturnStatus
from connector.pages.portal.draft import DraftLine
from connector.pages.portal.tracking_link import tracking_token
from tests.portal.review.portal_app import (
    ORDER,
    SHOP,
    Clock,
    access,
    csrf_of,
    draft,
    signer_of,
    text_of,
    use_policy,
)

FRENCH = {"Accept-Language": "fr-FR"}
ENGLISH = {"Accept-Language": "en-GB"}
WORKER = Actor.system("executor")


def confirmed(app: Flask, client: FlaskClient, *lines: DraftLine, method: str = "prepaid_label") -> str:
    """Confirm a return through the review page; the confirmation's address."""
    token = draft(app, *lines, method=method)
    review = f"/portal/{SHOP}/o/{access(app)}/review"
    page = client.get(review, query_string={"d": token}).get_data(as_text=True)
    sent = client.post(review, data={"csrf": csrf_of(page), "d": token})
    assert sent.status_code == 303, sent.get_data(as_text=True)
    return sent.headers["Location"]


def the_return_id(container: Container) -> str:
    with container.uow() as uow:
        [found] = uow.returns(SHOP).for_order(ORDER)
    return found.id


@pytest.mark.parametrize(("headers", "title", "next_step"), [
    (FRENCH, "Votre retour est enregistré", "Dépôt en point relais\u00a0: La boutique vous enverra par e-mail une"),
    (ENGLISH, "Your return is registered", "Drop-off at a relay point: The shop will e-mail you a label"),
])
def test_the_confirmation_gives_the_number_the_link_and_what_happens_next(
    container: Container, app: Flask, client: FlaskClient, headers: dict[str, str], title: str, next_step: str
) -> None:
    use_policy(container, {"methods": ["prepaid_label", "relay_point"]})
    location = confirmed(app, client, method="relay_point")
    html = client.get(location, headers=headers).get_data(as_text=True)
    words = text_of(html)
    assert title in words and the_return_id(container) in words
    assert next_step in words
    tracking_path = location.split("?", 1)[0]
    assert f'href="{tracking_path}"' in html
    assert f'href="/portal/{SHOP}/policy"' in html, "the confirmation links to the policy page"


def test_a_review_decision_says_to_wait(container: Container, app: Flask, client: FlaskClient) -> None:
    use_policy(container, {"default_action": "review"})
    words = text_of(client.get(confirmed(app, client), headers=ENGLISH).get_data(as_text=True))
    assert "Waiting for the shop to review it" in words and "Do not send anything yet." in words


def test_the_tracking_page_after_the_return_is_closed(container: Container, app: Flask, client: FlaskClient) -> None:
    use_policy(container, {"keep_item": {"below": {"EUR": "50"}}})
    location = confirmed(app, client, DraftLine("L1", 1, "size_too_small", outcome="keep"))
    return_id = the_return_id(container)
    clock = container.clock
    assert isinstance(clock, Clock)
    clock.now += timedelta(days=1)
    with container.uow() as uow:  # what the worker records once the shop confirmed the refund, then the close
        repo = uow.returns(SHOP)
        found = repo.get(return_id)
        assert found is not None and found.status is ReturnStatus.RESOLVED
        found.record_money_moved(WORKER, clock.now, "refund", Money("36.00", "EUR"))
        found.close(WORKER, clock.now)
        repo.save(found)
        uow.commit()
    clock.now += timedelta(days=200)
    answer = client.get(location.split("?", 1)[0], headers=ENGLISH)
    assert answer.status_code == 200
    words = text_of(answer.get_data(as_text=True))
    assert "Closed" in words and "This return is closed." in words
    assert "Refund paid: €36.00" in words and "Paid so far: €36.00" in words
    assert "Return requested" in words and "Return settled" in words and "Return closed" in words
    french = text_of(client.get(location.split("?", 1)[0], headers=FRENCH).get_data(as_text=True))
    assert "Remboursement effectué\u00a0: 36,00\u00a0€" in french and "Ce retour est clôturé." in french


def test_a_tampered_tracking_link_shows_a_way_to_start_again(app: Flask, client: FlaskClient) -> None:
    answer = client.get(f"/portal/{SHOP}/r/not-a-token", headers=FRENCH)
    assert answer.status_code == 400
    assert f'href="/portal/{SHOP}/"' in answer.get_data(as_text=True)


def test_a_tracking_link_of_another_shop_is_refused(app: Flask, client: FlaskClient) -> None:
    token = tracking_token(signer_of(app), "shop-b", "R1")
    assert client.get(f"/portal/{SHOP}/r/{token}").status_code == 400


def test_a_return_that_does_not_exist_is_not_found(app: Flask, client: FlaskClient) -> None:
    token = tracking_token(signer_of(app), SHOP, "RNOSUCH")
    answer = client.get(f"/portal/{SHOP}/r/{token}", headers=ENGLISH)
    assert answer.status_code == 404
    assert "Page not found" in text_of(answer.get_data(as_text=True))


def test_an_exchange_waiting_for_payment_shows_where_to_pay_until_it_is_paid(
    container: Container, app: Flask, client: FlaskClient
) -> None:
    use_policy(container, {"default_action": "review"})
    location = confirmed(app, client)
    return_id = the_return_id(container)
    clock = container.clock
    assert isinstance(clock, Clock)
    pay_here = "https://shop.example/checkout/order-pay/77?key=wc_order_x"
    with container.uow() as uow:  # what the executor notes when the exchange order waits for the customer
        repo = uow.returns(SHOP)
        found = repo.get(return_id)
        assert found is not None
        found.note(WORKER, clock.now, "awaiting the customer's payment of 12.50 EUR for the exchange order",
                   {"platform_id": "77", "amount_due": "12.50 EUR", "payment_url": pay_here})
        repo.save(found)
        uow.commit()
    page = client.get(location.split("?", 1)[0], headers=FRENCH).get_data(as_text=True)
    assert f'href="{pay_here}"' in page
    assert "il attend votre paiement de 12,50\u00a0€" in text_of(page)
    with container.uow() as uow:  # the shop marked the order paid: the exchange is recorded, the wait is over
        repo = uow.returns(SHOP)
        found = repo.get(return_id)
        assert found is not None
        found.record_money_moved(WORKER, clock.now, "exchange", Money("12.50", "EUR"))
        repo.save(found)
        uow.commit()
    assert pay_here not in client.get(location.split("?", 1)[0], headers=ENGLISH).get_data(as_text=True)
