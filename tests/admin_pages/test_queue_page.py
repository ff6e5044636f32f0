"""The queue page over ``services.return_queue``: counts by status, filters and search read from the GET form
(a value that cannot be read is marked, never an error page), pages a link apart, the agent's language, and
the bulk steps, each return through ``ReturnService`` under the agent's name."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from connector.bootstrap import Container
from connector.domain.states import ReturnStatus
from tests.admin_pages.conftest import L1, L2, SHOP, Agent, open_return, page_text, review_everything
from tests.admin_pages.signed_admin import admin_header
from tests.factories import order, return_request

QUEUE = f"/admin/{SHOP}/"


def _listed(page: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="[^"]+">(R[0-9A-F]+)</a></th>', page)


def test_the_queue_counts_filters_and_searches(agent: Agent, container: Container) -> None:
    approved = open_return(agent.web, lines=[L1])
    review_everything(container)
    waiting = open_return(agent.web, lines=[L2])
    page = page_text(agent.get(QUEUE))
    assert set(_listed(page)) == {approved, waiting}
    assert "Approved: waiting for the items (1)" in page and "Requested: waiting for review (1)" in page
    assert _listed(page_text(agent.get(QUEUE, query_string={"review": "1"}))) == [waiting]
    assert _listed(page_text(agent.get(QUEUE, query_string={"status": "approved"}))) == [approved]
    assert _listed(page_text(agent.get(QUEUE, query_string={"reason": "defective"}))) == [waiting]
    assert set(_listed(page_text(agent.get(QUEUE, query_string={"q": "#1001"})))) == {approved, waiting}
    assert _listed(page_text(agent.get(QUEUE, query_string={"q": approved.lower()}))) == [approved]
    assert _listed(page_text(agent.get(QUEUE, query_string={"q": "nobody@example.com"}))) == []
    assert _listed(page_text(agent.get(QUEUE, query_string={"overdue": "1"}))) == []


def test_a_filter_that_cannot_be_read_is_marked_and_left_out(agent: Agent) -> None:
    returned = open_return(agent.web)
    answer = agent.get(QUEUE, query_string={"from": "31/03/2026", "min": "ten", "status": "lost", "size": "7"})
    page = page_text(answer)
    assert answer.status_code == 422
    assert 'id="from" name="from" type="date" value="31/03/2026" aria-invalid="true"' in page
    assert "Enter a day as 2026-03-31." in page and "Enter an amount in EUR, such as 12.50." in page
    assert "Choose one of the values listed." in page
    assert _listed(page) == [returned], "the other filters still apply"


def test_pages_follow_one_another(agent: Agent, container: Container) -> None:
    with container.uow() as uow:
        for number in range(27):
            uow.returns(SHOP).add(return_request(order(), return_id=f"R{number:03d}"))
        uow.commit()
    first = page_text(agent.get(QUEUE))
    assert len(_listed(first)) == 25 and 'rel="prev"' not in first and "27 returns" in first
    older = re.search(r'<a href="([^"]+)" rel="next">', first)
    assert older is not None
    second = page_text(agent.get(older.group(1).replace("&amp;", "&")))
    assert len(_listed(second)) == 2 and not set(_listed(second)) & set(_listed(first))
    newer = re.search(r'<a href="([^"]+)" rel="prev">', second)
    assert newer is not None and 'rel="next"' not in second
    assert _listed(page_text(agent.get(newer.group(1).replace("&amp;", "&")))) == _listed(first)


def test_bulk_approve_and_receive(agent: Agent, container: Container) -> None:
    review_everything(container)
    first = open_return(agent.web, lines=[L1])
    second = open_return(agent.web, lines=[L2])
    answer = agent.post(f"/admin/{SHOP}/bulk", {"step": "approve", "ids": [first, second], "review": "1"})
    assert answer.status_code == 303 and "bulk=approve" in answer.location and "review=1" in answer.location
    assert "2 returns approved." in page_text(agent.get(answer.location))
    with container.uow() as uow:
        stored = [uow.returns(SHOP).get(i) for i in (first, second)]
    assert all(r is not None and r.status is ReturnStatus.APPROVED and r.events[-1].actor.id == "test:alice"
               for r in stored)

    answer = agent.post(f"/admin/{SHOP}/bulk", {"step": "receive", "ids": [first, second, "R0NOTHING"]})
    said = page_text(agent.get(answer.location))
    assert "2 returns received." in said and "R0NOTHING" in said
    with container.uow() as uow:
        stored = [uow.returns(SHOP).get(i) for i in (first, second)]
    assert all(r is not None and r.status is ReturnStatus.RECEIVED and r.fully_received for r in stored)

    again = agent.post(f"/admin/{SHOP}/bulk", {"step": "approve", "ids": [first]})
    assert f"skipped={first}" in again.location, "an approved return is skipped, not approved twice"
    assert "failed=1" in agent.post(f"/admin/{SHOP}/bulk", {"step": "approve"}).location


def test_the_admin_speaks_the_agents_language(client: FlaskClient) -> None:
    french = Agent(client, locale="fr")
    open_return(client)
    page = page_text(french.get(QUEUE))
    assert '<html lang="fr"' in page and "Filtres" in page and "Rechercher : numéro de retour" in page


def test_the_settings_are_linked_for_those_who_may_change_them(client: FlaskClient) -> None:
    """Settings pages are the merchant's (``settings/``, nested in the admin): linked for a shop manager or an
    administrator once they are installed, never for an agent who handles returns only."""
    settings = "admin.settings.index" in client.application.view_functions
    for role, linked in (("shop_manager", settings), ("administrator", settings), ("agent", False)):
        page = page_text(client.get(QUEUE, headers=admin_header(SHOP, role=role)))
        assert (f'href="/admin/{SHOP}/settings/"' in page) is linked, role


def test_counts_past_the_cap_say_so(agent: Agent, container: Container, monkeypatch: pytest.MonkeyPatch) -> None:
    """Counting stops at ``COUNT_CAP`` (a page costs the same at 100,000 returns): a count that reached it is shown
    as "N+" and the heading says "More than N", never an exact-looking number that is wrong."""
    monkeypatch.setattr("connector.services.return_queue.COUNT_CAP", 3)
    with container.uow() as uow:
        for number in range(5):
            uow.returns(SHOP).add(return_request(order(), return_id=f"R{number:03d}"))
        uow.commit()
    page = page_text(agent.get(QUEUE))
    assert "Requested: waiting for review (3+)" in page and "All (3+)" in page
    assert "More than 3 returns" in page
    french = page_text(Agent(agent.web, locale="fr").get(QUEUE))
    assert "Plus de 3 retours" in french
