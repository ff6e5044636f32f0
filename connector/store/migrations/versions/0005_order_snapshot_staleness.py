"""order snapshots can be marked stale by a webhook hint, and re-read only when fresh data is needed

Revision ID: 0005
Revises: 0004
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("order_snapshots") as batch:
        batch.add_column(sa.Column("stale", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("order_snapshots") as batch:
        batch.drop_column("stale")
