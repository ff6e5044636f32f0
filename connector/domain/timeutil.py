"""Times are timezone-aware UTC everywhere in the model."""

from __future__ import annotations

from datetime import UTC, datetime

from connector.domain.errors import DomainError


def require_utc(stamp: datetime | None) -> None:
    if stamp is None:
        return
    if stamp.tzinfo is None or stamp.utcoffset() is None:
        raise DomainError(f"naive datetime {stamp.isoformat()}: times must be timezone-aware UTC")


def utcnow() -> datetime:
    return datetime.now(UTC)


def to_utc(stamp: datetime) -> datetime:
    require_utc(stamp)
    return stamp.astimezone(UTC)
