"""The job outbox: rows written in the same transaction as the change that needs a job.

A relay moves them onto the queue; jobs mark them done. A row that was enqueued but never finished
(Redis lost it, a worker died) is enqueued again after a timeout, so no work is ever lost.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, insert, or_, select, update

from connector.domain.timeutil import utcnow
from connector.store.tables import outbox


class OutboxState(enum.StrEnum):
    PENDING = "pending"
    ENQUEUED = "enqueued"
    DONE = "done"


class JobKind(enum.StrEnum):
    EVENT = "event"  # handle a webhook inbox row
    ACTION = "action"  # execute an action against the shop
    SYNC = "sync"  # poll a shop for changes


@dataclass(frozen=True, slots=True)
class OutboxRow:
    id: int
    shop_id: str
    job: JobKind
    ref_id: str
    state: OutboxState
    attempts: int


def _row(m: Any) -> OutboxRow:
    return OutboxRow(m["id"], m["shop_id"], JobKind(m["job"]), m["ref_id"], OutboxState(m["state"]), m["attempts"])


class Outbox:
    """Not shop-scoped on purpose: the relay serves every shop; each row names its shop."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, shop_id: str, job: JobKind, ref_id: str, *, enqueued: bool = False) -> int:
        """``enqueued``: the caller enqueues right after commit (and calls ``mark_pending`` if that fails)."""
        now = utcnow()
        result = self._conn.execute(
            insert(outbox).values(
                shop_id=shop_id, job=job.value, ref_id=ref_id,
                state=(OutboxState.ENQUEUED if enqueued else OutboxState.PENDING).value,
                attempts=1 if enqueued else 0, created_at=now, enqueued_at=now if enqueued else None,
            )
        )
        key = result.inserted_primary_key
        return int(key[0]) if key else 0

    def due(self, stuck_after: timedelta, limit: int = 500, now: datetime | None = None) -> list[OutboxRow]:
        """Rows never enqueued, and rows enqueued so long ago that their job must have been lost."""
        now = now or utcnow()
        rows = self._conn.execute(
            select(outbox)
            .where(
                or_(
                    outbox.c.state == OutboxState.PENDING.value,
                    (outbox.c.state == OutboxState.ENQUEUED.value) & (outbox.c.enqueued_at < now - stuck_after),
                )
            )
            .order_by(outbox.c.id)
            .limit(limit)
        )
        return [_row(r._mapping) for r in rows]

    def mark_enqueued(self, row_id: int) -> None:
        self._conn.execute(
            update(outbox)
            .where(outbox.c.id == row_id, outbox.c.state != OutboxState.DONE.value)
            .values(state=OutboxState.ENQUEUED.value, enqueued_at=utcnow(), attempts=outbox.c.attempts + 1)
        )

    def mark_pending(self, row_id: int) -> None:
        """The enqueue that was counted on failed: let the next relay pass take the row."""
        self._conn.execute(
            update(outbox)
            .where(outbox.c.id == row_id, outbox.c.state == OutboxState.ENQUEUED.value)
            .values(state=OutboxState.PENDING.value, enqueued_at=None)
        )

    def mark_done(self, row_id: int) -> None:
        self._conn.execute(
            update(outbox).where(outbox.c.id == row_id).values(state=OutboxState.DONE.value, done_at=utcnow())
        )

    def has_open(self, shop_id: str, job: JobKind) -> bool:
        row = self._conn.execute(
            select(outbox.c.id)
            .where(outbox.c.shop_id == shop_id, outbox.c.job == job.value, outbox.c.state != OutboxState.DONE.value)
            .limit(1)
        ).first()
        return row is not None

    def get(self, row_id: int) -> OutboxRow | None:
        row = self._conn.execute(select(outbox).where(outbox.c.id == row_id)).first()
        return None if row is None else _row(row._mapping)
