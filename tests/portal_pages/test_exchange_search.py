"""Screen 2's exchange for another product: a title search per line, sent with the whole form (no JavaScript),
whose results come back as radios with their price difference and stock, every choice made so far kept; the
draft names the replacement's product, and only a policy that allows another product offers the search."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from connector.bootstrap import Container
from connector.domain.exchange_options import ExchangeOption
from connector.domain.money import Money
from connector.pages.portal.draft import DraftLine
from connector.policy import Decision, Policy
from connector.policy.model import ExchangeScope, Outcomes
from tests.fakes import FakeShop
from tests.portal_pages.conftest import csrf_of, draft_in, hidden_fields, lines_url, use_policy

ANY_PRODUCT = Policy(name="shop now", default_action=Decision.APPROVE,
                     outcomes=Outcomes(exchange_scope=ExchangeScope.ANY_PRODUCT))
FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9"}


def _sweater(variant_id: str, title: str, price: str, stock: int) -> ExchangeOption:
    return ExchangeOption(variant_id, "P-2", "Sweater", title, (("Size", title[0]),), Money(price, "EUR"), stock)


@pytest.fixture
def fake_shops(fake_shops: dict[str, FakeShop]) -> dict[str, FakeShop]:
    """``shop-a`` also sells a sweater: M / Blue (dearer, in stock) and L / Blue (sold out)."""
    shop = fake_shops["shop-a"]
    sweaters = [_sweater("V-SM", "M / Blue", "50.00", 3), _sweater("V-SL", "L / Blue", "50.00", 0)]
    fake_shops["shop-a"] = replace(shop, catalogue=shop.catalogue + sweaters)
    return fake_shops


def send(web: FlaskClient, url: str, page: str, fields: dict[str, str], headers: dict[str, str] | None = None,
         ) -> TestResponse:
    """The page's form as a browser sends it: its hidden fields (token, draft) and ``fields``."""
    return web.post(url, data={**hidden_fields(page), **fields}, headers=headers or {},
                    content_type="multipart/form-data")


CHOSEN = {"l0-return": "1", "l0-qty": "1", "l0-reason": "size_too_small", "l0-note": "Too tight",
          "l0-outcome": "exchange", "l0-search": "swea"}


def searched(web: FlaskClient, headers: dict[str, str] | None = None) -> tuple[str, str]:
    url = lines_url(web)
    page = web.get(url, headers=headers or {}).get_data(as_text=True)
    answer = send(web, url, page, {**CHOSEN, "find": "0"}, headers)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return url, answer.get_data(as_text=True)


def test_a_search_shows_other_products_as_radios_with_difference_and_stock(
    container: Container, client: FlaskClient
) -> None:
    use_policy(container, ANY_PRODUCT)
    _, html = searched(client)
    assert re.search(r'<input type="radio" id="l0-pick-1" name="l0-pick" value="V-SM">\s*'
                     r'<label for="l0-pick-1">Sweater — M / Blue\s*<span class="hint">€50.00 · €14.00 to pay', html)
    assert re.search(r'id="l0-pick-2" name="l0-pick" value="V-SL" disabled>\s*<label[^>]*>Sweater — L / Blue'
                     r'\s*<span class="hint">€50.00 · out of stock', html)
    assert "There is a problem" not in html, "a search is not a submission: nothing is marked wrong yet"


def test_a_search_keeps_every_choice_already_made(container: Container, client: FlaskClient) -> None:
    use_policy(container, ANY_PRODUCT)
    _, html = searched(client)
    assert re.search(r'id="l0-return" name="l0-return" value="1" checked', html)
    assert re.search(r'<option value="size_too_small" selected>', html)
    assert ">Too tight</textarea>" in html
    assert re.search(r'id="l0-outcome-exchange" name="l0-outcome" value="exchange"\s*checked', html)
    assert 'name="l0-search" value="swea"' in html


def test_picking_a_found_item_puts_its_product_in_the_draft_and_the_review_names_it(
    container: Container, client: FlaskClient
) -> None:
    use_policy(container, ANY_PRODUCT)
    url, html = searched(client)
    answer = send(client, url, html, {**CHOSEN, "l0-pick": "V-SM"})
    assert answer.status_code == 303, answer.get_data(as_text=True)
    draft = draft_in(answer.headers["Location"], client)
    assert draft.lines == (DraftLine("L1", 1, "size_too_small", "Too tight", "exchange", "V-SM",
                                     exchange_product_id="P-2", exchange_title=("Sweater", "M / Blue")),)
    method = client.get(answer.headers["Location"]).get_data(as_text=True)
    review = send(client, answer.headers["Location"], method, {"method": "prepaid_label"})
    assert review.status_code == 303, review.get_data(as_text=True)
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get(review.headers["Location"]).get_data(as_text=True)))
    assert "Replacement Sweater — M / Blue" in words
    assert "Confirm my return" in words


def test_coming_back_to_the_items_shows_the_found_item_still_picked(container: Container, client: FlaskClient) -> None:
    use_policy(container, ANY_PRODUCT)
    url, html = searched(client)
    answer = send(client, url, html, {**CHOSEN, "l0-pick": "V-SM"})
    token = answer.headers["Location"].split("d=", 1)[1]
    back = client.get(f"{url}?d={token}").get_data(as_text=True)
    assert re.search(r'name="l0-pick" value="V-SM"\s*checked', back)
    assert 'name="l0-search" value="Sweater"' in back


def test_a_sold_out_found_item_comes_back_marked(container: Container, client: FlaskClient) -> None:
    use_policy(container, ANY_PRODUCT)
    url, html = searched(client, FRENCH)
    answer = send(client, url, html, {**CHOSEN, "l0-pick": "V-SL"}, FRENCH)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert 'id="l0-pick-error"' in page
    assert re.search(r'name="l0-pick" value="V-SL" disabled\s*aria-invalid="true"', page)


def test_a_search_that_finds_nothing_says_so(container: Container, client: FlaskClient) -> None:
    use_policy(container, ANY_PRODUCT)
    url = lines_url(client)
    page = client.get(url).get_data(as_text=True)
    html = send(client, url, page, {**CHOSEN, "l0-search": "umbrella", "find": "0"}).get_data(as_text=True)
    assert "No item matches “umbrella”." in html and 'name="l0-pick"' not in html


def test_without_another_product_in_the_policy_there_is_no_search(client: FlaskClient) -> None:
    url = lines_url(client)
    page = client.get(url).get_data(as_text=True)
    assert 'name="l0-search"' not in page
    html = send(client, url, page, {**CHOSEN, "find": "0"}).get_data(as_text=True)
    assert "Sweater" not in html, "a search sent anyway is not run"
    forged = send(client, url, page, {**CHOSEN, "l0-pick": "V-SM"})
    assert forged.status_code == 422 and 'id="l0-variant-error"' not in forged.get_data(as_text=True)


def test_the_review_names_a_same_product_replacement(container: Container, client: FlaskClient) -> None:
    url = lines_url(client)
    page = client.get(url).get_data(as_text=True)
    answer = send(client, url, page, {"l0-return": "1", "l0-qty": "1", "l0-reason": "size_too_small",
                                      "l0-outcome": "exchange", "l0-variant": "V-M"})
    assert answer.status_code == 303, answer.get_data(as_text=True)
    method = client.get(answer.headers["Location"]).get_data(as_text=True)
    review = send(client, answer.headers["Location"], method, {"method": "prepaid_label"})
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get(review.headers["Location"]).get_data(as_text=True)))
    assert "Replacement Shirt — M" in words


def test_a_token_less_search_is_refused(container: Container, client: FlaskClient) -> None:
    use_policy(container, ANY_PRODUCT)
    url = lines_url(client)
    answer = client.post(url, data={**CHOSEN, "find": "0"}, content_type="multipart/form-data")
    assert answer.status_code == 400 and "Sweater" not in answer.get_data(as_text=True)
    assert csrf_of(answer.get_data(as_text=True))


def test_confirming_opens_the_exchange_for_the_other_product(container: Container, client: FlaskClient) -> None:
    use_policy(container, ANY_PRODUCT)
    url, html = searched(client)
    chosen = send(client, url, html, {**CHOSEN, "l0-pick": "V-SM"})
    method = client.get(chosen.headers["Location"]).get_data(as_text=True)
    review_url = send(client, chosen.headers["Location"], method, {"method": "prepaid_label"}).headers["Location"]
    review = client.get(review_url).get_data(as_text=True)
    confirmed = send(client, review_url, review, {})
    assert confirmed.status_code == 303, confirmed.get_data(as_text=True)
    with container.uow() as uow:
        [opened] = uow.returns("shop-a").for_order("O1")
    [line] = opened.lines
    assert (line.resolution.exchange_variant_id, line.resolution.exchange_product_id) == ("V-SM", "P-2")
