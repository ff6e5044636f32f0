"""Shipments, their label files and tracking events in the store, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine

from connector.carrier_settings import ShopCarrier
from connector.domain import Platform
from connector.domain.shipments import Shipment, TrackingEffect
from connector.domain.shipping import (
    PickupWindow,
    PostalAddress,
    ServicePoint,
    TrackingEvent,
    TrackingStatus,
)
from connector.store.crypto import CredentialCipher
from connector.store.errors import ConcurrentUpdate
from connector.store.uow import UnitOfWork
from tests.factories import NOW, return_request

POINT = ServicePoint(
    "MR-1", "mondial_relay", "Tabac du Centre", PostalAddress("Tabac", "1 rue Oberkampf", "75011", "Paris", "FR"),
    48.86, 2.37, 120, {1: ("09:00-12:00", "14:00-19:00")},
)


def _with_return(engine: Engine, cipher: CredentialCipher) -> None:
    with UnitOfWork(engine, cipher) as uow:
        uow.shops.add(Platform.SHOPIFY, "a.myshopify.com", shop_id="shop-a")
        uow.shops.add(Platform.SHOPIFY, "b.myshopify.com", shop_id="shop-b")
        uow.returns("shop-a").add(return_request())
        uow.commit()


def _event(status: TrackingStatus, code: str, minutes: int) -> TrackingEvent:
    return TrackingEvent("sc-1", "TRK1", status, code, NOW + timedelta(minutes=minutes))


def test_shipment_round_trip_with_choices_documents_and_events(engine: Engine, cipher: CredentialCipher) -> None:
    _with_return(engine, cipher)
    window = PickupWindow(NOW + timedelta(days=1), NOW + timedelta(days=1, hours=4))
    shipment = Shipment("shp-1", "shop-a", "R1", "sendcloud", "relay_point", "ret:R1:label",
                        service_point=POINT, pickup_window=window)
    with UnitOfWork(engine, cipher) as uow:
        uow.shipments("shop-a").add(shipment, NOW)
        uow.commit()
    with UnitOfWork(engine, cipher) as uow:
        repo = uow.shipments("shop-a")
        loaded = repo.for_return("R1")
        assert loaded is not None and loaded.service_point == POINT and loaded.pickup_window == window
        assert uow.shipments("shop-b").for_return("R1") is None  # never across shops
        loaded.carrier_ref, loaded.tracking_number = "sc-1", "TRK1"
        repo.save(loaded, NOW)
        repo.put_document("shp-1", "pdf", "A6", b"%PDF-a6", NOW)
        repo.put_document("shp-1", "pdf", "A6", b"%PDF-other", NOW)  # a retry keeps the first
        assert repo.record_event("shp-1", _event(TrackingStatus.IN_TRANSIT, "3", 5), "webhook", NOW) is not None
        assert repo.record_event("shp-1", _event(TrackingStatus.IN_TRANSIT, "3", 5), "poll", NOW) is None
        assert repo.record_event("shp-1", _event(TrackingStatus.AWAITING_DROPOFF, "1", 1), "webhook", NOW)
        uow.commit()
    with UnitOfWork(engine, cipher) as uow:
        repo = uow.shipments("shop-a")
        assert repo.document("shp-1", "pdf", "A6") == b"%PDF-a6"
        assert uow.shipments("shop-b").document("shp-1", "pdf", "A6") is None
        assert repo.by_parcel("sendcloud", "TRK1") is not None and repo.by_parcel("other", "TRK1") is None
        pending = repo.pending_events("shp-1")
        assert [e.carrier_status for _, e in pending] == ["1", "3"]  # oldest first
        stale = repo.get("shp-1")
        assert stale is not None and stale.paper_sizes == ("A6",)
        repo.save(stale, NOW)
        with pytest.raises(ConcurrentUpdate):
            loaded.carrier_ref = "sc-1"
            repo.save(loaded, NOW)  # version 1 was read before the save above


def test_carrier_account_round_trip(engine: Engine, cipher: CredentialCipher) -> None:
    _with_return(engine, cipher)
    account = ShopCarrier("sendcloud", {"methods": {"FR": ["relay_point"], "default": ["prepaid_label"]}},
                          {"public_key": "SC_PUBLIC"})
    with UnitOfWork(engine, cipher) as uow:
        uow.carriers("shop-a").put(account, NOW)
        uow.commit()
    with UnitOfWork(engine, cipher) as uow:
        loaded = uow.carriers("shop-a").get()
        assert loaded == account and uow.carriers("shop-b").get() is None
    assert loaded.methods_for("fr") == ("relay_point",) and loaded.methods_for("BE") == ("prepaid_label",)
    assert loaded.credentials({"SC_PUBLIC": "pk"}) == {"public_key": "pk"}


def test_tracking_never_moves_a_parcel_back() -> None:
    shipment = Shipment("shp-1", "shop-a", "R1", "sendcloud", "prepaid_label", "k", carrier_ref="sc-1")
    assert shipment.apply(_event(TrackingStatus.IN_TRANSIT, "3", 5)).effect is TrackingEffect.FIRST_SCAN
    assert shipment.apply(_event(TrackingStatus.IN_TRANSIT, "3", 5)).effect is TrackingEffect.IGNORED
    assert shipment.apply(_event(TrackingStatus.AWAITING_DROPOFF, "1", 1)).effect is TrackingEffect.IGNORED
    assert shipment.apply(_event(TrackingStatus.EXCEPTION, "80", 9)).effect is TrackingEffect.ALERT
    assert shipment.status is TrackingStatus.IN_TRANSIT and shipment.alert == "80"
    assert shipment.apply(_event(TrackingStatus.DELIVERED, "11", 20)).effect is TrackingEffect.DELIVERED
    assert shipment.apply(_event(TrackingStatus.EXCEPTION, "80", 15)).effect is TrackingEffect.IGNORED
    assert shipment.status is TrackingStatus.DELIVERED and shipment.alert == ""
