"""Attaching photos to a return: checked, stored, recorded in one transaction, and gone on shop/redact."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import Engine, func, select, update
from sqlalchemy.exc import IntegrityError

from connector.bootstrap import Container
from connector.config.model import AppSettings, Config
from connector.domain import Platform
from connector.domain.reasons import ReasonCode
from connector.domain.states import ReturnStatus
from connector.photos.checking import PhotoRefused
from connector.services.photos import attach_photos
from connector.services.privacy import redact_shop
from connector.services.returns import ReturnNotFound
from connector.store.crypto import CredentialCipher
from connector.store.photos_repo import PhotoRepository
from connector.store.tables import return_photos, returns
from tests.factories import NOW, return_request
from tests.photos.images import encoded, jpeg_from_a_phone

SHOP = "shop-a"


@pytest.fixture
def container(engine: Engine, tmp_path: Path) -> Iterator[Container]:
    config = Config(app=AppSettings(data_dir=str(tmp_path / "var")))
    built = Container(config, _cipher=CredentialCipher([CredentialCipher.generate_key()]), clock=lambda: NOW)
    built.__dict__["engine"] = engine
    with built.uow() as uow:
        uow.shops.add(Platform.WOOCOMMERCE, "https://shop.example", shop_id=SHOP)
        uow.returns(SHOP).add(return_request(return_id="R-broken", reason=ReasonCode.DAMAGED_IN_TRANSIT))
        uow.returns(SHOP).add(return_request(return_id="R-small", reason=ReasonCode.SIZE_TOO_SMALL))
        uow.commit()
    yield built


def files_on_disk(container: Container) -> list[Path]:
    root = container.config.data_path / "photos"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def rows(container: Container) -> int:
    with container.uow() as uow:
        return int(uow.connection.execute(select(func.count()).select_from(return_photos)).scalar_one())


def test_a_phone_photo_is_kept_without_its_exif(container: Container) -> None:
    recorded = attach_photos(container, SHOP, "R-broken", "R-broken-1", [jpeg_from_a_phone(), encoded("PNG")])

    assert [(p.slot, p.line_id, p.ref.media_type) for p in recorded] == [
        (1, "R-broken-1", "image/jpeg"), (2, "R-broken-1", "image/png")
    ]
    kept = Image.open(io.BytesIO(container.photos.open(recorded[0].ref)))
    assert len(kept.getexif()) == 0 and kept.size == (20, 40)
    assert recorded[0].ref.size == len(container.photos.open(recorded[0].ref))
    assert recorded[0].created_at == NOW
    with container.uow() as uow:
        assert uow.photos(SHOP).for_return("R-broken") == recorded
        assert uow.photos("shop-b").for_return("R-broken") == []
    assert len(files_on_disk(container)) == 2


def test_a_fourth_photo_is_refused_and_nothing_is_kept_of_it(container: Container) -> None:
    attach_photos(container, SHOP, "R-broken", None, [encoded("PNG")] * 3)

    with pytest.raises(PhotoRefused) as caught:
        attach_photos(container, SHOP, "R-broken", None, [encoded("JPEG")])

    assert caught.value.code == "too_many"
    assert rows(container) == 3 and len(files_on_disk(container)) == 3


def test_four_photos_at_once_are_refused_whole(container: Container) -> None:
    with pytest.raises(PhotoRefused) as caught:
        attach_photos(container, SHOP, "R-broken", None, [encoded("PNG")] * 4)
    assert caught.value.code == "too_many"
    assert rows(container) == 0 and files_on_disk(container) == []


def test_the_database_refuses_a_fourth_slot_whatever_the_caller_read(container: Container) -> None:
    """Two uploads racing for the last place: the second insert fails, so no return ever has four photos."""
    attach_photos(container, SHOP, "R-broken", None, [encoded("PNG")] * 3)
    with container.uow() as uow, pytest.raises(IntegrityError, match="slot"):
        uow.connection.execute(
            return_photos.insert().values(
                return_id="R-broken", shop_id=SHOP, line_id=None, slot=4, ref="x", media_type="image/png",
                size=1, created_at=NOW,
            )
        )


def test_a_reason_without_photos_is_refused_before_anything_is_stored(container: Container) -> None:
    with pytest.raises(PhotoRefused) as caught:
        attach_photos(container, SHOP, "R-small", None, [encoded("PNG")])
    assert caught.value.code == "reason_without_photos"
    assert rows(container) == 0 and files_on_disk(container) == []


def test_one_bad_file_refuses_the_whole_upload(container: Container) -> None:
    with pytest.raises(PhotoRefused) as caught:
        attach_photos(container, SHOP, "R-broken", None, [encoded("PNG"), b"not an image, named photo.jpg"])
    assert caught.value.code == "not_an_image"
    assert rows(container) == 0 and files_on_disk(container) == []


def test_an_oversize_photo_is_refused(container: Container, tmp_path: Path) -> None:
    from dataclasses import replace

    from connector.config.model import PhotoSettings

    big = encoded("PNG", size=(400, 400))
    small_limit = Container(
        replace(container.config, photos=PhotoSettings(max_bytes=len(big) - 1)), _cipher=container.cipher
    )
    small_limit.__dict__["engine"] = container.engine
    with pytest.raises(PhotoRefused) as caught:
        attach_photos(small_limit, SHOP, "R-broken", None, [big])
    assert caught.value.code == "too_large"


@pytest.mark.parametrize("status", [ReturnStatus.RECEIVED, ReturnStatus.CLOSED, ReturnStatus.CANCELED])
def test_no_photo_once_the_item_is_back_or_the_return_is_over(container: Container, status: ReturnStatus) -> None:
    with container.uow() as uow:
        uow.connection.execute(update(returns).where(returns.c.id == "R-broken").values(status=status.value))
        uow.commit()
    with pytest.raises(PhotoRefused) as caught:
        attach_photos(container, SHOP, "R-broken", None, [encoded("PNG")])
    assert caught.value.code == "return_not_open"
    assert rows(container) == 0 and files_on_disk(container) == []


def test_an_unknown_return_or_another_shops_return_is_not_found(container: Container) -> None:
    with pytest.raises(ReturnNotFound):
        attach_photos(container, SHOP, "R-nope", None, [encoded("PNG")])
    with pytest.raises(ReturnNotFound):
        attach_photos(container, "shop-b", "R-broken", None, [encoded("PNG")])


def test_stored_files_are_removed_when_recording_fails(
    container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*_: object) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(PhotoRepository, "add", fail)
    with pytest.raises(RuntimeError, match="went away"):
        attach_photos(container, SHOP, "R-broken", None, [encoded("PNG"), encoded("WEBP")])

    assert files_on_disk(container) == []


def test_shop_redact_removes_the_shops_photos(container: Container) -> None:
    attach_photos(container, SHOP, "R-broken", None, [encoded("PNG"), jpeg_from_a_phone()])
    assert len(files_on_disk(container)) == 2

    assert redact_shop(container, SHOP) == 2

    assert files_on_disk(container) == [] and rows(container) == 0
    with container.uow() as uow:
        assert uow.shops.find_by_id(SHOP) is None


def test_customer_redact_removes_that_customers_photos_only(container: Container) -> None:
    from dataclasses import replace

    from connector.ports import IncomingEvent
    from connector.services.incoming import IncomingEventHandler
    from tests.factories import order

    bobs_order = replace(order(order_id="O2"), email="bob@example.com")
    with container.uow() as uow:
        uow.returns(SHOP).add(return_request(bobs_order, return_id="R-bob", reason=ReasonCode.DEFECTIVE))
        uow.commit()
    attach_photos(container, SHOP, "R-broken", None, [encoded("PNG"), encoded("JPEG")])
    [bobs] = attach_photos(container, SHOP, "R-bob", None, [encoded("WEBP")])

    payload = {"customer": {"id": 1, "email": "ANA@example.com"}, "orders_to_redact": []}
    event = IncomingEvent("customer_redact", "shop.example", "", NOW, data=payload,
                          shop_named_in_body="https://shop.example")
    assert IncomingEventHandler(container).apply(SHOP, event).startswith("customer-redacted")

    assert files_on_disk(container) == [container.config.data_path / "photos" / bobs.ref.key]
    with container.uow() as uow:
        assert uow.photos(SHOP).for_return("R-broken") == []
        assert uow.photos(SHOP).for_return("R-bob") == [bobs]


def test_a_customers_data_export_lists_their_photos(container: Container) -> None:
    from connector.services.privacy import export_customer

    [photo] = attach_photos(container, SHOP, "R-broken", "R-broken-1", [encoded("PNG")])
    with container.uow() as uow:
        export = export_customer(uow, SHOP, "ana@example.com")
    listed = {r["id"]: r["photos"] for r in export["returns"]}
    assert listed["R-broken"] == [{"line_id": "R-broken-1", "media_type": "image/png", "size": photo.ref.size,
                                   "created_at": NOW.isoformat()}]
    assert listed["R-small"] == []


def test_customer_redact_by_order_id_removes_the_orders_photos(container: Container) -> None:
    from connector.services.privacy import forget_customer_photos

    attach_photos(container, SHOP, "R-broken", None, [encoded("PNG")])
    assert forget_customer_photos(container, SHOP, "someone-else@example.com", ["O1"]) == 1
    assert files_on_disk(container) == [] and rows(container) == 0
    assert forget_customer_photos(container, SHOP, "someone-else@example.com", ["O1"]) == 0
