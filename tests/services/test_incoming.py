"""Events from the shops (already translated) applied to our state: idempotent, never rolled back."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import Engine

from connector.bootstrap import Container
from connector.config.model import Config
from connector.domain import Platform, ReturnStatus
from connector.domain.actions import ActionKind
from connector.policy import Decision, Policy
from connector.ports import IncomingEvent
from connector.services.incoming import IncomingEventHandler
from connector.services.policies import set_policy
from connector.store.crypto import CredentialCipher
from connector.store.errors import UnknownShop
from tests.factories import NOW, order, order_line
from tests.fakes import FakeAdapter, FakeShop

SHOP = "shop-s"


@pytest.fixture
def shop() -> FakeShop:
    source = order(order_line("L1", ordered=2, fulfilled=2, returned=1), shop_id=SHOP)
    return FakeShop(orders={source.id: source})


@pytest.fixture
def container(engine: Engine, shop: FakeShop) -> Iterator[Container]:
    built = Container(Config(), _cipher=CredentialCipher([CredentialCipher.generate_key()]), clock=lambda: NOW,
                      adapter_factory=lambda _c, _s, _creds: FakeAdapter(shop))
    built.__dict__["engine"] = engine
    with built.uow() as uow:
        uow.shops.add(Platform.SHOPIFY, "s.myshopify.com", shop_id=SHOP, credentials={"access_token": "t"})
        set_policy(uow, SHOP, Policy(name="auto", default_action=Decision.APPROVE))
        uow.commit()
    yield built


def _requested(return_id: str = "gid://shopify/Return/1") -> IncomingEvent:
    data = {"return_id": return_id, "order_id": "O1", "status": "requested", "exchange_variant_ids": [],
            "lines": [{"id": "gid://shopify/ReturnLineItem/1", "order_line_id": "L1", "quantity": 1,
                       "reason": "size_too_small", "reason_handle": "size-too-small", "customer_note": "tight"}]}
    return IncomingEvent("return_requested", "s.myshopify.com", return_id, NOW, data=data)


def test_a_shopify_return_request_is_opened_once_and_approved_at_the_shop(container: Container) -> None:
    handler = IncomingEventHandler(container)
    # The order already counts the requested unit as returned, as Shopify's does: it must still be allowed.
    assert handler.apply(SHOP, _requested()) == "return-opened-approved"
    assert handler.apply(SHOP, _requested()) == "return-known"
    with container.uow() as uow:
        opened = uow.returns(SHOP).get_by_platform_id("gid://shopify/Return/1")
        assert opened is not None
        kinds = [a.kind for a in uow.actions(SHOP).for_return(opened.id)]
    assert kinds == [ActionKind.APPROVE]
    assert opened.lines[0].reason_handle == "size-too-small" and opened.lines[0].customer_note == "tight"
    assert opened.events[0].actor.kind.value == "platform"


def test_late_or_repeated_status_events_never_roll_back(container: Container) -> None:
    handler = IncomingEventHandler(container)
    handler.apply(SHOP, _requested())
    approve = IncomingEvent("return_approved", "s.myshopify.com", "gid://shopify/Return/1", NOW,
                            data={"return_id": "gid://shopify/Return/1"})
    assert handler.apply(SHOP, approve) == "return-approve-skipped-approved"
    decline = IncomingEvent("return_declined", "s.myshopify.com", "gid://shopify/Return/1", NOW - timedelta(days=1),
                            data={"return_id": "gid://shopify/Return/1", "decline_note": "late"})
    assert handler.apply(SHOP, decline) == "return-decline-skipped-approved"
    with container.uow() as uow:
        still = uow.returns(SHOP).get_by_platform_id("gid://shopify/Return/1")
    assert still is not None and still.status is ReturnStatus.APPROVED


def test_older_order_snapshots_are_ignored(container: Container, shop: FakeShop) -> None:
    handler = IncomingEventHandler(container)
    current = shop.orders["O1"]
    assert handler.apply(SHOP, IncomingEvent("order_changed", "s", "O1", NOW, order=current)) == "order-updated"
    stale = replace(current, updated_at=current.updated_at - timedelta(days=1), email="old@example.com")  # type: ignore[operator]
    assert handler.apply(SHOP, IncomingEvent("order_changed", "s", "O1", NOW, order=stale)) == "order-stale"
    with container.uow() as uow:
        kept = uow.orders(SHOP).get("O1")
    assert kept is not None and kept.email == current.email


def test_customer_redaction_forgets_the_customer(container: Container, shop: FakeShop) -> None:
    handler = IncomingEventHandler(container)
    handler.apply(SHOP, IncomingEvent("order_changed", "s", "O1", NOW, order=shop.orders["O1"]))
    handler.apply(SHOP, _requested())
    # The documented shape: customer {id, email, phone} and the order ids to redact.
    payload = {"shop_id": 954889, "shop_domain": "s.myshopify.com",
               "customer": {"id": 191167, "email": "ana@example.com", "phone": "555-625-1199"},
               "orders_to_redact": [299938, 280263]}
    result = handler.apply(SHOP, IncomingEvent("customer_redact", "s", "", NOW, data=payload,
                                               shop_named_in_body="s.myshopify.com"))
    assert result == "customer-redacted-1-orders-1-returns"
    with container.uow() as uow:
        assert uow.orders(SHOP).get("O1") is None
        redacted = uow.returns(SHOP).get_by_platform_id("gid://shopify/Return/1")
    assert redacted is not None and redacted.customer_email == "redacted@invalid"
    assert redacted.lines[0].customer_note == ""


def test_uninstall_deactivates_and_forgets_the_token_and_shop_redact_removes_everything(container: Container) -> None:
    handler = IncomingEventHandler(container)
    handler.apply(SHOP, _requested())
    for named in (None, "other.myshopify.com"):  # the signed body must name this very shop
        assert handler.apply(SHOP, IncomingEvent("app_uninstalled", "s", "", NOW, shop_named_in_body=named)) == (
            "refused-shop-not-named")
        assert handler.apply(SHOP, IncomingEvent("shop_redact", "s", "", NOW, shop_named_in_body=named)) == (
            "refused-shop-not-named")
    own = "s.myshopify.com"
    assert handler.apply(SHOP, IncomingEvent("app_uninstalled", "s", "", NOW, shop_named_in_body=own)) == (
        "shop-deactivated")
    with container.uow() as uow:
        assert not uow.shops.get(SHOP).active
        assert uow.shops.credentials(SHOP) is None
    assert handler.apply(SHOP, IncomingEvent("shop_redact", "s", "", NOW, shop_named_in_body=own)) == "shop-redacted"
    with container.uow() as uow:
        with pytest.raises(UnknownShop):
            uow.shops.get(SHOP)
        assert uow.returns(SHOP).list() == []


def test_a_data_request_keeps_an_export_of_what_we_hold(container: Container, shop: FakeShop) -> None:
    from sqlalchemy import select

    from connector.store.tables import data_requests

    handler = IncomingEventHandler(container)
    handler.apply(SHOP, IncomingEvent("order_changed", "s", "O1", NOW, order=shop.orders["O1"]))
    handler.apply(SHOP, _requested())
    payload = {"shop_id": 954889, "shop_domain": "s.myshopify.com", "orders_requested": [299938],
               "customer": {"id": 191167, "email": "ANA@example.com", "phone": "555-625-1199"},
               "data_request": {"id": 9999}}
    assert handler.apply(SHOP, IncomingEvent("customer_data_request", "s", "", NOW, data=payload)) == (
        "data-request-exported-2-items"
    )
    with container.engine.connect() as conn:
        row = conn.execute(select(data_requests)).one()._mapping
    assert row["shop_id"] == SHOP and row["platform_request_id"] == "9999"
    assert [o["id"] for o in row["export"]["orders"]] == ["O1"]
    assert row["export"]["returns"][0]["lines"][0]["reason"] == "size_too_small"


def test_an_order_hint_marks_the_snapshot_stale_without_calling_the_shop(container: Container, shop: FakeShop) -> None:
    from connector.services.orders import order_at_hand

    handler = IncomingEventHandler(container)
    handler.apply(SHOP, IncomingEvent("order_changed", "s", "O1", NOW, order=shop.orders["O1"]))
    calls_before = len(shop.calls)
    assert handler.apply(SHOP, IncomingEvent("order_changed", "s", "O1", NOW)) == "order-marked-stale"
    assert len(shop.calls) == calls_before
    with container.uow() as uow:
        assert uow.orders(SHOP).get("O1") is not None  # still usable for ids and names
    assert not order_at_hand(container, SHOP, "O1").fetched
    assert shop.calls.count("fetch_order") == 0
    found = order_at_hand(container, SHOP, "O1", fresh=True)  # decisions re-read it, once
    assert found.fetched and shop.calls.count("fetch_order") == 1
    with container.uow() as uow:  # the deciding transaction stores what the shop said
        found.keep(uow)
        uow.commit()
    assert not order_at_hand(container, SHOP, "O1", fresh=True).fetched
    assert shop.calls.count("fetch_order") == 1
