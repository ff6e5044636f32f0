"""What intake stores and what it answers: shared by the PostgreSQL and SQLite stores."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple


@dataclass(frozen=True, slots=True)
class Accepted:
    shop_id: str | None  # None: no such shop is connected
    inbox_id: int | None  # None with a shop: a duplicate delivery
    outbox_id: int | None

    @property
    def duplicate(self) -> bool:
        return self.shop_id is not None and self.inbox_id is None


class IncomingDelivery(NamedTuple):
    """A delivery not stored yet (``webhooks.inbox.Delivery`` is one read back from the inbox)."""

    platform: str
    address: str
    dedup_key: str
    topic: str
    body: bytes
    headers: dict[str, str]
