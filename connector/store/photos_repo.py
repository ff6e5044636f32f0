"""The photos attached to returns, for ONE shop: which store key, which line, which of the return's slots."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select
from sqlalchemy.exc import IntegrityError

from connector.errors import ConnectorError
from connector.photos.ports import MAX_PER_RETURN, PhotoRef
from connector.store.tables import return_photos, returns


class PhotoSlotsFull(ConnectorError):
    """The return has no room for that many more photos (maybe another upload just took the last slot)."""


@dataclass(frozen=True, slots=True)
class StoredPhoto:
    id: int
    return_id: str
    line_id: str | None
    slot: int
    ref: PhotoRef
    created_at: datetime


class PhotoRepository:
    def __init__(self, conn: Connection, shop_id: str) -> None:
        self._conn = conn
        self.shop_id = shop_id

    def for_return(self, return_id: str) -> list[StoredPhoto]:
        rows = self._conn.execute(
            select(return_photos)
            .where(return_photos.c.shop_id == self.shop_id, return_photos.c.return_id == return_id)
            .order_by(return_photos.c.slot)
        )
        return [_photo(row._mapping) for row in rows]

    def add(self, return_id: str, line_id: str | None, refs: Sequence[PhotoRef], at: datetime) -> list[StoredPhoto]:
        """Record photos in the return's free slots; ``PhotoSlotsFull`` when there are not enough of them.

        The unique (return, slot) constraint settles a race: the second upload's insert fails, whatever it read.
        """
        taken = {photo.slot for photo in self.for_return(return_id)}
        free = [slot for slot in range(1, MAX_PER_RETURN + 1) if slot not in taken]
        if len(refs) > len(free):
            raise PhotoSlotsFull(f"return {return_id} has room for {len(free)} more photo(s), not {len(refs)}")
        rows = [
            {"return_id": return_id, "shop_id": self.shop_id, "line_id": line_id, "slot": slot, "ref": ref.key,
             "media_type": ref.media_type, "size": ref.size, "created_at": at}
            for slot, ref in zip(free, refs, strict=False)
        ]
        try:
            self._conn.execute(insert(return_photos), rows)
        except IntegrityError as exc:
            raise PhotoSlotsFull(f"return {return_id}: another upload took the photo slots meanwhile") from exc
        return [photo for photo in self.for_return(return_id) if photo.slot in {row["slot"] for row in rows}]

    def of_customer(self, email: str, order_ids: Sequence[str] = ()) -> list[StoredPhoto]:
        """The photos of the returns a customer redaction covers: made by ``email`` or on one of ``order_ids``."""
        who = func.lower(returns.c.customer_email) == email.lower()
        if order_ids:
            who = who | returns.c.order_id.in_(list(order_ids))
        rows = self._conn.execute(
            select(return_photos)
            .join(returns, returns.c.id == return_photos.c.return_id)
            .where(return_photos.c.shop_id == self.shop_id, returns.c.shop_id == self.shop_id, who)
            .order_by(return_photos.c.id)
        )
        return [_photo(row._mapping) for row in rows]

    def remove(self, photo_ids: Sequence[int]) -> None:
        self._conn.execute(
            delete(return_photos).where(return_photos.c.shop_id == self.shop_id, return_photos.c.id.in_(photo_ids))
        )


def _photo(m: Any) -> StoredPhoto:
    return StoredPhoto(
        m["id"], m["return_id"], m["line_id"], m["slot"], PhotoRef(m["ref"], m["media_type"], m["size"]),
        m["created_at"],
    )
