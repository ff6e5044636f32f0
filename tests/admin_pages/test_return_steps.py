"""Every step of a return from the admin pages, on SQLite and PostgreSQL: approve with a message, receive part
then the rest, inspect each line, resolve through the preview and its confirmation; each recorded under the
agent's name, with the payment planned for the shop exactly as previewed."""

from __future__ import annotations

import re

from connector.bootstrap import Container
from connector.domain.actions import ActionKind
from connector.domain.events import ActorKind
from connector.domain.states import ReturnStatus
from connector.services import instructions
from tests.admin_pages.conftest import SHOP, Agent, open_return, page_text, review_everything

AGENT = "test:alice"


def _stored(container: Container, return_id: str):  # type: ignore[no-untyped-def]
    with container.uow() as uow:
        found = uow.returns(SHOP).get(return_id)
        actions = uow.actions(SHOP).for_return(return_id)
    assert found is not None
    return found, actions


def _fingerprint(page: str) -> str:
    found = re.search(r'name="fingerprint" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def test_an_agent_takes_a_return_through_every_step(agent: Agent, container: Container) -> None:
    review_everything(container)
    return_id = open_return(agent.web)
    page = f"/admin/{SHOP}/returns/{return_id}"

    queue = page_text(agent.get(f"/admin/{SHOP}/?review=1"))
    assert return_id in queue and "Requested: waiting for review (1)" in queue

    answer = agent.post(f"{page}/approve", {"approve_message": "Thanks, send it back with the label."}, page)
    assert answer.status_code == 303 and answer.location.endswith(f"{page}?done=approved")
    stored, _ = _stored(container, return_id)
    approval = stored.events[-1]
    assert stored.status is ReturnStatus.APPROVED
    assert (approval.actor.kind, approval.actor.id, approval.reason) == (
        ActorKind.AGENT, AGENT, "Thanks, send it back with the label.")
    shown = page_text(agent.get(f"{page}?done=approved"))
    assert "The return is approved." in shown and "Agent test:alice" in shown

    answer = agent.post(f"{page}/receive", {"qty-1": "1", "qty-2": ""}, page)
    assert answer.status_code == 303
    stored, _ = _stored(container, return_id)
    assert stored.status is ReturnStatus.RECEIVED and [x.received_quantity for x in stored.lines] == [1, 0]
    assert agent.post(f"{page}/receive", {"all": "1"}, page).status_code == 303
    stored, _ = _stored(container, return_id)
    assert [x.received_quantity for x in stored.lines] == [2, 1]

    for line, (condition, disposition) in enumerate((("new", "restock"), ("defective", "dispose")), start=1):
        sent = {"line": str(line), f"condition-{line}": condition, f"disposition-{line}": disposition}
        assert agent.post(f"{page}/inspect", sent, page).status_code == 303
    stored, _ = _stored(container, return_id)
    assert stored.status is ReturnStatus.INSPECTED

    preview = agent.get(f"{page}/resolve")
    said = page_text(preview)
    assert preview.status_code == 200
    assert "Refund: €104.00" in said and "ana@example.com" in said and "Shirt L1 \u00d7 2" in said
    _, before = _stored(container, return_id)
    assert not [a for a in before if a.kind is ActionKind.REFUND], "nothing is paid by the preview"

    answer = agent.post(f"{page}/resolve/confirm", {"fingerprint": _fingerprint(said)}, f"{page}/resolve")
    assert answer.status_code == 303 and answer.location.endswith("done=resolved")
    stored, actions = _stored(container, return_id)
    assert stored.status is ReturnStatus.RESOLVED
    resolved = next(e for e in stored.events if e.action == "resolve")
    assert (resolved.actor.kind, resolved.actor.id) == (ActorKind.AGENT, AGENT)
    refunds = [instructions.refund_from_json(a.payload) for a in actions if a.kind is ActionKind.REFUND]
    assert [str(r.amount) for r in refunds] == ["104.00 EUR"]
    history = page_text(agent.get(page))
    for step in ("Return approved", "Items received", "Item inspected", "Inspection finished", "Return settled"):
        assert step in history


def test_a_decline_needs_the_message_the_customer_reads(agent: Agent, container: Container) -> None:
    review_everything(container)
    return_id = open_return(agent.web)
    page = f"/admin/{SHOP}/returns/{return_id}"
    answer = agent.post(f"{page}/decline", {"decline_message": "  "}, page)
    said = page_text(answer)
    assert answer.status_code == 422
    assert 'id="decline_message" name="decline_message" rows="2" maxlength="1000" aria-invalid="true"' in said
    assert "Write the message the customer will read" in said
    assert _stored(container, return_id)[0].status is ReturnStatus.REQUESTED

    assert agent.post(f"{page}/decline", {"decline_message": "Worn items cannot be returned."}, page).status_code == 303
    stored, _ = _stored(container, return_id)
    assert stored.status is ReturnStatus.DECLINED and stored.decline_reason == "Worn items cannot be returned."
    assert stored.events[-1].actor.id == AGENT


def test_a_step_the_state_forbids_says_so(agent: Agent, container: Container) -> None:
    return_id = open_return(agent.web)  # approved by the policy
    page = f"/admin/{SHOP}/returns/{return_id}"
    answer = agent.post(f"{page}/approve", {"approve_message": ""}, page)
    assert answer.status_code == 409
    assert "This cannot be done while the return is in this state" in page_text(answer)
    assert agent.get(f"{page}/resolve").status_code == 409, "nothing received or inspected yet"


def test_cancelling_an_approval_needs_a_reason(agent: Agent, container: Container) -> None:
    return_id = open_return(agent.web)
    page = f"/admin/{SHOP}/returns/{return_id}"
    assert agent.post(f"{page}/cancel", {"cancel_reason": ""}, page).status_code == 422
    assert agent.post(f"{page}/cancel", {"cancel_reason": "Customer called: keeps it"}, page).status_code == 303
    stored, _ = _stored(container, return_id)
    assert stored.status is ReturnStatus.CANCELED and stored.events[-1].reason == "Customer called: keeps it"


def test_internal_notes_are_kept_with_their_author(agent: Agent, container: Container) -> None:
    return_id = open_return(agent.web)
    page = f"/admin/{SHOP}/returns/{return_id}"
    assert agent.post(f"{page}/notes", {"note": ""}, page).status_code == 422
    assert agent.post(f"{page}/notes", {"note": "Called the customer <b>twice</b>"}, page).status_code == 303
    said = page_text(agent.get(page))
    assert "Agent test:alice: Called the customer &lt;b&gt;twice&lt;/b&gt;" in said
    stored, _ = _stored(container, return_id)
    assert stored.events[-1].action == "note" and stored.events[-1].actor.id == AGENT
