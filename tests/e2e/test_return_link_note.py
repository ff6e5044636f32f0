"""The portal's "Request a return" link reaches a WooCommerce customer once, as a customer note, over real HTTP.

The merchant completes an order in the WooCommerce sandbox; its ``order.updated`` webhook reaches the intake, the
worker records the note once and writes it through the REST notes API with ``customer_note: true`` (what
WooCommerce e-mails). The sandbox is told to lose the answer of the first write (the note is saved, the
connection dropped), so the executor retries after an unknown outcome and must find the note rather than add a
second; a later change of the same order offers nothing new. The link in the note opens the order's page.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import func, select

from connector.domain.actions import ActionKind
from connector.services.return_link_note import return_link_key
from connector.store.actions_repo import ActionRecord, ActionState
from connector.store.inbox_repo import InboxState
from connector.store.tables import webhook_inbox
from demo.stack import Stack
from platforms.woocommerce.client import WooClient
from tests.e2e.demo_stack import connected, running_stack
from tests.reliability.harness import wait_until

pytestmark = pytest.mark.e2e

_LINK = re.compile(r"https?://\S+/portal/[^/\s]+/w/[A-Za-z0-9_.\-]+")


def _merchant(stack: Stack) -> WooClient:
    made = requests.post(f"{stack.woo_url}/__sandbox/keys", json={"description": "merchant"}, timeout=10).json()
    return WooClient(stack.woo_url, made["consumer_key"], made["consumer_secret"], allow_private=True)


def _customer_notes(merchant: WooClient, order_id: str) -> list[dict[str, Any]]:
    notes = merchant.get(f"orders/{order_id}/notes", {"type": "customer"})
    return [note for note in notes if "/w/" in note["note"]]


def _action(stack: Stack, shop_id: str, order_id: str) -> ActionRecord | None:
    with stack.container.uow() as uow:
        return uow.actions(shop_id).by_key(return_link_key(shop_id, order_id))


def test_a_completed_order_gets_the_return_link_once_across_retries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with running_stack(tmp_path / "demo", monkeypatch, 12) as stack:
        _, woo_id = connected(stack)
        with stack.container.uow() as uow:
            processing = [order for order in uow.orders(woo_id).recent() if order.status == "processing"]
        assert processing, "the sandbox seeds orders not yet completed"
        order = processing[0]
        merchant = _merchant(stack)
        answer = requests.put(f"{stack.woo_url}/__sandbox/faults", timeout=10, json={
            "timeout_after_write_rate": 1.0, "methods": ["POST"],
            "path_prefixes": [f"/wp-json/wc/v3/orders/{order.id}/notes"],
        })
        assert answer.status_code == 200, answer.text

        merchant.put(f"orders/{order.id}", {"status": "completed"})

        done = wait_until("the note's action to succeed", lambda: (
            (found := _action(stack, woo_id, order.id)) is not None and found.state is ActionState.SUCCEEDED
            and found))
        assert done.kind is ActionKind.RETURN_LINK_NOTE
        assert done.attempts >= 2, "the first answer was lost: the note was looked for, then found"
        stats = requests.get(f"{stack.woo_url}/__sandbox/faults/stats", timeout=10).json()
        assert stats.get("timeout_after_write", 0) >= 1
        requests.put(f"{stack.woo_url}/__sandbox/faults", json={"timeout_after_write_rate": 0.0}, timeout=10)

        # The same order changes again (a note by the merchant, a status set again): nothing more is offered.
        seen = _order_updates(stack)
        merchant.put(f"orders/{order.id}", {"customer_note": "Left at the door"})
        merchant.put(f"orders/{order.id}", {"status": "completed", "customer_note": "Left at the front door"})
        # The sandbox may send one delivery for both changes, as WooCommerce's queue may.
        wait_until("the later changes to be handled", lambda: _order_updates(stack, handled=True) > seen)

        notes = _customer_notes(merchant, order.id)
        assert len(notes) == 1, notes
        assert notes[0]["customer_note"] is True
        link = _LINK.search(notes[0]["note"])
        assert link is not None, notes[0]["note"]
        opened = requests.get(link.group(0), timeout=10)
        assert opened.status_code == 200
        assert "/o/" in opened.url
        assert order.name.lstrip("#") in opened.text

        with stack.container.uow() as uow:
            all_actions = uow.actions(woo_id).list()
        assert [a.kind for a in all_actions].count(ActionKind.RETURN_LINK_NOTE) == 1


def _order_updates(stack: Stack, *, handled: bool = False) -> int:
    """``order.updated`` deliveries in the inbox (only those the worker handled, with ``handled``)."""
    query = select(func.count()).select_from(webhook_inbox).where(webhook_inbox.c.topic == "order.updated")
    if handled:
        query = query.where(webhook_inbox.c.state == InboxState.DONE.value)
    with stack.container.uow() as uow:
        return int(uow.connection.execute(query).scalar_one())
