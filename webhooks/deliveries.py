"""What intake stores and what it answers: shared by the PostgreSQL and SQLite stores."""

from __future__ import annotations

import hashlib
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
    """A delivery not stored yet (``connector.store.inbox_repo.Delivery`` is one read back from the inbox)."""

    platform: str
    address: str
    dedup_key: str
    topic: str
    body: bytes
    headers: dict[str, str]

    @property
    def digest(self) -> str:
        return replay_digest(self.address, self.topic, self.body)


def replay_digest(address: str, topic: str, body: bytes) -> str:
    """What makes two deliveries the same signed content for one shop and topic, whatever their headers."""
    return hashlib.sha256(b"%s\n%s\n%s" % (address.encode(), topic.encode(), body)).hexdigest()
