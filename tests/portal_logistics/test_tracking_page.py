"""The tracking page's logistics: the in-store QR code (the store page's signed address, read back from the SVG's
modules and compared with segno's own encoding of it) with the return's number in large type; the parcel of a
carrier's return with its relay point or pickup window, tracking number and carrier link, and its state in words,
in the customer's language."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
import segno
from flask import Flask
from flask.testing import FlaskClient

from connector.bootstrap import Container
from connector.domain.shipments import Shipment
from connector.domain.shipping import PickupWindow, ServicePoint, TrackingStatus
from connector.pages.keys import derive
from connector.pages.store.links import read_return_code, store_return_url
from tests.factories import NOW
from tests.portal.review.portal_app import SHOP, access, csrf_of, draft, text_of
from tests.portal_logistics.conftest import HOME

BOTH = pytest.mark.parametrize("customer_locale", ["fr-FR", "en-GB"])
KEY = "tracking-page-test-signing-key"
POINT = ServicePoint("1000001", "mondial_relay", "Tabac de la Roquette",
                     replace(HOME, name="Tabac de la Roquette", street="Rue de la Roquette", house_number="52"),
                     48.8602, 2.378, 180, {day: ("09:00-19:00",) for day in range(1, 7)})  # fmt: skip


@pytest.fixture(autouse=True)
def _signing_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONNECTOR_SIGNING_KEY", KEY)


def confirmed(app: Flask, client: FlaskClient, method: str, **chosen: object) -> str:
    token = draft(app, method=method) if not chosen else _with_choice(app, method, **chosen)
    review = f"/portal/{SHOP}/o/{access(app)}/review"
    page = client.get(review, query_string={"d": token}).get_data(as_text=True)
    sent = client.post(review, data={"csrf": csrf_of(page), "d": token})
    assert sent.status_code == 303, sent.get_data(as_text=True)
    return sent.headers["Location"]


def _with_choice(app: Flask, method: str, **chosen: object) -> str:
    from connector.pages.portal.draft import Draft, DraftLine, new_draft_id, seal
    from tests.portal.review.portal_app import ORDER, signer_of

    made = Draft(new_draft_id(), SHOP, ORDER, (DraftLine("L1", 1, "size_too_small"),), method, **chosen)  # type: ignore[arg-type]
    return seal(made, signer_of(app))


def the_return_id(container: Container) -> str:
    with container.uow() as uow:
        [found] = uow.returns(SHOP).for_order("O1")
    return found.id


def qr_matrix_of(svg: str) -> list[list[bool]]:
    """The dark modules segno's SVG path draws (``M x y`` then ``h`` runs and ``m`` moves, in modules)."""
    path = re.search(r'class="qrline"[^>]*d="([^"]+)"', svg) or re.search(r'd="(M[^"]+)"[^>]*class="qrline"', svg)
    assert path is not None, svg[:300]
    width = int(re.search(r'viewBox="0 0 (\d+) \d+"', svg).group(1)) // 4  # type: ignore[union-attr]
    dark = [[False] * width for _ in range(width)]
    x = y = 0.0
    for op, a, b in re.findall(r"([MmHh])(-?[\d.]+)(?: (-?[\d.]+))?", path.group(1)):
        if op == "M":
            x, y = float(a), float(b)
        elif op == "m":
            x, y = x + float(a), y + float(b)
        else:
            for column in range(int(x), int(x + float(a))):
                dark[int(y)][column] = True
            x += float(a)
    return dark


def segno_matrix(data: str) -> list[list[bool]]:
    code = segno.make(data, error="m", micro=False)
    return [[bool(module) for module in row] for row in code.matrix_iter(border=4)]


@BOTH
def test_an_in_store_return_shows_the_store_qr_code_and_its_number(
    container: Container, app: Flask, client: FlaskClient, customer_locale: str
) -> None:
    location = confirmed(app, client, "in_store")
    page = client.get(location).get_data(as_text=True)
    return_id = the_return_id(container)
    svg = re.search(r"<svg [^>]*>.*?</svg>", page, re.S)
    assert svg is not None, "the QR code is drawn in the page, no image to fetch"
    label = "Code QR du retour" if customer_locale == "fr-FR" else "QR code of return"
    assert f'role="img" aria-label="{label} {return_id}"' in svg.group(0)
    expected = store_return_url(container.config, SHOP, return_id)
    assert qr_matrix_of(svg.group(0)) == segno_matrix(expected), "the QR code is the store page's address"
    assert read_return_code([derive(KEY)], SHOP, expected.rsplit("/", 1)[1]) == return_id
    said = text_of(page)
    bring = "Apportez les articles à la boutique" if customer_locale == "fr-FR" else "Bring the items to the shop"
    assert bring in said and '<p class="return-number">' in page and f"<strong>{return_id}</strong>" in page


def test_a_return_waiting_for_review_shows_no_qr_code(container: Container, app: Flask, client: FlaskClient) -> None:
    from tests.portal.review.portal_app import use_policy

    use_policy(container, {"methods": ["in_store"], "default_action": "review"})
    page = client.get(confirmed(app, client, "in_store")).get_data(as_text=True)
    assert "<svg" not in page


def _put(container: Container, **fields: object) -> None:
    return_id = the_return_id(container)
    with container.uow() as uow:
        repo = uow.shipments(SHOP)
        found = repo.for_return(return_id)
        if found is None:
            method = str(fields.pop("method", "relay_point"))
            repo.add(Shipment(f"shp_{return_id}", SHOP, return_id, "sendcloud", method, f"ret:{return_id}:label",
                              **fields), NOW)  # type: ignore[arg-type]  # fmt: skip
        else:
            for name, value in fields.items():
                setattr(found, name, value)
            repo.save(found, NOW)
        uow.commit()


@BOTH
def test_a_relay_return_shows_its_point_tracking_number_and_state(
    container: Container, app: Flask, client: FlaskClient, customer_locale: str
) -> None:
    location = confirmed(app, client, "relay_point", point=POINT)
    _put(container, status=TrackingStatus.IN_TRANSIT, carrier_ref="5501", tracking_number="3SYZXG192837",
         tracking_url="https://tracking.example/3SYZXG192837", service_point=POINT)  # fmt: skip
    page = client.get(location.split("?", 1)[0]).get_data(as_text=True)
    said = text_of(page)
    french = customer_locale == "fr-FR"
    assert ("Votre colis" if french else "Your parcel") in said
    assert ("Chez le transporteur, en route vers la boutique" if french else "With the carrier, on its way") in said
    assert "3SYZXG192837" in said and 'href="https://tracking.example/3SYZXG192837"' in page
    assert "Tabac de la Roquette" in said and "52 Rue de la Roquette, 75011 Paris" in said
    assert ("Lundi \u2013 samedi" if french else "Monday \u2013 Saturday") in said
    assert "<svg" not in page


@BOTH
def test_a_pickup_return_shows_its_window_and_an_alert_in_words(
    container: Container, app: Flask, client: FlaskClient, customer_locale: str
) -> None:
    window = PickupWindow(datetime(2026, 3, 11, 8, tzinfo=UTC), datetime(2026, 3, 11, 17, tzinfo=UTC))
    location = confirmed(app, client, "home_pickup", pickup=window)
    _put(container, method="home_pickup", status=TrackingStatus.AWAITING_DROPOFF, pickup_window=window,
         carrier_ref="5502", alert="Delivery attempt failed")  # fmt: skip
    said = text_of(client.get(location.split("?", 1)[0]).get_data(as_text=True))
    if customer_locale == "fr-FR":
        assert "mercredi 11 mars 2026, 09:00\u2009\u2013\u200918:00" in said
        assert "En attente de l\u2019enlèvement par le transporteur" in said
        assert "Le transporteur a signalé un problème" in said
    else:
        assert "Wednesday, 11 March 2026, 09:00\u201318:00" in said
        assert "Waiting for the carrier to collect it" in said and "The carrier reported a problem" in said


@BOTH
def test_the_label_links_appear_once_the_label_is_stored(
    container: Container, app: Flask, client: FlaskClient, customer_locale: str
) -> None:
    location = confirmed(app, client, "relay_point", point=POINT).split("?", 1)[0]
    _put(container, carrier_ref="5503", status=TrackingStatus.AWAITING_DROPOFF, service_point=POINT)
    assert "/labels/" not in client.get(location).get_data(as_text=True), "no label stored yet"
    return_id = the_return_id(container)
    with container.uow() as uow:
        for size in ("A4", "A6"):
            uow.shipments(SHOP).put_document(f"shp_{return_id}", "pdf", size, b"%PDF-1.4 " + size.encode(), NOW)
        uow.commit()
    page = client.get(location).get_data(as_text=True)
    links = re.findall(r'<a href="([^"]+/labels/[^"]+)" download>(A[46])</a>', page)
    assert [size for _url, size in links] == ["A6", "A4"]
    download = "Téléchargez votre étiquette" if customer_locale == "fr-FR" else "Download your label"
    assert re.search(rf"{download} \( ?A6 / A4 ?\)", text_of(page))
    for url, size in links:
        answer = client.get(urlsplit(url).path)
        assert answer.status_code == 200 and answer.mimetype == "application/pdf"
        assert answer.data == b"%PDF-1.4 " + size.encode()
