"""The policy settings' use cases over the real store (SQLite and PostgreSQL), with an in-memory shop behind the
adapter: a draft tried on past returns against what was decided, and saved as the next version, which judges the
next return."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import Engine

from connector.bootstrap import Container
from connector.config.model import Config
from connector.domain import Platform, ReturnMethod, ReturnStatus
from connector.domain.reasons import ReasonCode
from connector.domain.resolutions import Resolution
from connector.policy import Decision, Policy
from connector.policy.model import CustomerLimit, Exclusions, Windows
from connector.services.policies import current_policy, set_policy
from connector.services.policy_settings import (
    PolicyChanged,
    SavedPolicy,
    policy_version,
    save_policy,
    simulate_draft,
)
from connector.services.returns import LineInput, ReturnService
from connector.store.crypto import CredentialCipher
from connector.store.errors import UnknownShop
from tests.api.conftest import Clock
from tests.factories import AGENT, CUSTOMER, order, order_line
from tests.fakes import FakeAdapter, FakeShop

SHOP = "shop-a"
V1 = Policy(name="thirty days, approve", default_action=Decision.APPROVE, windows=Windows(days=30))


@pytest.fixture
def shop() -> FakeShop:
    orders = [
        order(order_line("L1", delivered_days_ago=5), order_id="O1"),
        order(order_line("L1", delivered_days_ago=20), order_id="O2"),
        order(order_line("L1", delivered_days_ago=5, tags=frozenset({"final"})), order_id="O3"),
    ]
    return FakeShop(orders={o.id: o for o in orders})


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def container(engine: Engine, shop: FakeShop, clock: Clock) -> Iterator[Container]:
    built = Container(Config(), _cipher=CredentialCipher([CredentialCipher.generate_key()]), clock=clock,
                      adapter_factory=lambda _c, _shop, _creds: FakeAdapter(shop))
    built.__dict__["engine"] = engine
    with built.uow() as uow:
        uow.shops.add(Platform.WOOCOMMERCE, "https://shop.example", shop_id=SHOP,
                      credentials={"consumer_key": "ck", "consumer_secret": "cs"})
        set_policy(uow, SHOP, V1)
        uow.commit()
    yield built


def open_return(container: Container, clock: Clock, order_id: str) -> str:
    clock.now += timedelta(hours=1)
    outcome = ReturnService(container).open_return(
        SHOP, order_id, [LineInput("L1", 1, ReasonCode.SIZE_TOO_SMALL, Resolution.refund())],
        ReturnMethod.PREPAID_LABEL, CUSTOMER,
    )
    return outcome.request.id


@pytest.fixture
def opened(container: Container, clock: Clock) -> dict[str, str]:
    """One return per order, oldest first, each approved by V1."""
    return {order_id: open_return(container, clock, order_id) for order_id in ("O1", "O2", "O3")}


def test_a_shorter_window_would_decline_the_older_delivery(container: Container, opened: dict[str, str]) -> None:
    report = simulate_draft(container, SHOP, replace(V1, windows=Windows(days=14)))
    assert report.tried == 3 and report.without_order == 0
    (change,) = report.changed
    assert change.request.id == opened["O2"]
    assert change.decided is Decision.APPROVE
    assert (change.before.decision, change.after.decision) == (Decision.APPROVE, Decision.DECLINE)
    assert "decision" in change.changes and "reasons" in change.changes
    assert any("14" in item.render("en") for item in change.new_reasons), [i.render("en") for i in change.new_reasons]
    assert report.decisions_before == {Decision.APPROVE: 3}
    assert report.decisions_after == {Decision.APPROVE: 2, Decision.DECLINE: 1}
    assert report.refund_after["EUR"] < report.refund_before["EUR"]


def test_a_tag_made_final_sale_would_decline_its_return(container: Container, opened: dict[str, str]) -> None:
    report = simulate_draft(container, SHOP, replace(V1, exclusions=Exclusions(tags=frozenset({"final"}))))
    assert [(c.request.id, c.after.decision) for c in report.changed] == [(opened["O3"], Decision.DECLINE)]
    assert report.changed[0].after.decline_text("fr")


def test_the_same_policy_changes_nothing_after_the_shop_counts_the_units_returned(
    container: Container, opened: dict[str, str], shop: FakeShop
) -> None:
    """Once a return is done the shop's order counts its units as returned; judged again, it must not look like a
    return of units nobody has any more."""
    with container.uow() as uow:
        snapshot = uow.orders(SHOP).get("O1")
        assert snapshot is not None
        uow.orders(SHOP).upsert(replace(snapshot, lines=tuple(replace(line, quantity_returned=line.quantity_fulfilled)
                                                               for line in snapshot.lines)))
        uow.commit()
    report = simulate_draft(container, SHOP, V1)
    assert report.tried == 3
    assert report.changed == ()


def test_each_return_is_compared_with_the_policy_that_judged_it(container: Container, opened: dict[str, str]) -> None:
    v2 = replace(V1, name="review everything", default_action=Decision.REVIEW)
    assert save_policy(container, SHOP, v2, 1, AGENT).version == 2
    under_v2 = simulate_draft(container, SHOP, v2)
    assert len(under_v2.changed) == 3, "each was approved by v1: under v2 each would wait for review"
    assert {(c.decided, c.after.decision) for c in under_v2.changed} == {(Decision.APPROVE, Decision.REVIEW)}
    assert simulate_draft(container, SHOP, V1).changed == ()


def test_the_customers_earlier_returns_count_as_they_did_then(container: Container, opened: dict[str, str]) -> None:
    """At most two returns in the year: only the third return had two before it (a return counts only against those
    opened after it)."""
    report = simulate_draft(container, SHOP, replace(V1, customer_limit=CustomerLimit(max_returns=2)))
    declined = [c.request.id for c in report.changed if c.after.decision is Decision.DECLINE]
    assert declined == [opened["O3"]]
    assert report.decisions_after == {Decision.APPROVE: 2, Decision.DECLINE: 1}


def test_only_the_most_recent_returns_are_tried(container: Container, opened: dict[str, str]) -> None:
    report = simulate_draft(container, SHOP, replace(V1, windows=Windows(days=1)), limit=2)
    assert report.tried == 2
    assert {c.request.id for c in report.changed} == {opened["O2"], opened["O3"]}


def test_another_shop_is_refused(container: Container) -> None:
    with pytest.raises(UnknownShop):
        simulate_draft(container, "shop-zz", V1)


def test_a_saved_draft_judges_the_next_return(container: Container, clock: Clock) -> None:
    assert policy_version(container, SHOP) == 1
    first = open_return(container, clock, "O1")
    draft = replace(V1, windows=Windows(days=3))
    saved = save_policy(container, SHOP, draft, base_version=1, actor=AGENT)
    assert (saved.version, saved.changed) == (2, True)
    with container.uow() as uow:
        assert current_policy(uow, SHOP) == draft
        assert uow.returns(SHOP).get(first).status is ReturnStatus.APPROVED  # type: ignore[union-attr]
    second = open_return(container, clock, "O1")
    with container.uow() as uow:
        assert uow.returns(SHOP).get(second).status is ReturnStatus.DECLINED  # type: ignore[union-attr]


def test_saving_the_policy_in_force_adds_no_version(container: Container) -> None:
    assert save_policy(container, SHOP, V1, 1, AGENT) == SavedPolicy(1, False)
    assert policy_version(container, SHOP) == 1


def test_a_form_opened_on_an_older_version_is_refused(container: Container) -> None:
    save_policy(container, SHOP, replace(V1, name="someone else's"), 1, AGENT)
    with pytest.raises(PolicyChanged) as refused:
        save_policy(container, SHOP, replace(V1, name="mine"), 1, AGENT)
    assert (refused.value.base_version, refused.value.in_force) == (1, 2)
    with container.uow() as uow:
        assert current_policy(uow, SHOP).name == "someone else's"


def test_the_first_version_of_a_shop_on_the_default(container: Container) -> None:
    with container.uow() as uow:
        uow.shops.add(Platform.SHOPIFY, "new.myshopify.com", shop_id="shop-new")
        uow.commit()
    assert policy_version(container, "shop-new") == 0
    assert save_policy(container, "shop-new", V1, 0, AGENT).version == 1
