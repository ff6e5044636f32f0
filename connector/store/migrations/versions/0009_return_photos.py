"""return_photos: the customer's photos of a damaged, defective or not-as-described item

The photos themselves live in the photo store (``connector.photos``, local files by default); a row keeps the
store's key, the media type and the size. ``slot`` (1 to 3, unique per return) caps a return at three photos in
the database itself, so two uploads racing for the last place cannot both win.

Revision ID: 0009
Revises: 0008
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "return_photos",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("return_id", sa.String(length=64), nullable=False),
        sa.Column("shop_id", sa.String(length=64), nullable=False),
        sa.Column("line_id", sa.String(length=64), nullable=True),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=32), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("slot BETWEEN 1 AND 3", name=op.f("ck_return_photos_slot_range")),
        sa.ForeignKeyConstraint(
            ["return_id"], ["returns.id"], name=op.f("fk_return_photos_return_id_returns"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_photos")),
        sa.UniqueConstraint("return_id", "slot", name="uq_return_photos_return_slot"),
    )
    op.create_index("ix_return_photos_shop", "return_photos", ["shop_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_return_photos_shop", table_name="return_photos")
    op.drop_table("return_photos")
