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
    """A delivery not stored yet (``webhooks.inbox.Delivery`` is one read back from the inbox)."""

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


@dataclass(frozen=True, slots=True)
class NamedShop:
    """What a signed body says about its shop, where the platform puts that in the body: the header that
    names the shop is not signed. ``domains`` are lower-cased shop addresses, ``ids`` the platform's ids."""

    domains: frozenset[str] = frozenset()
    ids: frozenset[str] = frozenset()
