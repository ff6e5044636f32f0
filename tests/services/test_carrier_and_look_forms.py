"""The carrier account and the shop's look and language as forms of the settings page (issue 20): read and checked
field by field, saved through the same services as the command line, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from connector.bootstrap import Container
from connector.branding import BrandingChoices, contrast_ratio, readable_shade
from connector.config.model import Config, ShopDeclaration
from connector.domain import Platform, ReturnMethod
from connector.domain.shipping import CarrierCapability
from connector.services.carrier_form import SET_IN_ADMIN, carrier_form_of, read_carrier_form
from connector.services.carriers import (
    carrier_summary,
    remove_carrier,
    set_carrier,
    shop_carrier,
    sync_declared_carrier,
)
from connector.services.look_form import look_form, read_look_form, save_look
from connector.services.portal_settings import portal_branding
from connector.store.crypto import CredentialCipher
from connector.store.errors import UnknownShop
from tests.factories import NOW

SHOP = "shop-a"
ADDRESS = "atelier.myshopify.com"
SENDCLOUD = {
    "carrier": ["sendcloud"],
    "credentials": ["public_key = SETTINGS_TEST_SC_PUBLIC\n\nsecret_key=SETTINGS_TEST_SC_SECRET"],
    "options": ["base_url = http://127.0.0.1:9/api\ncontract = 4242\nlabel = \"4242\""],
    "address-name": ["Entrepôt"], "address-street": ["Rue de la Gare"], "address-house_number": ["5"],
    "address-postal_code": ["69001"], "address-city": ["Lyon"], "address-country": ["fr"],
    "methods-0-country": ["fr"], "methods-0-methods": ["prepaid_label", "relay_point"],
    "methods-3-country": ["default"], "methods-3-methods": ["prepaid_label"],
    "refund_on_first_scan": ["1"],
}


def with_(data: dict[str, list[str]], **changes: str | list[str]) -> dict[str, list[str]]:
    copy = dict(data)
    for name, value in changes.items():
        copy[name.replace("__", "-")] = value if isinstance(value, list) else [value]
    return copy


@pytest.fixture
def container(engine: Engine) -> Iterator[Container]:
    config = Config(shops=(ShopDeclaration(platform="shopify", address=ADDRESS, name="Atelier (config)",
                                           branding=BrandingChoices(accent_colour="#1a4d8f")),))
    built = Container(config, _cipher=CredentialCipher([CredentialCipher.generate_key()]), clock=lambda: NOW)
    built.__dict__["engine"] = engine
    with built.uow() as uow:
        uow.shops.add(Platform.SHOPIFY, ADDRESS, shop_id=SHOP, name="Atelier", locale="en")
        uow.commit()
    yield built


def test_a_carrier_account_is_read_from_the_form_and_shown_back_as_it_was_typed() -> None:
    form = read_carrier_form(SENDCLOUD)
    assert form.errors == {}
    account = form.account
    assert account is not None and account.source == SET_IN_ADMIN
    assert account.credentials_env == {"public_key": "SETTINGS_TEST_SC_PUBLIC", "secret_key": "SETTINGS_TEST_SC_SECRET"}
    assert account.options == {"base_url": "http://127.0.0.1:9/api", "contract": 4242, "label": "4242"}
    assert account.methods_for("FR") == ("prepaid_label", "relay_point")
    assert account.methods_for("BE") == ("prepaid_label",)
    assert account.return_address is not None and account.return_address.country == "FR"
    assert account.refund_on_first_scan
    shown = carrier_form_of(account)
    assert shown.rows("methods") == range(3)
    again = read_carrier_form({name: list(values) for name, values in shown.values.items()})
    assert again.errors == {} and again.account == account


CARRIER_MISTAKES = [
    ("carrier", "ups-by-pigeon", "choice"),
    ("carrier", "", "required"),
    ("credentials", "public_key = sc_public", "env_name"),
    ("credentials", "public_key", "name_value"),
    ("options", "Base-URL = x", "option_name"),
    ("address__country", "France", "country"),
    ("methods__0__country", "FRA", "country"),
    ("methods__3__country", "FR", "country_twice"),
    ("methods__0__methods", [], "choose_one"),
    ("methods__0__methods", ["by_drone"], "choice"),
]


@pytest.mark.parametrize(("name", "typed", "code"), CARRIER_MISTAKES, ids=[f"{n}:{c}" for n, _, c in CARRIER_MISTAKES])
def test_each_carrier_mistake_is_marked_on_its_field(name: str, typed: str | list[str], code: str) -> None:
    form = read_carrier_form(with_(SENDCLOUD, **{name: typed}))
    field = name.replace("__", "-")
    assert form.account is None
    assert field in form.errors and form.errors[field].code == code, form.errors


def test_what_the_carrier_cannot_do_is_said_on_the_field_in_the_schemas_words() -> None:
    form = read_carrier_form({"carrier": ["self_issued"], "methods-0-country": ["FR"],
                              "methods-0-methods": ["relay_point"]})
    assert form.errors["methods-0-methods"].code == "invalid"
    assert "relay_point" in str(form.errors["methods-0-methods"].params["detail"])
    assert "warehouse" in str(form.errors["address-name"].params["detail"])


def test_the_account_saved_from_the_form_is_the_shops_and_no_config_sync_replaces_it(container: Container) -> None:
    account = read_carrier_form(SENDCLOUD).account
    assert account is not None
    set_carrier(container, SHOP, account)
    assert shop_carrier(container, SHOP) == account
    with container.uow() as uow:
        assert not sync_declared_carrier(uow, SHOP, None, NOW), "set on the page: the config does not remove it"
        uow.commit()
    summary = carrier_summary(container, SHOP)
    assert summary.account == account
    assert set(summary.missing_env) == {"SETTINGS_TEST_SC_PUBLIC", "SETTINGS_TEST_SC_SECRET"}
    assert CarrierCapability.SERVICE_POINTS in summary.capabilities
    assert summary.offered["FR"] == (ReturnMethod.PREPAID_LABEL,), "the policy offers labels only"
    assert remove_carrier(container, SHOP) == account
    assert carrier_summary(container, SHOP).account is None
    with pytest.raises(UnknownShop):
        carrier_summary(container, "shop-zz")


def test_the_look_form_shows_what_the_shop_set_and_what_is_in_force(container: Container) -> None:
    form = look_form(container, SHOP)
    assert form.value("accent_colour") == "" and form.value("locale") == "en"
    assert form.in_force is not None and form.in_force.accent_colour == "#1a4d8f"  # the config's
    assert form.in_force.shop_name == "Atelier"


LOOK_MISTAKES = [
    ("accent_colour", "#ffee00", "colour_contrast"),
    ("accent_colour", "blue", "colour_format"),
    ("policy_url", "http://atelier.example/returns", "https_url"),
    ("contact_url", "javascript:alert(1)", "https_url"),
    ("logo_url", "//evil.example/logo.png", "logo_url"),
    ("shop_name", "x" * 101, "shop_name"),
    ("locale", "de", "choice"),
]


@pytest.mark.parametrize(("name", "typed", "code"), LOOK_MISTAKES, ids=[f"{n}:{c}" for n, _, c in LOOK_MISTAKES])
def test_each_look_mistake_is_marked_on_its_field(name: str, typed: str, code: str) -> None:
    form = read_look_form({"locale": ["fr"], name: [typed]})
    assert form.choices is None
    assert form.errors[name].code == code
    assert form.value(name) == typed


def test_a_colour_too_light_comes_with_a_readable_shade_of_the_same_hue() -> None:
    problem = read_look_form({"locale": ["en"], "accent_colour": ["#ffee00"]}).errors["accent_colour"]
    assert problem.params["shade"] == readable_shade("#ffee00")
    assert contrast_ratio(str(problem.params["shade"]), "#ffffff") >= 4.5 > float(str(problem.params["ratio"]))


def test_the_look_and_language_saved_are_the_portals(container: Container) -> None:
    form = read_look_form({"shop_name": [" "], "accent_colour": ["0B6E4F"], "logo_url": ["/static/logo.png"],
                           "policy_url": [""], "contact_url": ["https://atelier.example/contact"], "locale": ["fr"]})
    assert form.errors == {} and form.choices is not None and form.locale == "fr"
    save_look(container, SHOP, form.choices, form.locale)
    in_force = portal_branding(container, SHOP)
    assert (in_force.shop_name, in_force.accent_colour, in_force.logo_url) == ("Atelier", "#0b6e4f", "/static/logo.png")
    assert in_force.contact_url == "https://atelier.example/contact"
    with container.uow() as uow:
        assert uow.shops.get(SHOP).locale == "fr"
    shown = look_form(container, SHOP)
    assert (shown.value("accent_colour"), shown.value("shop_name"), shown.value("locale")) == ("#0b6e4f", "", "fr")
    save_look(container, SHOP, BrandingChoices(), "en")  # everything emptied: the config's colour again
    assert portal_branding(container, SHOP).accent_colour == "#1a4d8f"
    with pytest.raises(UnknownShop):
        save_look(container, "shop-zz", BrandingChoices(), "en")
