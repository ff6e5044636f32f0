"""Attach a customer's photos to a return: checked and cleaned first, stored, then recorded in one transaction.

Why store before the transaction: writing files inside it would hold the database's locks while the disk (or
an object store) works; a photo stored but never recorded is removed again here when recording fails, and the
database never names a photo the store does not hold.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from connector.domain.returns import ReturnRequest
from connector.domain.states import ReturnStatus
from connector.photos.checking import PhotoRefused, clean_photo
from connector.photos.ports import MAX_PER_RETURN, PhotoRef
from connector.services.deps import Deps
from connector.services.returns import ReturnNotFound
from connector.store.photos_repo import PhotoSlotsFull, StoredPhoto

BEFORE_RECEIPT: Final = frozenset({ReturnStatus.REQUESTED, ReturnStatus.APPROVED, ReturnStatus.IN_TRANSIT})
"""Photos help the merchant judge before the item is back; once it is received (or the return is over),
it is the item itself that counts, and a tracking link kept for months must not keep uploading."""


def attach_photos(
    deps: Deps, shop_id: str, return_id: str, line_id: str | None, files: Sequence[bytes]
) -> list[StoredPhoto]:
    """Keep ``files`` as photos of the return (of one of its lines when ``line_id`` is given).

    Refused (``PhotoRefused``, with a stable ``code``) unless the line, or some line of the return when no
    line is named, has a reason that takes photos, and the return has room for them all. One bad file
    refuses the whole upload: the customer sends the set again rather than wondering which one was kept.
    """
    if not files:
        raise PhotoRefused("no_photo", "no photo was sent")
    cleaned = [clean_photo(content, max_bytes=deps.config.photos.max_bytes) for content in files]
    with deps.uow() as uow:
        request = uow.returns(shop_id).get(return_id)
        if request is None:
            raise ReturnNotFound(f"no return {return_id}")
        if request.status not in BEFORE_RECEIPT:
            raise PhotoRefused("return_not_open", f"return {return_id} is {request.status}: photos are no longer taken")
        _check_reason(request, line_id)
        room = MAX_PER_RETURN - len(uow.photos(shop_id).for_return(return_id))
    if len(cleaned) > room:
        raise PhotoRefused("too_many", f"a return takes at most {MAX_PER_RETURN} photos; room is left for {room}")
    stored: list[PhotoRef] = []
    try:
        for photo in cleaned:
            stored.append(deps.photos.put(shop_id, return_id, photo.content, photo.media_type))
        with deps.uow() as uow:
            recorded = uow.photos(shop_id).add(return_id, line_id, stored, deps.clock())
            uow.commit()
    except PhotoSlotsFull as exc:
        _forget(deps, stored)
        raise PhotoRefused("too_many", str(exc)) from exc
    except BaseException:
        _forget(deps, stored)
        raise
    return recorded


def _check_reason(request: ReturnRequest, line_id: str | None) -> None:
    lines = [request.line(line_id)] if line_id is not None else request.lines
    if not any(line.reason.takes_photos for line in lines):
        raise PhotoRefused(
            "reason_without_photos", "photos are for an item that is damaged, defective or not as described"
        )


def _forget(deps: Deps, refs: Sequence[PhotoRef]) -> None:
    for ref in refs:
        deps.photos.delete(ref)
