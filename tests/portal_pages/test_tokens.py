"""Links that expired or were changed end on a friendly page with a way back to the start, never on an error."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from tests.api.conftest import Clock
from tests.portal_pages.conftest import SHOP, csrf_of, lines_url


def _friendly(answer_html: str) -> None:
    assert f'href="/portal/{SHOP}/"' in answer_html  # back to the lookup
    assert "Find my order" in answer_html


def test_an_expired_order_link_says_so_and_leads_back(client: FlaskClient, clock: Clock) -> None:
    url = lines_url(client)
    clock.now += timedelta(hours=2, minutes=1)
    answer = client.get(url)
    assert answer.status_code == 410
    html = answer.get_data(as_text=True)
    assert "This link has expired" in html
    _friendly(html)


@pytest.mark.parametrize("mangle", [
    lambda token: token[:-3] + ("abc" if not token.endswith("abc") else "xyz"),
    lambda token: token + "x",
    lambda token: "garbage",
    lambda token: token.split(".")[0],
])
def test_a_tampered_order_link_is_not_valid(client: FlaskClient, mangle) -> None:  # type: ignore[no-untyped-def]
    url = lines_url(client)
    prefix, token = url.rsplit("/", 1)
    answer = client.get(f"{prefix}/{mangle(token)}")
    assert answer.status_code == 400
    html = answer.get_data(as_text=True)
    assert "This link is not valid" in html
    _friendly(html)


def test_an_order_link_of_another_shop_is_not_valid_here(client: FlaskClient) -> None:
    url = lines_url(client)
    answer = client.get(url.replace(f"/portal/{SHOP}/", "/portal/shop-b/"))
    assert answer.status_code == 400


def test_a_tampered_draft_is_not_valid(client: FlaskClient) -> None:
    url = lines_url(client)
    assert client.get(f"{url}?d=not-a-draft").status_code == 400
    form = client.get(url).get_data(as_text=True)
    answer = client.post(url, data={"csrf": csrf_of(form), "d": "not-a-draft", "l0-return": "1"})
    assert answer.status_code == 400
    assert "This link is not valid" in answer.get_data(as_text=True)


def test_an_expired_link_is_explained_in_french(client: FlaskClient, clock: Clock) -> None:
    url = lines_url(client)
    clock.now += timedelta(hours=3)
    html = client.get(url, headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Ce lien a expiré" in html
    assert '<html lang="fr"' in html
