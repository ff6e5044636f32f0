"""The action outbox: every action that moves money or stock, with its idempotency key, stored BEFORE
the platform is called. The key is unique: recording the same intent twice returns the first row.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, case, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from connector.domain.actions import ActionKind
from connector.domain.timeutil import utcnow
from connector.store.tables import actions


class ActionState(enum.StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    UNKNOWN = "unknown"  # sent, answer lost: look for the effect before retrying
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class ActionRecord:
    id: str
    shop_id: str
    return_id: str | None
    kind: ActionKind
    idempotency_key: str
    state: ActionState
    payload: dict[str, Any]
    result: dict[str, Any] | None
    attempts: int
    last_error: str | None
    next_attempt_at: datetime | None
    created_at: datetime
    updated_at: datetime


def _record(m: Any) -> ActionRecord:
    return ActionRecord(
        id=m["id"],
        shop_id=m["shop_id"],
        return_id=m["return_id"],
        kind=ActionKind(m["kind"]),
        idempotency_key=m["idempotency_key"],
        state=ActionState(m["state"]),
        payload=m["payload"],
        result=m["result"],
        attempts=m["attempts"],
        last_error=m["last_error"],
        next_attempt_at=m["next_attempt_at"],
        created_at=m["created_at"],
        updated_at=m["updated_at"],
    )


class ActionRepository:
    def __init__(self, conn: Connection, shop_id: str) -> None:
        if not shop_id:
            raise ValueError("an action repository is always for one named shop")
        self._conn = conn
        self.shop_id = shop_id

    def record(
        self, kind: ActionKind, idempotency_key: str, payload: dict[str, Any], return_id: str | None = None
    ) -> ActionRecord:
        """Store the intent once; a second call with the same key returns the existing action."""
        now = utcnow()
        try:
            with self._conn.begin_nested():
                self._conn.execute(
                    insert(actions).values(
                        id=uuid.uuid4().hex,
                        shop_id=self.shop_id,
                        return_id=return_id,
                        kind=kind.value,
                        idempotency_key=idempotency_key,
                        state=ActionState.PENDING.value,
                        payload=payload,
                        attempts=0,
                        next_attempt_at=None,
                        created_at=now,
                        updated_at=now,
                    )
                )
        except IntegrityError:
            pass
        found = self.by_key(idempotency_key)
        if found is None:
            raise PermissionError(f"idempotency key {idempotency_key} belongs to another shop")
        return found

    def get(self, action_id: str) -> ActionRecord | None:
        row = self._conn.execute(
            select(actions).where(actions.c.id == action_id, actions.c.shop_id == self.shop_id)
        ).first()
        return None if row is None else _record(row._mapping)

    def by_key(self, idempotency_key: str) -> ActionRecord | None:
        row = self._conn.execute(
            select(actions).where(actions.c.idempotency_key == idempotency_key, actions.c.shop_id == self.shop_id)
        ).first()
        return None if row is None else _record(row._mapping)

    def for_return(self, return_id: str) -> list[ActionRecord]:
        rows = self._conn.execute(
            select(actions)
            .where(actions.c.shop_id == self.shop_id, actions.c.return_id == return_id)
            .order_by(actions.c.created_at, actions.c.id)
        )
        return [_record(row._mapping) for row in rows]

    def list(
        self, state: ActionState | None = None, limit: int = 100, kind: ActionKind | None = None
    ) -> list[ActionRecord]:
        query = select(actions).where(actions.c.shop_id == self.shop_id)
        if state is not None:
            query = query.where(actions.c.state == state.value)
        if kind is not None:
            query = query.where(actions.c.kind == kind.value)
        rows = self._conn.execute(query.order_by(actions.c.created_at.desc()).limit(limit))
        return [_record(row._mapping) for row in rows]

    def wake(self, action_id: str, now: datetime) -> bool:
        """Make a pending action due now, or mark a running one to run again as soon as its run ends.

        A run that is under way decides itself when the action is next looked at (``park``); news that
        arrives meanwhile (the shop saying an order was paid) would be lost if only pending actions could be
        woken. A running action's ``next_attempt_at`` is otherwise always empty, so setting it is the mark.
        """
        woken = update(actions).where(actions.c.id == action_id, actions.c.shop_id == self.shop_id)
        pending = self._conn.execute(
            woken.where(actions.c.state == ActionState.PENDING.value).values(next_attempt_at=None, updated_at=now)
        ).rowcount
        if pending:
            return True
        running = woken.where(actions.c.state == ActionState.RUNNING.value).values(next_attempt_at=now)
        return self._conn.execute(running).rowcount == 1

    def park(self, action_id: str, *, result: dict[str, Any], error: str, until: datetime) -> bool:
        """Put a running action back to wait until ``until``, unless it was woken while it ran (then False)."""
        query = (
            update(actions)
            .where(
                actions.c.id == action_id,
                actions.c.shop_id == self.shop_id,
                actions.c.state == ActionState.RUNNING.value,
                actions.c.next_attempt_at.is_(None),
            )
            .values(
                state=ActionState.PENDING.value, result=result, last_error=error[:2000],
                next_attempt_at=until, updated_at=utcnow(),
            )
        )
        return self._conn.execute(query).rowcount == 1

    def lease(self, action_id: str, now: datetime, until: datetime, stuck_after: timedelta) -> bool:
        """Take a due action for enqueueing (at most one reconciler wins); a vanished run becomes unknown."""
        due = or_(
            (actions.c.state.in_([ActionState.PENDING.value, ActionState.UNKNOWN.value]))
            & (or_(actions.c.next_attempt_at.is_(None), actions.c.next_attempt_at <= now)),
            (actions.c.state == ActionState.RUNNING.value) & (actions.c.updated_at < now - stuck_after),
        )
        state = case((actions.c.state == ActionState.RUNNING.value, ActionState.UNKNOWN.value), else_=actions.c.state)
        result = self._conn.execute(
            update(actions)
            .where(actions.c.id == action_id, actions.c.shop_id == self.shop_id, due)
            .values(next_attempt_at=until, state=state, updated_at=now)
        )
        return result.rowcount == 1

    def transition(
        self,
        action_id: str,
        expected: ActionState | None,
        new_state: ActionState,
        *,
        result: dict[str, Any] | None = None,
        error: str | None = None,
        next_attempt_at: datetime | None = None,
        count_attempt: bool = False,
    ) -> bool:
        """Move an action between states; with ``expected`` this is a compare-and-set (claim)."""
        values: dict[str, Any] = {"state": new_state.value, "updated_at": utcnow(), "next_attempt_at": next_attempt_at}
        if result is not None:
            values["result"] = result
        if error is not None:
            values["last_error"] = error[:2000]
        if count_attempt:
            values["attempts"] = actions.c.attempts + 1
        query = update(actions).where(actions.c.id == action_id, actions.c.shop_id == self.shop_id)
        if expected is not None:
            query = query.where(actions.c.state == expected.value)
        return self._conn.execute(query.values(**values)).rowcount == 1
