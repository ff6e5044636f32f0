"""The parsed policies kept in the process (``connector.services.policies.PARSED``): a version is parsed once,
and the cache can never hide a change, made here or by another process, since the version in force is read
from the database on every call."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

import connector.services.policies as policies
from connector.domain import Platform
from connector.policy import loads
from connector.services.policies import DEFAULT_POLICY, ParsedPolicies, current_policy, set_policy
from connector.store.crypto import CredentialCipher
from connector.store.engine import make_engine
from connector.store.uow import UnitOfWork

SHOP = "shop-a"
THIRTY = loads('name = "thirty days"\nwindows.days = 30\n')
FOURTEEN = loads('name = "fourteen days"\nwindows.days = 14\n')


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    policies.PARSED.clear()
    yield
    policies.PARSED.clear()


@pytest.fixture
def shop(engine: Engine, cipher: CredentialCipher) -> str:
    with UnitOfWork(engine, cipher) as uow:
        uow.shops.add(Platform.SHOPIFY, "atelier.myshopify.com", shop_id=SHOP)
        uow.commit()
    return SHOP


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The sources of the documents parsed, in order."""
    seen: list[str] = []
    parse = policies.policy_from_dict

    def counting(data: object, source: str = "policy") -> object:
        seen.append(source)
        return parse(data, source)  # type: ignore[arg-type]

    monkeypatch.setattr(policies, "policy_from_dict", counting)
    return seen


def read(engine: Engine, cipher: CredentialCipher) -> object:
    with UnitOfWork(engine, cipher) as uow:
        return current_policy(uow, SHOP)


def store(engine: Engine, cipher: CredentialCipher, policy: object) -> int:
    with UnitOfWork(engine, cipher) as uow:
        version = set_policy(uow, SHOP, policy)  # type: ignore[arg-type]
        uow.commit()
    return version


def test_a_version_is_parsed_once_and_shared(engine: Engine, cipher: CredentialCipher, shop: str,
                                             parses: list[str]) -> None:
    store(engine, cipher, THIRTY)
    first, second = read(engine, cipher), read(engine, cipher)
    assert first == THIRTY
    assert second is first
    assert parses == [f"shop {SHOP} policy v1"]


def test_a_shop_without_a_policy_gets_the_default(engine: Engine, cipher: CredentialCipher, shop: str) -> None:
    assert read(engine, cipher) is DEFAULT_POLICY
    assert len(policies.PARSED) == 0


def test_a_policy_set_by_another_process_is_seen_at_once(db_url: str, engine: Engine, cipher: CredentialCipher,
                                                         shop: str, parses: list[str]) -> None:
    store(engine, cipher, THIRTY)
    assert read(engine, cipher) == THIRTY
    elsewhere = make_engine(db_url)  # another process's engine: its own connections, nothing shared in memory
    try:
        assert store(elsewhere, cipher, FOURTEEN) == 2
    finally:
        elsewhere.dispose()
    assert read(engine, cipher) == FOURTEEN
    assert parses == [f"shop {SHOP} policy v1", f"shop {SHOP} policy v2"]


def test_a_shop_created_again_never_gets_the_old_shops_policy(engine: Engine, cipher: CredentialCipher,
                                                              shop: str) -> None:
    store(engine, cipher, THIRTY)
    assert read(engine, cipher) == THIRTY
    with UnitOfWork(engine, cipher) as uow:
        uow.shops.remove(SHOP)
        uow.shops.add(Platform.SHOPIFY, "atelier.myshopify.com", shop_id=SHOP)
        uow.commit()
    assert store(engine, cipher, FOURTEEN) == 1  # the same shop id and version number, another document
    assert read(engine, cipher) == FOURTEEN


def test_the_least_recently_used_version_goes_first() -> None:
    kept = ParsedPolicies(capacity=2)
    kept.put(("a", 1, "fa"), THIRTY)
    kept.put(("b", 1, "fb"), FOURTEEN)
    assert kept.get(("a", 1, "fa")) is THIRTY  # now the most recently used
    kept.put(("c", 1, "fc"), THIRTY)
    assert kept.get(("b", 1, "fb")) is None
    assert kept.get(("a", 1, "fa")) is THIRTY
    assert len(kept) == 2
