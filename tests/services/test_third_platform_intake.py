"""Acme, a third platform registered from ``tests/``, carries a return through the whole app: the webhook intake
over HTTP, the worker, the agents' API, the services and the executor, with no change to ``connector/``.

It is the proof issue 17 asks for: a platform is a plugin. The test only registers Acme's provider
(``tests.third_platform``) and then uses the app as it ships: ``create_app``, a shop added with the service the
CLI uses, deliveries POSTed to ``/webhooks/acme``, jobs relayed from the outbox and run by RQ's worker, agents'
steps through the API, and the refund landing at the Acme store.

The return is opened at the Acme store (as a Shopify customer opens one at Shopify): with a shop that keeps its
own return record, that is how the shop's own events can move a return forward. The services' side of opening
(by our portal, mirrored at the shop by the executor) is proven in ``test_third_platform``.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import requests
from rq.job import Job
from sqlalchemy import Engine, select
from werkzeug.serving import make_server

import connector
import webhooks
import wiring
from connector import providers
from connector.bootstrap import Container
from connector.config.model import Config
from connector.domain import Disposition, ReturnStatus
from connector.domain.orders import Shop
from connector.domain.returns import ReturnRequest
from connector.jobs.embedded import ThreadWorker
from connector.jobs.queue import make_queue
from connector.jobs.relay import relay
from connector.jobs.runtime import use_container
from connector.policy import Decision, Policy
from connector.services.policies import set_policy
from connector.services.shops import add_shop
from connector.store.crypto import CredentialCipher
from connector.store.tables import webhook_inbox
from tests.factories import NOW, order, order_line
from tests.fakes import FakeShop
from tests.third_platform import ACME, PROVIDER, SECRET_CREDENTIAL, SIGNATURE_HEADER, STORES, delivery, sign
from wiring.app import create_app

STORE = "candles.acme.test"
SECRET = "acme-shop-own-secret"
RETURN_AT_ACME = "acme-return-77"
HANDLE_EVENT = "connector.jobs.tasks.handle_event"
RUN_ACTION = "connector.jobs.tasks.run_action"


@pytest.fixture
def acme_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    """Acme is known for this test only: the registry is process-wide, so it is restored afterwards."""
    monkeypatch.setattr(providers, "_providers", dict(providers._providers))
    providers.register(PROVIDER)


@pytest.fixture
def acme_store() -> Iterator[FakeShop]:
    store = FakeShop(orders={"O1": order(order_line("L1", ordered=2, fulfilled=2))})
    STORES[STORE] = store
    yield store
    del STORES[STORE]


@pytest.fixture
def container(engine: Engine, acme_registered: None) -> Iterator[Container]:
    """A queue of the test's own (the embedded Redis is shared by the process) and the day the order's dates
    are written for."""
    base = Config()
    config = replace(base, queue=replace(base.queue, name=f"acme-{uuid.uuid4().hex[:8]}"))
    built = Container(config, _cipher=CredentialCipher([CredentialCipher.generate_key()]), clock=lambda: NOW)
    built.__dict__["engine"] = engine
    use_container(built)  # the jobs run in this process, as the embedded worker runs them
    yield built
    use_container(None)


@pytest.fixture
def app_url(container: Container) -> Iterator[str]:
    """The app as it ships, served over HTTP; built after Acme is registered, as the intake reads the
    providers once."""
    server = make_server("127.0.0.1", 0, create_app(container=container), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="acme-app", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture
def shop(container: Container, acme_store: FakeShop) -> Shop:
    """Added as ``returns-connector shops add`` adds one; the store's webhook secret is in its credentials."""
    added = add_shop(container, ACME, " Candles.Acme.TEST ", currency="EUR", locale="en",
                     credentials={SECRET_CREDENTIAL: SECRET})
    with container.uow() as uow:
        set_policy(uow, added.id, Policy(name="review everything", default_action=Decision.REVIEW))
        uow.commit()
    return added


def _post_webhook(app_url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    answer = requests.post(f"{app_url}/webhooks/{ACME}", data=body, headers=headers, timeout=10)
    return answer.status_code, str(answer.json()["code"])


def _work_off(container: Container) -> list[tuple[str, Any]]:
    """Relay the outbox to the queue and run its jobs in this thread with RQ's worker, until no job is left;
    each job's task and what it returned, in order. A failed job fails the test."""
    queue = make_queue(container)  # the embedded one: no Redis is configured
    done: list[tuple[str, Any]] = []
    while relay(container, queue):
        job_ids = list(queue.queue.job_ids)
        ThreadWorker([queue.queue], connection=queue.connection).work(burst=True, logging_level="WARNING")
        for job in Job.fetch_many(job_ids, connection=queue.connection):
            assert job is not None and job.is_finished, f"{job and job.func_name}: {job and job.latest_result()}"
            done.append((str(job.func_name), job.return_value()))
    return done


def _return_at(container: Container, shop: Shop) -> ReturnRequest:
    with container.uow() as uow:
        found = uow.returns(shop.id).get_by_platform_id(RETURN_AT_ACME)
    assert found is not None
    return found


def _act(app_url: str, shop: Shop, api_key: str, return_id: str, step: str, payload: dict[str, Any]) -> None:
    """One agent step through the API, as a helpdesk calls it."""
    answer = requests.post(
        f"{app_url}/api/v1/shops/{shop.id}/returns/{return_id}/{step}", json=payload, timeout=10,
        headers={"X-API-Key": api_key, "Idempotency-Key": f"{step}-{return_id}"},
    )
    assert answer.status_code == 200, answer.text


def test_an_acme_return_goes_through_the_intake_the_worker_the_api_and_the_executor(
    container: Container, app_url: str, shop: Shop, acme_store: FakeShop,
) -> None:
    assert shop.address == STORE  # spelled by Acme's provider, so its webhooks' header finds the shop
    asked = {"id": RETURN_AT_ACME, "order": "O1", "items": [{"line": "L1", "units": 2, "why": "size_too_small"}]}
    body, headers = delivery(STORE, "return.requested", "evt-1", asked, secret=SECRET)

    assert _post_webhook(app_url, body, {**headers, SIGNATURE_HEADER: sign(body, "a-guess")}) == (
        401, "invalid_signature")
    assert _post_webhook(app_url, body, headers) == (200, "accepted")
    retried = delivery(STORE, "return.requested", "evt-1", asked, secret=SECRET, attempt=2)
    assert _post_webhook(app_url, *retried) == (200, "duplicate")  # a new delivery id, the same Acme event
    elsewhere = delivery("other.acme.test", "return.requested", "evt-9", asked, secret=SECRET)[0]
    assert _post_webhook(app_url, elsewhere, {**headers, SIGNATURE_HEADER: sign(elsewhere, SECRET)}) == (
        401, "shop_mismatch")  # the signed body names another store than the unsigned header

    with container.engine.connect() as conn:
        kept = conn.execute(select(webhook_inbox.c.headers)).scalar_one()
    assert kept[SIGNATURE_HEADER] and set(kept) <= {name for name in headers if name.lower().startswith("x-acme-")}
    assert _work_off(container) == [(HANDLE_EVENT, "return-opened-requested")]
    opened = _return_at(container, shop)
    assert opened.status is ReturnStatus.REQUESTED and opened.order_id == "O1"

    approved = delivery(STORE, "return.approved", "evt-2", {"id": RETURN_AT_ACME}, secret=SECRET)
    assert _post_webhook(app_url, *approved) == (200, "accepted")
    assert _work_off(container) == [(HANDLE_EVENT, "return-approved"), (RUN_ACTION, "succeeded")]
    assert _return_at(container, shop).status is ReturnStatus.APPROVED
    assert acme_store.calls == ["fetch_order", "approve_return"]  # the decision is told to the store

    with container.uow() as uow:
        api_key = uow.api_keys.issue(shop.id, "warehouse", NOW)[1]
        uow.commit()
    line_id = opened.lines[0].id
    _act(app_url, shop, api_key, opened.id, "receive", {"lines": [{"line_id": line_id, "quantity": 2}]})
    _act(app_url, shop, api_key, opened.id, "inspect",
         {"line_id": line_id, "condition": "new", "disposition": Disposition.RESTOCK.value})
    _act(app_url, shop, api_key, opened.id, "resolve", {})
    assert [task for task, _ in _work_off(container)] == [RUN_ACTION, RUN_ACTION]  # the refund, then the close

    final = _return_at(container, shop)
    assert final.status is ReturnStatus.CLOSED and final.amounts is not None
    assert [effect.amount for effect in acme_store.refunds.values()] == [final.amounts.refund]  # paid at Acme
    assert final.amounts.refund.amount > 0
    assert acme_store.calls[-2:] == ["refund", "close_return"] and acme_store.notes == []


@pytest.mark.parametrize("package", [connector, webhooks, wiring], ids=lambda package: package.__name__)
def test_neither_the_core_nor_the_intake_names_the_third_platform(package: ModuleType) -> None:
    """The registration above is all it took: neither ``connector/``, the intake nor the wiring layer has heard
    of Acme."""
    root = Path(str(package.__file__)).parent
    naming = [str(path) for path in root.rglob("*.py") if ACME in path.read_text(encoding="utf-8").lower()]
    assert naming == []
