"""The storage interface for customers' photos, so a deployment can swap local files for an object store.

A photo is addressed by an opaque ``PhotoRef.key`` the store chose; callers never build paths or object names
from what a customer sent, and the store refuses any key it could not have made.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Protocol

MAX_PER_RETURN: Final = 3
"""The portal's limit (issue 18); ``return_photos``'s slot check in the database says the same."""


@dataclass(frozen=True, slots=True)
class PhotoRef:
    key: str
    """Opaque to callers: stored in ``return_photos.ref`` and handed back to the same store."""
    media_type: str
    size: int


class PhotoStore(Protocol):
    def put(self, shop_id: str, return_id: str, content: bytes, media_type: str) -> PhotoRef:
        """Keep an already cleaned photo (``connector.photos.checking``) and say how to find it again."""

    def open(self, ref: PhotoRef | str) -> bytes:
        """The photo's bytes; ``KeyError`` when the store holds nothing under that key."""

    def delete(self, ref: PhotoRef | str) -> None:
        """Forget one photo (a failed transaction's, a withdrawn one); a missing one is not an error."""

    def delete_for_shop(self, shop_id: str) -> int:
        """Forget every photo of a shop (shop/redact); returns how many were removed."""
