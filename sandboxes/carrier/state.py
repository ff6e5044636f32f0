"""In-memory records of the sandbox carrier: returns (each with its one incoming parcel) and their events.

One lock guards everything: the sandbox serves a handful of clients, and tests read the carrier's own
records through ``/__sandbox`` to check what the connector really did, not what it believes it did.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class Event:
    status_id: int
    at: datetime
    history_id: int


@dataclass
class Return:
    id: int
    parcel_id: int
    body: dict[str, Any]  # the create request as sent (addresses, weight, items, ...)
    carrier: str
    option_code: str
    product_code: str
    delivery_option: str | None
    external_reference: str | None
    created_at: datetime
    tracking_number: str | None = None
    events: list[Event] = field(default_factory=list)
    script: list[int] = field(default_factory=list)  # statuses still to play, first next
    errors: list[dict[str, Any]] = field(default_factory=list)  # carrier announcement errors (JSON:API objects)

    @property
    def status_id(self) -> int:
        return self.events[-1].status_id

    @property
    def announced(self) -> bool:
        return self.tracking_number is not None


@dataclass
class Store:
    lock: threading.RLock = field(default_factory=threading.RLock)
    returns: dict[int, Return] = field(default_factory=dict)
    by_reference: dict[str, int] = field(default_factory=dict)
    by_parcel: dict[int, int] = field(default_factory=dict)
    by_tracking: dict[str, int] = field(default_factory=dict)
    _return_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1751001))
    _parcel_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(67880001))
    _history_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def add(self, record: Return) -> None:
        self.returns[record.id] = record
        self.by_parcel[record.parcel_id] = record.id
        if record.external_reference:
            self.by_reference[record.external_reference] = record.id
        if record.tracking_number:
            self.by_tracking[record.tracking_number] = record.id

    def next_ids(self) -> tuple[int, int]:
        return next(self._return_ids), next(self._parcel_ids)

    def event(self, status_id: int, at: datetime) -> Event:
        return Event(status_id, at, next(self._history_ids))

    def track(self, record: Return, tracking_number: str) -> None:
        record.tracking_number = tracking_number
        self.by_tracking[tracking_number] = record.id

    def by_parcel_id(self, parcel_id: int) -> Return | None:
        found = self.by_parcel.get(parcel_id)
        return None if found is None else self.returns[found]
