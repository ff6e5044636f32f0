"""logistics: shop_carriers, shipments, label_documents, tracking_events

Issue 19: a shop's carrier account (settings and the names of its credentials' environment variables), each
return's parcel with the idempotency key stored before the carrier is asked, the label's files (kept in the
database so every process serves them), and every tracking event received, deduplicated by its unique key.

Revision ID: 0013
Revises: 0012
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shop_carriers",
        sa.Column("shop_id", sa.String(length=64), nullable=False),
        sa.Column("carrier", sa.String(length=32), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("credentials_env", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name=op.f("fk_shop_carriers_shop_id_shops"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("shop_id", name=op.f("pk_shop_carriers")),
    )
    op.create_table(
        "shipments",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("shop_id", sa.String(length=64), nullable=False),
        sa.Column("return_id", sa.String(length=64), nullable=False),
        sa.Column("carrier", sa.String(length=32), nullable=False),
        sa.Column("method", sa.String(length=32), nullable=False),
        sa.Column("idempotency_key", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("carrier_ref", sa.String(length=128), nullable=True),
        sa.Column("tracking_number", sa.String(length=128), nullable=False),
        sa.Column("tracking_url", sa.String(length=2048), nullable=False),
        sa.Column("service_point", sa.JSON(), nullable=True),
        sa.Column("pickup_window", sa.JSON(), nullable=True),
        sa.Column("pickup_ref", sa.String(length=128), nullable=False),
        sa.Column("alert", sa.Text(), nullable=False),
        sa.Column("last_event_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["return_id"], ["returns.id"], name=op.f("fk_shipments_return_id_returns"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipments")),
        sa.UniqueConstraint("return_id", name="uq_shipments_return_id"),
        sa.UniqueConstraint("idempotency_key", name="uq_shipments_idempotency_key"),
    )
    op.create_index("ix_shipments_carrier_ref", "shipments", ["carrier", "carrier_ref"], unique=False)
    op.create_index("ix_shipments_tracking_number", "shipments", ["carrier", "tracking_number"], unique=False)
    op.create_index("ix_shipments_shop_status", "shipments", ["shop_id", "status"], unique=False)
    op.create_table(
        "label_documents",
        sa.Column("shipment_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("paper_size", sa.String(length=4), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["shipment_id"], ["shipments.id"], name=op.f("fk_label_documents_shipment_id_shipments"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("shipment_id", "kind", "paper_size", name=op.f("pk_label_documents")),
    )
    op.create_table(
        "tracking_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("shop_id", sa.String(length=64), nullable=False),
        sa.Column("shipment_id", sa.String(length=64), nullable=False),
        sa.Column("carrier_status", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["shipment_id"], ["shipments.id"], name=op.f("fk_tracking_events_shipment_id_shipments"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tracking_events")),
        sa.UniqueConstraint("shipment_id", "carrier_status", "occurred_at", name="uq_tracking_events_event"),
    )
    op.create_index("ix_tracking_events_pending", "tracking_events", ["shipment_id", "applied_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_tracking_events_pending", table_name="tracking_events")
    op.drop_table("tracking_events")
    op.drop_table("label_documents")
    op.drop_index("ix_shipments_shop_status", table_name="shipments")
    op.drop_index("ix_shipments_tracking_number", table_name="shipments")
    op.drop_index("ix_shipments_carrier_ref", table_name="shipments")
    op.drop_table("shipments")
    op.drop_table("shop_carriers")
