"""A shop's return policy, versioned: every change adds a version; the newest is in force."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select

from connector.domain.timeutil import utcnow
from connector.store.tables import policies


@dataclass(frozen=True, slots=True)
class PolicyVersion:
    version: int
    document: dict[str, Any]
    fingerprint: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class PolicyStamp:
    """What identifies the version in force without its document: enough to find it parsed in a cache."""

    version: int
    fingerprint: str


class PolicyRepository:
    def __init__(self, conn: Connection, shop_id: str) -> None:
        self._conn = conn
        self.shop_id = shop_id

    def current(self) -> PolicyVersion | None:
        row = self._conn.execute(
            select(policies).where(policies.c.shop_id == self.shop_id).order_by(policies.c.version.desc()).limit(1)
        ).first()
        return None if row is None else _version(row._mapping)

    def current_stamp(self) -> PolicyStamp | None:
        """The version in force and its fingerprint, without reading (or decoding) the document."""
        row = self._conn.execute(
            select(policies.c.version, policies.c.fingerprint)
            .where(policies.c.shop_id == self.shop_id)
            .order_by(policies.c.version.desc())
            .limit(1)
        ).first()
        return None if row is None else PolicyStamp(row.version, row.fingerprint)

    def at(self, version: int) -> PolicyVersion | None:
        """One stored version (a version is never changed once stored: a change adds the next one)."""
        row = self._conn.execute(
            select(policies).where(policies.c.shop_id == self.shop_id, policies.c.version == version)
        ).first()
        return None if row is None else _version(row._mapping)

    def add(self, document: dict[str, Any], fingerprint: str) -> PolicyVersion:
        """Store a new version unless it is identical to the one in force."""
        current = self.current()
        if current is not None and current.fingerprint == fingerprint:
            return current
        version = (current.version if current else 0) + 1
        self._conn.execute(
            insert(policies).values(
                shop_id=self.shop_id, version=version, document=document, fingerprint=fingerprint, created_at=utcnow()
            )
        )
        latest = self.current()
        assert latest is not None
        return latest

    def history(self) -> list[PolicyVersion]:
        rows = self._conn.execute(
            select(policies).where(policies.c.shop_id == self.shop_id).order_by(policies.c.version)
        )
        return [_version(row._mapping) for row in rows]

    def count(self) -> int:
        return int(
            self._conn.execute(select(func.count()).where(policies.c.shop_id == self.shop_id)).scalar_one()
        )


def _version(m: Any) -> PolicyVersion:
    return PolicyVersion(m["version"], m["document"], m["fingerprint"], m["created_at"])
