"""Photos sent with a return that is not opened yet: kept at once on "choose items", recorded on the return
once the customer confirms it.

Why kept before the return exists: the portal opens the return only on the review screen, two screens later,
and a page cannot carry files from screen to screen (no session behind Shopify's app proxy). So each photo is
checked, cleaned of its metadata and stored when it is sent, under the draft's id instead of a return's, and the
draft carries a reference to it (``DraftPhoto.encode``), signed with the rest of the draft. On confirm,
``record_draft_photos`` writes those references into ``return_photos`` for the new return.

A draft that is never confirmed must not keep its photos forever: each stored photo has a row in
``draft_photos`` until its return records it, and the reconciler (``prune_draft_photos``) deletes the files, then
the rows, of photos older than a draft can live plus a margin. The margin is generous because every screen seals
the draft again (its two hours count from the last screen shown), and a return recorded after its photos were
pruned would point at nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from connector.domain.reasons import ReasonCode
from connector.photos.checking import EXTENSIONS, PhotoRefused, clean_photo
from connector.photos.ports import MAX_PER_RETURN, PhotoRef
from connector.services.deps import Deps

DRAFT_LIFETIME: Final = timedelta(hours=2)
"""How long a draft's signed value stays valid after a screen sealed it (``connector.pages.portal.draft``)."""
PRUNE_MARGIN: Final = timedelta(hours=22)
"""Beyond the draft's lifetime: a customer going back and forth between screens keeps a draft alive longer."""
PRUNE_AFTER: Final = DRAFT_LIFETIME + PRUNE_MARGIN
PRUNE_BATCH: Final = 500
"""Photos pruned per reconciler pass at most: a backlog goes over a few passes, never in one long one."""
_SEPARATOR: Final = "|"
_DRAFT_NAMESPACE: Final = "draft:"
"""Stored as if for a return of this id: no return id ever starts so, so the two can never share a folder."""


@dataclass(frozen=True, slots=True)
class DraftPhoto:
    """A stored photo as a draft carries it: the store's key, its media type and size (for ``return_photos``)."""

    ref: PhotoRef

    def encode(self) -> str:
        return _SEPARATOR.join((self.ref.media_type, str(self.ref.size), self.ref.key))

    @classmethod
    def decode(cls, value: str) -> DraftPhoto:
        """``ValueError`` for a value ``encode`` did not make."""
        media_type, size, key = value.split(_SEPARATOR, 2)
        if media_type not in EXTENSIONS or not size.isdigit() or not key:
            raise ValueError("not a draft photo")
        return cls(PhotoRef(key, media_type, int(size)))


def keep_draft_photos(
    deps: Deps, shop_id: str, draft_id: str, reason: ReasonCode, files: Sequence[bytes], room: int = MAX_PER_RETURN
) -> tuple[str, ...]:
    """Check, clean and store the photos of one line of a draft; their encoded references.

    Refused (``PhotoRefused`` with a stable ``code``) when the reason takes no photos, more files are sent than
    ``room`` (what the return has left of its ``MAX_PER_RETURN``), or any file is not a photo we accept: one bad
    file refuses them all, so the customer knows exactly what was kept (nothing). All are cleaned before the
    first is stored, so a refusal stores nothing.
    """
    if not files:
        return ()
    if not reason.takes_photos:
        raise PhotoRefused(
            "reason_without_photos", "photos are for an item that is damaged, defective or not as described"
        )
    if len(files) > room:
        raise PhotoRefused("too_many", f"a return takes at most {MAX_PER_RETURN} photos; room is left for {room}")
    cleaned = [clean_photo(content, max_bytes=deps.config.photos.max_bytes) for content in files]
    stored: list[PhotoRef] = []
    try:
        for photo in cleaned:
            stored.append(deps.photos.put(shop_id, _DRAFT_NAMESPACE + draft_id, photo.content, photo.media_type))
        with deps.uow() as uow:
            uow.draft_photos.add(shop_id, draft_id, [ref.key for ref in stored], deps.clock())
            uow.commit()
    except BaseException:
        for ref in stored:
            deps.photos.delete(ref)
        raise
    return tuple(DraftPhoto(ref).encode() for ref in stored)


def record_draft_photos(deps: Deps, shop_id: str, return_id: str, photos: Mapping[str, Sequence[str]]) -> int:
    """Record a confirmed draft's photos (encoded references by order line id) on its return; how many were
    recorded. Idempotent: a photo the return already has (a confirm sent twice) is not recorded again."""
    wanted = [(line_id, DraftPhoto.decode(value).ref) for line_id, values in photos.items() for value in values]
    if not wanted:
        return 0
    with deps.uow() as uow:
        repo = uow.photos(shop_id)
        known = {photo.ref.key for photo in repo.for_return(return_id)}
        recorded = 0
        for line_id, ref in wanted:
            if ref.key not in known:
                recorded += len(repo.add(return_id, line_id, [ref], deps.clock()))
        uow.draft_photos.release(shop_id, [ref.key for _, ref in wanted])
        uow.commit()
    return recorded


def prune_draft_photos(deps: Deps, now: datetime, limit: int = PRUNE_BATCH) -> int:
    """Delete the photos of drafts never confirmed, stored more than ``PRUNE_AFTER`` ago; how many.

    Files first, then rows: a pass stopped between the two finds the rows again next time and deletes the
    (already missing) files without error, whereas rows deleted first would leave files nobody knows of.
    """
    with deps.uow() as uow:
        stale = uow.draft_photos.stored_before(now - PRUNE_AFTER, limit)
    for photo in stale:
        deps.photos.delete(photo.ref)
    if stale:
        with deps.uow() as uow:
            uow.draft_photos.remove([photo.id for photo in stale])
            uow.commit()
    return len(stale)
