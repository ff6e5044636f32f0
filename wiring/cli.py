"""The production command line: connector's commands, ``serve`` (the full app) and the platforms' own ``shops``
actions, in the order ``--help`` has always shown.

Why here: ``serve`` builds the app with the webhook intake and the platforms' routes, and ``connect-woocommerce``
is WooCommerce's own; connector/ imports neither. The installed ``returns-connector`` (``demo.cli``) adds the demo
and sandbox commands to this list.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from connector.cli import main as connector_cli
from platforms.woocommerce import cli as woocommerce_cli
from platforms.woocommerce import plugin_cli as woocommerce_plugin_cli
from wiring import servecmd

COMMANDS: tuple[connector_cli.Command, ...] = (
    servecmd,
    *connector_cli.core_commands(shop_actions=(woocommerce_cli.CONNECT, woocommerce_plugin_cli.PLUGIN)),
)


def main(argv: Sequence[str] | None = None) -> int:
    return connector_cli.main(argv, COMMANDS)


if __name__ == "__main__":
    sys.exit(main())
