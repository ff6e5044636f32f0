"""``returns-connector``: one entry point, one small module per command group."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from connector import logconfig
from connector.cli import (
    apikeyscmd,
    configcmd,
    dbcmd,
    democmd,
    jobscmd,
    policycmd,
    sandboxcmd,
    servecmd,
    shopscmd,
    workercmd,
)
from connector.config.loader import ConfigError
from connector.errors import ConnectorError

COMMANDS = (
    democmd,
    servecmd,
    workercmd,
    dbcmd,
    configcmd,
    shopscmd,
    apikeyscmd,
    policycmd,
    jobscmd,
    sandboxcmd,
)


def build_parser() -> argparse.ArgumentParser:
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
    for module in COMMANDS:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logconfig.setup()  # INFO until the command loads its config, which applies [app].log_level
    parser = build_parser()
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
