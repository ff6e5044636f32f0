"""``choose_logistics``: the portal's relay point or pickup window kept on the return's shipment, before or after
the approval planned its label, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from connector.carrier_settings import ShopCarrier
from connector.domain import ReturnMethod
from connector.domain.actions import ActionKind
from connector.domain.shipping import PickupWindow, PostalAddress, ServicePoint
from connector.services.shipments import LabelAlreadyMade, choose_logistics
from tests.factories import NOW
from tests.logistics.label_bench import SHOP, WAREHOUSE, Bench, build_bench

POINT = ServicePoint("MR-1", "mondial_relay", "Tabac", PostalAddress("Tabac", "1 rue X", "75011", "Paris", "FR"), 48.8,
                     2.3)  # fmt: skip
WINDOW = PickupWindow(NOW + timedelta(days=2), NOW + timedelta(days=2, hours=3))


@pytest.fixture
def bench(engine: Engine, tmp_path: Path) -> Iterator[Bench]:
    yield build_bench(engine, tmp_path, ShopCarrier("self_issued", {"return_address": WAREHOUSE}))


def _choose(
    bench: Bench, return_id: str, method: ReturnMethod, point: ServicePoint | None = None,
    window: PickupWindow | None = None,
) -> None:
    with bench.container.uow() as uow:
        choose_logistics(uow, SHOP, return_id, method, "self_issued", point, window, at=bench.clock())
        uow.commit()


def test_a_choice_stored_after_the_approval_counts_until_the_label_is_made(bench: Bench) -> None:
    return_id = bench.open(ReturnMethod.RELAY_POINT)  # approved at once: the label is planned, not made yet
    _choose(bench, return_id, ReturnMethod.RELAY_POINT, POINT)
    assert bench.shipment(return_id).service_point == POINT
    bench.run(return_id, ActionKind.CREATE_LABEL)
    assert bench.shipment(return_id).has_label and bench.shipment(return_id).service_point == POINT


def test_after_the_label_the_point_and_window_may_change_not_the_method(bench: Bench) -> None:
    return_id = bench.open(ReturnMethod.RELAY_POINT)
    bench.run(return_id, ActionKind.CREATE_LABEL)
    _choose(bench, return_id, ReturnMethod.RELAY_POINT, POINT)  # the portal a moment late
    assert bench.shipment(return_id).service_point == POINT
    with pytest.raises(LabelAlreadyMade):
        _choose(bench, return_id, ReturnMethod.HOME_PICKUP, window=WINDOW)
    assert bench.shipment(return_id).method == "relay_point"
