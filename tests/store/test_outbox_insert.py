"""The one outbox INSERT: a row added through the unit of work is new to the relay, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine, select

from connector.domain.timeutil import utcnow
from connector.store.outbox_repo import JobKind, Outbox, OutboxState
from connector.store.tables import outbox


def test_an_added_row_is_pending_with_no_attempts_and_is_claimed_by_the_relay(engine: Engine) -> None:
    before = utcnow()
    with engine.begin() as conn:
        first = Outbox(conn).add("shop-1", JobKind.ACTION, "act-1")
        second = Outbox(conn).add("shop-1", JobKind.SYNC, "sync-1")
    assert second > first > 0
    with engine.begin() as conn:
        stored = conn.execute(select(outbox).where(outbox.c.id == first)).mappings().one()
        assert (stored["state"], stored["attempts"], stored["enqueued_at"]) == (OutboxState.PENDING.value, 0, None)
        assert before - timedelta(seconds=1) <= stored["created_at"] <= utcnow()
        claimed = Outbox(conn).claim_due(timedelta(minutes=5))
    assert [(r.id, r.job, r.ref_id) for r in claimed] == [(first, JobKind.ACTION, "act-1"),
                                                         (second, JobKind.SYNC, "sync-1")]

