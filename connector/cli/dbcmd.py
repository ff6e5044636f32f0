"""``migrate``: bring the database schema up to date (Alembic, migrations in connector/store/migrations)."""

from __future__ import annotations

import argparse

from connector.cli.common import Subparsers, container_from
from connector.services.shops import sync_declared_shops
from connector.store.migrate import upgrade


def register(sub: Subparsers) -> None:
    parser = sub.add_parser(
        "migrate",
        help="apply database migrations",
        description="Apply every pending migration to the configured database (SQLite file by default, "
        "PostgreSQL through DATABASE_URL), then register the shops declared in the config.",
    )
    parser.add_argument("--revision", default="head", help="target revision (default: head)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    container = container_from(args)
    upgrade(container.engine, args.revision)
    added = sync_declared_shops(container)
    print(f"database is at {args.revision}; {added} declared shop(s) registered")
    return 0
