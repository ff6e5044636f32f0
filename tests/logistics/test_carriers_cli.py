"""``returns-connector carriers add|list|test|remove``, in process, on SQLite and PostgreSQL: the Sendcloud
adapter is tested against the sandbox carrier over real HTTP, the self-issued one draws its label in memory, and
no secret ever reaches the output."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from demo.cli import main  # the installed command: connector's commands (carriers among them), demo and sandbox
from sandboxes.carrier.app import start_in_thread
from sandboxes.carrier.carrier import CarrierOptions

PUBLIC, SECRET = "pk-cli-test", "sk-cli-very-secret"
WAREHOUSE = """\
name = "Entrepôt Retours"
company = "Maison Lumen"
street = "ZA des Gones"
house_number = "12"
postal_code = "69007"
city = "Lyon"
country = "FR"
"""
SELF_ISSUED_SHOP = """
[[shops]]
platform = "shopify"
address = "declared.myshopify.com"

[shops.carrier]
key = "self_issued"
return_address = { name = "Atelier", street = "1 rue Oberkampf", postal_code = "75011", city = "Paris", country = "FR" }
methods = { default = ["prepaid_label", "in_store"] }
"""

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def carrier_url() -> Iterator[str]:
    """The sandbox carrier (Sendcloud's shapes) on a free port; the adapter's base_url is its /api."""
    base_url, _app, stop = start_in_thread(CarrierOptions(public_key=PUBLIC, secret_key=SECRET))
    yield f"{base_url}/api"
    stop()


@pytest.fixture
def run(tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> Run:
    """``returns-connector --config FILE ARGS...`` -> (exit code, stdout, stderr), with the shop declared in the
    file and the Sendcloud keys in the environment."""
    config = tmp_path / "config.toml"
    config.write_text(f'[app]\nenvironment = "test"\ndata_dir = "{tmp_path}"\n' + SELF_ISSUED_SHOP)
    (tmp_path / "warehouse.toml").write_text(WAREHOUSE)
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("ACME_SC_PUBLIC", PUBLIC)
    monkeypatch.setenv("ACME_SC_SECRET", SECRET)
    monkeypatch.setenv("ACME_SC_WRONG", "sk-wrong")
    monkeypatch.chdir(tmp_path)

    def invoke(*args: str) -> tuple[int, str, str]:
        code = main(["--config", str(config), *args])
        out, err = capsys.readouterr()
        assert "Traceback" not in err and SECRET not in out + err
        return code, out, err

    code, out, _err = invoke("shops", "add", "--platform", "shopify", "--address", "cli.myshopify.com")
    assert code == 0, out
    return invoke


def _sendcloud(run: Run, base_url: str, *extra: str) -> tuple[int, str, str]:
    return run("carriers", "add", "cli.myshopify.com", "--carrier", "sendcloud",
               "--credential", "public_key=ACME_SC_PUBLIC", "--credential", "secret_key=ACME_SC_SECRET",
               "--option", f"base_url={base_url}", "--option", "option_code=colissimo:return/dropoff",
               "--option", "contract=4242", "--return-address-file", "warehouse.toml",
               "--methods", "FR=prepaid_label,relay_point", "--methods", "default=prepaid_label",
               "--refund-on-first-scan", *extra)


def _listed(run: Run) -> dict[str, dict[str, object]]:
    code, out, _err = run("carriers", "list", "--json")
    assert code == 0
    return {row["address"]: row for row in json.loads(out)}


def test_a_sendcloud_account_added_by_hand_is_listed_and_answers_the_test(run: Run, carrier_url: str) -> None:
    code, out, err = _sendcloud(run, carrier_url)
    assert code == 0, err
    assert "carrier sendcloud set" in out and "warning" not in err
    row = _listed(run)["cli.myshopify.com"]
    assert (row["carrier"], row["source"], row["refund_on_first_scan"]) == ("sendcloud", "cli", True)
    assert row["capabilities"] == ["cancel", "label_pdf", "service_points", "tracking_webhooks"]
    assert row["methods"] == {"FR": ["prepaid_label", "relay_point"], "default": ["prepaid_label"]}
    assert row["offered"] == {"FR": ["prepaid_label"], "default": ["prepaid_label"]}  # the default policy's one
    assert row["credentials_env"] == {"public_key": "ACME_SC_PUBLIC", "secret_key": "ACME_SC_SECRET"}
    assert row["missing_env"] == []
    code, out, err = run("carriers", "test", "cli.myshopify.com")
    assert code == 0, err
    # Colissimo's points only: the account's relay returns go with its one option, colissimo:return/dropoff.
    assert out.startswith("OK: cli.myshopify.com: sendcloud answered: 2 relay point(s) near 69007 FR; nearest ")


def test_a_carrier_that_refuses_or_cannot_be_reached_fails_the_test_cleanly(run: Run, carrier_url: str) -> None:
    assert _sendcloud(run, carrier_url)[0] == 0
    assert run("carriers", "add", "cli.myshopify.com", "--carrier", "sendcloud",
               "--credential", "public_key=ACME_SC_PUBLIC", "--credential", "secret_key=ACME_SC_WRONG",
               "--option", f"base_url={carrier_url}", "--option", "option_code=colissimo:return/dropoff",
               "--return-address-file", "warehouse.toml")[0] == 0
    code, out, err = run("carriers", "test", "cli.myshopify.com")
    assert (code, out) == (1, "")
    assert err.startswith("FAILED: cli.myshopify.com: ") and "401" in err
    unreachable = "http://127.0.0.1:9/api"  # the discard port: nothing listens
    assert _sendcloud(run, unreachable)[0] == 0
    code, _out, err = run("carriers", "test", "cli.myshopify.com")
    assert code == 1 and err.startswith("FAILED: cli.myshopify.com: ")


def test_a_credential_variable_not_set_is_a_warning_then_the_test_names_it(run: Run, carrier_url: str,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ACME_SC_SECRET")
    code, out, err = _sendcloud(run, carrier_url)
    assert code == 0 and "carrier sendcloud set" in out
    assert "warning: --credential secret_key: environment variable ACME_SC_SECRET is not set" in err
    assert _listed(run)["cli.myshopify.com"]["missing_env"] == ["ACME_SC_SECRET"]
    code, _out, err = run("carriers", "test", "cli.myshopify.com")
    assert code == 1 and "environment variable(s) not set: ACME_SC_SECRET" in err


def test_the_configs_self_issued_carrier_draws_a_label_in_memory(run: Run) -> None:
    row = _listed(run)["declared.myshopify.com"]
    assert (row["carrier"], row["source"], row["capabilities"]) == ("self_issued", "config", ["label_pdf"])
    assert _listed(run)["cli.myshopify.com"]["carrier"] is None
    code, out, err = run("carriers", "test", "declared.myshopify.com")
    assert code == 0, err
    assert "self_issued drew a sample A6 label in memory" in out and "nothing was sent" in out
    code, out, _err = run("carriers", "list")
    assert "carrier:      self_issued (source config)" in out
    assert "carrier:      none (the policy's methods are offered; no label is made)" in out
    code, _out, err = run("carriers", "test", "cli.myshopify.com")
    assert code == 1 and "has no carrier" in err


def test_an_account_by_hand_wins_over_the_configs_until_removed(run: Run, carrier_url: str) -> None:
    code, out, _err = run("carriers", "add", "declared.myshopify.com", "--carrier", "self_issued",
                          "--return-address-file", "warehouse.toml", "--methods", "default=in_store")
    assert code == 0 and "replacing self_issued, source config" in out
    row = _listed(run)["declared.myshopify.com"]  # the listing syncs the config first: the hand-set one stays
    assert (row["source"], row["methods"]) == ("cli", {"default": ["in_store"]})
    code, out, _err = run("carriers", "remove", "declared.myshopify.com")
    assert code == 0 and "carrier self_issued removed" in out
    row = _listed(run)["declared.myshopify.com"]
    assert (row["source"], row["methods"]) == ("config", {"default": ["prepaid_label", "in_store"]})


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (("--carrier", "ups"), "error: --carrier: unknown carrier 'ups'; the installed carriers are: self_issued, "
                               "sendcloud"),
        (("--carrier", "self_issued", "--return-address-file", "warehouse.toml", "--methods", "FR=relay_point"),
         "error: --methods FR: self_issued cannot serve relay_point (it lacks service_points)"),
        (("--carrier", "self_issued", "--return-address-file", "warehouse.toml", "--methods", "fr=prepaid_label"),
         "error: --methods fr: must be an ISO 3166-1 alpha-2 country code such as FR, or default"),
        (("--carrier", "self_issued", "--return-address-file", "warehouse.toml", "--methods", "FR=by_post"),
         "error: --methods FR: not a return method: by_post"),
        (("--carrier", "self_issued", "--return-address-file", "warehouse.toml", "--return-address", "country=fr"),
         "error: --return-address country: must be an ISO 3166-1 alpha-2 country code such as FR"),
        (("--carrier", "self_issued", "--return-address", "name=Atelier"),
         "error: --return-address city: Missing data for required field."),
        (("--carrier", "self_issued"),
         "error: --return-address: required: self_issued prints labels, which need the warehouse address"),
        (("--carrier", "sendcloud", "--credential", "secret_key=sk-in-clear", "--return-address-file",
          "warehouse.toml"), "error: --credential secret_key: must be an environment variable name"),
        (("--carrier", "sendcloud", "--option", "Base=1", "--return-address-file", "warehouse.toml"),
         "error: --option Base: must be a name such as base_url"),
        (("--carrier", "self_issued", "--refund-on-first-scan", "--return-address-file", "warehouse.toml"),
         "error: --refund-on-first-scan: self_issued follows no parcel: there is no first scan"),
    ],
    ids=["unknown", "unserved", "country", "method", "iso", "missing", "no-warehouse", "secret", "option", "scan"],
)
def test_add_refuses_what_the_config_refuses(run: Run, flags: tuple[str, ...], expected: str) -> None:
    code, out, err = run("carriers", "add", "cli.myshopify.com", *flags)
    assert (code, out) == (2, "")
    assert any(line.startswith(expected) for line in err.splitlines()), err
    assert _listed(run)["cli.myshopify.com"]["carrier"] is None


def test_help_names_the_carriers_command_and_its_actions(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "carriers" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["carriers", "--help"])
    out = capsys.readouterr().out
    assert "returns-connector carriers" in out and all(a in out for a in ("add", "list", "test", "remove"))
