"""``shops add|list|remove|connect-woocommerce|rotate-keys``: manage shops (secrets come from env vars or stdin)."""

from __future__ import annotations

import argparse
import json
import os
import sys

from connector.cli.common import Subparsers, container_from
from connector.domain.orders import Platform
from connector.errors import ConfigError
from connector.services import shops as service
from connector.store.migrate import upgrade


def register(sub: Subparsers) -> None:
    parser = sub.add_parser(
        "shops",
        help="add, list, remove, connect-woocommerce or rotate-keys",
        description="Manage the connected shops: add, list, remove, connect-woocommerce, rotate-keys.",
    )
    actions = parser.add_subparsers(dest="shops_command", metavar="ACTION", required=True)

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

    listing = actions.add_parser("list", help="list shops", description="List registered shops (no secrets).")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=run_list)

    remove = actions.add_parser("remove", help="remove a shop", description="Remove a shop and all its data.")
    remove.add_argument("shop", help="shop id or address")
    remove.set_defaults(handler=run_remove)

    woo = actions.add_parser(
        "connect-woocommerce",
        help="connect a WooCommerce shop with REST keys entered by hand",
        description="Check the keys at once with a read call, store them encrypted, and create the order "
        "webhooks (signed with a secret for this shop) pointing at [app].base_url. The keys are read from the "
        "environment variables you name, never from the command line.",
    )
    woo.add_argument("--url", required=True, help="the shop's site URL (https://...)")
    woo.add_argument("--key-env", required=True, metavar="ENV_VAR", help="variable holding the consumer key")
    woo.add_argument("--secret-env", required=True, metavar="ENV_VAR", help="variable holding the consumer secret")
    woo.add_argument("--currency", default=None, metavar="CODE",
                     help="refuse to connect unless the store's own currency (read from it) is this one")
    woo.add_argument("--locale", default="en", choices=["en", "fr"])
    woo.add_argument("--no-webhooks", action="store_true", help="only store the keys (polling still works)")
    woo.set_defaults(handler=run_connect_woocommerce)

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


def run_connect_woocommerce(args: argparse.Namespace) -> int:
    from connector.store.credentials import DbCredentialStore
    from platforms.woocommerce.auth import connect_with_keys, finish_connect

    values = {}
    for option, env_var in (("--key-env", args.key_env), ("--secret-env", args.secret_env)):
        if not os.environ.get(env_var):
            raise ConfigError(f"{option}: environment variable {env_var} is not set")
        values[option] = os.environ[env_var]
    container = container_from(args)
    upgrade(container.engine)
    store = DbCredentialStore(container.uow, Platform.WOOCOMMERCE, locale=args.locale)
    allow_private = container.config.app.allow_private_store_urls
    url, currency = connect_with_keys(args.url, values["--key-env"], values["--secret-env"], credentials=store,
                                      allow_private=allow_private, expected_currency=args.currency)
    print(f"keys for {url} work and are stored encrypted; the store's currency is {currency}")
    if not args.no_webhooks:
        delivery = f"{container.config.app.base_url.rstrip('/')}/webhooks/woocommerce"
        setup = finish_connect(url, delivery, credentials=store, allow_private=allow_private)
        print(f"{len(setup.ids)} webhooks deliver to {delivery}")
    return 0


def run_rotate(args: argparse.Namespace) -> int:
    container = container_from(args)
    count = service.rotate_keys(container)
    print(f"re-encrypted credentials of {count} shop(s) under the newest key")
    return 0
