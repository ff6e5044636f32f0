"""The label link ``/labels/<token>`` (``connector.pages.labels``), on SQLite and PostgreSQL: it serves the stored
PDF (A6, or A4 when asked), and answers 404 to a tampered or expired token, to a size never stored, and to a token
naming another shop's label."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import Engine

from connector.carrier_settings import ShopCarrier
from connector.domain.actions import ActionKind
from connector.domain.shipping import PaperSize
from connector.pages.keys import portal_keys
from connector.pages.labels import label_path, label_token, label_url
from connector.pages.signed import PortalSigner
from connector.store.shipments_repo import PDF
from connector.web.app import create_core_app
from tests.logistics.label_bench import BASE_URL, OTHER_SHOP, SHOP, WAREHOUSE, Bench, build_bench


@pytest.fixture
def bench(engine: Engine, tmp_path: Path) -> Iterator[Bench]:
    yield build_bench(engine, tmp_path, ShopCarrier("self_issued", {"return_address": WAREHOUSE}))


@pytest.fixture
def client(bench: Bench) -> FlaskClient:
    return create_core_app(container=bench.container).test_client()


def _labelled(bench: Bench) -> str:
    return_id = bench.open()
    bench.run(return_id, ActionKind.CREATE_LABEL)
    return bench.shipment(return_id).id


def _signer(bench: Bench) -> PortalSigner:
    return PortalSigner(portal_keys(bench.container.config), clock=bench.clock)


def test_the_link_serves_the_stored_pdf_in_a6_or_a4(bench: Bench, client: FlaskClient) -> None:
    shipment_id = _labelled(bench)
    url = label_url(bench.container.config, SHOP, shipment_id, signer=_signer(bench))
    assert url.startswith(f"{BASE_URL}/labels/")
    path = url.removeprefix(BASE_URL)
    answer = client.get(path)
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    assert answer.data == bench.document(shipment_id, PDF, "A6")
    assert "private" in answer.headers["Cache-Control"]
    a4 = client.get(path, query_string={"size": "A4"})
    assert a4.status_code == 200 and a4.data == bench.document(shipment_id, PDF, "A4") != answer.data
    assert client.get(path, query_string={"size": "A5"}).status_code == 404  # never stored
    assert client.get(path, query_string={"size": "../etc"}).status_code == 404


def test_the_texts_the_worker_is_given_make_the_same_links(bench: Bench, client: FlaskClient) -> None:
    shipment_id = _labelled(bench)
    texts = bench.container.label_texts
    assert texts is not None
    url = texts.label_url(SHOP, shipment_id, PaperSize.A4)
    answer = client.get(url.removeprefix(BASE_URL))
    assert answer.status_code == 200 and answer.data == bench.document(shipment_id, PDF, "A4")


def test_a_tampered_or_expired_token_is_refused(bench: Bench, client: FlaskClient) -> None:
    shipment_id = _labelled(bench)
    token = label_token(_signer(bench), SHOP, shipment_id)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.get(label_path(tampered)).status_code == 404
    assert client.get(label_path("not-a-token")).status_code == 404
    forged = label_token(PortalSigner(["another key"], clock=bench.clock), SHOP, shipment_id)
    assert client.get(label_path(forged)).status_code == 404
    assert client.get(label_path(token)).status_code == 200
    bench.clock.travel(timedelta(days=401))
    assert client.get(label_path(token)).status_code == 404


def test_a_token_never_serves_another_shops_label(bench: Bench, client: FlaskClient) -> None:
    shipment_id = _labelled(bench)
    theirs = label_token(_signer(bench), OTHER_SHOP, shipment_id)  # a real token, of the other shop
    assert client.get(label_path(theirs)).status_code == 404
    assert client.get(label_path(label_token(_signer(bench), SHOP, "shp_unknown"))).status_code == 404
