"""``check-config [FILE]``: validate a config file and report every problem with key, file and line."""

from __future__ import annotations

import argparse

from connector.cli.common import Subparsers
from connector.config.loader import load_config
from connector.providers import config_sections
from connector.store.crypto import ENV_VAR as SECRET_KEYS_ENV


def register(sub: Subparsers) -> None:
    parser = sub.add_parser(
        "check-config",
        help="validate a config file",
        description="Validate FILE (or the default config) and print each problem with its key, file and line. "
        "Exits 0 when valid, 2 when not.",
    )
    parser.add_argument("file", nargs="?", help="config file to check (default: the one --config selects)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    config = load_config(args.file or args.config)
    source = str(config.source) if config.source else "built-in defaults"
    warnings: list[str] = []
    if config.is_production and not config.secret(SECRET_KEYS_ENV):
        warnings.append(f"{SECRET_KEYS_ENV} is not set: credentials cannot be encrypted in production")
    for index, shop in enumerate(config.shops):
        for var in shop.missing_env():
            warnings.append(f"shops[{index}].credentials_env: environment variable {var} is not set")
        for var in shop.carrier.missing_env() if shop.carrier else ():
            warnings.append(f"shops[{index}].carrier.credentials_env: environment variable {var} is not set")
    for section in config_sections().values():
        warnings.extend(section.warnings_for(config))
    print(f"ok: {source} is valid")
    print(f"  environment: {config.app.environment}")
    print(f"  database:    {config.database.url.split('@')[-1]}")
    print(f"  queue:       {'redis' if config.redis.url else 'embedded (no REDIS_URL)'}")
    print(f"  shops:       {len(config.shops)} declared")
    for warning in warnings:
        print(f"warning: {warning}")
    return 0
