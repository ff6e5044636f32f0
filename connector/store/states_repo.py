"""Single-use values (OAuth ``state``, wc-auth ``user_id``): issued once, consumed at most once; and values
issued elsewhere (the WordPress plugin's token nonces) that are accepted once (``use_once``)."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import Connection, delete, insert, update
from sqlalchemy.exc import IntegrityError

from connector.domain.timeutil import utcnow
from connector.store.tables import oauth_states


class SingleUseValues:
    def __init__(self, conn: Connection, purpose: str, max_age: timedelta = timedelta(minutes=15)) -> None:
        self._conn = conn
        self._purpose = purpose
        self._max_age = max_age

    def issue(self, subject: str = "") -> str:
        value = secrets.token_urlsafe(24)
        self._conn.execute(
            insert(oauth_states).values(value=value, purpose=self._purpose, subject=subject, created_at=utcnow())
        )
        return value

    def consume(self, value: str, subject: str | None = None) -> bool:
        """True once for a fresh value of this purpose (and, when given, issued for this ``subject``);
        False if unknown, expired, already used or issued for something else."""
        now = utcnow()
        conditions = [
            oauth_states.c.value == value,
            oauth_states.c.purpose == self._purpose,
            oauth_states.c.used_at.is_(None),
            oauth_states.c.created_at > now - self._max_age,
        ]
        if subject is not None:
            conditions.append(oauth_states.c.subject == subject)
        result = self._conn.execute(update(oauth_states).where(*conditions).values(used_at=now))
        return result.rowcount == 1

    def use_once(self, value: str, subject: str = "") -> bool:
        """True the first time ``value`` is seen for this purpose, False ever after (or while it is remembered:
        values older than ``max_age`` are forgotten here, so the caller must refuse anything that old itself,
        as a signed token's expiry does). For values we did not issue, such as a token's nonce."""
        now = utcnow()
        self._conn.execute(
            delete(oauth_states).where(oauth_states.c.purpose == self._purpose,
                                       oauth_states.c.created_at <= now - self._max_age)
        )
        try:
            with self._conn.begin_nested():
                self._conn.execute(insert(oauth_states).values(
                    value=value, purpose=self._purpose, subject=subject, created_at=now, used_at=now))
        except IntegrityError:
            return False
        return True
