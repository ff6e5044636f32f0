"""The self-issued carrier through the port: what it declares, what it refuses, and how it registers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from carriers.selfissued.adapter import SelfIssuedCarrier
from connector import carriers_registry
from connector.domain.shipping import (
    CancelResult,
    CarrierCapability,
    PaperSize,
    ServicePointQuery,
)
from connector.errors import ConfigError, PermanentError
from connector.ports import CarrierAdapter
from tests.carriers.labels import CUSTOMER, URL, label_request

STAMP = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def carrier() -> CarrierAdapter:
    return SelfIssuedCarrier(clock=lambda: STAMP)


def test_it_declares_labels_only_so_the_portal_offers_nothing_else() -> None:
    assert carrier().capabilities == frozenset({CarrierCapability.LABEL_PDF})


def test_a_label_has_one_document_per_size_asked_and_nothing_to_track() -> None:
    label = carrier().create_return_label(label_request(), (PaperSize.A6, PaperSize.A4, PaperSize.A6))
    assert [d.paper_size for d in label.documents] == [PaperSize.A6, PaperSize.A4]
    assert all(d.pdf.startswith(b"%PDF-") for d in label.documents)
    assert (label.carrier, label.carrier_ref, label.tracking_number, label.tracking_url) == (
        "self_issued", "R7F3A9C21B04D", "", "")
    assert label.created_at == STAMP


def test_no_size_asked_gives_the_a6_label() -> None:
    assert [d.paper_size for d in carrier().create_return_label(label_request(), ()).documents] == [PaperSize.A6]


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"wording": None}, "needs its wording"),
        ({"verification_url": ""}, "absolute verification URL"),
        ({"verification_url": "/r/R7F3A9C21B04D?sig=x"}, "absolute verification URL"),
        ({"verification_url": "https://retours.example-shop.fr/r/R999?sig=x"}, "does not name the return"),
        ({"verification_url": URL + "&pad=" + "x" * 200}, "longer than the label's QR code holds"),
        ({"return_id": "RÉ1", "verification_url": "https://x.example/r/RÉ1"}, "ASCII return numbers only"),
    ],
)
def test_a_request_it_cannot_print_is_refused_for_good(changes: dict[str, object], reason: str) -> None:
    with pytest.raises(PermanentError, match=reason):
        carrier().create_return_label(label_request(**changes), (PaperSize.A6,))


def test_what_it_does_not_offer_is_refused_and_nothing_is_tracked() -> None:
    adapter = carrier()
    with pytest.raises(PermanentError, match="relay points"):
        adapter.find_service_points(ServicePointQuery(country="FR", postal_code="69003"))
    with pytest.raises(PermanentError, match="home pickup"):
        adapter.book_pickup("R7F3A9C21B04D", CUSTOMER, None)
    assert adapter.verify_tracking_webhook(b"{}", {"Sendcloud-Signature": "x"}) is False
    assert adapter.parse_tracking_webhook(b"{}") == []
    assert adapter.poll_tracking("R7F3A9C21B04D") == []


def test_cancelling_succeeds_without_anyone_to_tell() -> None:
    assert carrier().cancel_label("R7F3A9C21B04D") is CancelResult.CANCELLED


def test_the_installed_plugin_is_found_by_its_key() -> None:
    provider = carriers_registry.carrier_provider("self_issued")
    assert provider.has(CarrierCapability.LABEL_PDF) and not provider.has(CarrierCapability.SERVICE_POINTS)
    adapter = provider.adapter_factory({}, {})
    assert isinstance(adapter, SelfIssuedCarrier) and adapter.capabilities == provider.capabilities


def test_an_unknown_carrier_is_a_configuration_error() -> None:
    with pytest.raises(ConfigError, match="no carrier registered under 'nope'"):
        carriers_registry.carrier_provider("nope")


def test_a_carrier_registered_in_code_wins_over_the_plugin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(carriers_registry, "_providers", {})
    stand_in = carriers_registry.CarrierProvider("self_issued", lambda _s, _c: carrier(), frozenset())
    carriers_registry.register(stand_in)
    assert carriers_registry.carrier_provider("self_issued") is stand_in
    assert [p for p in carriers_registry.registered() if p.key == "self_issued"] == [stand_in]
