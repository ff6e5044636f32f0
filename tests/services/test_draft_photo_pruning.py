"""Photos of portal drafts never confirmed are deleted by the reconciler once the draft is long dead (its two
hours plus a margin): files first, then rows; those a return recorded, and those of a draft still young, stay."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import cast

import pytest
from PIL import Image
from sqlalchemy import Engine, func, select

from connector.bootstrap import Container
from connector.domain.events import Actor, ActorKind
from connector.domain.reasons import ReasonCode
from connector.domain.resolutions import Resolution, ReturnMethod
from connector.jobs.queue import JobQueue
from connector.jobs.reconcile import reconcile
from connector.services.draft_photos import PRUNE_AFTER, DraftPhoto, keep_draft_photos
from connector.services.portal_confirm import Confirmation, confirm_return
from connector.services.portal_return import AskedLine
from connector.store.tables import draft_photos
from tests.portal.review.portal_app import ORDER, SHOP, fake_shop, make_container


class QueueStub:
    """The opened return's jobs go nowhere: only the photos matter here."""

    def enqueue(self, *args: object, **kwargs: object) -> None:
        return None

    def enqueue_rows(self, rows: object) -> None:
        return None


@pytest.fixture
def container(engine: Engine, tmp_path: Path) -> Container:
    return make_container(engine, fake_shop(), tmp_path)


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(out, "PNG")
    return out.getvalue()


def keep(container: Container, draft_id: str) -> str:
    [encoded] = keep_draft_photos(container, SHOP, draft_id, ReasonCode.DEFECTIVE, [png()])
    return encoded


def key_of(encoded: str) -> str:
    return DraftPhoto.decode(encoded).ref.key


def stored(container: Container, encoded: str) -> bool:
    try:
        container.photos.open(key_of(encoded))
    except KeyError:
        return False
    return True


def rows(container: Container) -> int:
    with container.uow() as uow:
        return int(uow.connection.execute(select(func.count()).select_from(draft_photos)).scalar_one())


def pass_later(container: Container, after: timedelta) -> int:
    container.clock.now += after  # type: ignore[attr-defined]
    return reconcile(container, cast(JobQueue, QueueStub()), poll=False).draft_photos_pruned


def test_an_abandoned_drafts_photos_go_and_a_confirmed_ones_stay(container: Container) -> None:
    abandoned = keep(container, "d-abandoned")
    confirmed = keep(container, "d-confirmed")
    line = AskedLine("L1", 1, ReasonCode.DEFECTIVE, Resolution.refund())
    done = confirm_return(container, SHOP, ORDER, "d-confirmed", (line,), ReturnMethod.PREPAID_LABEL,
                          Actor(ActorKind.CUSTOMER, "C1"), keep_item=False, photos={"L1": (confirmed,)})
    assert done.status is Confirmation.OPENED
    assert rows(container) == 1, "the return owns its photos: only the abandoned draft's are held"

    assert pass_later(container, PRUNE_AFTER - timedelta(minutes=1)) == 0, "a draft that may still live keeps them"
    assert stored(container, abandoned)

    assert pass_later(container, timedelta(minutes=2)) == 1
    assert not stored(container, abandoned) and rows(container) == 0
    assert stored(container, confirmed), "the return's photo is not a draft's any more"
    assert pass_later(container, timedelta(days=30)) == 0


def test_a_file_already_gone_still_lets_its_row_go(container: Container) -> None:
    """Files first, then rows: a pass stopped after deleting the file finishes the job on the next pass."""
    photo = keep(container, "d-abandoned")
    container.photos.delete(key_of(photo))
    assert pass_later(container, PRUNE_AFTER + timedelta(minutes=1)) == 1
    assert rows(container) == 0


def test_a_young_drafts_photos_stay_however_old_the_others(container: Container) -> None:
    old = keep(container, "d-old")
    container.clock.now += PRUNE_AFTER  # type: ignore[attr-defined]
    young = keep(container, "d-young")
    assert pass_later(container, timedelta(minutes=1)) == 1
    assert not stored(container, old) and stored(container, young) and rows(container) == 1
