"""Resolving from the admin: the preview pays nothing and says who gets what and how; another refund amount
needs a reason and is capped by what the order has left; a confirmation whose preview is no longer what would
be paid is refused with the new preview."""

from __future__ import annotations

import re

from connector.bootstrap import Container
from connector.domain.actions import ActionKind
from connector.domain.states import ReturnStatus
from connector.services import instructions
from tests.admin_pages.conftest import L1, SHOP, Agent, open_return, page_text

INSPECT = {"line": "1", "condition-1": "used", "disposition-1": "restock"}


def _inspected(agent: Agent) -> str:
    """A return of both units of L1 (€72.00), received and inspected."""
    return_id = open_return(agent.web, lines=[L1])
    page = f"/admin/{SHOP}/returns/{return_id}"
    assert agent.post(f"{page}/receive", {"all": "1"}, page).status_code == 303
    assert agent.post(f"{page}/inspect", INSPECT, page).status_code == 303
    return page


def _fingerprint(page: str) -> str:
    found = re.search(r'name="fingerprint" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def _refunds(container: Container, return_id: str) -> list[str]:
    with container.uow() as uow:
        actions = uow.actions(SHOP).for_return(return_id)
    return [str(instructions.refund_from_json(a.payload).amount) for a in actions if a.kind is ActionKind.REFUND]


def test_another_amount_needs_a_reason_and_stays_within_what_is_left(agent: Agent, container: Container) -> None:
    page = _inspected(agent)
    return_id = page.rsplit("/", 1)[1]
    assert "Refund: €72.00" in page_text(agent.get(f"{page}/resolve"))

    answer = agent.post(f"{page}/resolve", {"amount": "50", "reason": ""}, f"{page}/resolve")
    assert answer.status_code == 422 and "Say why the amount is changed" in page_text(answer)
    answer = agent.post(f"{page}/resolve", {"amount": "12.345", "reason": "x"}, f"{page}/resolve")
    assert answer.status_code == 422 and "with at most 2 decimals" in page_text(answer)
    answer = agent.post(f"{page}/resolve", {"amount": "5000", "reason": "goodwill"}, f"{page}/resolve")
    assert answer.status_code == 422 and "left to refund: enter at most that" in page_text(answer)

    answer = agent.post(f"{page}/resolve", {"amount": "50,00", "reason": "Worn once"}, f"{page}/resolve")
    said = page_text(answer)
    assert answer.status_code == 200
    assert "The refund is changed by hand to €50.00." in said and "Refund: €50.00" in said
    assert 'name="amount" value="50.00"' in said and 'name="reason" value="Worn once"' in said
    assert _refunds(container, return_id) == [], "a preview pays nothing"

    confirm = {"fingerprint": _fingerprint(said), "amount": "50.00", "reason": "Worn once"}
    assert agent.post(f"{page}/resolve/confirm", confirm, f"{page}/resolve").status_code == 303
    assert _refunds(container, return_id) == ["50.00 EUR"]
    with container.uow() as uow:
        stored = uow.returns(SHOP).get(return_id)
    assert stored is not None and stored.status is ReturnStatus.RESOLVED
    override = next(e for e in stored.events if e.data.get("override"))
    assert (override.reason, override.actor.id, override.data["override"]) == ("Worn once", "test:alice", "50.00")


def test_a_confirmation_of_another_preview_is_refused(agent: Agent, container: Container) -> None:
    page = _inspected(agent)
    return_id = page.rsplit("/", 1)[1]
    seen = _fingerprint(page_text(agent.get(f"{page}/resolve")))
    changed = agent.post(f"{page}/resolve/confirm", {"fingerprint": seen, "amount": "10", "reason": "r"},
                         f"{page}/resolve")
    said = page_text(changed)
    assert changed.status_code == 409 and "has changed since the preview" in said
    assert _refunds(container, return_id) == []
    assert agent.post(f"{page}/resolve/confirm", {"fingerprint": _fingerprint(said), "amount": "10",
                                                  "reason": "r"}, f"{page}/resolve").status_code == 303
    assert _refunds(container, return_id) == ["10.00 EUR"]
    again = agent.post(f"{page}/resolve/confirm", {"fingerprint": seen}, page)
    assert again.status_code == 409 and "in this state" in page_text(again), "resolved once only"
