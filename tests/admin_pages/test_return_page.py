"""What one return's page shows: the customer's photos behind signed links, the label links and the carrier's
tracking events (issue 19), the EU refund deadline, the policy's explanation in the agent's language; and what
an agent without a way in, or with a wrong return number, gets."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import update

from connector.bootstrap import Container
from connector.domain.shipments import Shipment
from connector.domain.shipping import TrackingEvent, TrackingStatus
from connector.photos.local import LocalPhotoStore
from connector.services.photos import attach_photos
from connector.store.tables import returns
from tests.admin_pages.conftest import L1, L2, SHOP, Agent, open_return, page_text, review_everything
from tests.factories import NOW
from tests.photos.images import encoded


@pytest.fixture
def photos_dir(container: Container, tmp_path: Path) -> Path:
    container.__dict__["photos"] = LocalPhotoStore(tmp_path / "photos")
    return tmp_path


def test_photos_are_shown_behind_links_of_their_own_shop(agent: Agent, container: Container, photos_dir: Path,
                                                          clock: object) -> None:
    return_id = open_return(agent.web, lines=[L2])  # defective: takes photos
    with container.uow() as uow:
        request = uow.returns(SHOP).get(return_id)
    assert request is not None
    attach_photos(container, SHOP, return_id, request.lines[0].id, [encoded("PNG")])
    page = page_text(agent.get(f"/admin/{SHOP}/returns/{return_id}"))
    links = re.findall(r'<img src="([^"]+)" alt="Photo 1 of “Shirt L2”"', page)
    assert len(links) == 1
    photo = agent.web.get(links[0])  # no credential: the link is one
    assert photo.status_code == 200 and photo.mimetype == "image/png" and photo.data.startswith(b"\x89PNG")
    assert photo.headers["Cache-Control"].startswith("private")
    assert agent.web.get(links[0].replace(f"/admin/{SHOP}/", "/admin/shop-b/")).status_code == 404
    container.clock.now += timedelta(hours=2)  # type: ignore[attr-defined]  # tests.api.conftest.Clock
    assert agent.web.get(links[0]).status_code == 404, "an hour's link"


def test_the_label_and_tracking_of_the_parcel(agent: Agent, container: Container) -> None:
    return_id = open_return(agent.web)
    shipment = Shipment(f"shp_{return_id}", SHOP, return_id, "sendcloud", "prepaid_label", f"ret:{return_id}:label",
                        status=TrackingStatus.IN_TRANSIT, carrier_ref="5501", tracking_number="3SYZXG192837",
                        tracking_url="https://tracking.example/3SYZXG192837")
    with container.uow() as uow:
        repo = uow.shipments(SHOP)
        repo.add(shipment, NOW)
        repo.put_document(shipment.id, "pdf", "A6", b"%PDF-1.4 A6", NOW)
        scan = TrackingEvent("5501", "3SYZXG192837", TrackingStatus.IN_TRANSIT, "picked_up", NOW,
                             "Parcel handed to the carrier")
        repo.record_event(shipment.id, scan, "webhook", NOW)
        uow.commit()
    page = page_text(agent.get(f"/admin/{SHOP}/returns/{return_id}"))
    assert '<a href="https://tracking.example/3SYZXG192837"' in page and "On its way to the shop" in page
    assert "Parcel handed to the carrier" in page
    label = re.search(r'<a href="(/labels/[^"]+)" target="_blank" rel="noopener">Label PDF \(A6\)</a>', page)
    assert label is not None
    answer = agent.web.get(label.group(1))
    assert answer.status_code == 200 and answer.data == b"%PDF-1.4 A6"


def test_an_overdue_eu_refund_is_flagged(agent: Agent, container: Container) -> None:
    return_id = open_return(agent.web)
    with container.uow() as uow:
        uow.connection.execute(update(returns).where(returns.c.id == return_id)
                               .values(refund_due_by=NOW - timedelta(days=1)))
        uow.commit()
    page = page_text(agent.get(f"/admin/{SHOP}/returns/{return_id}"))
    assert "Refund due by (EU withdrawal)" in page and '<s-badge tone="critical">Overdue</s-badge>' in page
    queue = page_text(agent.get(f"/admin/{SHOP}/", query_string={"overdue": "1"}))
    assert return_id in queue and "Refund overdue</s-badge>" in queue


def test_the_page_in_french(client: FlaskClient, container: Container) -> None:
    review_everything(container)
    return_id = open_return(client)
    page = page_text(Agent(client, locale="fr").get(f"/admin/{SHOP}/returns/{return_id}"))
    assert '<html lang="fr"' in page and "Accepter le retour" in page and "Historique" in page
    assert "Retour accepté (Shirt L1)" in page, "the policy's explanation in the agent's language"


def test_without_a_way_in_or_with_a_wrong_number(client: FlaskClient) -> None:
    return_id = open_return(client, lines=[L1])
    answer = client.get(f"/admin/{SHOP}/returns/{return_id}")
    assert answer.status_code == 401 and "Open the returns admin from your shop" in page_text(answer)
    assert return_id not in page_text(answer)
    agent = Agent(client)
    missing = agent.get(f"/admin/{SHOP}/returns/R0NOTHERE")
    assert missing.status_code == 404 and "There is no such return" in page_text(missing)
    assert agent.get("/admin/shop-zzz/").status_code == 401, "a context of shop-a is not shop-zzz's"
    assert agent.get(f"/admin/{SHOP}/static/admin.css").status_code == 200
