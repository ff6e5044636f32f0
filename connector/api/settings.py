"""Every lifetime and limit of the Returns API in one place, each with why it has that value."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

API_PREFIX: Final = "/api/v1"

CUSTOMER_TOKEN_TTL: Final = timedelta(minutes=30)
"""A portal session: long enough to pick lines and fill the form, short enough to die with the tab."""

TRACKING_TOKEN_TTL: Final = timedelta(days=120)
"""The tracking link in the confirmation e-mail: a return rarely stays open longer than a season."""

LOOKUP_LIMIT: Final = 10
"""Order look-ups per IP, and per order number, per window: enough for typos, too few to guess e-mails."""

LOOKUP_WINDOW_SECONDS: Final = 60

IDEMPOTENCY_TTL: Final = timedelta(hours=24)
"""How long a saved response is replayed for its key (as Stripe does); afterwards the key is new."""

IDEMPOTENCY_STALE_AFTER: Final = timedelta(minutes=5)
"""A request still marked running after this long died with its process: a retry may take the key."""

IDEMPOTENCY_KEY_MAX: Final = 255

PAGE_DEFAULT: Final = 50
PAGE_MAX: Final = 200

SIGNING_KEY_ENV: Final = "CONNECTOR_SIGNING_KEY"
"""Comma-separated signing keys for customer and tracking tokens, newest first (rotation)."""
