"""Table definitions. Every table that holds a shop's data carries ``shop_id``; repositories filter on it."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    false,
    func,
    literal,
    text,
)

from connector.domain.refund_deadline import SETTLED
from connector.store import logistics_tables as _logistics_tables  # noqa: F401  (its tables, on the same metadata)
from connector.store.metadata import metadata
from connector.store.metadata import stamp as _stamp
from connector.store.types import UTCDateTime

shops = Table(
    "shops",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("platform", String(32), nullable=False),
    Column("address", String(255), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("locale", String(16), nullable=False),
    Column("name", String(255), nullable=False, default=""),
    Column("active", Boolean, nullable=False, default=True),
    Column("credentials", LargeBinary, nullable=True),
    Column("declared_in_config", Boolean, nullable=False, default=False),
    Column("last_synced_at", UTCDateTime(), nullable=True),
    # The shop's own id at the platform (Shopify's numeric id), learned from signed webhooks: see intake.
    Column("platform_shop_id", String(64), nullable=True),
    _stamp("created_at"),
    _stamp("updated_at"),
    UniqueConstraint("platform", "address", name="uq_shops_platform_address"),
)

shop_branding = Table(
    "shop_branding",
    metadata,
    # The portal's look as the shop set it through the app (connector.branding checks every value); a NULL
    # column leaves that value to the config file, then to the neutral default.
    Column("shop_id", String(64), ForeignKey("shops.id", ondelete="CASCADE"), primary_key=True),
    Column("shop_name", String(100), nullable=True),
    Column("logo_url", String(2048), nullable=True),
    Column("accent_colour", String(7), nullable=True),
    Column("policy_url", String(2048), nullable=True),
    Column("contact_url", String(2048), nullable=True),
    _stamp("updated_at"),
)

order_snapshots = Table(
    "order_snapshots",
    metadata,
    Column("shop_id", String(64), ForeignKey("shops.id", ondelete="CASCADE"), primary_key=True),
    Column("order_id", String(128), primary_key=True),
    Column("name", String(64), nullable=False),
    Column("email", String(320), nullable=False),
    Column("document", JSON, nullable=False),
    Column("stale", Boolean, nullable=False, default=False, server_default=false()),
    _stamp("platform_updated_at", nullable=True),
    _stamp("fetched_at"),
    Column("customer_id", String(128), nullable=True),
    Index("ix_order_snapshots_shop_name", "shop_id", "name"),
    Index("ix_order_snapshots_shop_customer", "shop_id", "customer_id"),
)

returns = Table(
    "returns",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("shop_id", String(64), ForeignKey("shops.id", ondelete="CASCADE"), nullable=False),
    Column("order_id", String(128), nullable=False),
    Column("order_name", String(64), nullable=False),
    Column("status", String(32), nullable=False),
    Column("method", String(32), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("customer_email", String(320), nullable=False),
    Column("platform_return_id", String(128), nullable=True),
    Column("decline_reason", Text, nullable=True),
    Column("keep_item", Boolean, nullable=False, default=False),
    Column("money_moved", Boolean, nullable=False, default=False),
    Column("refund_due_by", UTCDateTime(), nullable=True),
    Column("fees", JSON, nullable=True),
    Column("amounts", JSON, nullable=True),
    Column("evaluation", JSON, nullable=True),
    Column("version", Integer, nullable=False, default=0),
    _stamp("created_at"),
    _stamp("updated_at"),
    # What the returned lines cost the customer (ReturnAmounts.paid) in minor units of ``currency``, and its lines'
    # reasons as bits (codec.REASON_BITS): the agents' queue filters on them (connector.services.return_queue)
    # from the status index alone. value_minor is NULL while the return has no amounts.
    Column("value_minor", BigInteger, nullable=True),
    Column("reason_bits", Integer, nullable=False, default=0, server_default=text("0")),
    UniqueConstraint("shop_id", "platform_return_id", name="uq_returns_shop_platform_return"),
    Index("ix_returns_shop_order", "shop_id", "order_id"),
    # The agents' queue (migration 0014): newest first with the id as tiebreak, per shop and per status, so a
    # page is read from where the last one ended (keyset). The status index's trailing columns are the queue's
    # other filters: its counts by status under them are read from the index alone (an index-only scan).
    Index("ix_returns_shop_created", "shop_id", "created_at", "id"),
    Index(
        "ix_returns_shop_status_created",
        "shop_id", "status", "created_at", "id", "method", "reason_bits", "currency", "value_minor",
    ),
    Index("ix_returns_shop_order_name", "shop_id", "order_name"),
)
SETTLED_STATUSES = tuple(sorted(status.value for status in SETTLED))
UNPAID_WITH_DEADLINE = and_(
    returns.c.refund_due_by.is_not(None),
    returns.c.money_moved == false(),
    returns.c.status.not_in([literal(status, literal_execute=True) for status in SETTLED_STATUSES]),
)
"""Still owed, with a deadline: the SQL form of the first test of ``refund_deadline.deadline_risk``. The statuses are
literals, as in the partial index below, so both databases see that the index holds every row a query asks."""
# The queue's search by e-mail, equality or prefix, on the lower-cased address. text_pattern_ops on PostgreSQL
# so that a prefix range compares bytes whatever the database's collation (the search uses its ~>=~ and ~<~
# operators; SQLite's comparisons are bytewise already).
Index(
    "ix_returns_shop_email",
    returns.c.shop_id,
    func.lower(returns.c.customer_email).label("email"),
    postgresql_ops={"email": "text_pattern_ops"},
)
# Open, unpaid returns with an EU refund deadline: every candidate for "overdue under EU rules" (a backlog, not the
# shop's history), by deadline and with the status, so the queue's counts of them read this index alone.
Index(
    "ix_returns_shop_refund_due",
    returns.c.shop_id,
    returns.c.refund_due_by,
    returns.c.status,
    postgresql_where=UNPAID_WITH_DEADLINE,
    sqlite_where=UNPAID_WITH_DEADLINE,
)

return_lines = Table(
    "return_lines",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("return_id", String(64), ForeignKey("returns.id", ondelete="CASCADE"), nullable=False),
    Column("shop_id", String(64), nullable=False),
    Column("position", Integer, nullable=False),
    Column("order_line_id", String(128), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("reason", String(32), nullable=False),
    Column("reason_handle", String(128), nullable=True),
    Column("customer_note", Text, nullable=False, default=""),
    Column("resolution", JSON, nullable=False),
    Column("received_quantity", Integer, nullable=False, default=0),
    Column("condition", String(32), nullable=True),
    Column("disposition", String(32), nullable=True),
    Column("platform_line_id", String(128), nullable=True),
    Index("ix_return_lines_return", "return_id"),
)

return_photos = Table(
    "return_photos",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("return_id", String(64), ForeignKey("returns.id", ondelete="CASCADE"), nullable=False),
    Column("shop_id", String(64), nullable=False),
    Column("line_id", String(64), nullable=True),  # NULL: a photo of the parcel, not of one line
    # Which of the return's photo slots: at most 3, and two concurrent uploads cannot take the same one.
    Column("slot", Integer, nullable=False),
    Column("ref", String(255), nullable=False),  # the photo store's key (connector.photos)
    Column("media_type", String(32), nullable=False),
    Column("size", Integer, nullable=False),
    _stamp("created_at"),
    UniqueConstraint("return_id", "slot", name="uq_return_photos_return_slot"),
    CheckConstraint("slot BETWEEN 1 AND 3", name="slot_range"),
    Index("ix_return_photos_shop", "shop_id"),
)

draft_photos = Table(
    "draft_photos",
    metadata,
    # Photos stored for a portal draft not confirmed yet (connector.services.draft_photos): the row goes when the
    # draft's return records them, or with the files once the draft is long dead (the reconciler).
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("shop_id", String(64), ForeignKey("shops.id", ondelete="CASCADE"), nullable=False),
    Column("draft_id", String(64), nullable=False),
    Column("ref", String(255), nullable=False),  # the photo store's key (connector.photos)
    _stamp("created_at"),
    UniqueConstraint("ref", name="uq_draft_photos_ref"),
    Index("ix_draft_photos_created", "created_at"),
)

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("shop_id", String(64), nullable=False),
    Column("return_id", String(64), ForeignKey("returns.id", ondelete="CASCADE"), nullable=False),
    Column("seq", Integer, nullable=False),
    _stamp("at"),
    Column("actor_kind", String(16), nullable=False),
    Column("actor_id", String(255), nullable=False, default=""),
    Column("action", String(64), nullable=False),
    Column("from_status", String(32), nullable=True),
    Column("to_status", String(32), nullable=False),
    Column("reason", Text, nullable=False, default=""),
    Column("data", JSON, nullable=False),
    UniqueConstraint("return_id", "seq", name="uq_events_return_seq"),
)

actions = Table(
    "actions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("shop_id", String(64), ForeignKey("shops.id", ondelete="CASCADE"), nullable=False),
    Column("return_id", String(64), nullable=True),
    Column("kind", String(32), nullable=False),
    Column("idempotency_key", String(255), nullable=False, unique=True),
    Column("state", String(16), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("result", JSON, nullable=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text, nullable=True),
    _stamp("next_attempt_at", nullable=True),
    _stamp("created_at"),
    _stamp("updated_at"),
    Index("ix_actions_state_next", "state", "next_attempt_at"),
    Index("ix_actions_shop_return", "shop_id", "return_id"),
)

policies = Table(
    "policies",
    metadata,
    Column("shop_id", String(64), ForeignKey("shops.id", ondelete="CASCADE"), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("document", JSON, nullable=False),
    Column("fingerprint", String(64), nullable=False),
    _stamp("created_at"),
)

webhook_inbox = Table(
    "webhook_inbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    # No foreign key, on purpose (here and in outbox): checking one locks the shop's row on every insert, and
    # webhooks for one shop commit concurrently. ShopRepository.remove deletes these rows itself.
    Column("shop_id", String(64), nullable=False),
    Column("platform", String(32), nullable=False),
    Column("dedup_key", String(255), nullable=False),
    Column("topic", String(128), nullable=False),
    Column("body", LargeBinary, nullable=False),
    Column("headers", JSON, nullable=False),
    Column("state", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text, nullable=True),
    _stamp("received_at"),
    _stamp("processed_at", nullable=True),
    # Per shop: WooCommerce's key names no store, and two stores' order 1001 may change in the same second.
    UniqueConstraint("shop_id", "dedup_key", name="uq_webhook_inbox_shop_dedup"),
    Index("ix_webhook_inbox_state", "state", "received_at"),
)

webhook_digests = Table(
    "webhook_digests",
    metadata,
    # A digest of (shop, topic, body) per signed delivery, so a replay with fresh unsigned headers is still
    # a duplicate within the platforms' retry horizon (an older row is overwritten, not kept).
    Column("platform", String(32), primary_key=True),
    Column("digest", String(64), primary_key=True),
    _stamp("received_at"),
    Index("ix_webhook_digests_received_at", "received_at", postgresql_using="brin"),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("shop_id", String(64), nullable=False),  # no foreign key: see webhook_inbox
    Column("job", String(32), nullable=False),
    Column("ref_id", String(64), nullable=False),
    Column("state", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    _stamp("created_at"),
    _stamp("enqueued_at", nullable=True),
    _stamp("done_at", nullable=True),
    Index("ix_outbox_state", "state", "enqueued_at"),
)

oauth_states = Table(
    "oauth_states",
    metadata,
    Column("value", String(128), primary_key=True),
    Column("purpose", String(32), nullable=False),
    Column("subject", String(255), nullable=False, default=""),
    _stamp("created_at"),
    _stamp("used_at", nullable=True),
)

# -- the Returns API (connector/api): agent API keys, idempotent replays, shared rate-limit counters --------

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", String(32), primary_key=True),  # public part of the key, shown in listings
    Column("shop_id", String(64), ForeignKey("shops.id", ondelete="CASCADE"), nullable=False),
    Column("label", String(255), nullable=False, default=""),
    Column("key_hash", String(64), nullable=False),  # sha256 hex of the whole key; the key itself is never stored
    _stamp("created_at"),
    _stamp("last_used_at", nullable=True),
    _stamp("revoked_at", nullable=True),
    Index("ix_api_keys_shop", "shop_id"),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("shop_id", String(64), ForeignKey("shops.id", ondelete="CASCADE"), primary_key=True),
    Column("scope", String(200), primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("state", String(16), nullable=False),
    Column("status_code", Integer, nullable=True),
    Column("body", Text, nullable=True),
    _stamp("created_at"),
    _stamp("expires_at"),
    Index("ix_idempotency_keys_expires", "expires_at"),
)

rate_limits = Table(
    "rate_limits",
    metadata,
    Column("bucket", String(64), primary_key=True),  # sha256 of what is limited (an IP, an order number)
    Column("window_no", Integer, primary_key=True),  # window number: unix seconds // window length
    Column("hits", Integer, nullable=False),
    _stamp("expires_at"),
    Index("ix_rate_limits_expires", "expires_at"),
)

data_requests = Table(
    "data_requests",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("shop_id", String(64), ForeignKey("shops.id", ondelete="CASCADE"), nullable=False),
    Column("email", String(320), nullable=False),
    Column("platform_request_id", String(128), nullable=True),
    Column("export", JSON, nullable=False),
    _stamp("requested_at"),
    Index("ix_data_requests_shop", "shop_id", "requested_at"),
)

__all__ = [
    "actions",
    "api_keys",
    "data_requests",
    "draft_photos",
    "events",
    "idempotency_keys",
    "metadata",
    "oauth_states",
    "order_snapshots",
    "outbox",
    "policies",
    "rate_limits",
    "return_lines",
    "return_photos",
    "returns",
    "shop_branding",
    "shops",
    "webhook_inbox",
]
