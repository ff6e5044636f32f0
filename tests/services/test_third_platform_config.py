"""A third platform is declared in the config file like the built-in two: its own ``[acme]`` table and its
``[[shops]]`` entries, validated and spelled by what it hands over (``tests.third_platform.CONFIG_SECTION``), then
registered by the same service as theirs; no module of ``connector/`` names it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from connector import providers
from connector.bootstrap import Container
from connector.config import ConfigError, load_config_text
from connector.config.model import Config
from connector.services.shops import sync_declared_shops
from connector.store.crypto import CredentialCipher
from tests.factories import NOW
from tests.third_platform import ACME, PROVIDER, SECRET_CREDENTIAL, AcmeSettings, settings_of

FILE = """\
[app]
environment = "test"

[acme]
region = "us"
poll_every_seconds = 60

[[shops]]
platform = "acme"
address = " Candles.ACME.test "
currency = "USD"
credentials_env = { signing_secret = "ACME_CANDLES_SECRET" }
"""


@pytest.fixture
def acme_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    """Acme is known for this test only: the registry is process-wide, so it is restored afterwards."""
    monkeypatch.setattr(providers, "_providers", dict(providers._providers))
    providers.register(PROVIDER)


def _load(text: str) -> Config:
    """As the process loads its file, with the sections of every registered platform (Acme is registered in code,
    not installed as a plugin)."""
    return load_config_text(text, "acme.toml", environ={}, sections=providers.config_sections())


def test_the_acme_table_and_shop_are_read_with_its_own_settings_and_spelling(acme_registered: None) -> None:
    config = _load(FILE)
    assert settings_of(config) == AcmeSettings(region="us", poll_every_seconds=60)
    assert PROVIDER.poll_interval(config) == 60
    assert [(s.platform, s.address, s.currency) for s in config.shops] == [(ACME, "candles.acme.test", "USD")]
    assert settings_of(_load("")) == AcmeSettings()  # no table: its defaults
    assert PROVIDER.config_section is not None
    assert PROVIDER.config_section.warnings_for(config) == ["acme.region: us stores are polled from the eu"]


@pytest.mark.parametrize(
    ("edit", "key", "line", "message"),
    [
        (("poll_every_seconds = 60", "poll_every_seconds = 5"), "acme.poll_every_seconds", 6, "greater than or equal"),
        (("region = \"us\"", "region = \"mars\""), "acme.region", 5, "Must be one of"),
        (("region = \"us\"", "colour = \"red\""), "acme.colour", 5, "Unknown field"),
        (("Candles.ACME.test", "candles.example.com"), "shops[0].address", 10, "not an Acme store"),
    ],
)
def test_a_bad_acme_value_names_its_key_file_and_line(acme_registered: None, edit: tuple[str, str], key: str,
                                                      line: int, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        _load(FILE.replace(*edit))
    [problem] = caught.value.problems
    assert (problem.key, problem.file, problem.line) == (key, "acme.toml", line)
    assert message in problem.message


def test_without_acme_registered_its_table_and_shops_are_refused() -> None:
    """The installed platforms alone (the loader's default): Acme is no plugin of this installation."""
    assert ACME not in providers.config_sections()
    with pytest.raises(ConfigError) as caught:
        load_config_text(FILE, "acme.toml", environ={})
    found = {p.key: (p.line, p.message) for p in caught.value.problems}
    assert found["acme"] == (4, "Unknown field.")
    assert found["shops[0].platform"] == (9, "Must be one of: shopify, woocommerce.")


@pytest.fixture
def container(engine: Engine, acme_registered: None) -> Iterator[Container]:
    built = Container(_load(FILE), _cipher=CredentialCipher([CredentialCipher.generate_key()]), clock=lambda: NOW)
    built.__dict__["engine"] = engine
    yield built


def test_a_declared_acme_shop_is_registered_with_its_credentials_once(container: Container) -> None:
    environ = {"ACME_CANDLES_SECRET": "candles-own-secret"}
    with container.uow() as uow:
        assert uow.shops.find(ACME, "candles.acme.test") is None
    assert sync_declared_shops(container, environ) == 1
    assert sync_declared_shops(container, environ) == 0
    with container.uow() as uow:
        shop = uow.shops.find(ACME, "candles.acme.test")
        assert shop is not None
        assert (shop.platform, shop.currency) == (ACME, "USD")
        assert uow.shops.credentials(shop.id) == {SECRET_CREDENTIAL: "candles-own-secret"}
    assert container.provider_for(shop.platform) is PROVIDER
