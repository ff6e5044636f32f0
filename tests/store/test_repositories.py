"""The store on SQLite and on the real PostgreSQL server (the ``db_url`` fixture runs both)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine

from connector.domain import Condition, Disposition, Money, Platform, ReturnStatus
from connector.domain.actions import ActionKind
from connector.store.actions_repo import ActionState
from connector.store.crypto import CredentialCipher
from connector.store.errors import ConcurrentUpdate, DuplicateShop
from connector.store.returns_repo import ReturnFilter
from connector.store.uow import UnitOfWork
from tests.factories import AGENT, NOW, order, order_line, return_request


def _shops(engine: Engine, cipher: CredentialCipher) -> tuple[str, str]:
    with UnitOfWork(engine, cipher) as uow:
        a = uow.shops.add(Platform.SHOPIFY, "a.myshopify.com", credentials={"access_token": "shpat_secret"},
                          shop_id="shop-a")
        b = uow.shops.add(Platform.WOOCOMMERCE, "https://b.example", shop_id="shop-b")
        uow.commit()
    return a.id, b.id


def test_return_round_trip_with_lines_and_events(engine: Engine, cipher: CredentialCipher) -> None:
    _shops(engine, cipher)
    ret = return_request(order(order_line(ordered=2, fulfilled=2)), quantity=2)
    ret.approve(AGENT, NOW)
    with UnitOfWork(engine, cipher) as uow:
        uow.returns("shop-a").add(ret)
        uow.commit()
    with UnitOfWork(engine, cipher) as uow:
        loaded = uow.returns("shop-a").get("R1")
        assert loaded is not None
        assert loaded.status is ReturnStatus.APPROVED
        assert [e.action for e in loaded.events] == ["request", "approve"]
        assert loaded.events[1].actor == AGENT
        assert loaded.created_at == NOW and loaded.created_at.tzinfo is not None
        loaded.receive(AGENT, NOW + timedelta(days=2), {"R1-1": 2})
        loaded.inspect(AGENT, NOW + timedelta(days=2), "R1-1", Condition.USED, Disposition.DISPOSE)
        uow.returns("shop-a").save(loaded)
        uow.commit()
    with UnitOfWork(engine, cipher) as uow:
        again = uow.returns("shop-a").get("R1")
        assert again is not None and again.status is ReturnStatus.INSPECTED
        assert again.lines[0].received_quantity == 2
        assert again.lines[0].disposition is Disposition.DISPOSE
        assert [e.seq for e in again.events] == [1, 2, 3, 4]
        assert again.version == 2


def test_repositories_never_read_across_shops(engine: Engine, cipher: CredentialCipher) -> None:
    _shops(engine, cipher)
    with UnitOfWork(engine, cipher) as uow:
        uow.returns("shop-a").add(return_request())
        uow.orders("shop-a").upsert(order())
        uow.actions("shop-a").record(ActionKind.REFUND, "key-1", {"amount": "1.00"}, "R1")
        uow.commit()
    with UnitOfWork(engine, cipher) as uow:
        assert uow.returns("shop-b").get("R1") is None
        assert uow.returns("shop-b").list() == []
        assert uow.orders("shop-b").get("O1") is None
        assert uow.actions("shop-b").by_key("key-1") is None
        assert uow.returns("shop-a").get("R1") is not None
        with pytest.raises(PermissionError):
            uow.returns("shop-b").save(uow.returns("shop-a").get("R1"))  # type: ignore[arg-type]
        with pytest.raises(PermissionError):
            uow.actions("shop-b").record(ActionKind.REFUND, "key-1", {}, "R1")


def test_stale_save_loses(engine: Engine, cipher: CredentialCipher) -> None:
    _shops(engine, cipher)
    with UnitOfWork(engine, cipher) as uow:
        uow.returns("shop-a").add(return_request())
        uow.commit()
    with UnitOfWork(engine, cipher) as first, UnitOfWork(engine, cipher) as second:
        mine = first.returns("shop-a").get("R1")
        theirs = second.returns("shop-a").get("R1")
        assert mine is not None and theirs is not None
        mine.approve(AGENT, NOW)
        first.returns("shop-a").save(mine)
        first.commit()
        theirs.decline(AGENT, NOW, "no")
        with pytest.raises(ConcurrentUpdate):
            second.returns("shop-a").save(theirs)


def test_filters(engine: Engine, cipher: CredentialCipher) -> None:
    _shops(engine, cipher)
    source = order(order_line(ordered=5, fulfilled=5))
    with UnitOfWork(engine, cipher) as uow:
        repo = uow.returns("shop-a")
        repo.add(return_request(source, return_id="R1"))
        second = return_request(source, return_id="R2")
        second.approve(AGENT, NOW)
        repo.add(second)
        uow.commit()
    with UnitOfWork(engine, cipher) as uow:
        repo = uow.returns("shop-a")
        assert [r.id for r in repo.list(ReturnFilter(status=ReturnStatus.APPROVED))] == ["R2"]
        assert {r.id for r in repo.list(ReturnFilter(customer_email="ANA@example.com"))} == {"R1", "R2"}
        assert repo.pending_quantities("O1") == {"L1": 2}
        assert repo.pending_quantities("O1", exclude_return_id="R1") == {"L1": 1}


def test_credentials_are_encrypted_at_rest_and_rotate(engine: Engine) -> None:
    old = CredentialCipher.generate_key()
    new = CredentialCipher.generate_key()
    cipher = CredentialCipher([old])
    _shops(engine, cipher)
    with engine.connect() as conn:
        raw = conn.exec_driver_sql("SELECT credentials FROM shops WHERE id = 'shop-a'").scalar_one()
    assert b"shpat_secret" not in bytes(raw)
    rotating = CredentialCipher([new, old])
    with UnitOfWork(engine, rotating) as uow:
        assert uow.shops.rotate_keys() == 1
        uow.commit()
    with UnitOfWork(engine, CredentialCipher([new])) as uow:
        assert uow.shops.credentials("shop-a") == {"access_token": "shpat_secret"}


def test_duplicate_shop_is_refused(engine: Engine, cipher: CredentialCipher) -> None:
    _shops(engine, cipher)
    with UnitOfWork(engine, cipher) as uow, pytest.raises(DuplicateShop):
        uow.shops.add(Platform.SHOPIFY, "a.myshopify.com")


def test_action_keys_are_recorded_once(engine: Engine, cipher: CredentialCipher) -> None:
    _shops(engine, cipher)
    with UnitOfWork(engine, cipher) as uow:
        actions = uow.actions("shop-a")
        first = actions.record(ActionKind.REFUND, "ret-R1-refund", {"amount": "10.00"}, "R1")
        second = actions.record(ActionKind.REFUND, "ret-R1-refund", {"amount": "99.00"}, "R1")
        assert first.id == second.id and second.payload == {"amount": "10.00"}
        assert actions.transition(first.id, ActionState.PENDING, ActionState.RUNNING, count_attempt=True)
        assert not actions.transition(first.id, ActionState.PENDING, ActionState.RUNNING)
        uow.commit()
    with UnitOfWork(engine, cipher) as uow:
        record = uow.actions("shop-a").get(first.id)
        assert record is not None and record.state is ActionState.RUNNING and record.attempts == 1


def test_order_snapshots_ignore_older_copies(engine: Engine, cipher: CredentialCipher) -> None:
    _shops(engine, cipher)
    newer = order()
    from dataclasses import replace

    older = replace(newer, updated_at=newer.updated_at - timedelta(hours=1), email="old@example.com")  # type: ignore[operator]
    with UnitOfWork(engine, cipher) as uow:
        repo = uow.orders("shop-a")
        assert repo.upsert(newer)
        assert not repo.upsert(older)
        stored = repo.get("O1")
        assert stored == newer
        assert stored.lines[0].unit_price == Money("40.00", "EUR")  # type: ignore[union-attr]
        assert [o.id for o in repo.find_by_name("1001")] == ["O1"]


def test_order_snapshots_are_found_by_the_normal_form_of_their_number(engine: Engine, cipher: CredentialCipher) -> None:
    from dataclasses import replace

    _shops(engine, cipher)
    with UnitOfWork(engine, cipher) as uow:
        repo = uow.orders("shop-a")
        repo.upsert(order())
        repo.upsert(replace(order(order_id="O2"), name="#WC-0727"))
        assert [o.id for o in repo.find_by_name("# 01001")] == ["O1"]
        assert [o.id for o in repo.find_by_name("\xa0wc-0727")] == ["O2"]
        assert repo.find_by_name("wc-727") == [] and repo.find_by_name("#") == []


def test_returns_are_filtered_by_any_spelling_of_their_order_number(engine: Engine, cipher: CredentialCipher) -> None:
    """The agents' filter matches order numbers as the order lookup does (``stored_spellings``)."""
    from dataclasses import replace

    _shops(engine, cipher)
    with UnitOfWork(engine, cipher) as uow:
        repo = uow.returns("shop-a")
        repo.add(return_request(order(order_line(ordered=5, fulfilled=5)), return_id="R1"))
        repo.add(return_request(replace(order(order_line(ordered=5, fulfilled=5), order_id="O2"), name="WC-727"),
                                return_id="R2"))
        uow.commit()
    with UnitOfWork(engine, cipher) as uow:
        repo = uow.returns("shop-a")
        for typed in ("1001", "#1001", " # 1001", "\xa0#1001"):
            assert [r.id for r in repo.list(ReturnFilter(order_name=typed))] == ["R1"], typed
        assert [r.id for r in repo.list(ReturnFilter(order_name="wc-727"))] == ["R2"]
        assert repo.list(ReturnFilter(order_name="#")) == []


def test_single_use_values(engine: Engine, cipher: CredentialCipher) -> None:
    with UnitOfWork(engine, cipher) as uow:
        states = uow.single_use("shopify-oauth")
        value = states.issue("a.myshopify.com")
        assert states.consume(value)
        assert not states.consume(value)
        assert not uow.single_use("wc-auth").consume(states.issue())
        assert not states.consume("never-issued")


def test_policy_versions(engine: Engine, cipher: CredentialCipher) -> None:
    _shops(engine, cipher)
    with UnitOfWork(engine, cipher) as uow:
        repo = uow.policies("shop-a")
        assert repo.add({"window": 30}, "f1").version == 1
        assert repo.add({"window": 30}, "f1").version == 1
        assert repo.add({"window": 14}, "f2").version == 2
        assert uow.policies("shop-b").current() is None
        assert [v.version for v in repo.history()] == [1, 2]
