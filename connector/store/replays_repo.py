"""The digests of signed webhook bodies seen lately (``webhook_digests``), kept for the retry horizon.

Intake writes them in its own plain SQL (``webhooks/intake_store.py``); here is only what ages them out.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, delete

from connector.store.tables import webhook_digests

REPLAY_HORIZON_HOURS = 48
"""How long a second copy of the same signed body for the same shop and topic is refused, whatever its
unsigned headers say (a fresh event id or delivery id, another spelling of the resource). The platforms'
retry horizon: Shopify's was 48 hours (now 4); WooCommerce never retries, so the same horizon serves both."""


def forget_old_digests(conn: Connection, now: datetime) -> int:
    """Digests past the horizon: intake would overwrite them anyway, so they only take room."""
    horizon = now - timedelta(hours=REPLAY_HORIZON_HOURS)
    return conn.execute(delete(webhook_digests).where(webhook_digests.c.received_at < horizon)).rowcount
