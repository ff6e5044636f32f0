"""One return-reason taxonomy, with its mapping to Shopify's reason enum and reason-definition handles.

| our code             | Shopify ``ReturnReason`` | Shopify reason-definition handle |
|----------------------|--------------------------|----------------------------------|
| size_too_small       | SIZE_TOO_SMALL           | size-too-small                   |
| size_too_large       | SIZE_TOO_LARGE           | size-too-large                   |
| colour               | COLOR                    | color                            |
| style                | STYLE                    | style                            |
| not_as_described     | NOT_AS_DESCRIBED         | not-as-described                 |
| defective            | DEFECTIVE                | defective                        |
| damaged_in_transit   | DEFECTIVE (+ note)       | damaged                          |
| wrong_item           | WRONG_ITEM               | wrong-item                       |
| unwanted             | UNWANTED                 | unwanted                         |
| arrived_late         | OTHER (+ note)           | arrived-late                     |
| other                | OTHER / UNKNOWN          | other                            |

The enum is deprecated from API 2026-01 in favour of reason definitions; we store both our code and
the handle Shopify sent, so nothing is lost when a shop uses a handle we do not know.
"""

from __future__ import annotations

import enum
from typing import Final


class ReasonCode(enum.StrEnum):
    SIZE_TOO_SMALL = "size_too_small"
    SIZE_TOO_LARGE = "size_too_large"
    COLOUR = "colour"
    STYLE = "style"
    NOT_AS_DESCRIBED = "not_as_described"
    DEFECTIVE = "defective"
    DAMAGED_IN_TRANSIT = "damaged_in_transit"
    WRONG_ITEM = "wrong_item"
    UNWANTED = "unwanted"
    ARRIVED_LATE = "arrived_late"
    OTHER = "other"

    @property
    def is_merchant_fault(self) -> bool:
        """Defective, damaged or wrong items: never charged a restocking fee."""
        return self in _MERCHANT_FAULT

    @property
    def takes_photos(self) -> bool:
        """Damaged, defective or not as described: a photo lets the merchant judge before the parcel comes back."""
        return self in _PHOTO_REASONS


_MERCHANT_FAULT: Final = frozenset(
    {ReasonCode.DEFECTIVE, ReasonCode.DAMAGED_IN_TRANSIT, ReasonCode.WRONG_ITEM, ReasonCode.NOT_AS_DESCRIBED}
)

_PHOTO_REASONS: Final = frozenset({ReasonCode.DEFECTIVE, ReasonCode.DAMAGED_IN_TRANSIT, ReasonCode.NOT_AS_DESCRIBED})

TO_SHOPIFY_ENUM: Final[dict[ReasonCode, str]] = {
    ReasonCode.SIZE_TOO_SMALL: "SIZE_TOO_SMALL",
    ReasonCode.SIZE_TOO_LARGE: "SIZE_TOO_LARGE",
    ReasonCode.COLOUR: "COLOR",
    ReasonCode.STYLE: "STYLE",
    ReasonCode.NOT_AS_DESCRIBED: "NOT_AS_DESCRIBED",
    ReasonCode.DEFECTIVE: "DEFECTIVE",
    ReasonCode.DAMAGED_IN_TRANSIT: "DEFECTIVE",
    ReasonCode.WRONG_ITEM: "WRONG_ITEM",
    ReasonCode.UNWANTED: "UNWANTED",
    ReasonCode.ARRIVED_LATE: "OTHER",
    ReasonCode.OTHER: "OTHER",
}

FROM_SHOPIFY_ENUM: Final[dict[str, ReasonCode]] = {
    "SIZE_TOO_SMALL": ReasonCode.SIZE_TOO_SMALL,
    "SIZE_TOO_LARGE": ReasonCode.SIZE_TOO_LARGE,
    "COLOR": ReasonCode.COLOUR,
    "STYLE": ReasonCode.STYLE,
    "NOT_AS_DESCRIBED": ReasonCode.NOT_AS_DESCRIBED,
    "DEFECTIVE": ReasonCode.DEFECTIVE,
    "WRONG_ITEM": ReasonCode.WRONG_ITEM,
    "UNWANTED": ReasonCode.UNWANTED,
    "OTHER": ReasonCode.OTHER,
    "UNKNOWN": ReasonCode.OTHER,
}

TO_SHOPIFY_HANDLE: Final[dict[ReasonCode, str]] = {
    ReasonCode.SIZE_TOO_SMALL: "size-too-small",
    ReasonCode.SIZE_TOO_LARGE: "size-too-large",
    ReasonCode.COLOUR: "color",
    ReasonCode.STYLE: "style",
    ReasonCode.NOT_AS_DESCRIBED: "not-as-described",
    ReasonCode.DEFECTIVE: "defective",
    ReasonCode.DAMAGED_IN_TRANSIT: "damaged",
    ReasonCode.WRONG_ITEM: "wrong-item",
    ReasonCode.UNWANTED: "unwanted",
    ReasonCode.ARRIVED_LATE: "arrived-late",
    ReasonCode.OTHER: "other",
}

FROM_SHOPIFY_HANDLE: Final[dict[str, ReasonCode]] = {v: k for k, v in TO_SHOPIFY_HANDLE.items()}


def reason_from_shopify(enum_value: str | None, handle: str | None) -> ReasonCode:
    """Prefer the reason-definition handle (2026-01+); fall back to the enum (any case), then OTHER."""
    if handle:
        code = FROM_SHOPIFY_HANDLE.get(handle.strip().lower())
        if code is not None:
            return code
    if enum_value:
        return FROM_SHOPIFY_ENUM.get(enum_value.strip().upper(), ReasonCode.OTHER)
    return ReasonCode.OTHER
