"""The carrier and the look settings pages (issue 20) through Flask's client, on SQLite and PostgreSQL: the ways back
offered per country, the carrier account saved with variable names only (never a secret on the page), its mistakes
marked, its removal; the portal's look and the shop's language saved and in force."""

from __future__ import annotations

import pytest

from connector.bootstrap import Container
from connector.services.carriers import shop_carrier
from connector.services.portal_settings import portal_branding
from tests.admin_settings.conftest import SHOP, Merchant, page_text

CARRIER = f"/admin/{SHOP}/settings/carrier"
LOOK = f"/admin/{SHOP}/settings/look"
SECRET = "sc-live-0123456789-very-secret"
ACCOUNT = {
    "carrier": "sendcloud",
    "credentials": "public_key = SETTINGS_PAGE_SC_PUBLIC\nsecret_key = SETTINGS_PAGE_SC_SECRET",
    "options": "base_url = http://127.0.0.1:9/api",
    "address-name": "Entrepôt Atelier", "address-street": "Rue de la Gare", "address-postal_code": "69001",
    "address-city": "Lyon", "address-country": "FR",
    "methods-0-country": "FR", "methods-0-methods": ["prepaid_label", "relay_point"],
}


def test_without_a_carrier_the_policys_ways_back_are_offered(merchant: Merchant) -> None:
    page = page_text(merchant.get(CARRIER))
    assert "Any other country" in page and "Prepaid label, by post" in page
    assert "Remove the carrier account" not in page


def test_the_account_is_saved_with_variable_names_and_no_secret_ever_shows(
    merchant: Merchant, container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SETTINGS_PAGE_SC_SECRET", SECRET)
    answer = merchant.send(CARRIER, ACCOUNT)
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/settings/carrier?done=saved")
    account = shop_carrier(container, SHOP)
    assert account is not None and account.source == "admin"
    assert account.credentials_env == {"public_key": "SETTINGS_PAGE_SC_PUBLIC", "secret_key": "SETTINGS_PAGE_SC_SECRET"}
    assert account.methods_for("FR") == ("prepaid_label", "relay_point")
    page = page_text(merchant.get(answer.headers["Location"]))
    assert "The carrier account is saved." in page
    assert "secret_key = SETTINGS_PAGE_SC_SECRET" in page
    assert "SETTINGS_PAGE_SC_PUBLIC" in page.split("not set where the app runs:")[1].split(".")[0]
    assert SECRET not in page


def test_a_secret_typed_instead_of_its_variable_is_refused_and_not_stored(
    merchant: Merchant, container: Container
) -> None:
    answer = merchant.send(CARRIER, {**ACCOUNT, "credentials": f"secret_key = {SECRET}"})
    assert answer.status_code == 422
    assert "is not the name of an environment variable" in page_text(answer)
    assert shop_carrier(container, SHOP) is None


def test_what_the_carrier_cannot_serve_is_marked_on_its_row(merchant: Merchant, container: Container) -> None:
    answer = merchant.send(CARRIER, {"carrier": "self_issued", "methods-0-country": "FR",
                                     "methods-0-methods": ["relay_point"], "address-name": "W",
                                     "address-street": "Rue", "address-postal_code": "69001",
                                     "address-city": "Lyon", "address-country": "FR"})
    assert answer.status_code == 422
    page = page_text(answer)
    assert 'href="#methods-0-methods">This is refused: self_issued cannot serve relay_point' in page
    assert shop_carrier(container, SHOP) is None


def test_the_account_is_removed(merchant: Merchant, container: Container) -> None:
    merchant.send(CARRIER, ACCOUNT)
    page = page_text(merchant.get(CARRIER))
    assert "Remove the carrier account" in page
    from tests.admin_settings.conftest import form_values

    removal = form_values(page, "/settings/carrier/remove")
    answer = merchant.web.post(f"{CARRIER}/remove", data=removal, headers=merchant.headers)
    assert answer.status_code == 303
    assert shop_carrier(container, SHOP) is None


def test_the_look_and_language_are_saved_and_in_force(merchant: Merchant, container: Container) -> None:
    page = page_text(merchant.get(LOOK))
    assert "Empty: #334155." in page, "the neutral default beside the empty field"
    answer = merchant.send(LOOK, {"accent_colour": "#0b6e4f", "contact_url": "https://shop.example/contact",
                                  "locale": "fr"})
    assert answer.status_code == 303
    in_force = portal_branding(container, SHOP)
    assert (in_force.accent_colour, in_force.contact_url) == ("#0b6e4f", "https://shop.example/contact")
    with container.uow() as uow:
        assert uow.shops.get(SHOP).locale == "fr"


def test_a_colour_too_light_comes_back_with_a_readable_shade(merchant: Merchant, container: Container) -> None:
    answer = merchant.send(LOOK, {"accent_colour": "#ffee00"})
    assert answer.status_code == 422
    page = page_text(answer)
    assert "This colour is too light to read on white" in page
    assert 'value="#ffee00"' in page
    assert portal_branding(container, SHOP).accent_colour == "#334155"
