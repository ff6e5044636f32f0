"""draft_photos: the photos stored for a portal draft that is not confirmed yet

The portal stores a customer's photos when they are sent, two screens before the return exists; a row per photo
says which draft it belongs to and when it was stored. Confirming the draft hands the photos to the return
(``return_photos``) and drops their rows; the reconciler deletes the files, then the rows, of drafts dead for
longer than a draft can live.

Revision ID: 0012
Revises: 0011
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "draft_photos",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("shop_id", sa.String(length=64), nullable=False),
        sa.Column("draft_id", sa.String(length=64), nullable=False),
        sa.Column("ref", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name=op.f("fk_draft_photos_shop_id_shops"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft_photos")),
        sa.UniqueConstraint("ref", name="uq_draft_photos_ref"),
    )
    op.create_index("ix_draft_photos_created", "draft_photos", ["created_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_draft_photos_created", table_name="draft_photos")
    op.drop_table("draft_photos")
