"""The label job with the self-issued carrier (a merchant without a carrier account), and which returns get a
shipment at all, on SQLite and PostgreSQL.

The self-issued label is read back as a person's printer and phone would: ``pdftotext`` finds the return number
and the words in the customer's language, the QR code decodes to the store page's signed URL for the return, the
page is A6."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from connector.carrier_settings import ShopCarrier
from connector.domain import ReturnMethod, ReturnStatus
from connector.domain.actions import ActionKind
from connector.domain.orders import Customer, Order
from connector.domain.reasons import ReasonCode
from connector.domain.resolutions import Resolution
from connector.domain.shipping import PickupWindow, PostalAddress, ServicePoint, TrackingStatus
from connector.pages.keys import portal_keys
from connector.pages.store.links import read_return_code
from connector.policy import Decision, Policy
from connector.policy.schema import policy_from_dict
from connector.services.policies import set_policy
from connector.services.returns import LineInput, ReturnService
from connector.services.shipments import LogisticsChoice
from connector.store.actions_repo import ActionState
from connector.store.shipments_repo import PDF
from tests.carriers.readback import decoded_symbols, page_size_points, require_tools, text_of
from tests.factories import AGENT, CUSTOMER, NOW
from tests.logistics.label_bench import BASE_URL, SHOP, WAREHOUSE, Bench, build_bench

ROQUETTE = PostalAddress("Tabac", "5 rue de la Roquette", "75011", "Paris", "FR")
POINT = ServicePoint("MR-7", "mondial_relay", "Tabac de la Roquette", ROQUETTE, 48.85, 2.37, 120)


@pytest.fixture
def bench(engine: Engine, tmp_path: Path) -> Iterator[Bench]:
    yield build_bench(engine, tmp_path, ShopCarrier("self_issued", {"return_address": WAREHOUSE}))


def test_the_self_issued_label_is_stored_and_reads_back(bench: Bench) -> None:
    require_tools()
    bench.shop.orders["O1"] = _in_french(bench)
    return_id = bench.open()
    assert bench.run(return_id, ActionKind.CREATE_LABEL) is ActionState.SUCCEEDED
    shipment = bench.shipment(return_id)
    assert (shipment.carrier, shipment.carrier_ref, shipment.tracking_number) == ("self_issued", return_id, "")
    assert shipment.status is TrackingStatus.AWAITING_DROPOFF and shipment.paper_sizes == ("A4", "A6")
    pdf = bench.document(shipment.id, PDF, "A6")
    assert pdf is not None
    text = text_of(pdf)
    assert return_id in text and "RETOUR À" in text and "Déposez le colis" in text  # in the customer's language
    assert "Shirt L1" in text and "Entrepôt Retours" in text
    assert "12 rue des Lilas" in text  # the sender: the order's shipping address
    width, height = page_size_points(pdf)
    assert (round(width), round(height)) == (298, 420)  # A6 in points
    (url,) = [s.removeprefix("QR-Code:") for s in decoded_symbols(pdf) if s.startswith("QR-Code:")]
    prefix = f"{BASE_URL}/store/{SHOP}/c/"
    assert url.startswith(prefix)
    assert read_return_code(portal_keys(bench.container.config), SHOP, url.removeprefix(prefix)) == return_id


def _in_french(bench: Bench) -> Order:
    source = bench.shop.orders["O1"]
    return replace(source, customer=Customer("C1", source.email, "Élodie", "Martin", locale="fr-FR"))


def test_in_store_returns_get_a_shipment_without_carrier_and_no_action(bench: Bench) -> None:
    return_id = bench.open(ReturnMethod.IN_STORE)
    shipment = bench.shipment(return_id)
    assert (shipment.carrier, shipment.method, shipment.status) == ("", "in_store", TrackingStatus.AWAITING_DROPOFF)
    assert not {a.kind for a in bench.actions(return_id)} & {ActionKind.CREATE_LABEL, ActionKind.ATTACH_SHIPPING}


def test_without_a_carrier_a_label_return_gets_nothing_as_before(engine: Engine, tmp_path: Path) -> None:
    bench = build_bench(engine, tmp_path, None)
    return_id = bench.open()
    assert bench.actions(return_id, ActionKind.CREATE_LABEL) == []
    with bench.container.uow() as uow:
        assert uow.shipments(SHOP).for_return(return_id) is None


def test_a_return_under_review_keeps_the_customers_choice_until_an_agent_approves_it(bench: Bench) -> None:
    with bench.container.uow() as uow:
        set_policy(uow, SHOP, Policy(name="review everything", default_action=Decision.REVIEW))
        uow.commit()
    window = PickupWindow(NOW + timedelta(days=2), NOW + timedelta(days=2, hours=4))
    return_id = bench.open(ReturnMethod.RELAY_POINT, LogisticsChoice(service_point=POINT, pickup_window=window))
    waiting = bench.shipment(return_id)
    assert waiting.service_point == POINT and bench.actions(return_id, ActionKind.CREATE_LABEL) == []

    outcome = ReturnService(bench.container).approve(SHOP, return_id, AGENT, "looks fine")
    assert outcome.request.status is ReturnStatus.APPROVED
    (label,) = bench.actions(return_id, ActionKind.CREATE_LABEL)
    assert label.idempotency_key == f"ret:{return_id}:label"
    assert bench.shipment(return_id).service_point == POINT  # approval made the label for the stored choice
    assert bench.run(return_id, ActionKind.CREATE_LABEL) is ActionState.SUCCEEDED


def test_keep_the_item_returns_get_no_shipment(bench: Bench) -> None:
    with bench.container.uow() as uow:
        keep = {"name": "keep", "default_action": "approve", "keep_item": {"below": {"EUR": "50"}}}
        set_policy(uow, SHOP, policy_from_dict(keep, source="test"))
        uow.commit()
    outcome = ReturnService(bench.container).open_return(
        SHOP, "O1", [LineInput("L1", 1, ReasonCode.SIZE_TOO_SMALL, Resolution.refund())], ReturnMethod.PREPAID_LABEL,
        CUSTOMER, keep_item=True,
    )  # fmt: skip
    assert outcome.request.keep_item
    with bench.container.uow() as uow:
        assert uow.shipments(SHOP).for_return(outcome.request.id) is None
    assert bench.actions(outcome.request.id, ActionKind.CREATE_LABEL) == []
