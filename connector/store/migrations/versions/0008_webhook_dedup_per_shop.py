"""webhook_inbox deduplicates per shop: unique (shop_id, dedup_key) instead of (platform, dedup_key)

WooCommerce's key is ``wc:<resource>:<id>:<date_modified_gmt>`` with no store in it, so two stores' order
1001 saved in the same second collided and the second store's delivery was dropped as a duplicate
(WooCommerce never retries: only polling would have recovered it). Existing rows need no rewriting: keys that
were unique per platform are unique per shop.

Revision ID: 0008
Revises: 0007
"""
from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("webhook_inbox") as batch:
        batch.drop_constraint("uq_webhook_inbox_platform_dedup", type_="unique")
        batch.create_unique_constraint("uq_webhook_inbox_shop_dedup", ["shop_id", "dedup_key"])


def downgrade() -> None:
    # Rows of two shops sharing a key cannot both stay under the old constraint: keep the first.
    op.execute(
        "DELETE FROM webhook_inbox WHERE id NOT IN "
        "(SELECT MIN(id) FROM webhook_inbox GROUP BY platform, dedup_key)"
    )
    with op.batch_alter_table("webhook_inbox") as batch:
        batch.drop_constraint("uq_webhook_inbox_shop_dedup", type_="unique")
        batch.create_unique_constraint("uq_webhook_inbox_platform_dedup", ["platform", "dedup_key"])
