"""The webhook inbox: each delivery stored once (deduplicated per platform), with its outbox row in the
same transaction, before we answer 200. Processing happens later, from the queue.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import insert, select, update
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
) -> Accepted:
    """Insert the delivery and its outbox row atomically; a repeated dedup key is a no-op duplicate."""
    with container.uow() as uow:
        conn = uow.connection
        try:
            with conn.begin_nested():
                result = conn.execute(
                    insert(webhook_inbox).values(
                        shop_id=shop_id, platform=platform, dedup_key=dedup_key[:255], topic=topic, body=body,
                        headers=dict(headers), state=InboxState.RECEIVED.value, attempts=0, received_at=utcnow(),
                    )
                )
        except IntegrityError:
            return Accepted(None, None, duplicate=True)
        key = result.inserted_primary_key
        inbox_id = int(key[0]) if key else 0
        outbox_id = uow.outbox.add(shop_id, JobKind.EVENT, str(inbox_id))
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
