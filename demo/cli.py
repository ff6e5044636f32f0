"""The ``returns-connector`` command as installed: the production commands (``wiring.cli``) plus ``demo`` and
``sandbox``.

Why the full command line is put together here and not in ``connector.cli``: ``demo`` and ``sandbox`` run the
sandbox shops, and production code never imports the sandboxes. ``connector.cli.main`` takes its command list as
an argument; this module hands it the whole list, in the order ``--help`` has always shown.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from connector.cli import main as connector_cli
from demo import democmd, sandboxcmd
from wiring import cli as wiring_cli

COMMANDS: tuple[connector_cli.Command, ...] = (democmd, *wiring_cli.COMMANDS, sandboxcmd)


def build_parser() -> argparse.ArgumentParser:
    return connector_cli.build_parser(COMMANDS)


def main(argv: Sequence[str] | None = None) -> int:
    return connector_cli.main(argv, COMMANDS)


if __name__ == "__main__":
    sys.exit(main())
