"""order snapshots name their customer (the platform's id), indexed, so a signed-in customer's orders are found

The storefront portal lists a logged-in customer's orders (Shopify's app proxy hands over the customer's id)
without asking the shop on every visit: ``order_snapshots.customer_id`` is the ``Order.customer.id`` of the
snapshot, as the platform spells it. Rows already held are filled from their stored document.

Revision ID: 0011
Revises: 0010
"""
from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_BATCH = 500


def upgrade() -> None:
    with op.batch_alter_table("order_snapshots") as batch:
        batch.add_column(sa.Column("customer_id", sa.String(length=128), nullable=True))
        batch.create_index("ix_order_snapshots_shop_customer", ["shop_id", "customer_id"])
    _fill_from_documents()


def downgrade() -> None:
    with op.batch_alter_table("order_snapshots") as batch:
        batch.drop_index("ix_order_snapshots_shop_customer")
        batch.drop_column("customer_id")


def _fill_from_documents() -> None:
    """In pages of ``_BATCH`` rows by key, so a large table is never held in memory at once."""
    conn = op.get_bind()
    snapshots = sa.table(
        "order_snapshots",
        sa.column("shop_id", sa.String()),
        sa.column("order_id", sa.String()),
        sa.column("document", sa.JSON()),
        sa.column("customer_id", sa.String()),
    )
    statement = (
        sa.update(snapshots)
        .where(snapshots.c.shop_id == sa.bindparam("s"), snapshots.c.order_id == sa.bindparam("o"))
        .values(customer_id=sa.bindparam("c"))
    )
    after: tuple[str, str] = ("", "")
    while True:
        rows = conn.execute(
            sa.select(snapshots.c.shop_id, snapshots.c.order_id, snapshots.c.document)
            .where(sa.tuple_(snapshots.c.shop_id, snapshots.c.order_id) > after)
            .order_by(snapshots.c.shop_id, snapshots.c.order_id)
            .limit(_BATCH)
        ).all()
        if not rows:
            return
        updates = [
            {"s": row.shop_id, "o": row.order_id, "c": customer}
            for row in rows
            if (customer := _customer_id(row.document)) is not None
        ]
        if updates:
            conn.execute(statement, updates)
        after = (rows[-1].shop_id, rows[-1].order_id)


def _customer_id(document: Any) -> str | None:
    if isinstance(document, str):
        document = json.loads(document)
    customer = document.get("customer") if isinstance(document, dict) else None
    found = customer.get("id") if isinstance(customer, dict) else None
    return str(found)[:128] if found else None
