"""``returns-connector``: one entry point, one small module per command group.

The command list is a parameter. ``COMMANDS`` are connector's own, which need no platform and no webhook intake;
``wiring.cli`` adds ``serve`` (the full app) and the platforms' ``shops`` actions, and the installed
``returns-connector`` (``demo.cli``) adds ``demo`` and ``sandbox``, which run the sandbox shops that production
code never imports.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Protocol

from connector import logconfig
from connector.cli import (
    apikeyscmd,
    carrierscmd,
    configcmd,
    dbcmd,
    jobscmd,
    policycmd,
    shopscmd,
    workercmd,
)
from connector.cli.common import Subparsers
from connector.config.loader import ConfigError
from connector.errors import ConnectorError


class Command(Protocol):
    """A command (its module, or an object such as ``shopscmd.ShopsCommand``): it adds its subparser (and its
    handler) to the ``returns-connector`` parser."""

    def register(self, sub: Subparsers) -> None: ...


def core_commands(shop_actions: Sequence[shopscmd.ShopAction] = ()) -> tuple[Command, ...]:
    """connector's commands in their ``--help`` order, the ``shops`` group with the platforms' own actions."""
    return (workercmd, dbcmd, configcmd, shopscmd.ShopsCommand(tuple(shop_actions)), carrierscmd,
            apikeyscmd, policycmd, jobscmd)


COMMANDS = core_commands()


def build_parser(commands: Sequence[Command] = COMMANDS) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="returns-connector",
        description="Returns and exchanges for Shopify and WooCommerce shops.",
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="config file (default: $RETURNS_CONNECTOR_CONFIG, else ./config.toml, else built-in defaults)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in commands:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None, commands: Sequence[Command] = COMMANDS) -> int:
    logconfig.setup()  # INFO until the command loads its config, which applies [app].log_level
    parser = build_parser(commands)
    args = parser.parse_args(argv)
    try:
        result: int = args.handler(args)
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 2
    except ConnectorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return result


if __name__ == "__main__":
    sys.exit(main())
