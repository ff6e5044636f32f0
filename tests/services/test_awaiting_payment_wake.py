"""A payment that arrives while the waiting exchange is being looked at is not lost.

The exchange waits, pending, for the customer to pay. A run of it can read the order just before the
customer pays; the shop's webhook then arrives while the action is still running. Before, the wake-up only
touched pending actions, so the run parked the action for the whole payment poll (minutes) and the return
stayed open although the shop said it was paid. Now the running action is marked, and its run queues it
again at once instead of parking it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from connector.bootstrap import Container
from connector.config.model import Config
from connector.domain import Platform
from connector.domain.actions import ActionKind, PlatformEffect
from connector.services.awaiting_payment import wake_exchanges_awaiting
from connector.services.executor import PAYMENT_POLL, ActionExecutor
from connector.store.actions_repo import ActionRecord, ActionState
from connector.store.crypto import CredentialCipher
from connector.store.outbox_repo import JobKind
from tests.factories import NOW
from tests.fakes import FakeAdapter, FakeShop

SHOP = "shop-a"
EXCHANGE_ORDER = "901"
UNPAID = PlatformEffect(
    ActionKind.EXCHANGE, EXCHANGE_ORDER, extra={"amount_due": "12.50", "currency": "EUR", "payment_url": "https://pay"}
)


@pytest.fixture
def container(engine: Engine) -> Iterator[Container]:
    built = Container(Config(), _cipher=CredentialCipher([CredentialCipher.generate_key()]), clock=lambda: NOW,
                      adapter_factory=lambda _c, _s, _creds: FakeAdapter(FakeShop()))
    built.__dict__["engine"] = engine
    with built.uow() as uow:
        uow.shops.add(Platform.WOOCOMMERCE, "https://shop.example", shop_id=SHOP, credentials={"k": "v"})
        uow.commit()
    yield built


def _running_exchange(container: Container) -> ActionRecord:
    """An exchange already made at the shop and awaiting payment, claimed by a run that is under way."""
    with container.uow() as uow:
        repo = uow.actions(SHOP)
        record = repo.record(ActionKind.EXCHANGE, "ret:r1:exchange", {"order_id": "100"})
        made = {"platform_id": EXCHANGE_ORDER}
        repo.transition(record.id, None, ActionState.RUNNING, result=made, count_attempt=True)
        uow.commit()
        running = repo.get(record.id)
    assert running is not None and running.next_attempt_at is None
    return running


def _queued(container: Container, action_id: str) -> int:
    with container.uow() as uow:
        rows = uow.outbox.claim_due(PAYMENT_POLL, now=NOW + PAYMENT_POLL)
    return sum(1 for row in rows if row.job is JobKind.ACTION and row.ref_id == action_id)


def _after(container: Container, action_id: str) -> ActionRecord:
    with container.uow() as uow:
        found = uow.actions(SHOP).get(action_id)
    assert found is not None
    return found


def test_a_payment_seen_during_the_run_queues_the_exchange_again_at_once(container: Container) -> None:
    record = _running_exchange(container)
    assert wake_exchanges_awaiting(container, SHOP, EXCHANGE_ORDER) == [record.id]
    assert _queued(container, record.id) == 0  # the run under way queues it when it ends, not the wake-up

    state = ActionExecutor(container)._await_payment(SHOP, record, UNPAID)  # the run read the order unpaid

    after = _after(container, record.id)
    assert state is ActionState.PENDING and after.state is ActionState.PENDING
    assert after.next_attempt_at is None  # due now, not in PAYMENT_POLL
    assert after.result is not None and after.result["platform_id"] == EXCHANGE_ORDER
    assert _queued(container, record.id) == 1


def test_without_news_the_exchange_waits_for_the_payment_poll(container: Container) -> None:
    record = _running_exchange(container)
    assert wake_exchanges_awaiting(container, SHOP, "another-order") == []

    ActionExecutor(container)._await_payment(SHOP, record, UNPAID)

    after = _after(container, record.id)
    assert after.state is ActionState.PENDING
    assert after.next_attempt_at is not None and after.next_attempt_at.replace(tzinfo=NOW.tzinfo) == NOW + PAYMENT_POLL
    assert _queued(container, record.id) == 0


def test_a_pending_exchange_is_made_due_and_queued(container: Container) -> None:
    record = _running_exchange(container)
    ActionExecutor(container)._await_payment(SHOP, record, UNPAID)

    assert wake_exchanges_awaiting(container, SHOP, EXCHANGE_ORDER) == [record.id]

    after = _after(container, record.id)
    assert after.state is ActionState.PENDING and after.next_attempt_at is None
    assert _queued(container, record.id) == 1
