"""The webhook inbox as jobs see it: load a stored delivery, record how handling it went.

Deliveries are written by ``intake_store`` (with their outbox row, before we answer 200).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select, update

from connector.bootstrap import Container
from connector.domain.timeutil import utcnow
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
