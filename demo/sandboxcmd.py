"""``sandbox shopify|woocommerce|carrier``: local shops and a carrier on the real APIs, for demos and tests only."""

from __future__ import annotations

import argparse
import importlib
from typing import Any

from connector.cli.common import Subparsers

SANDBOXES = {
    "shopify": "sandboxes.shopify.cli",
    "woocommerce": "sandboxes.woocommerce.cli",
    "carrier": "sandboxes.carrier.cli",  # Sendcloud's shapes
}


def register(sub: Subparsers) -> None:
    parser = sub.add_parser(
        "sandbox",
        help="run a local sandbox shop (Shopify or WooCommerce) or carrier (Sendcloud)",
        description="Run a local shop server that speaks the platform's real API, seeded with a deterministic "
        "catalogue and orders, with fault injection. Never used by production code paths.",
    )
    platforms = parser.add_subparsers(dest="sandbox_platform", metavar="PLATFORM", required=True)
    for name, module_name in SANDBOXES.items():
        module = _load(module_name)
        child = platforms.add_parser(name, help=f"the {name} sandbox", description=f"Run the {name} sandbox shop.")
        if module is None:
            child.set_defaults(handler=_missing(name))
            continue
        module.configure(child)
        child.set_defaults(handler=module.run)


def _load(module_name: str) -> Any:
    try:
        return importlib.import_module(module_name)
    except ImportError:
        return None


def _missing(name: str) -> Any:
    def handler(_args: argparse.Namespace) -> int:
        print(f"the {name} sandbox is not available in this installation")
        return 1

    return handler
