"""Idempotency keys of the Returns API: the first response to a key is kept and replayed for retries.

The row is inserted (and committed by the caller) BEFORE the request runs, so when two copies of one
request arrive together the primary key lets exactly one of them in; the other sees ``in_progress``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from connector.store.tables import idempotency_keys


class ClaimState(enum.StrEnum):
    STARTED = "started"  # this request holds the key: run it, then ``finish`` or ``release``
    REPLAY = "replay"  # a response is saved: send it again
    MISMATCH = "mismatch"  # the key was used for a different request
    IN_PROGRESS = "in_progress"  # another copy is running now


@dataclass(frozen=True, slots=True)
class Claim:
    state: ClaimState
    status_code: int | None = None
    body: str | None = None


class IdempotencyRepository:
    def __init__(self, conn: Connection, shop_id: str) -> None:
        if not shop_id:
            raise ValueError("idempotency keys always belong to one named shop")
        self._conn = conn
        self.shop_id = shop_id

    def claim(
        self, scope: str, key: str, fingerprint: str, now: datetime, ttl: timedelta, stale_after: timedelta
    ) -> Claim:
        """Take ``key`` for a new request, or say why not. Expired keys, and runs that never finished
        within ``stale_after`` (a killed process), are forgotten and taken afresh."""
        for _ in range(3):
            try:
                with self._conn.begin_nested():
                    self._conn.execute(
                        insert(idempotency_keys).values(
                            shop_id=self.shop_id,
                            scope=scope,
                            key=key,
                            fingerprint=fingerprint,
                            state="in_progress",
                            created_at=now,
                            expires_at=now + ttl,
                        )
                    )
                return Claim(ClaimState.STARTED)
            except IntegrityError:
                pass
            row = self._conn.execute(
                select(idempotency_keys).where(*self._where(scope, key))
            ).first()
            if row is None:
                continue  # deleted meanwhile: try the insert again
            m = row._mapping
            stale = m["state"] == "in_progress" and m["created_at"] <= now - stale_after
            if m["expires_at"] <= now or stale:
                self._conn.execute(
                    delete(idempotency_keys).where(
                        *self._where(scope, key), idempotency_keys.c.created_at == m["created_at"]
                    )
                )
                continue
            if m["fingerprint"] != fingerprint:
                return Claim(ClaimState.MISMATCH)
            if m["state"] == "in_progress":
                return Claim(ClaimState.IN_PROGRESS)
            return Claim(ClaimState.REPLAY, m["status_code"], m["body"])
        return Claim(ClaimState.IN_PROGRESS)

    def finish(self, scope: str, key: str, status_code: int, body: str) -> None:
        self._conn.execute(
            update(idempotency_keys)
            .where(*self._where(scope, key))
            .values(state="done", status_code=status_code, body=body)
        )

    def release(self, scope: str, key: str) -> None:
        """Forget a key whose request left nothing worth replaying (bad input, server error)."""
        self._conn.execute(delete(idempotency_keys).where(*self._where(scope, key)))

    def purge_expired(self, now: datetime) -> int:
        result = self._conn.execute(
            delete(idempotency_keys).where(
                idempotency_keys.c.shop_id == self.shop_id, idempotency_keys.c.expires_at <= now
            )
        )
        return result.rowcount

    def _where(self, scope: str, key: str) -> tuple[ColumnElement[bool], ...]:
        return (
            idempotency_keys.c.shop_id == self.shop_id,
            idempotency_keys.c.scope == scope,
            idempotency_keys.c.key == key,
        )
