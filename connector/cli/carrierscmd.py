"""``carriers add|list|test|remove``: each shop's carrier account (labels, relay points, pickup, tracking).

The flags build the same table as the config's ``[shops.carrier]`` and are checked by the same schema
(``connector.config.carrier_schema``), so both refuse the same values with the same words; an account added here
(source ``cli``) wins over the config's and no config sync replaces it. Credentials are never given on the command
line: ``--credential NAME=ENV_VAR`` names the variable that holds each, and only the names are stored.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from pathlib import Path
from typing import Any

from marshmallow import ValidationError

from connector.bootstrap import Container
from connector.carrier_settings import FROM_CLI
from connector.cli.common import Subparsers, container_from
from connector.config.carrier_schema import CarrierSchema, carrier_from
from connector.config.loader import error_paths
from connector.domain.orders import Shop
from connector.errors import ConfigError, ConnectorError
from connector.services import carriers as service
from connector.services.carrier_check import check_carrier
from connector.services.shops import find_shop, sync_declared_shops
from connector.store.migrate import upgrade

FLAGS = {
    "key": "--carrier",
    "credentials_env": "--credential",
    "options": "--option",
    "return_address": "--return-address",
    "methods": "--methods",
    "refund_on_first_scan": "--refund-on-first-scan",
}
"""The table's keys as the flags that set them, for the error messages."""


def register(sub: Subparsers) -> None:
    parser = sub.add_parser(
        "carriers",
        help="add, list, test or remove a shop's carrier",
        description="Each shop's carrier account: add (or replace) one, list them, test one with a live call that "
        "changes nothing, or remove the one added here. The config's [shops.carrier] declares them too; one added "
        "here wins over it.",
    )
    actions = parser.add_subparsers(dest="carriers_command", metavar="ACTION", required=True)
    _register_add(actions)
    listing = actions.add_parser("list", help="list each shop's carrier",
                                 description="Each shop's carrier, its source (config or cli), what it can do, the "
                                 "methods offered per country and the environment variables not set (never a "
                                 "secret).")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=run_list)
    test = actions.add_parser("test", help="check a shop's carrier with a harmless live call",
                              description="Build the shop's carrier adapter and make one call that changes "
                              "nothing: relay points near the warehouse (Sendcloud), or a sample label drawn in "
                              "memory (self-issued). Exits 1 with the carrier's reason when it fails.")
    test.add_argument("shop", help="shop id or address")
    test.set_defaults(handler=run_test)
    remove = actions.add_parser("remove", help="remove a shop's carrier",
                                description="Remove the shop's carrier account. One the config declares comes back "
                                "at the next sync (migrate, serve, shops list).")
    remove.add_argument("shop", help="shop id or address")
    remove.set_defaults(handler=run_remove)


def _register_add(actions: Subparsers) -> None:
    add = actions.add_parser(
        "add",
        help="set a shop's carrier",
        description="Set (or replace) a shop's carrier account. Example: carriers add SHOP --carrier sendcloud "
        "--credential public_key=SENDCLOUD_PUBLIC_KEY --credential secret_key=SENDCLOUD_SECRET_KEY "
        "--option base_url=http://127.0.0.1:8083/api --return-address-file warehouse.toml "
        "--methods FR=prepaid_label,relay_point --methods default=prepaid_label",
    )
    add.add_argument("shop", help="shop id or address")
    add.add_argument("--carrier", required=True, metavar="KEY", help="a registered carrier: sendcloud, self_issued")
    add.add_argument("--credential", action="append", default=[], metavar="NAME=ENV_VAR",
                     help="the environment variable holding a credential (repeat): public_key=SENDCLOUD_PUBLIC_KEY")
    add.add_argument("--option", action="append", default=[], metavar="NAME=VALUE",
                     help="an option for the carrier (repeat; base_url, option_code, contract...); VALUE is read as "
                     "a TOML number or boolean when it is one, else as text")
    add.add_argument("--return-address-file", metavar="FILE",
                     help="a TOML file with the warehouse's name, company, street, house_number, postal_code, city, "
                     "country (ISO 3166-1 alpha-2), email and phone")
    add.add_argument("--return-address", action="append", default=[], metavar="FIELD=VALUE",
                     help="one field of the warehouse's address (repeat; over the file's)")
    add.add_argument("--methods", action="append", default=[], metavar="COUNTRY=METHOD[,METHOD]",
                     help="the return methods for parcels from COUNTRY (ISO code, or default) (repeat): "
                     "prepaid_label, relay_point, in_store, home_pickup")
    add.add_argument("--refund-on-first-scan", action="store_true",
                     help="refund at the carrier's first scan (within the policy's value limit)")
    add.set_defaults(handler=run_add)


def _pairs(items: list[str], flag: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ConfigError(f"{flag} {item!r}: expected NAME=VALUE")
        found[name.strip()] = value.strip()
    return found


def _scalar(value: str) -> Any:
    """``4242`` an integer, ``true`` a boolean, ``"a b"`` the text: a TOML value when it is one, else the text."""
    try:
        return tomllib.loads(f"v = {value}")["v"]
    except tomllib.TOMLDecodeError:
        return value


def _address(args: argparse.Namespace) -> dict[str, Any] | None:
    found: dict[str, Any] = {}
    if args.return_address_file:
        try:
            found.update(tomllib.loads(Path(args.return_address_file).read_text(encoding="utf-8")))
        except OSError as exc:
            raise ConfigError(f"--return-address-file {args.return_address_file}: {exc.strerror}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"--return-address-file {args.return_address_file}: {exc}") from exc
    found.update(_pairs(args.return_address, "--return-address"))
    return found or None


def table_from(args: argparse.Namespace) -> dict[str, Any]:
    """The flags as a ``[shops.carrier]`` table, before the schema checks it."""
    table: dict[str, Any] = {"key": args.carrier, "credentials_env": _pairs(args.credential, "--credential")}
    options = {name: _scalar(value) for name, value in _pairs(args.option, "--option").items()}
    if options:
        table["options"] = options
    address = _address(args)
    if address is not None:
        table["return_address"] = address
    methods = {country: [m.strip() for m in listed.split(",") if m.strip()]
               for country, listed in _pairs(args.methods, "--methods").items()}
    if methods:
        table["methods"] = methods
    if args.refund_on_first_scan:
        table["refund_on_first_scan"] = True
    return table


def _flagged(path: str) -> str:
    head, _, rest = path.partition(".")
    return f"{FLAGS.get(head, head)} {rest}".strip()


def _ready(args: argparse.Namespace) -> Container:
    """The container, its database migrated and the config's shops (and their carriers) synced, as ``shops
    list`` does: a shop or carrier declared in the file is there to be named."""
    container = container_from(args)
    upgrade(container.engine)
    sync_declared_shops(container)
    return container


def _named_shop(args: argparse.Namespace) -> tuple[Container, Shop]:
    container = _ready(args)
    return container, find_shop(container, args.shop)


def run_add(args: argparse.Namespace) -> int:
    try:
        account = carrier_from(CarrierSchema().load(table_from(args)), FROM_CLI)
    except ValidationError as exc:
        for path, message in error_paths(exc.messages):
            print(f"error: {_flagged(path)}: {message}", file=sys.stderr)
        return 2
    container, shop = _named_shop(args)
    for name, variable in account.credentials_env.items():
        if variable in account.missing_env():
            print(f"warning: --credential {name}: environment variable {variable} is not set", file=sys.stderr)
    previous = service.set_carrier(container, shop.id, account)
    replaced = f" (replacing {previous.carrier}, source {previous.source})" if previous else ""
    print(f"{shop.address}: carrier {account.carrier} set{replaced}; test it with "
          f"`returns-connector carriers test {shop.id}`")
    return 0


def run_list(args: argparse.Namespace) -> int:
    summaries = service.carrier_summaries(_ready(args))
    if args.json:
        print(json.dumps([_as_json(s) for s in summaries], indent=2))
        return 0
    if not summaries:
        print("no shops yet: add one with `returns-connector shops add` or declare it in the config")
    for summary in summaries:
        print("\n".join(_lines(summary)))
    return 0


def _offered(summary: service.CarrierSummary) -> dict[str, list[str]]:
    return {country: [m.value for m in methods] for country, methods in summary.offered.items()}


def _as_json(summary: service.CarrierSummary) -> dict[str, Any]:
    account = summary.account
    return {
        "shop_id": summary.shop.id,
        "address": summary.shop.address,
        "carrier": account.carrier if account else None,
        "source": account.source if account else None,
        "capabilities": sorted(c.value for c in summary.capabilities),
        "methods": dict(account.settings.get("methods") or {}) if account else {},
        "offered": _offered(summary),
        "refund_on_first_scan": account.refund_on_first_scan if account else False,
        "credentials_env": dict(account.credentials_env) if account else {},
        "missing_env": list(summary.missing_env),
    }


def _lines(summary: service.CarrierSummary) -> list[str]:
    account = summary.account
    offered = "; ".join(f"{c}: {', '.join(m) or 'none'}" for c, m in _offered(summary).items())
    head = f"{summary.shop.id}  {summary.shop.address}"
    if account is None:
        return [head, "  carrier:      none (the policy's methods are offered; no label is made)",
                f"  offered:      {offered}"]
    lines = [
        head,
        f"  carrier:      {account.carrier} (source {account.source})",
        f"  capabilities: {', '.join(sorted(c.value for c in summary.capabilities)) or 'none'}",
        f"  offered:      {offered}",
        f"  refund on first scan: {'yes' if account.refund_on_first_scan else 'no'}",
    ]
    if account.credentials_env:
        lines.append(f"  credentials:  {', '.join(f'{k}={v}' for k, v in account.credentials_env.items())}")
    if summary.missing_env:
        lines.append(f"  missing env:  {', '.join(summary.missing_env)}")
    return lines


def run_test(args: argparse.Namespace) -> int:
    container, shop = _named_shop(args)
    try:
        check = check_carrier(container, shop.id)
    except ConnectorError as exc:
        print(f"FAILED: {shop.address}: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # a diagnostic command: whatever broke is reported, never a traceback
        print(f"FAILED: {shop.address}: unexpected {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(f"OK: {shop.address}: {check.carrier} {check.detail}")
    return 0


def run_remove(args: argparse.Namespace) -> int:
    container, shop = _named_shop(args)
    removed = service.remove_carrier(container, shop.id)
    if removed is None:
        print(f"{shop.address} has no carrier")
        return 0
    again = " (the config declares one: it comes back at the next sync)" if removed.source != FROM_CLI else ""
    print(f"{shop.address}: carrier {removed.carrier} removed{again}")
    return 0
