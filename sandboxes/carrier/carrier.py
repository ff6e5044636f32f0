"""The sandbox carrier's behaviour: creating returns, moving their parcels, cancelling them.

Kept apart from the HTTP routes so the control routes (``/__sandbox``) and the API share one path for
every state change, and each change pushes its webhook from one place.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flask import Flask, current_app

from sandboxes.carrier.auth import Keys
from sandboxes.carrier.points import Point, seed_points
from sandboxes.carrier.scripted_faults import ScriptedFaults
from sandboxes.carrier.serialize import webhook_payload
from sandboxes.carrier.state import Return, Store
from sandboxes.carrier.statuses import (
    ANNOUNCED,
    ANNOUNCEMENT_FAILED,
    BEING_ANNOUNCED,
    CANCEL_REQUESTED,
    CANCELLED,
    FINAL,
    NO_LABEL,
    TIMELINES,
    status,
)
from sandboxes.carrier.webhooks import Dispatcher, WebhookSettings
from sandboxes.kit.faults import Faults

EXTENSION = "carrier_sandbox"
_TRACKING_PREFIX = {"mondial_relay": "MR", "colissimo": "8R", "chronopost": "XW", "dpd": "DPD", "ups": "1Z"}


@dataclass
class CarrierOptions:
    public_key: str = "sandbox-public-key"
    secret_key: str = "sandbox-secret-key"  # noqa: S105 - a public sandbox default
    webhook_url: str | None = None
    webhook_signature_key: str | None = None  # signs webhooks instead of the secret key when set
    announce: str = "immediate"  # or "manual": returns wait in 1001 until POST /__sandbox/returns/<id>/announce
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))


@dataclass
class Carrier:
    options: CarrierOptions
    faults: Faults
    store: Store = field(default_factory=Store)
    points: tuple[Point, ...] = field(default_factory=seed_points)
    base_url: str = ""
    unavailable_points: set[int] = field(default_factory=set)
    scripted: ScriptedFaults = field(default_factory=ScriptedFaults)
    keys: Keys = field(default_factory=Keys)
    dispatcher: Dispatcher = field(init=False)
    _counter: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        secret = self.options.webhook_signature_key or self.options.secret_key
        self.dispatcher = Dispatcher(WebhookSettings(url=self.options.webhook_url, secret=secret))
        self.keys.pairs[self.options.public_key] = self.options.secret_key

    def create(self, body: dict[str, Any], carrier: str, option_code: str, product_code: str) -> Return:
        """Create, and announce at once unless announcing is manual (Sendcloud's POST /returns is asynchronous:
        the label is null until the carrier accepts the parcel, and announcing may fail)."""
        now = self.options.now()
        with self.store.lock:
            return_id, parcel_id = self.store.next_ids()
            option = body.get("delivery_option")
            record = Return(return_id, parcel_id, body, carrier, option_code, product_code, option,
                            body.get("external_reference"), now)  # fmt: skip
            record.script = list(TIMELINES.get(option or "drop_off_point", TIMELINES["drop_off_point"]))
            self.store.add(record)
            if option == "in_store":
                record.events.append(self.store.event(NO_LABEL, now))
            elif self.options.announce == "manual":
                record.events.append(self.store.event(BEING_ANNOUNCED, now))
            else:
                self._announce(record, now)
            event = record.events[-1]
        self.dispatcher.push(webhook_payload(self.base_url, record, event))
        return record

    def announce(self, record: Return, failure: str | None = None) -> None:
        """The carrier's answer to a pending announcement: a label, or 1002 with the carrier's error."""
        now = self.options.now()
        with self.store.lock:
            if failure is None:
                self._announce(record, now)
            else:
                record.errors.append({"status": "400", "code": "parcel_announcement_error", "detail": failure})
                record.events.append(self.store.event(ANNOUNCEMENT_FAILED, now))
                record.script = []
            event = record.events[-1]
        self.dispatcher.push(webhook_payload(self.base_url, record, event))

    def _announce(self, record: Return, now: datetime) -> None:
        self.store.track(record, f"{_TRACKING_PREFIX.get(record.carrier, 'SC')}{record.parcel_id:010d}FR")
        record.events.append(self.store.event(ANNOUNCED, now))

    def move(self, record: Return, status_id: int | None = None) -> int | None:
        """Play the next scripted status (or ``status_id``); None when the timeline is over."""
        with self.store.lock:
            if status_id is None:
                if not record.script or record.status_id in FINAL:
                    return None
                status_id = record.script.pop(0)
            status(status_id)
            event = self.store.event(status_id, self.options.now())
            record.events.append(event)
        self.dispatcher.push(webhook_payload(self.base_url, record, event))
        return status_id

    def cancel(self, record: Return) -> None:
        """A cancellation request: 1999 now, and the confirmation (2000) is the next scripted step."""
        self.move(record, CANCEL_REQUESTED)
        with self.store.lock:
            record.script = [CANCELLED]


def carrier() -> Carrier:
    return current_app.extensions[EXTENSION]  # type: ignore[no-any-return]


def carrier_of(app: Flask) -> Carrier:
    return app.extensions[EXTENSION]  # type: ignore[no-any-return]
