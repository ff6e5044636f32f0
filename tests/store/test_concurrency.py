"""Two concurrent updates of one return on the real PostgreSQL server: exactly one wins."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import Engine

from connector.domain import Platform, ReturnStatus
from connector.store.crypto import CredentialCipher
from connector.store.engine import make_engine
from connector.store.errors import ConcurrentUpdate
from connector.store.migrate import upgrade
from connector.store.uow import UnitOfWork
from tests.factories import AGENT, NOW, return_request

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_engine(postgres_url: str) -> Engine:
    engine = make_engine(postgres_url, pool_size=4)
    upgrade(engine)
    return engine


@pytest.mark.parametrize("attempt", range(5))
def test_two_threads_one_winner(pg_engine: Engine, attempt: int) -> None:
    cipher = CredentialCipher([CredentialCipher.generate_key()])
    with UnitOfWork(pg_engine, cipher) as uow:
        uow.shops.add(Platform.SHOPIFY, "a.myshopify.com", shop_id="shop-a")
        uow.returns("shop-a").add(return_request())
        uow.commit()
    both_loaded = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def act(name: str) -> None:
        with UnitOfWork(pg_engine, cipher) as uow:
            ret = uow.returns("shop-a").get("R1")
            assert ret is not None
            both_loaded.wait(timeout=10)
            if name == "approver":
                ret.approve(AGENT, NOW)
            else:
                ret.decline(AGENT, NOW, "final sale")
            try:
                uow.returns("shop-a").save(ret)
                uow.commit()
                outcomes[name] = "won"
            except ConcurrentUpdate:
                outcomes[name] = "lost"

    threads = [threading.Thread(target=act, args=(n,)) for n in ("approver", "decliner")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == ["lost", "won"]
    with UnitOfWork(pg_engine, cipher) as uow:
        final = uow.returns("shop-a").get("R1")
        assert final is not None
        winner = next(name for name, result in outcomes.items() if result == "won")
        expected = ReturnStatus.APPROVED if winner == "approver" else ReturnStatus.DECLINED
        assert final.status is expected
        action = "approve" if expected is ReturnStatus.APPROVED else "decline"
        assert [e.action for e in final.events] == ["request", action]
        assert final.version == 2
    pg_engine.dispose()
