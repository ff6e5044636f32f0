"""The one ``MetaData`` every table is declared on, with its naming convention (what the migrations name constraints
after). Its own module so that ``tables`` and ``logistics_tables`` both build on it without importing each other."""

from __future__ import annotations

from sqlalchemy import Column, MetaData

from connector.store.types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)


def stamp(name: str, nullable: bool = False) -> Column[object]:
    return Column(name, UTCDateTime(), nullable=nullable)
