"""Each return's parcel, its label files and its tracking events (``connector.domain.shipments``).

Why the label files are rows: every web process and worker must serve the same bytes, on any machine that shares
the database, and a label is a few tens of kilobytes. Tracking events are inserted with their unique key, so the
carrier's duplicates are dropped by the database, not by a read-then-write race.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from connector.domain.shipments import Shipment
from connector.domain.shipping import PickupWindow, PostalAddress, ServicePoint, TrackingEvent, TrackingStatus
from connector.store.codec import time_from_json, time_to_json
from connector.store.errors import ConcurrentUpdate
from connector.store.logistics_tables import label_documents, shipments, tracking_events

PDF = "pdf"
QR_PNG = "qr_png"


def service_point_to_json(point: ServicePoint | None) -> dict[str, Any] | None:
    if point is None:
        return None
    data = asdict(point)
    data["opening_hours"] = {str(day): list(hours) for day, hours in point.opening_hours.items()}
    return data


def service_point_from_json(data: dict[str, Any] | None) -> ServicePoint | None:
    if data is None:
        return None
    hours = {int(day): tuple(ranges) for day, ranges in (data.get("opening_hours") or {}).items()}
    return ServicePoint(**{**data, "address": PostalAddress(**data["address"]), "opening_hours": hours})


def pickup_to_json(window: PickupWindow | None) -> dict[str, Any] | None:
    if window is None:
        return None
    return {"starts_at": time_to_json(window.starts_at), "ends_at": time_to_json(window.ends_at)}


def pickup_from_json(data: dict[str, Any] | None) -> PickupWindow | None:
    if data is None:
        return None
    starts, ends = time_from_json(data["starts_at"]), time_from_json(data["ends_at"])
    assert starts is not None and ends is not None
    return PickupWindow(starts, ends)


class ShipmentRepository:
    """One shop's shipments. ``save`` refuses a shipment changed by someone else since it was read."""

    def __init__(self, conn: Connection, shop_id: str) -> None:
        self._conn = conn
        self.shop_id = shop_id

    # -- shipments ------------------------------------------------------------------------------------------

    def add(self, shipment: Shipment, at: datetime) -> None:
        """Store a new shipment (its idempotency key with it). Raises ``IntegrityError`` when the return has one."""
        shipment.created_at = shipment.created_at or at
        shipment.updated_at = at
        self._conn.execute(insert(shipments).values(**self._values(shipment)))

    def save(self, shipment: Shipment, at: datetime) -> None:
        shipment.updated_at = at
        values = self._values(shipment)
        for key in ("id", "shop_id", "return_id", "created_at", "idempotency_key"):
            values.pop(key)
        result = self._conn.execute(
            update(shipments)
            .where(
                shipments.c.id == shipment.id,
                shipments.c.shop_id == self.shop_id,
                shipments.c.version == shipment.version,
            )
            .values(**{**values, "version": shipment.version + 1})
        )
        if result.rowcount != 1:
            raise ConcurrentUpdate(f"shipment {shipment.id} was changed by someone else; reload it")
        shipment.version += 1

    def get(self, shipment_id: str) -> Shipment | None:
        return self._one(shipments.c.id == shipment_id)

    def for_return(self, return_id: str) -> Shipment | None:
        return self._one(shipments.c.return_id == return_id)

    def by_parcel(self, carrier: str, reference: str) -> Shipment | None:
        """The shipment a carrier's event names, by the carrier's id for it or by its tracking number."""
        if not reference:
            return None
        named = or_(shipments.c.carrier_ref == reference, shipments.c.tracking_number == reference)
        return self._one(and_(shipments.c.carrier == carrier, named))

    def open_with_label(self, limit: int = 500, idle_before: datetime | None = None) -> list[Shipment]:
        """Shipments with a label whose parcel has not reached the warehouse: what a poll looks at. With
        ``idle_before``, only those nobody saved since (no event applied, no poll scheduled), oldest first."""
        done = [TrackingStatus.DELIVERED.value, TrackingStatus.CANCELLED.value]
        idle = [] if idle_before is None else [shipments.c.updated_at < idle_before]
        rows = self._conn.execute(
            select(shipments)
            .where(
                shipments.c.shop_id == self.shop_id,
                shipments.c.carrier_ref.is_not(None),
                shipments.c.status.not_in(done),
                *idle,
            )
            .order_by(shipments.c.updated_at)
            .limit(limit)
        ).all()
        return [self._shipment(row._mapping) for row in rows]

    # -- label files ----------------------------------------------------------------------------------------

    def put_document(self, shipment_id: str, kind: str, paper_size: str, content: bytes, at: datetime) -> None:
        """Keep a label file; a second copy of the same (kind, size), from a retry, keeps the first."""
        try:
            with self._conn.begin_nested():
                self._conn.execute(
                    insert(label_documents).values(
                        shipment_id=shipment_id, kind=kind, paper_size=paper_size, content=content, created_at=at
                    )
                )
        except IntegrityError:
            return

    def document(self, shipment_id: str, kind: str, paper_size: str) -> bytes | None:
        row = self._conn.execute(
            select(label_documents.c.content)
            .join(shipments, shipments.c.id == label_documents.c.shipment_id)
            .where(
                shipments.c.shop_id == self.shop_id,
                label_documents.c.shipment_id == shipment_id,
                label_documents.c.kind == kind,
                label_documents.c.paper_size == paper_size,
            )
        ).first()
        return None if row is None else bytes(row[0])

    def document_sizes(self, shipment_id: str) -> tuple[str, ...]:
        rows = self._conn.execute(
            select(label_documents.c.paper_size).where(
                label_documents.c.shipment_id == shipment_id, label_documents.c.kind == PDF
            )
        ).all()
        return tuple(sorted(row[0] for row in rows))

    # -- tracking events ------------------------------------------------------------------------------------

    def record_event(self, shipment_id: str, event: TrackingEvent, source: str, at: datetime) -> int | None:
        """Store one event; None when the same event (shipment, carrier status, time) was stored before."""
        values = {
            "shop_id": self.shop_id,
            "shipment_id": shipment_id,
            "carrier_status": event.carrier_status[:64],
            "status": event.status.value,
            "occurred_at": event.occurred_at,
            "message": event.message,
            "source": source,
            "received_at": at,
        }
        try:
            with self._conn.begin_nested():
                result = self._conn.execute(insert(tracking_events).values(**values).returning(tracking_events.c.id))
                return int(result.scalar_one())
        except IntegrityError:
            return None

    def pending_events(self, shipment_id: str, shipment: Shipment | None = None) -> list[tuple[int, TrackingEvent]]:
        """Events stored and not applied yet, oldest first: the order they are applied in. ``shipment``: the
        shipment, when the caller has just read it (one read less)."""
        shipment = shipment if shipment is not None and shipment.id == shipment_id else self.get(shipment_id)
        if shipment is None:
            return []
        rows = self._conn.execute(
            select(tracking_events)
            .where(tracking_events.c.shipment_id == shipment_id, tracking_events.c.applied_at.is_(None))
            .order_by(tracking_events.c.occurred_at, tracking_events.c.id)
        ).all()
        reference = shipment.carrier_ref or ""
        return [
            (
                row.id,
                TrackingEvent(
                    reference,
                    shipment.tracking_number,
                    TrackingStatus(row.status),
                    row.carrier_status,
                    row.occurred_at,
                    row.message,
                ),
            )
            for row in rows
        ]

    def mark_applied(self, event_ids: list[int], at: datetime) -> None:
        if event_ids:
            self._conn.execute(
                update(tracking_events).where(tracking_events.c.id.in_(event_ids)).values(applied_at=at)
            )

    def events(self, shipment_id: str) -> list[tuple[TrackingStatus, str, datetime, str]]:
        """Every event stored for the shipment, oldest first: (status, carrier status, time, message)."""
        rows = self._conn.execute(
            select(tracking_events)
            .where(tracking_events.c.shipment_id == shipment_id, tracking_events.c.shop_id == self.shop_id)
            .order_by(tracking_events.c.occurred_at, tracking_events.c.id)
        ).all()
        return [(TrackingStatus(r.status), r.carrier_status, r.occurred_at, r.message) for r in rows]

    # -- internals ------------------------------------------------------------------------------------------

    def _one(self, where: Any) -> Shipment | None:
        row = self._conn.execute(select(shipments).where(shipments.c.shop_id == self.shop_id, where)).first()
        return None if row is None else self._shipment(row._mapping)

    def _shipment(self, m: Any) -> Shipment:
        return Shipment(
            id=m["id"],
            shop_id=m["shop_id"],
            return_id=m["return_id"],
            carrier=m["carrier"],
            method=m["method"],
            idempotency_key=m["idempotency_key"],
            status=TrackingStatus(m["status"]),
            carrier_ref=m["carrier_ref"],
            tracking_number=m["tracking_number"],
            tracking_url=m["tracking_url"],
            service_point=service_point_from_json(m["service_point"]),
            pickup_window=pickup_from_json(m["pickup_window"]),
            pickup_ref=m["pickup_ref"],
            last_event_at=m["last_event_at"],
            alert=m["alert"],
            created_at=m["created_at"],
            updated_at=m["updated_at"],
            version=m["version"],
            paper_sizes=self.document_sizes(m["id"]),
        )

    def _values(self, s: Shipment) -> dict[str, Any]:
        return {
            "id": s.id,
            "shop_id": self.shop_id,
            "return_id": s.return_id,
            "carrier": s.carrier,
            "method": s.method,
            "idempotency_key": s.idempotency_key,
            "status": s.status.value,
            "carrier_ref": s.carrier_ref,
            "tracking_number": s.tracking_number,
            "tracking_url": s.tracking_url,
            "service_point": service_point_to_json(s.service_point),
            "pickup_window": pickup_to_json(s.pickup_window),
            "pickup_ref": s.pickup_ref,
            "alert": s.alert,
            "last_event_at": s.last_event_at,
            "version": s.version,
            "created_at": s.created_at,
            "updated_at": s.updated_at,
        }
