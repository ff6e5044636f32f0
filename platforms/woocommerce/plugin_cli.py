"""``shops plugin``: the three values the WordPress plugin's settings page asks for.

Why a command: the shared secret (``plugin_secret``) is made here, on the connector's side, stored encrypted with
the shop's credentials, and shown once, as an API key is; the merchant pastes it into WordPress (Returns >
Settings) with the connector's address and the shop's id. ``--rotate`` makes a new one.
"""

from __future__ import annotations

import argparse

from connector.cli.common import Subparsers, container_from
from connector.cli.shopscmd import ShopAction
from connector.domain.orders import Platform
from connector.errors import ConfigError
from connector.shopaddress import woocommerce_store_url
from connector.store.credentials import DbCredentialStore
from connector.store.migrate import upgrade
from platforms.woocommerce.plugin_secret import issue_plugin_secret


def register(actions: Subparsers) -> None:
    plugin = actions.add_parser(
        "plugin",
        help="the WordPress plugin's settings for a WooCommerce shop (address, shop id, shared secret)",
        description="Print what the Returns Connector plugin's settings page in WordPress asks for. The shared "
        "secret is made when the shop has none, stored encrypted with its credentials and printed only then; "
        "--rotate makes a new one (paste it into WordPress again: the old one stops working and its sessions "
        "end).",
    )
    plugin.add_argument("--url", required=True, help="the shop's site URL, as connected")
    plugin.add_argument("--rotate", action="store_true", help="make a new shared secret")
    plugin.set_defaults(handler=run_woocommerce_plugin)


PLUGIN = ShopAction("plugin", register)


def run_woocommerce_plugin(args: argparse.Namespace) -> int:
    container = container_from(args)
    upgrade(container.engine)
    url = woocommerce_store_url(args.url)
    with container.uow() as uow:
        shop = uow.shops.find(Platform.WOOCOMMERCE, url)
    if shop is None:
        raise ConfigError(f"{url} is not connected: run `shops connect-woocommerce` first")
    secret = issue_plugin_secret(DbCredentialStore(container.uow, Platform.WOOCOMMERCE), url, rotate=args.rotate)
    print(f"In WordPress, Returns > Settings, for {url}:")
    print(f"  Connector address: {container.config.app.base_url.rstrip('/')}")
    print(f"  Shop ID:           {shop.id}")
    if secret is None:
        print("  Shared secret:     already set, not shown again (--rotate makes a new one)")
    else:
        print(f"  Shared secret:     {secret}")
        print("The secret is shown only now; paste it into the plugin's settings.")
    return 0
