"""Per-shop API keys for helpdesks, warehouses and scripts: shown once at issue, stored only as a sha256.

A key reads ``rck_<id>_<secret>``. The id is public (it names the key in listings and in the audit trail);
the secret is 256 random bits. We look the row up by id and compare hashes in constant time, so a wrong
key costs the same whether or not its id exists.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, RowMapping, insert, select, update

from connector.store.tables import api_keys

PREFIX = "rck_"
_SHAPE = re.compile(r"^rck_([0-9a-f]{12})_([A-Za-z0-9_-]{20,100})$")
_DUMMY_HASH = hashlib.sha256(b"no such key").hexdigest()
TOUCH_EVERY = timedelta(minutes=1)
"""``last_used_at`` is rewritten at most this often, so a busy helpdesk does not write on every call."""


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def looks_like_key(value: str) -> bool:
    return value.startswith(PREFIX)


@dataclass(frozen=True, slots=True)
class ApiKeyRecord:
    id: str
    shop_id: str
    label: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def _record(m: RowMapping) -> ApiKeyRecord:
    return ApiKeyRecord(
        id=m["id"],
        shop_id=m["shop_id"],
        label=m["label"],
        created_at=m["created_at"],
        last_used_at=m["last_used_at"],
        revoked_at=m["revoked_at"],
    )


class ApiKeyRepository:
    """Keys of every shop: issuing and listing name the shop; ``verify`` finds the shop from the key."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def issue(self, shop_id: str, label: str, now: datetime) -> tuple[ApiKeyRecord, str]:
        """Store a new key for ``shop_id``; returns the record and the plain key (the only time it exists)."""
        key_id = secrets.token_hex(6)
        plain = f"{PREFIX}{key_id}_{secrets.token_urlsafe(32)}"
        self._conn.execute(
            insert(api_keys).values(
                id=key_id, shop_id=shop_id, label=label, key_hash=hash_key(plain), created_at=now
            )
        )
        record = self.get(shop_id, key_id)
        assert record is not None
        return record, plain

    def get(self, shop_id: str, key_id: str) -> ApiKeyRecord | None:
        row = self._conn.execute(
            select(api_keys).where(api_keys.c.id == key_id, api_keys.c.shop_id == shop_id)
        ).first()
        return None if row is None else _record(row._mapping)

    def list(self, shop_id: str) -> list[ApiKeyRecord]:
        rows = self._conn.execute(
            select(api_keys).where(api_keys.c.shop_id == shop_id).order_by(api_keys.c.created_at, api_keys.c.id)
        )
        return [_record(row._mapping) for row in rows]

    def revoke(self, shop_id: str, key_id: str, now: datetime) -> bool:
        """True when an active key of this shop was revoked."""
        result = self._conn.execute(
            update(api_keys)
            .where(api_keys.c.id == key_id, api_keys.c.shop_id == shop_id, api_keys.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        return result.rowcount == 1

    def verify(self, presented: str, now: datetime) -> ApiKeyRecord | None:
        """The active key matching ``presented`` (and note its use), else None."""
        match = _SHAPE.match(presented.strip())
        key_id = match.group(1) if match else ""
        row = self._conn.execute(select(api_keys).where(api_keys.c.id == key_id)).first() if key_id else None
        stored = str(row._mapping["key_hash"]) if row is not None else _DUMMY_HASH
        if not hmac.compare_digest(stored, hash_key(presented.strip())) or row is None:
            return None
        record = _record(row._mapping)
        if not record.active:
            return None
        if record.last_used_at is None or now - record.last_used_at >= TOUCH_EVERY:
            self._conn.execute(update(api_keys).where(api_keys.c.id == record.id).values(last_used_at=now))
        return record
