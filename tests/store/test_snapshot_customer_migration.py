"""Migration 0011: order snapshots held before it get their customer's id from their stored document, so a
logged-in customer's orders are found at once, not only those that change afterwards."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, Boolean, DateTime, String, column, insert, select, table
from sqlalchemy.engine import Engine

from connector.store.engine import make_engine
from connector.store.migrate import upgrade
from connector.store.tables import order_snapshots

# The two tables as revision 0010 has them (only the columns written here): not the code's current ones.
SHOPS_0010 = table("shops", column("id", String), column("platform", String), column("address", String),
                   column("currency", String), column("locale", String), column("name", String),
                   column("active", Boolean), column("declared_in_config", Boolean), column("created_at", DateTime),
                   column("updated_at", DateTime))
SNAPSHOTS_0010 = table("order_snapshots", column("shop_id", String), column("order_id", String),
                       column("name", String), column("email", String), column("document", JSON),
                       column("stale", Boolean), column("fetched_at", DateTime))

STAMP = datetime(2026, 3, 1, tzinfo=UTC)


def _snapshot(order_id: str, customer: dict[str, str | None] | None) -> dict[str, object]:
    document = {"id": order_id, "customer": customer}
    return {"shop_id": "s1", "order_id": order_id, "name": f"#{order_id}", "email": "ana@example.com",
            "document": document, "stale": False, "fetched_at": STAMP}


def test_snapshots_held_before_the_migration_get_their_customer(db_url: str) -> None:
    engine: Engine = make_engine(db_url)
    try:
        upgrade(engine, "0010")
        with engine.begin() as conn:
            conn.execute(insert(SHOPS_0010).values(id="s1", platform="shopify", address="s1.myshopify.com",
                                                   currency="EUR", locale="en", name="", active=True,
                                                   declared_in_config=False, created_at=STAMP, updated_at=STAMP))
            for order_id, customer in (("1", {"id": "gid://shopify/Customer/7", "email": "ana@example.com"}),
                                       ("2", None), ("3", {"id": None, "email": "guest@example.com"})):
                conn.execute(insert(SNAPSHOTS_0010).values(**_snapshot(order_id, customer)))
        upgrade(engine)
        with engine.connect() as conn:
            found = dict(conn.execute(select(order_snapshots.c.order_id, order_snapshots.c.customer_id)).all())
    finally:
        engine.dispose()
    assert found == {"1": "gid://shopify/Customer/7", "2": None, "3": None}
