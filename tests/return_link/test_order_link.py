"""The signed "Request a return" link: recorded once per order that becomes received, written as the note's
text, and followed straight to the order's page; anything wrong with it gives the friendly page."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from connector.bootstrap import Container
from connector.domain.actions import ActionKind
from connector.domain.orders import Customer, Order, Shop
from connector.errors import PermanentError
from connector.pages.keys import portal_keys
from connector.pages.return_link import ReturnLinkNotes, link_path
from connector.pages.signed import PortalSigner
from connector.ports import EventKind, IncomingEvent
from connector.services.action_table import ActionCall, find_earlier_effect, perform
from connector.services.incoming import IncomingEventHandler
from connector.services.return_link_note import offer_return_link, return_link_key
from connector.store.actions_repo import ActionRecord, ActionState
from tests.api.conftest import Clock
from tests.factories import NOW
from tests.fakes import FakeAdapter, FakeShop

SHOP = "shop-a"


def _order(fake_shops: dict[str, FakeShop], status: str = "processing") -> Order:
    """The order in ``status``; not delivered yet (no line has a delivery date), as an order being prepared."""
    order = fake_shops[SHOP].orders["O1"]
    return replace(order, status=status, lines=tuple(replace(line, delivered_at=None) for line in order.lines))


def _notes(container: Container) -> ReturnLinkNotes:
    """As the adapter is given them, signing by the app's clock (the test's)."""
    return ReturnLinkNotes(container.config, PortalSigner(portal_keys(container.config), clock=container.clock))


def _link(container: Container, order: Order) -> str:
    return _notes(container).link(order)


def _changed(order: Order) -> IncomingEvent:
    return IncomingEvent(EventKind.ORDER_CHANGED, "https://shop.example", order.id, None, order=order,
                         data={"topic": "order.updated", "status": order.status})


def _remember(container: Container, order: Order) -> None:
    with container.uow() as uow:
        uow.orders(SHOP).upsert(order)
        uow.commit()


# -- following the link ------------------------------------------------------------------------------------


def test_the_link_opens_the_orders_page(client: FlaskClient, container: Container,
                                        fake_shops: dict[str, FakeShop]) -> None:
    link = _link(container, _order(fake_shops))
    answer = client.get(link)
    assert answer.status_code == 303
    assert answer.headers["Location"].startswith(f"/portal/{SHOP}/o/")
    assert client.get(answer.headers["Location"]).status_code == 200


def test_a_tampered_link_gets_the_friendly_page(client: FlaskClient, container: Container,
                                                fake_shops: dict[str, FakeShop]) -> None:
    link = _link(container, _order(fake_shops))
    answer = client.get(link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB"))
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert "This link is not valid" in html
    assert f'href="/portal/{SHOP}/"' in html


def test_a_link_for_another_shop_opens_nothing(client: FlaskClient, container: Container,
                                               fake_shops: dict[str, FakeShop]) -> None:
    token = _link(container, _order(fake_shops)).rsplit("/", 1)[1]
    assert client.get(link_path("shop-b", token)).status_code == 400


def test_a_link_whose_order_changed_hands_opens_nothing(client: FlaskClient, container: Container,
                                                        fake_shops: dict[str, FakeShop]) -> None:
    link = _link(container, _order(fake_shops))
    fake_shops[SHOP].orders["O1"] = replace(fake_shops[SHOP].orders["O1"], email="someone.else@example.com")
    answer = client.get(link)
    assert answer.status_code == 400
    assert "/o/" not in answer.headers.get("Location", "")


def test_an_old_link_says_it_expired(client: FlaskClient, container: Container, clock: Clock,
                                     fake_shops: dict[str, FakeShop]) -> None:
    link = _link(container, _order(fake_shops))
    clock.now += timedelta(days=401)
    answer = client.get(link)
    assert answer.status_code == 410
    assert "This link has expired" in answer.get_data(as_text=True)


# -- the note ----------------------------------------------------------------------------------------------


def test_the_note_holds_the_link_in_the_customers_language(container: Container,
                                                            fake_shops: dict[str, FakeShop]) -> None:
    order = replace(_order(fake_shops), customer=Customer(id="5", email="ana@example.com", locale="fr-FR"))
    french = _notes(container).note(order)
    english = _notes(container).note(replace(order, customer=None))
    assert "ouvrez ce lien" in french
    assert "open this link" in english
    for note in (french, english):
        assert ReturnLinkNotes.marker(SHOP) in note
        assert f"{container.config.app.base_url}/portal/{SHOP}/w/" in note


@pytest.mark.usefixtures("app")
def test_an_order_becoming_completed_gets_the_note_recorded_once(container: Container,
                                                                 fake_shops: dict[str, FakeShop]) -> None:
    before = _order(fake_shops, "processing")
    _remember(container, before)
    completed = _changed(_order(fake_shops, "completed"))

    assert IncomingEventHandler(container).apply(SHOP, completed).endswith("-return-link-offered")
    # The same delivery handled again, or a twin raced past the snapshot: the key keeps it to one.
    assert offer_return_link(container, SHOP, completed, before) is False

    with container.uow() as uow:
        recorded = uow.actions(SHOP).list(kind=ActionKind.RETURN_LINK_NOTE)
        pending_jobs = uow.outbox.claim_due(timedelta(minutes=5))
    assert [action.idempotency_key for action in recorded] == [return_link_key(SHOP, "O1")]
    assert [job.ref_id for job in pending_jobs] == [recorded[0].id]
    assert recorded[0].payload == {"order_id": "O1"}


@pytest.mark.usefixtures("app")
@pytest.mark.parametrize("known_before", [None, "completed"], ids=["never-seen", "already-completed"])
def test_no_note_for_an_order_not_seen_becoming_received(container: Container, fake_shops: dict[str, FakeShop],
                                                         known_before: str | None) -> None:
    if known_before is not None:
        _remember(container, _order(fake_shops, known_before))
    assert not IncomingEventHandler(container).apply(SHOP, _changed(_order(fake_shops, "completed"))).endswith(
        "-return-link-offered")
    with container.uow() as uow:
        assert uow.actions(SHOP).list(kind=ActionKind.RETURN_LINK_NOTE) == []


@pytest.mark.usefixtures("app")
def test_no_note_on_a_platform_that_shows_its_own_link(container: Container, fake_shops: dict[str, FakeShop]) -> None:
    placed = fake_shops["shop-b"].orders["B1"]
    shopify_order = replace(placed, status="processing",
                            lines=tuple(replace(line, delivered_at=None) for line in placed.lines))
    with container.uow() as uow:
        uow.orders("shop-b").upsert(shopify_order)
        uow.commit()
    event = _changed(replace(shopify_order, status="completed"))
    assert offer_return_link(container, "shop-b", event, shopify_order) is False


# -- the action at the shop ----------------------------------------------------------------------------------


class _NoteBook(FakeAdapter):
    """A shop's order notes for the customer, as ``WritesReturnLinkNotes`` sees them."""

    def __init__(self, shop: FakeShop, notes: ReturnLinkNotes) -> None:
        super().__init__(shop)
        self.notes = notes
        self.customer_notes: list[tuple[str, str]] = []

    def add_return_link_note(self, order: Order) -> str:
        self.customer_notes.append((order.id, self.notes.note(order)))
        return str(len(self.customer_notes))

    def find_return_link_note(self, order_id: str) -> str | None:
        for number, (noted_on, text) in enumerate(self.customer_notes, start=1):
            if noted_on == order_id and ReturnLinkNotes.marker(SHOP) in text:
                return str(number)
        return None


def _call(adapter: FakeAdapter, order: Order) -> ActionCall:
    record = ActionRecord(id="A1", shop_id=SHOP, return_id=None, kind=ActionKind.RETURN_LINK_NOTE,
                          idempotency_key=return_link_key(SHOP, order.id), state=ActionState.RUNNING,
                          payload={"order_id": order.id}, result=None, attempts=1, last_error=None,
                          next_attempt_at=None, created_at=NOW, updated_at=NOW)
    shop = Shop(SHOP, "woocommerce", "https://shop.example")
    return ActionCall(adapter, shop, record, None, lambda order_id: order)


def test_the_note_is_written_once_even_when_the_action_runs_again(container: Container,
                                                                  fake_shops: dict[str, FakeShop]) -> None:
    notebook = _NoteBook(fake_shops[SHOP], _notes(container))
    order = _order(fake_shops, "completed")
    first = perform(_call(notebook, order))
    again = perform(_call(notebook, order))
    assert first.platform_id == again.platform_id == "1"
    assert len(notebook.customer_notes) == 1
    assert find_earlier_effect(notebook, _call(notebook, order).record, None) == first


def test_a_shop_that_cannot_write_the_note_fails_the_action(fake_shops: dict[str, FakeShop]) -> None:
    with pytest.raises(PermanentError):
        perform(_call(FakeAdapter(fake_shops[SHOP]), _order(fake_shops, "completed")))
