"""shop_branding: the portal's look per shop (name, logo, accent colour, policy and contact links)

One row per shop that changed its look through the app; a NULL column leaves that value to the config file's
``[shops.branding]``, then to the neutral default (connector.branding). Values are checked before they are
written, so the pages use them as they are.

Revision ID: 0010
Revises: 0009
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shop_branding",
        sa.Column("shop_id", sa.String(length=64), nullable=False),
        sa.Column("shop_name", sa.String(length=100), nullable=True),
        sa.Column("logo_url", sa.String(length=2048), nullable=True),
        sa.Column("accent_colour", sa.String(length=7), nullable=True),
        sa.Column("policy_url", sa.String(length=2048), nullable=True),
        sa.Column("contact_url", sa.String(length=2048), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name=op.f("fk_shop_branding_shop_id_shops"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("shop_id", name=op.f("pk_shop_branding")),
    )


def downgrade() -> None:
    op.drop_table("shop_branding")
