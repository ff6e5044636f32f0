"""Alembic environment: the URL comes from the caller (``returns-connector migrate``) or DATABASE_URL."""

from __future__ import annotations

import os

from alembic import context

from connector.store.engine import make_engine, normalise_url
from connector.store.tables import metadata

config = context.config
url = config.get_main_option("sqlalchemy.url") or os.environ.get("DATABASE_URL", "sqlite:///var/connector.sqlite3")


def run_offline() -> None:
    context.configure(url=normalise_url(url), target_metadata=metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(url)
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
