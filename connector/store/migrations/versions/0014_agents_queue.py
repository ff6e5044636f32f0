"""the agents' queue at scale: a return's value and reasons as columns, and the indexes its filters and pages read

Issue 20: the admin's queue lists a shop's returns newest first (id as tiebreak) a page at a time from where
the last page ended, counts them by status, and filters them by status, reason, method, date, value, the EU
refund deadline and a search by return number, order number or e-mail, on 100,000 returns and more.

- ``returns.value_minor``: what the returned lines cost the customer (``ReturnAmounts.paid``) in minor units of
  the return's currency, filled here from the stored amounts, so a value range is a plain comparison;
- ``returns.reason_bits``: its lines' reasons as bits (``codec.REASON_BITS``), filled from the lines, so a reason
  is a condition on the return rather than a join;
- ``ix_returns_shop_created`` (shop, created_at, id): the queue's order, so a page is an index range;
- ``ix_returns_shop_status_created`` (shop, status, created_at, id, then method, reason_bits, currency,
  value_minor) replaces ``ix_returns_shop_status``: the same for one status, and the counts by status under the
  other filters from the index alone;
- ``ix_returns_shop_order_name``, ``ix_returns_shop_email`` (lower-cased, ``text_pattern_ops`` on PostgreSQL
  so a prefix range compares bytes whatever the collation): the search;
- ``ix_returns_shop_refund_due`` (shop, refund_due_by, status), partial (a deadline, nothing paid, still owed):
  "overdue under EU rules", a backlog rather than the shop's history.

Revision ID: 0014
Revises: 0013
"""
from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from alembic import op

from connector.domain.money import Money
from connector.store.codec import REASON_BITS

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

_BATCH = 1000


def upgrade() -> None:
    op.add_column("returns", sa.Column("value_minor", sa.BigInteger(), nullable=True))
    op.add_column("returns", sa.Column("reason_bits", sa.Integer(), server_default=sa.text("0"), nullable=False))
    _fill_values()
    _fill_reasons()
    postgres = op.get_bind().dialect.name == "postgresql"
    op.drop_index("ix_returns_shop_status", table_name="returns")
    op.create_index("ix_returns_shop_created", "returns", ["shop_id", "created_at", "id"])
    op.create_index(
        "ix_returns_shop_status_created", "returns",
        ["shop_id", "status", "created_at", "id", "method", "reason_bits", "currency", "value_minor"],
    )
    op.create_index("ix_returns_shop_order_name", "returns", ["shop_id", "order_name"])
    email = "lower(customer_email) text_pattern_ops" if postgres else "lower(customer_email)"
    op.create_index("ix_returns_shop_email", "returns", ["shop_id", sa.text(email)])
    owed = (
        f"refund_due_by IS NOT NULL AND money_moved = {'false' if postgres else '0'}"
        " AND status NOT IN ('canceled', 'closed', 'declined', 'resolved')"
    )
    op.create_index(
        "ix_returns_shop_refund_due", "returns", ["shop_id", "refund_due_by", "status"],
        postgresql_where=sa.text(owed), sqlite_where=sa.text(owed),
    )


def downgrade() -> None:
    for name in ("refund_due", "email", "order_name", "status_created", "created"):
        op.drop_index(f"ix_returns_shop_{name}", table_name="returns")
    op.create_index("ix_returns_shop_status", "returns", ["shop_id", "status"])
    with op.batch_alter_table("returns") as batch:
        batch.drop_column("reason_bits")
        batch.drop_column("value_minor")


def _fill_reasons() -> None:
    """Each return's reasons as bits, in one statement: the sum of its lines' distinct bits is their OR."""
    bits = " ".join(f"WHEN '{reason.value}' THEN {bit}" for reason, bit in REASON_BITS.items())
    op.execute(
        "UPDATE returns SET reason_bits = (SELECT COALESCE(SUM(DISTINCT CASE return_lines.reason "
        f"{bits} ELSE 0 END), 0) FROM return_lines WHERE return_lines.return_id = returns.id)"
    )


def _fill_values() -> None:
    """In pages of ``_BATCH`` rows by id, so a large table is never held in memory at once."""
    conn = op.get_bind()
    table = sa.table(
        "returns", sa.column("id", sa.String()), sa.column("currency", sa.String()),
        sa.column("amounts", sa.JSON()), sa.column("value_minor", sa.BigInteger()),
    )
    statement = sa.update(table).where(table.c.id == sa.bindparam("i")).values(value_minor=sa.bindparam("v"))
    after = ""
    while True:
        rows = conn.execute(
            sa.select(table.c.id, table.c.currency, table.c.amounts)
            .where(table.c.id > after, table.c.amounts.is_not(None))
            .order_by(table.c.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            return
        updates = [{"i": row.id, "v": value} for row in rows if (value := _paid_minor(row.amounts, row.currency)) is not None]
        if updates:
            conn.execute(statement, updates)
        after = rows[-1].id


def _paid_minor(amounts: Any, currency: str) -> int | None:
    """``ReturnAmounts.paid`` from its stored JSON: the sum of the lines' ``paid``."""
    if isinstance(amounts, str):
        amounts = json.loads(amounts)
    if not isinstance(amounts, dict):
        return None
    try:
        total = sum((Decimal(line["paid"]["amount"]) for line in amounts.get("lines", [])), Decimal(0))
        return Money(total, currency).to_minor()
    except (KeyError, TypeError, ValueError, ArithmeticError):
        return None
