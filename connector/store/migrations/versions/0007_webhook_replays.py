"""webhook_digests (one row per signed body seen lately) and shops.platform_shop_id

A delivery's documented key (Shopify's event id, WooCommerce's resource and modification date) sits in
headers the signature does not cover, so a replayed body with a fresh key was stored and run again. Intake
now also records a digest of (shop, topic, body) and refuses the same digest within the platforms' retry
horizon; the row is overwritten once it is older than that, so the table stays small.

``platform_shop_id`` is the shop's own id at the platform (Shopify's numeric shop id), learned from the
first signed delivery that names both the shop's domain and its id; later deliveries naming another id are
refused.

Revision ID: 0007
Revises: 0006
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "webhook_digests",
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("platform", "digest", name="pk_webhook_digests"),
    )
    # BRIN on PostgreSQL: rows arrive in time order, so a block-range index serves the pruning scan while
    # costing next to nothing per delivery (a B-tree insert here was measurable at intake).
    op.create_index("ix_webhook_digests_received_at", "webhook_digests", ["received_at"], postgresql_using="brin")
    with op.batch_alter_table("shops") as batch:
        batch.add_column(sa.Column("platform_shop_id", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("shops") as batch:
        batch.drop_column("platform_shop_id")
    op.drop_index("ix_webhook_digests_received_at", table_name="webhook_digests")
    op.drop_table("webhook_digests")
