"""The webhook inbox as the worker sees it: read a stored delivery back, record how handling it went.

Deliveries are written by the intake (``webhooks/``, with their outbox row, before the platform gets its 200);
the intake's own hot-path statements reuse ``InboxState`` from here, so both sides spell the states alike.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select, update

from connector.store.tables import webhook_inbox


class InboxState(enum.StrEnum):
    RECEIVED = "received"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Delivery:
    id: int
    shop_id: str
    platform: str
    topic: str
    body: bytes
    headers: Mapping[str, str]
    state: InboxState
    attempts: int


class InboxRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def load(self, inbox_id: int) -> Delivery | None:
        row = self._conn.execute(select(webhook_inbox).where(webhook_inbox.c.id == inbox_id)).first()
        if row is None:
            return None
        m = row._mapping
        return Delivery(m["id"], m["shop_id"], m["platform"], m["topic"], bytes(m["body"]), m["headers"],
                        InboxState(m["state"]), m["attempts"])

    def mark(self, inbox_id: int, state: InboxState, now: datetime, *, result: str = "", error: str = "") -> None:
        """One more attempt, with its outcome: the error (cut to 2,000 characters) or the handler's result."""
        self._conn.execute(
            update(webhook_inbox)
            .where(webhook_inbox.c.id == inbox_id)
            .values(
                state=state.value,
                attempts=webhook_inbox.c.attempts + 1,
                last_error=error[:2000] if error else (result or None),
                processed_at=now if state is InboxState.DONE else None,
            )
        )
