"""A shop's ``[shops.carrier]`` in the config file: read strictly (errors name the key, file and line, as every
config error does), checked against what the carrier can do, and synced into ``shop_carriers`` as source
``config`` without ever touching an account set with ``returns-connector carriers add`` (source ``cli``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Engine

from connector.bootstrap import Container
from connector.carrier_settings import FROM_CLI, FROM_CONFIG, ShopCarrier
from connector.cli.main import main
from connector.config import ConfigError, load_config_text
from connector.config.model import Config
from connector.domain import Platform
from connector.domain.shipping import PostalAddress
from connector.services.carriers import set_carrier, shop_carrier
from connector.services.shops import find_shop, sync_declared_shops
from connector.store.crypto import CredentialCipher
from tests.factories import NOW

SHOP = '[[shops]]\nplatform = "shopify"\naddress = "a.myshopify.com"\n'
SENDCLOUD = SHOP + """
[shops.carrier]
key = "sendcloud"
credentials_env = { public_key = "ACME_SC_PUBLIC", secret_key = "ACME_SC_SECRET" }
options = { base_url = "http://127.0.0.1:8083/api", option_code = "colissimo:return/dropoff", contract = 4242 }
refund_on_first_scan = true

[shops.carrier.return_address]
name = "Entrepôt Retours"
company = "Maison Lumen"
street = "ZA des Gones"
house_number = "12"
postal_code = "69007"
city = "Lyon"
country = "FR"

[shops.carrier.methods]
FR = ["prepaid_label", "relay_point", "in_store"]
default = ["prepaid_label"]
"""
ADDRESS = 'return_address = { name = "E", street = "ZA", postal_code = "69007", city = "Lyon", country = "FR" }\n'
SELF_ISSUED = SHOP + '\n[shops.carrier]\nkey = "self_issued"\n' + ADDRESS  # the table's header is line 5


def test_the_carrier_table_is_read_as_the_shops_config_account() -> None:
    carrier = load_config_text(SENDCLOUD, "shops.toml", environ={}).shops[0].carrier
    assert carrier is not None
    assert (carrier.carrier, carrier.source) == ("sendcloud", FROM_CONFIG)
    assert carrier.credentials_env == {"public_key": "ACME_SC_PUBLIC", "secret_key": "ACME_SC_SECRET"}
    assert carrier.options == {"base_url": "http://127.0.0.1:8083/api", "option_code": "colissimo:return/dropoff",
                               "contract": 4242}
    assert carrier.return_address == PostalAddress("Entrepôt Retours", "ZA des Gones", "69007", "Lyon", "FR",
                                                   house_number="12", company="Maison Lumen")
    assert carrier.methods_for("fr") == ("prepaid_label", "relay_point", "in_store")
    assert carrier.methods_for("BE") == ("prepaid_label",)  # the default entry
    assert carrier.refund_on_first_scan
    assert carrier.missing_env({"ACME_SC_PUBLIC": "pk"}) == ["ACME_SC_SECRET"]
    assert load_config_text(SHOP, "shops.toml", environ={}).shops[0].carrier is None


@pytest.mark.parametrize(
    ("edit", "key", "line", "message"),
    [
        (('key = "sendcloud"', 'key = "ups"'), "shops[0].carrier.key", 6,
         "unknown carrier 'ups'; the installed carriers are: self_issued, sendcloud"),
        (('country = "FR"', 'country = "France"'), "shops[0].carrier.return_address.country", 18,
         "ISO 3166-1 alpha-2"),
        (('city = "Lyon"\n', ''), "shops[0].carrier.return_address.city", 11, "Missing data"),
        (('city = "Lyon"', 'town = "Lyon"'), "shops[0].carrier.return_address.town", 17, "Unknown field"),
        (('FR = ["prepaid_label"', 'FR = ["by_post"'), "shops[0].carrier.methods.FR", 21,
         "not a return method: by_post"),
        (('FR = [', 'fr = ['), "shops[0].carrier.methods.fr", 21, "country code such as FR, or default"),
        (('default = ["prepaid_label"]', 'default = []'), "shops[0].carrier.methods.default", 22,
         "must be a list of return methods"),
        (('"ACME_SC_SECRET"', '"acme-secret"'), "shops[0].carrier.credentials_env.secret_key", 7,
         "environment variable name"),
        (('contract = 4242', 'contract = [{ id = 4242 }]'), "shops[0].carrier.options.contract", 8,
         "a text, a number, a boolean, a date"),
        (('contract = 4242', 'relay_option_codes = { colissimo = 4242 }'),
         "shops[0].carrier.options.relay_option_codes.colissimo", 8, "must be a text"),
        (('contract = 4242', 'relay_option_codes = { "Mondial Relay" = "mondial_relay:return/dropoff" }'),
         "shops[0].carrier.options.relay_option_codes.Mondial Relay", 8, "must be a name"),
        (('refund_on_first_scan = true', 'refund_on_first_scan = "yes"'), "shops[0].carrier.refund_on_first_scan",
         9, "Not a valid boolean"),
        (('refund_on_first_scan = true', 'webhook = true'), "shops[0].carrier.webhook", 9, "Unknown field"),
    ],
)
def test_a_bad_carrier_value_names_key_file_and_line(edit: tuple[str, str], key: str, line: int,
                                                     message: str) -> None:
    text = SENDCLOUD.replace(*edit)
    assert text != SENDCLOUD
    with pytest.raises(ConfigError) as caught:
        load_config_text(text, "shops.toml", environ={})
    problems = [p for p in caught.value.problems if p.key == key]
    assert [(p.file, p.line) for p in problems] == [("shops.toml", line)], caught.value.problems
    assert message in problems[0].message


@pytest.mark.parametrize(
    ("text", "key", "line", "message"),
    [
        (SHOP + '\n[shops.carrier]\nkey = "self_issued"\n', "shops[0].carrier.return_address", 5,
         "self_issued prints labels, which need the warehouse address"),
        (SELF_ISSUED + 'methods = { FR = ["prepaid_label", "relay_point"] }\n', "shops[0].carrier.methods.FR", 8,
         "self_issued cannot serve relay_point (it lacks service_points)"),
        (SELF_ISSUED + 'methods = { default = ["home_pickup"] }\n', "shops[0].carrier.methods.default", 8,
         "self_issued cannot serve home_pickup (it lacks home_pickup)"),
        (SELF_ISSUED + "refund_on_first_scan = true\n", "shops[0].carrier.refund_on_first_scan", 8,
         "self_issued follows no parcel: there is no first scan"),
    ],
    ids=["no-warehouse", "relay-point", "pickup", "first-scan"],
)
def test_what_the_carrier_cannot_do_is_refused_by_key(text: str, key: str, line: int, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config_text(text, "shops.toml", environ={})
    [problem] = caught.value.problems
    assert (problem.key, problem.line) == (key, line) and message in problem.message


def test_options_are_kept_as_json_holds_them_dates_as_text() -> None:
    text = SENDCLOUD.replace("contract = 4242", 'contract = 4242, pickup_closed_dates = [2026-12-25, "2027-01-01"]')
    carrier = load_config_text(text, "shops.toml", environ={}).shops[0].carrier
    assert carrier is not None and carrier.options["pickup_closed_dates"] == ["2026-12-25", "2027-01-01"]


def test_a_table_of_relay_options_per_network_is_kept() -> None:
    relays = ('relay_option_codes = { mondial_relay = "mondial_relay:return/dropoff", '
              'colissimo = "colissimo:return/relay" }')
    text = SENDCLOUD.replace("contract = 4242", relays)
    carrier = load_config_text(text, "shops.toml", environ={}).shops[0].carrier
    assert carrier is not None and carrier.options["relay_option_codes"] == {
        "mondial_relay": "mondial_relay:return/dropoff", "colissimo": "colissimo:return/relay"}


def test_a_self_issued_carrier_may_offer_labels_and_the_store() -> None:
    text = SELF_ISSUED + 'methods = { default = ["prepaid_label", "in_store"] }\n'
    carrier = load_config_text(text, "shops.toml", environ={}).shops[0].carrier
    assert carrier is not None and carrier.methods_for("DE") == ("prepaid_label", "in_store")


def test_the_examples_commented_carrier_is_valid_once_uncommented() -> None:
    """The commented ``[shops.carrier]`` of config.example.toml, uncommented, is a valid Sendcloud account."""
    text = (Path(__file__).parents[2] / "config.example.toml").read_text(encoding="utf-8")
    start = text.index("# [shops.carrier]\n")
    end = text.index("\n[[shops]]", start)
    block = "\n".join(re.sub(r"^# (\[shops\.carrier|[a-z_]+ = |FR = |default = )", r"\1", line)
                      for line in text[start:end].splitlines())
    uncommented = text[:start] + block + text[end:]
    assert uncommented.count("\n[shops.carrier") == 4
    carrier = load_config_text(uncommented, "config.example.toml", environ={}).shops[0].carrier
    assert carrier is not None and carrier.carrier == "sendcloud"
    assert carrier.options["base_url"] == "http://127.0.0.1:8083/api"
    assert set(carrier.options["relay_option_codes"]) == {"mondial_relay", "colissimo"}
    assert carrier.return_address is not None and carrier.methods_for("FR") is not None


def test_check_config_warns_of_a_carrier_credential_not_set(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ACME_SC_PUBLIC", raising=False)
    monkeypatch.setenv("ACME_SC_SECRET", "sk")
    file = tmp_path / "shops.toml"
    file.write_text(SENDCLOUD)
    assert main(["check-config", str(file)]) == 0
    out = capsys.readouterr().out
    assert "warning: shops[0].carrier.credentials_env: environment variable ACME_SC_PUBLIC is not set" in out
    assert "ACME_SC_SECRET" not in out


# -- the sync into shop_carriers, on SQLite and PostgreSQL ------------------------------------------------------


def _container(engine: Engine, text: str) -> Container:
    built = Container(load_config_text(text, "shops.toml", environ={}),
                      _cipher=CredentialCipher([CredentialCipher.generate_key()]), clock=lambda: NOW)
    built.__dict__["engine"] = engine
    return built


@pytest.fixture
def declared(engine: Engine) -> Iterator[Container]:
    yield _container(engine, SENDCLOUD)


def _with_config(container: Container, text: str) -> Container:
    """The same database, the process restarted on an edited file."""
    config: Config = load_config_text(text, "shops.toml", environ={})
    again = replace(container, config=config)
    again.__dict__["engine"] = container.engine
    return again


def test_the_configs_carrier_is_synced_as_source_config_and_follows_the_file(declared: Container) -> None:
    sync_declared_shops(declared, environ={})
    shop = find_shop(declared, "a.myshopify.com")
    stored = shop_carrier(declared, shop.id)
    assert stored == declared.config.shops[0].carrier and stored is not None and stored.source == FROM_CONFIG
    edited = _with_config(declared, SENDCLOUD.replace('default = ["prepaid_label"]', 'default = ["relay_point"]'))
    sync_declared_shops(edited, environ={})
    changed = shop_carrier(edited, shop.id)
    assert changed is not None and changed.methods_for("DE") == ("relay_point",)
    sync_declared_shops(_with_config(declared, SHOP), environ={})  # the table removed from the file
    assert shop_carrier(declared, shop.id) is None


def test_an_account_set_by_hand_is_never_replaced_nor_removed_by_a_sync(declared: Container) -> None:
    sync_declared_shops(declared, environ={})
    shop = find_shop(declared, "a.myshopify.com")
    by_hand = ShopCarrier("self_issued", {"return_address": {"name": "E", "street": "ZA", "postal_code": "69007",
                                                             "city": "Lyon", "country": "FR"}}, {}, FROM_CLI)
    previous = set_carrier(declared, shop.id, by_hand)
    assert previous is not None and previous.source == FROM_CONFIG
    sync_declared_shops(declared, environ={})
    assert shop_carrier(declared, shop.id) == by_hand
    sync_declared_shops(_with_config(declared, SHOP), environ={})
    assert shop_carrier(declared, shop.id) == by_hand


def test_a_shop_dropped_from_the_file_keeps_no_account_of_the_configs(declared: Container) -> None:
    sync_declared_shops(declared, environ={})
    shop = find_shop(declared, "a.myshopify.com")
    with declared.uow() as uow:
        other = uow.shops.add(Platform.SHOPIFY, "b.myshopify.com")
        uow.commit()
    set_carrier(declared, other.id, replace(declared.config.shops[0].carrier or ShopCarrier("x"), source=FROM_CLI))
    other_file = SENDCLOUD.replace("a.myshopify.com", "c.myshopify.com")
    sync_declared_shops(_with_config(declared, other_file), environ={})
    assert shop_carrier(declared, shop.id) is None  # a is no longer declared: the config's account goes
    assert shop_carrier(declared, other.id) is not None  # b's was set by hand
    third = find_shop(declared, "c.myshopify.com")
    assert shop_carrier(declared, third.id) is not None
