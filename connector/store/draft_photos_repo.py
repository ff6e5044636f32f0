"""The photos stored for portal drafts not confirmed yet, across shops (the reconciler prunes them all at once)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, delete, insert, select

from connector.store.tables import draft_photos


@dataclass(frozen=True, slots=True)
class HeldDraftPhoto:
    id: int
    shop_id: str
    draft_id: str
    ref: str
    """The photo store's key."""
    created_at: datetime


class DraftPhotoRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, shop_id: str, draft_id: str, refs: Sequence[str], at: datetime) -> None:
        if refs:
            rows = [{"shop_id": shop_id, "draft_id": draft_id, "ref": ref, "created_at": at} for ref in refs]
            self._conn.execute(insert(draft_photos), rows)

    def release(self, shop_id: str, refs: Sequence[str]) -> None:
        """The photos now belong to a return (``return_photos``): no longer a draft's to prune."""
        if refs:
            self._conn.execute(
                delete(draft_photos).where(draft_photos.c.shop_id == shop_id, draft_photos.c.ref.in_(list(refs)))
            )

    def stored_before(self, cutoff: datetime, limit: int) -> list[HeldDraftPhoto]:
        """The oldest photos stored before ``cutoff``, at most ``limit`` of them."""
        rows = self._conn.execute(
            select(draft_photos)
            .where(draft_photos.c.created_at < cutoff)
            .order_by(draft_photos.c.created_at, draft_photos.c.id)
            .limit(limit)
        )
        return [
            HeldDraftPhoto(m["id"], m["shop_id"], m["draft_id"], m["ref"], m["created_at"])
            for m in (row._mapping for row in rows)
        ]

    def remove(self, ids: Sequence[int]) -> None:
        if ids:
            self._conn.execute(delete(draft_photos).where(draft_photos.c.id.in_(list(ids))))
