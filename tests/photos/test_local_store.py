"""The local photo store: private files under its root, whole or absent, and no key that leads elsewhere."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from connector.photos.local import LocalPhotoStore
from connector.photos.ports import PhotoRef


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.fixture
def store(tmp_path: Path) -> LocalPhotoStore:
    return LocalPhotoStore(tmp_path / "data" / "photos")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_photo_is_kept_readable_by_its_owner_only(store: LocalPhotoStore) -> None:
    ref = store.put("shop-a", "R1", b"jpeg bytes", "image/jpeg")

    assert store.open(ref) == b"jpeg bytes" == store.open(ref.key)
    assert ref.media_type == "image/jpeg" and ref.size == len(b"jpeg bytes") and ref.key.endswith(".jpg")
    path = store.root / ref.key
    assert mode(path) == 0o600
    assert mode(path.parent) == mode(path.parent.parent) == mode(store.root) == 0o700
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left behind


def test_two_photos_of_one_return_never_share_a_name(store: LocalPhotoStore) -> None:
    first = store.put("shop-a", "R1", b"one", "image/png")
    second = store.put("shop-a", "R1", b"two", "image/png")
    assert first.key != second.key and store.open(first) == b"one" and store.open(second) == b"two"


@pytest.mark.parametrize("shop_id", ["../../etc", "/etc", "a/../../b", "..", "shop\x00"])
def test_ids_never_become_paths(store: LocalPhotoStore, shop_id: str) -> None:
    ref = store.put(shop_id, "../R1", b"x", "image/webp")
    path = (store.root / ref.key).resolve()
    assert path.is_relative_to(store.root.resolve())
    assert ".." not in ref.key and not ref.key.startswith("/")


@pytest.mark.parametrize(
    "key",
    ["../secret.key", "/etc/passwd", "../../connector.sqlite3", "a" * 32 + "/../" + "b" * 32 + ".jpg", "", "."],
)
def test_a_key_the_store_did_not_make_is_refused(store: LocalPhotoStore, tmp_path: Path, key: str) -> None:
    (tmp_path / "data" / "secret.key").parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / "data" / "secret.key").write_bytes(b"secret")
    with pytest.raises(KeyError):
        store.open(key)
    with pytest.raises(KeyError):
        store.delete(PhotoRef(key, "image/jpeg", 1))
    assert (tmp_path / "data" / "secret.key").read_bytes() == b"secret"


def test_an_unknown_media_type_is_not_stored(store: LocalPhotoStore) -> None:
    with pytest.raises(ValueError, match="image/gif"):
        store.put("shop-a", "R1", b"GIF89a", "image/gif")


def test_deleting_a_shop_removes_its_photos_only(store: LocalPhotoStore) -> None:
    mine = [store.put("shop-a", "R1", b"1", "image/jpeg"), store.put("shop-a", "R2", b"2", "image/jpeg")]
    theirs = store.put("shop-b", "R1", b"3", "image/jpeg")

    assert store.delete_for_shop("shop-a") == 2
    assert store.delete_for_shop("shop-a") == 0

    for ref in mine:
        with pytest.raises(KeyError):
            store.open(ref)
    assert store.open(theirs) == b"3"


def test_deleting_one_photo_twice_is_not_an_error(store: LocalPhotoStore) -> None:
    ref = store.put("shop-a", "R1", b"1", "image/jpeg")
    store.delete(ref)
    store.delete(ref)
    with pytest.raises(KeyError):
        store.open(ref)
