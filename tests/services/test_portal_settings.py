"""A shop's portal settings: neutral defaults, then the config file, then what the shop set in the app."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, update

from connector.bootstrap import Container
from connector.branding import NEUTRAL_ACCENT, Branding, BrandingChoices, InvalidBranding
from connector.config.model import Config, ShopDeclaration
from connector.domain import Platform, ReturnMethod
from connector.domain.money import Money
from connector.policy import loads
from connector.services.policies import set_policy
from connector.services.portal_settings import portal_branding, portal_settings, save_branding
from connector.store.crypto import CredentialCipher
from connector.store.errors import UnknownShop
from connector.store.tables import shop_branding
from tests.factories import NOW

SHOP = "shop-a"
ADDRESS = "atelier.myshopify.com"
DECLARED = ShopDeclaration(
    platform="shopify",
    address=ADDRESS,
    name="Atelier (config)",
    branding=BrandingChoices(
        shop_name="Atelier (config)", accent_colour="#1a4d8f", policy_url="https://atelier.example/returns"
    ),
)


def build(engine: Engine, config: Config) -> Container:
    built = Container(config, _cipher=CredentialCipher([CredentialCipher.generate_key()]), clock=lambda: NOW)
    built.__dict__["engine"] = engine
    return built


@pytest.fixture
def container(engine: Engine) -> Iterator[Container]:
    built = build(engine, Config())
    with built.uow() as uow:
        uow.shops.add(Platform.SHOPIFY, ADDRESS, shop_id=SHOP, name="Atelier")
        uow.commit()
    yield built


def test_a_shop_that_set_nothing_gets_the_neutral_defaults(container: Container) -> None:
    settings = portal_settings(container, SHOP)
    assert settings.branding == Branding(shop_name="Atelier", accent_colour=NEUTRAL_ACCENT)
    assert [(m.method, m.fee) for m in settings.methods] == [(ReturnMethod.PREPAID_LABEL, Money.zero("EUR"))]


def test_the_config_file_sets_what_it_names(container: Container) -> None:
    configured = build(container.engine, Config(shops=(DECLARED,)))
    assert portal_settings(configured, SHOP).branding == Branding(
        shop_name="Atelier (config)", accent_colour="#1a4d8f", policy_url="https://atelier.example/returns"
    )


def test_the_database_wins_over_the_config_value_by_value(container: Container) -> None:
    configured = build(container.engine, Config(shops=(DECLARED,)))
    save_branding(configured, SHOP, BrandingChoices(accent_colour="#0b6e4f", contact_url="https://atelier.example/c"))

    assert portal_settings(configured, SHOP).branding == Branding(
        shop_name="Atelier (config)",  # not set in the app: the config's
        accent_colour="#0b6e4f",  # set in both: the app's
        policy_url="https://atelier.example/returns",
        contact_url="https://atelier.example/c",
    )
    save_branding(configured, SHOP, BrandingChoices())  # forgetting the app's settings brings the config's back
    assert portal_settings(configured, SHOP).branding.accent_colour == "#1a4d8f"


def test_another_shops_settings_do_not_leak(container: Container) -> None:
    with container.uow() as uow:
        uow.shops.add(Platform.SHOPIFY, "other.myshopify.com", shop_id="shop-b", name="Other")
        uow.commit()
    save_branding(container, "shop-b", BrandingChoices(accent_colour="#0b6e4f"))
    assert portal_settings(container, SHOP).branding.accent_colour == NEUTRAL_ACCENT
    assert portal_settings(container, "shop-b").branding.accent_colour == "#0b6e4f"


def test_methods_and_fees_come_from_the_policy_in_force(container: Container) -> None:
    policy = loads(
        'name = "p"\nmethods = ["in_store", "relay_point"]\n[fees]\nreturn_shipping = { EUR = "4.90", USD = "5.95" }\n'
        '[fees.by_method]\nin_store = { EUR = "0", USD = "0" }\n'
    )
    with container.uow() as uow:
        set_policy(uow, SHOP, policy)
        uow.commit()

    settings = portal_settings(container, SHOP)
    assert [(m.method, m.fee, m.free) for m in settings.methods] == [
        (ReturnMethod.RELAY_POINT, Money("4.90", "EUR"), False),
        (ReturnMethod.IN_STORE, Money("0", "EUR"), True),
    ]
    in_dollars = portal_settings(container, SHOP, currency="USD")
    assert [m.fee for m in in_dollars.methods] == [Money("5.95", "USD"), Money("0", "USD")]


def test_an_unknown_shop_is_an_error(container: Container) -> None:
    with pytest.raises(UnknownShop):
        portal_settings(container, "nope")
    with pytest.raises(UnknownShop):
        save_branding(container, "nope", BrandingChoices(accent_colour="#0b6e4f"))


def test_a_bad_value_written_to_the_database_by_hand_is_left_out_not_shown(
    container: Container, caplog: pytest.LogCaptureFixture
) -> None:
    save_branding(container, SHOP, BrandingChoices(accent_colour="#0b6e4f", contact_url="https://atelier.example/c"))
    with container.uow() as uow:
        uow.connection.execute(update(shop_branding).values(contact_url="javascript:alert(1)"))
        uow.commit()

    branding = portal_settings(container, SHOP).branding

    assert branding.contact_url is None and branding.accent_colour == "#0b6e4f"
    assert "branding.stored-value-refused" in caplog.messages


def test_a_bad_value_is_refused_before_it_is_saved() -> None:
    with pytest.raises(InvalidBranding, match="accent_colour"):
        BrandingChoices(accent_colour="#ffcc00")


def test_a_removed_shop_takes_its_branding_with_it(container: Container) -> None:
    save_branding(container, SHOP, BrandingChoices(accent_colour="#0b6e4f"))
    with container.uow() as uow:
        uow.shops.remove(SHOP)
        uow.commit()
    with container.uow() as uow:
        assert uow.branding(SHOP).get() == BrandingChoices()


def test_the_look_alone_is_the_settings_look_without_reading_the_policy(
    container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    configured = build(container.engine, Config(shops=(DECLARED,)))
    save_branding(configured, SHOP, BrandingChoices(accent_colour="#0b6e4f"))
    expected = portal_settings(configured, SHOP).branding
    monkeypatch.setattr("connector.services.portal_settings.current_policy", _no_policy_read)
    with configured.uow() as uow:
        shop = uow.shops.get(SHOP)
    assert portal_branding(configured, SHOP) == expected
    assert portal_branding(configured, shop) == expected
    with pytest.raises(UnknownShop):
        portal_branding(configured, "nope")


def _no_policy_read(*_args: object) -> None:
    raise AssertionError("the look alone reads no policy")
