"""The logistics tables (issue 19): where a shop's returns go, and each return's parcel.

On the same ``metadata`` as ``tables``, which imports this module, so whoever reads the metadata (the migrations,
their drift test) sees them; kept apart so the shop and return tables stay one readable file.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, LargeBinary, String, Table, Text, UniqueConstraint

from connector.store.metadata import metadata
from connector.store.metadata import stamp as _stamp

shop_carriers = Table(
    "shop_carriers",
    metadata,
    # The shop's carrier account as ``returns-connector carriers add`` or the config's [shops.carrier] set it:
    # the carrier's key, its settings (options, warehouse address, methods per country) and the names of the
    # environment variables holding its credentials. Never a credential itself.
    Column("shop_id", String(64), ForeignKey("shops.id", ondelete="CASCADE"), primary_key=True),
    Column("carrier", String(32), nullable=False),
    Column("settings", JSON, nullable=False),
    Column("credentials_env", JSON, nullable=False),
    Column("source", String(16), nullable=False),  # "config" or "cli": a config sync replaces only its own
    _stamp("updated_at"),
)

shipments = Table(
    "shipments",
    metadata,
    # One return's parcel (connector.domain.shipments.Shipment): the idempotency key is stored before the
    # carrier is asked, the carrier's reference as soon as it answers.
    Column("id", String(64), primary_key=True),
    Column("shop_id", String(64), nullable=False),
    Column("return_id", String(64), ForeignKey("returns.id", ondelete="CASCADE"), nullable=False),
    Column("carrier", String(32), nullable=False),
    Column("method", String(32), nullable=False),
    Column("idempotency_key", String(255), nullable=False),
    Column("status", String(32), nullable=False),
    Column("carrier_ref", String(128), nullable=True),
    Column("tracking_number", String(128), nullable=False, default=""),
    Column("tracking_url", String(2048), nullable=False, default=""),
    Column("service_point", JSON, nullable=True),
    Column("pickup_window", JSON, nullable=True),
    Column("pickup_ref", String(128), nullable=False, default=""),
    Column("alert", Text, nullable=False, default=""),
    _stamp("last_event_at", nullable=True),
    Column("version", Integer, nullable=False, default=0),
    _stamp("created_at"),
    _stamp("updated_at"),
    UniqueConstraint("return_id", name="uq_shipments_return_id"),
    UniqueConstraint("idempotency_key", name="uq_shipments_idempotency_key"),
    Index("ix_shipments_carrier_ref", "carrier", "carrier_ref"),
    Index("ix_shipments_tracking_number", "carrier", "tracking_number"),
    Index("ix_shipments_shop_status", "shop_id", "status"),
)

label_documents = Table(
    "label_documents",
    metadata,
    # A label's printable files, kept in the database so every web process and worker serves the same bytes.
    Column("shipment_id", String(64), ForeignKey("shipments.id", ondelete="CASCADE"), primary_key=True),
    Column("kind", String(16), primary_key=True),  # "pdf" or "qr_png"
    Column("paper_size", String(4), primary_key=True),  # "A6", "A4"; "" for a QR code
    Column("content", LargeBinary, nullable=False),
    _stamp("created_at"),
)

tracking_events = Table(
    "tracking_events",
    metadata,
    # Every tracking event received (webhook or poll), stored before it is answered or applied: the unique
    # key drops the carrier's duplicates, ``applied_at`` says the worker took it into account.
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("shop_id", String(64), nullable=False),
    Column("shipment_id", String(64), ForeignKey("shipments.id", ondelete="CASCADE"), nullable=False),
    Column("carrier_status", String(64), nullable=False),
    Column("status", String(32), nullable=False),
    _stamp("occurred_at"),
    Column("message", Text, nullable=False, default=""),
    Column("source", String(16), nullable=False),  # "webhook" or "poll"
    _stamp("received_at"),
    _stamp("applied_at", nullable=True),
    UniqueConstraint("shipment_id", "carrier_status", "occurred_at", name="uq_tracking_events_event"),
    Index("ix_tracking_events_pending", "shipment_id", "applied_at"),
)

__all__ = ["label_documents", "shipments", "shop_carriers", "tracking_events"]
