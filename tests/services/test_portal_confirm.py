"""The portal's Confirm, opened once per draft: a second submit finds the first return, one arriving while the first
runs is told to wait, and a submit that opened nothing (keep-the-item refused, invalid lines) leaves the draft free
to be sent again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine

from connector.bootstrap import Container
from connector.domain import Platform
from connector.domain.events import Actor, ActorKind
from connector.domain.reasons import ReasonCode
from connector.domain.resolutions import Resolution, ReturnMethod
from connector.photos.ports import PhotoRef
from connector.services.draft_photos import DraftPhoto
from connector.services.portal_confirm import (
    SCOPE,
    STALE_AFTER,
    Confirmation,
    Confirmed,
    confirm_return,
    draft_fingerprint,
)
from connector.services.portal_return import AskedLine, InvalidLines
from tests.api.conftest import build_container
from tests.factories import order, order_line
from tests.fakes import FakeShop
from tests.portal.review.portal_app import use_policy

SHOP = "shop-a"
CUSTOMER = Actor(ActorKind.CUSTOMER, "ana@example.com")
ONE = (AskedLine("L1", 1, ReasonCode.SIZE_TOO_SMALL, Resolution.refund()),)


@pytest.fixture
def container(engine: Engine) -> Container:
    source = order(order_line("L1", ordered=2, fulfilled=2))
    built = build_container(engine, {SHOP: FakeShop(orders={source.id: source})})
    with built.uow() as uow:
        uow.shops.add(Platform.WOOCOMMERCE, "https://shop.example", shop_id=SHOP,
                      credentials={"consumer_key": "ck", "consumer_secret": "cs"})
        uow.commit()
    use_policy(built, {})
    return built



def confirm(container: Container, draft_id: str = "d-1", lines: tuple[AskedLine, ...] = ONE,
            keep_item: bool = False) -> Confirmed:
    return confirm_return(container, SHOP, "O1", draft_id, lines, ReturnMethod.PREPAID_LABEL, CUSTOMER,
                          keep_item=keep_item)


def opened(container: Container) -> list[str]:
    with container.uow() as uow:
        return [r.id for r in uow.returns(SHOP).for_order("O1")]


def test_a_second_submit_of_the_draft_finds_the_first_return(container: Container) -> None:
    first = confirm(container)
    again = confirm(container)
    assert first.status is Confirmation.OPENED and again.status is Confirmation.ALREADY_OPENED
    assert first.return_id == again.return_id and opened(container) == [first.return_id]


def test_another_draft_opens_another_return(container: Container) -> None:
    assert confirm(container, "d-1").return_id != confirm(container, "d-2").return_id
    assert len(opened(container)) == 2


def test_a_submit_while_the_first_runs_opens_nothing(container: Container) -> None:
    with container.uow() as uow:  # the first submit has claimed the draft and is opening the return
        fingerprint = draft_fingerprint(SHOP, "O1", "d-1")
        uow.idempotency(SHOP).claim(SCOPE, "d-1", fingerprint, container.clock(), timedelta(hours=1), STALE_AFTER)
        uow.commit()
    assert confirm(container).status is Confirmation.IN_PROGRESS
    assert opened(container) == []


def test_a_refused_keep_the_item_frees_the_draft(container: Container) -> None:
    use_policy(container, {"keep_item": {"below": {"EUR": "10"}}})
    refused = confirm(container, keep_item=True)
    assert refused.status is Confirmation.KEEP_ITEM_REFUSED
    assert refused.quote is not None and refused.quote.keep_item_refused is not None, "the quote saw it first"
    assert opened(container) == []
    assert confirm(container).status is Confirmation.OPENED, "sending the items back instead opens the return"


def test_invalid_lines_free_the_draft(container: Container) -> None:
    with pytest.raises(InvalidLines):
        confirm(container, lines=(AskedLine("L1", 5, ReasonCode.SIZE_TOO_SMALL, Resolution.refund()),))
    assert confirm(container).status is Confirmation.OPENED


def test_the_drafts_photos_are_recorded_on_the_return_once(container: Container) -> None:
    photo = DraftPhoto(PhotoRef("draft:d-1/abc.jpg", "image/jpeg", 1234)).encode()
    lines = (AskedLine("L1", 1, ReasonCode.DEFECTIVE, Resolution.refund()),)
    first = confirm_return(container, SHOP, "O1", "d-1", lines, ReturnMethod.PREPAID_LABEL, CUSTOMER,
                           keep_item=False, photos={"L1": [photo]})
    confirm_return(container, SHOP, "O1", "d-1", lines, ReturnMethod.PREPAID_LABEL, CUSTOMER,
                   keep_item=False, photos={"L1": [photo]})
    assert first.return_id is not None
    with container.uow() as uow:
        stored = uow.photos(SHOP).for_return(first.return_id)
    assert [(p.ref.key, p.ref.size) for p in stored] == [("draft:d-1/abc.jpg", 1234)]


NO_SIZING = {"rules": [{"id": "no-sizing", "priority": 1, "action": "decline", "when": {"reasons": ["size_too_small"]},
                        "message": {"en": "Sizing returns are not accepted.", "fr": "Pas de retour pour la taille."}}]}


def test_a_return_the_policy_declines_is_not_opened_and_frees_the_draft(container: Container) -> None:
    """A hand-made POST skips the review page's hidden button: the use case itself quotes and refuses."""
    use_policy(container, NO_SIZING)
    declined = confirm(container)
    assert declined.status is Confirmation.DECLINED and declined.return_id is None
    assert declined.quote is not None and not declined.quote.opens
    assert declined.quote.evaluation.customer_decline_text("en") == "Sizing returns are not accepted."
    assert opened(container) == []
    use_policy(container, {})
    assert confirm(container).status is Confirmation.OPENED, "the same draft opens once the policy allows it"

