"""``shops connect-woocommerce``: connect a WooCommerce shop with REST keys entered by hand.

Why here: the command is WooCommerce's wc-auth check and webhook setup run from a terminal; the wiring layer adds
``CONNECT`` to connector's ``shops`` group, so the core's command line names no platform.
"""

from __future__ import annotations

import argparse
import os

from connector.cli.common import Subparsers, container_from
from connector.cli.shopscmd import ShopAction
from connector.domain.orders import Platform
from connector.errors import ConfigError
from connector.store.credentials import DbCredentialStore
from connector.store.migrate import upgrade
from platforms.woocommerce.auth import connect_with_keys, finish_connect


def register(actions: Subparsers) -> None:
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


CONNECT = ShopAction("connect-woocommerce", register)


def _keys_from_environment(args: argparse.Namespace) -> tuple[str, str]:
    """The consumer key and secret, read from the variables named; a missing one is a usage error (exit 2)."""
    values = {}
    for option, env_var in (("--key-env", args.key_env), ("--secret-env", args.secret_env)):
        if not os.environ.get(env_var):
            raise ConfigError(f"{option}: environment variable {env_var} is not set")
        values[option] = os.environ[env_var]
    return values["--key-env"], values["--secret-env"]


def run_connect_woocommerce(args: argparse.Namespace) -> int:
    key, secret = _keys_from_environment(args)
    container = container_from(args)
    upgrade(container.engine)
    store = DbCredentialStore(container.uow, Platform.WOOCOMMERCE, locale=args.locale)
    allow_private = container.config.app.allow_private_store_urls
    url, currency = connect_with_keys(args.url, key, secret, credentials=store,
                                      allow_private=allow_private, expected_currency=args.currency)
    print(f"keys for {url} work and are stored encrypted; the store's currency is {currency}")
    if not args.no_webhooks:
        delivery = f"{container.config.app.base_url.rstrip('/')}/webhooks/woocommerce"
        setup = finish_connect(url, delivery, credentials=store, allow_private=allow_private)
        print(f"{len(setup.ids)} webhooks deliver to {delivery}")
    return 0
