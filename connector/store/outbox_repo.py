"""The job outbox: rows written in the same transaction as the change that needs a job.

A relay moves them onto the queue; jobs mark them done. A row that was enqueued but never finished
(Redis lost it, a worker died) is enqueued again after a timeout, so no work is ever lost.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, or_, select, text, update

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
    TRACKING = "tracking"  # apply a shipment's tracking events to it and its return
    TRACKING_POLL = "tracking_poll"  # ask the carrier for a shipment's events (its webhooks may be missed)


def insert_pending_sql(select: str, returning: str = "id") -> str:
    """The one ``INSERT INTO outbox``, as SQL text, for every writer: ``Outbox.add`` and webhook intake's raw SQL
    on PostgreSQL (inside its one-statement CTE) and SQLite, which skip SQLAlchemy's statement building for speed.

    Why one place: each used to spell the INSERT itself, and a row the relay does not take as new (its columns or
    starting state written differently on one path) is a job that never runs. A new row is always pending with
    no attempts. ``select`` is a SELECT list (with its FROM, if any) giving each row's shop_id, job, ref_id and
    created_at, in that order, as placeholders or expressions.
    """
    return (
        "INSERT INTO outbox (state, attempts, shop_id, job, ref_id, created_at) "
        f"SELECT '{OutboxState.PENDING.value}', 0, {select} RETURNING {returning}"
    )


_ADD = text(insert_pending_sql(":shop_id, :job, :ref_id, :created_at")).bindparams(
    bindparam("created_at", type_=outbox.c.created_at.type)
)


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

    def add(self, shop_id: str, job: JobKind, ref_id: str) -> int:
        """A pending row: the relay (a thread of every worker) puts it on the queue within moments."""
        row = {"shop_id": shop_id, "job": job.value, "ref_id": ref_id, "created_at": utcnow()}
        return int(self._conn.execute(_ADD, row).scalar_one())

    def claim_due(self, stuck_after: timedelta, limit: int = 500, now: datetime | None = None) -> list[OutboxRow]:
        """Mark due rows enqueued and return them, in one statement: the caller enqueues them next.

        On PostgreSQL, ``SKIP LOCKED`` lets several relays (one per worker) run at once without taking the
        same rows; SQLite serialises writers anyway. If the enqueue then fails the caller ``release``s them;
        if the relay dies first, the rows look stuck and a later pass takes them again.
        """
        now = now or utcnow()
        due = (
            select(outbox.c.id)
            .where(
                or_(
                    outbox.c.state == OutboxState.PENDING.value,
                    (outbox.c.state == OutboxState.ENQUEUED.value) & (outbox.c.enqueued_at < now - stuck_after),
                )
            )
            .order_by(outbox.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        rows = self._conn.execute(
            update(outbox)
            .where(outbox.c.id.in_(due.scalar_subquery()))
            .values(state=OutboxState.ENQUEUED.value, enqueued_at=now, attempts=outbox.c.attempts + 1)
            .returning(outbox)
        )
        return sorted((_row(r._mapping) for r in rows), key=lambda row: row.id)

    def release(self, row_ids: list[int]) -> None:
        """The enqueue after a claim failed: the rows go back to pending for the next pass."""
        if row_ids:
            self._conn.execute(
                update(outbox)
                .where(outbox.c.id.in_(row_ids), outbox.c.state == OutboxState.ENQUEUED.value)
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
