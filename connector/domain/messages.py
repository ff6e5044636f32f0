"""The values a notifier sends: an e-mail to a customer or an agent, and a webhook to the merchant's systems.

Why here: ``connector.ports.Notifier`` speaks these, so the notifications package (``notifications/``)
and the core meet on plain values. A message is rendered (its language chosen, its text filled in) before
it reaches the port: the port only delivers. Every time is timezone-aware UTC (checked on construction).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from connector.domain.timeutil import require_utc


@dataclass(frozen=True, slots=True)
class EmailMessage:
    """One e-mail, rendered. ``idempotency_key`` is stable for the event it tells of (for example
    ``ret:<id>:approved:email``), so a retried send is recognised and the customer gets it once."""

    idempotency_key: str
    to: str
    subject: str
    text: str
    html: str | None = None
    locale: str = "en"
    reply_to: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class OutgoingWebhook:
    """One event posted to a merchant's endpoint. ``idempotency_key`` travels with it (a header), so the
    receiver can drop a repeated delivery; the body is JSON-ready."""

    idempotency_key: str
    url: str
    event: str  # for example "return.approved"
    body: Mapping[str, Any]
    occurred_at: datetime

    def __post_init__(self) -> None:
        require_utc(self.occurred_at)


@dataclass(frozen=True, slots=True)
class Delivery:
    """What the transport answered: its own id for the message, and when it accepted it (UTC)."""

    idempotency_key: str
    accepted_at: datetime
    transport_id: str = ""

    def __post_init__(self) -> None:
        require_utc(self.accepted_at)
