"""``shops add|list|remove|rotate-keys``, plus the platforms' own actions (``connect-woocommerce``, added by the
wiring layer): manage shops (secrets come from env vars or stdin)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass

from connector.cli.common import Subparsers, container_from
from connector.domain.orders import Platform
from connector.errors import ConfigError
from connector.services import shops as service
from connector.store.migrate import upgrade


@dataclass(frozen=True, slots=True)
class ShopAction:
    """A ``shops`` action a platform adds of its own (``connect-woocommerce``): its name, for the group's help,
    and how it adds its subparser and handler. The wiring layer hands them to ``ShopsCommand``, so this module
    names no platform."""

    name: str
    register: Callable[[Subparsers], None]


@dataclass(frozen=True, slots=True)
class ShopsCommand:
    """The ``shops`` group: connector's own actions, with the platforms' placed before ``rotate-keys``."""

    platform_actions: tuple[ShopAction, ...] = ()

    def register(self, sub: Subparsers) -> None:
        names = ["add", "list", "remove", *(action.name for action in self.platform_actions), "rotate-keys"]
        parser = sub.add_parser(
            "shops",
            help=f"{', '.join(names[:-1])} or {names[-1]}",
            description=f"Manage the connected shops: {', '.join(names)}.",
        )
        actions = parser.add_subparsers(dest="shops_command", metavar="ACTION", required=True)
        _register_add(actions)
        _register_list_and_remove(actions)
        for action in self.platform_actions:
            action.register(actions)
        _register_rotate(actions)


def _register_add(actions: Subparsers) -> None:
    add = actions.add_parser(
        "add",
        help="register a shop",
        description="Register a shop. Credentials are never given on the command line: name the environment "
        "variables that hold them with --credential NAME=ENV_VAR (e.g. access_token=SHOP_TOKEN, or "
        "consumer_key=WC_KEY and consumer_secret=WC_SECRET), or pass a JSON object on stdin with "
        "--credentials-stdin. They are stored encrypted.",
    )
    add.add_argument("--platform", required=True, choices=[p.value for p in Platform])
    add.add_argument("--address", required=True, help="myshopify.com domain, or WooCommerce site URL")
    add.add_argument("--currency", default="EUR", help="shop currency (ISO 4217, default EUR)")
    add.add_argument("--locale", default="en", choices=["en", "fr"])
    add.add_argument("--name", default="")
    add.add_argument("--credential", action="append", default=[], metavar="NAME=ENV_VAR")
    add.add_argument("--credentials-stdin", action="store_true", help="read a JSON object of credentials on stdin")
    add.set_defaults(handler=run_add)


def _register_list_and_remove(actions: Subparsers) -> None:
    listing = actions.add_parser("list", help="list shops", description="List registered shops (no secrets).")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=run_list)

    remove = actions.add_parser("remove", help="remove a shop", description="Remove a shop and all its data.")
    remove.add_argument("shop", help="shop id or address")
    remove.set_defaults(handler=run_remove)


def _register_rotate(actions: Subparsers) -> None:
    rotate = actions.add_parser(
        "rotate-keys",
        help="re-encrypt credentials under the newest key",
        description="Put the new key first in CONNECTOR_SECRET_KEYS (keep the old one after it), run this, "
        "then drop the old key.",
    )
    rotate.set_defaults(handler=run_rotate)


def _credentials(args: argparse.Namespace) -> dict[str, str] | None:
    found: dict[str, str] = {}
    for item in args.credential:
        name, sep, env_var = item.partition("=")
        if not sep or not name or not env_var:
            raise ConfigError(f"--credential {item!r}: expected NAME=ENV_VAR")
        if env_var not in os.environ:
            raise ConfigError(f"--credential {name}: environment variable {env_var} is not set")
        found[name] = os.environ[env_var]
    if args.credentials_stdin:
        try:
            data = json.loads(sys.stdin.read())
        except json.JSONDecodeError as exc:
            raise ConfigError(f"--credentials-stdin: not JSON (line {exc.lineno}: {exc.msg})") from exc
        if not isinstance(data, dict):
            raise ConfigError("--credentials-stdin: expected a JSON object")
        found.update({str(k): str(v) for k, v in data.items()})
    return found or None


def run_add(args: argparse.Namespace) -> int:
    container = container_from(args)
    upgrade(container.engine)
    shop = service.add_shop(
        container,
        Platform(args.platform),
        args.address,
        currency=args.currency,
        locale=args.locale,
        name=args.name,
        credentials=_credentials(args),
    )
    print(f"added {shop.platform} shop {shop.address} as {shop.id}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    container = container_from(args)
    upgrade(container.engine)
    service.sync_declared_shops(container)
    shops = service.list_shops(container)
    if args.json:
        print(json.dumps([{**{k: getattr(s, k) for k in ("id", "address", "currency", "locale", "name", "active")},
                           "platform": str(s.platform)} for s in shops], indent=2))
        return 0
    if not shops:
        print("no shops yet: add one with `returns-connector shops add` or declare it in the config")
    for shop in shops:
        state = "active" if shop.active else "inactive"
        print(f"{shop.id}  {shop.platform!s:<11} {shop.address}  {shop.currency} {shop.locale} {state}")
    return 0


def run_remove(args: argparse.Namespace) -> int:
    container = container_from(args)
    shop = service.remove_shop(container, args.shop)
    print(f"removed {shop.platform} shop {shop.address}")
    return 0


def run_rotate(args: argparse.Namespace) -> int:
    container = container_from(args)
    count = service.rotate_keys(container)
    print(f"re-encrypted credentials of {count} shop(s) under the newest key")
    return 0
