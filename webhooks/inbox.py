"""The webhook inbox: each delivery stored once (deduplicated per platform), with its outbox row in the
same transaction, before we answer 200. Processing happens later, from the queue.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from connector.bootstrap import Container
from connector.domain.timeutil import utcnow
from connector.store.outbox_repo import JobKind
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


@dataclass(frozen=True, slots=True)
class Accepted:
    inbox_id: int | None
    outbox_id: int | None
    duplicate: bool


def accept_delivery(
    container: Container,
    *,
    shop_id: str,
    platform: str,
    dedup_key: str,
    topic: str,
    body: bytes,
    headers: Mapping[str, str],
    will_enqueue: bool = False,
) -> Accepted:
    """Insert the delivery and its outbox row atomically; a repeated dedup key is a no-op duplicate.

    ``will_enqueue``: the caller enqueues right after the commit, so the outbox row is written as enqueued
    (one transaction on the hot path); if that enqueue fails the caller puts the row back to pending.
    """
    values = {
        "shop_id": shop_id, "platform": platform, "dedup_key": dedup_key[:255], "topic": topic, "body": body,
        "headers": dict(headers), "state": InboxState.RECEIVED.value, "attempts": 0, "received_at": utcnow(),
    }
    with container.uow() as uow:
        conn = uow.connection
        if conn.dialect.name in ("postgresql", "sqlite"):
            statement = (pg_insert if conn.dialect.name == "postgresql" else sqlite_insert)(webhook_inbox)
            inserted = conn.execute(
                statement.values(**values)
                .on_conflict_do_nothing(index_elements=[webhook_inbox.c.platform, webhook_inbox.c.dedup_key])
                .returning(webhook_inbox.c.id)
            ).scalar()
            if inserted is None:
                return Accepted(None, None, duplicate=True)
            inbox_id = int(inserted)
        else:
            try:
                with conn.begin_nested():
                    key = conn.execute(insert(webhook_inbox).values(**values)).inserted_primary_key
            except IntegrityError:
                return Accepted(None, None, duplicate=True)
            inbox_id = int(key[0]) if key else 0
        outbox_id = uow.outbox.add(shop_id, JobKind.EVENT, str(inbox_id), enqueued=will_enqueue)
        uow.commit()
    return Accepted(inbox_id, outbox_id, duplicate=False)


def load_delivery(container: Container, inbox_id: int) -> Delivery | None:
    with container.uow() as uow:
        row = uow.connection.execute(select(webhook_inbox).where(webhook_inbox.c.id == inbox_id)).first()
    if row is None:
        return None
    m = row._mapping
    return Delivery(m["id"], m["shop_id"], m["platform"], m["topic"], bytes(m["body"]), m["headers"],
                    InboxState(m["state"]), m["attempts"])


def mark_delivery(container: Container, inbox_id: int, state: InboxState, *, result: str = "", error: str = "") -> None:
    with container.uow() as uow:
        uow.connection.execute(
            update(webhook_inbox)
            .where(webhook_inbox.c.id == inbox_id)
            .values(
                state=state.value,
                attempts=webhook_inbox.c.attempts + 1,
                last_error=error[:2000] if error else (result or None),
                processed_at=utcnow() if state is InboxState.DONE else None,
            )
        )
        uow.commit()
