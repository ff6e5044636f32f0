"""Screen 1: the lookup form, its answers and its limits."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.portal_pages.conftest import SHOP, lookup


def test_the_form_is_served_in_the_browser_language(client: FlaskClient) -> None:
    page = client.get(f"/portal/{SHOP}/", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<html lang="fr"' in html
    assert 'autocomplete="email"' in html


def test_a_found_order_leads_to_its_lines(client: FlaskClient) -> None:
    status, _, location = lookup(client)
    assert status == 303
    assert location.startswith(f"/portal/{SHOP}/o/")
    assert client.get(location).status_code == 200
