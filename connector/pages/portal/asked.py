"""The draft read as the use cases take it: lines with their resolution, the method, and keep-the-item.

Why here and once: the review page quotes the return and its Confirm button opens it, and both must read the
same draft the same way, or the figures shown would not be those of the return opened. A draft is signed by us,
so a value that does not read (an unknown reason, outcome or method) means a format we no longer speak: it is
refused as an invalid link, never guessed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from connector.domain.reasons import ReasonCode
from connector.domain.resolutions import Resolution, ResolutionKind, ReturnMethod
from connector.pages.portal.draft import Draft, DraftLine
from connector.pages.signed import Rejected, SignedValueRejected
from connector.services.portal_return import AskedLine

KEEP: Final = "keep"
"""The draft's outcome for "keep the item": paid out as a refund, without sending anything back."""


@dataclass(frozen=True, slots=True)
class AskedReturn:
    lines: tuple[AskedLine, ...]
    keep_item: bool
    """Asked when any line is to be kept: the policy grants keeping the goods for a whole return or not at all."""
    photos: Mapping[str, tuple[str, ...]]
    """The photos stored on "choose items", by order line (``connector.services.draft_photos``)."""


def asked_return(draft: Draft) -> AskedReturn:
    lines = tuple(_asked_line(line) for line in draft.lines)
    if not lines:
        raise SignedValueRejected(Rejected.INVALID)
    photos: dict[str, tuple[str, ...]] = {}
    for line in draft.lines:
        if line.photo_refs:
            photos[line.line_id] = photos.get(line.line_id, ()) + line.photo_refs
    return AskedReturn(lines, any(line.outcome == KEEP for line in draft.lines), photos)


def chosen_method(draft: Draft) -> ReturnMethod | None:
    """The method chosen on screen 3, None before."""
    return None if draft.method is None else method_of(draft.method)


def method_of(value: str) -> ReturnMethod:
    try:
        return ReturnMethod(value)
    except ValueError:
        raise SignedValueRejected(Rejected.INVALID) from None


def _asked_line(line: DraftLine) -> AskedLine:
    try:
        reason = ReasonCode(line.reason)
        resolution = _resolution(line)
    except ValueError:
        raise SignedValueRejected(Rejected.INVALID) from None
    return AskedLine(line.line_id, line.quantity, reason, resolution, line.note)


def _resolution(line: DraftLine) -> Resolution:
    if line.outcome == KEEP:
        return Resolution.refund()
    kind = ResolutionKind(line.outcome)
    if kind is ResolutionKind.EXCHANGE:
        if not line.exchange_variant_id:
            raise ValueError("an exchange names its variant")
        return Resolution.exchange(line.exchange_variant_id, line.exchange_product_id)
    return Resolution.store_credit() if kind is ResolutionKind.STORE_CREDIT else Resolution.refund()
