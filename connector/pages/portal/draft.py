"""The return being put together, carried from screen to screen in a signed value instead of a session.

Why signed and not stored: behind Shopify's app proxy there is no cookie to find a server-side session by, and
a customer who abandons the portal halfway must leave nothing behind. So the choices made on "choose items"
(lines, quantities, reasons, notes, photos already stored, outcomes) and on "method" travel as ``?d=<token>``
on GET and a hidden field ``d`` on POST, signed so they cannot be edited, and bound to the shop and order so a
draft from one order cannot be replayed on another. ``draft_id`` is created once on "choose items" and is the
idempotency key of the final create: a double submit of the review page opens one return, not two.

The token is signed, not encrypted: it holds ids, codes and the customer's own note, never an e-mail address.
Every value read back is checked again (types, bounds) even though we signed it, so a future change of format
fails as "this link is not valid" rather than as an error page.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from connector.domain.shipping import PickupWindow, ServicePoint
from connector.pages.portal.draft_logistics import point_from_json, point_json, window_from_json, window_json
from connector.pages.signed import PortalSigner, Purpose, Rejected, SignedValueRejected
from connector.services.draft_photos import DRAFT_LIFETIME

DRAFT: Final = Purpose("portal-draft", DRAFT_LIFETIME)
"""As long as the order access it continues: one sitting, from choosing the lines to confirming."""

MAX_LINES: Final = 250
"""Shopify's own cap on line items in a return; more is a forged or broken value."""
MAX_NOTE: Final = 1000
"""Characters of a customer's note; the form says the same (``maxlength``)."""
MAX_PHOTOS_PER_LINE: Final = 3
_MAX_ID: Final = 200
KEEP: Final = "keep"
"""``DraftLine.outcome`` for "keep the item" (a refund without sending the goods back, when the policy grants it)."""

_FORMAT: Final = 1
"""Bumped when the fields change: a draft of another format is refused as invalid, never misread."""


@dataclass(frozen=True)
class DraftLine:
    line_id: str
    quantity: int
    reason: str
    """A ``ReasonCode`` value."""
    note: str = ""
    outcome: str = "refund"
    """A ``ResolutionKind`` value, or ``"keep"`` (keep the item, when the policy grants it)."""
    exchange_variant_id: str | None = None
    photo_refs: tuple[str, ...] = ()
    """Keys of photos already stored (``connector.photos``) for this line; recorded against the return on create."""
    exchange_product_id: str | None = None
    """The replacement's product: the line's own for another size or colour, another one found by a search (the
    policy checks it may be exchanged for, and a platform finds a variant through its product). Absent from the
    drafts sealed before it: those exchanged only for the line's own product."""
    exchange_title: tuple[str, str] = ("", "")
    """The replacement's product and variant titles as the customer chose it ("Sweater", "M / Blue"), for the
    review to name it; empty in the drafts sealed before it."""


@dataclass(frozen=True)
class Draft:
    draft_id: str
    """uuid4 hex, created on screen 2; the idempotency key of the final create."""
    shop_id: str
    order_id: str
    lines: tuple[DraftLine, ...]
    method: str | None = None
    """A ``ReturnMethod`` value, once chosen on screen 3."""
    point: ServicePoint | None = None
    """The relay point chosen after ``relay_point`` (``views_relay``), when the shop's carrier lists points."""
    pickup: PickupWindow | None = None
    """The collection window chosen after ``home_pickup`` (``views_pickup``), when the carrier offers windows."""


def new_draft_id() -> str:
    return uuid.uuid4().hex


def seal(draft: Draft, signer: PortalSigner) -> str:
    """The draft as a URL-safe signed and timestamped value, valid ``DRAFT.ttl`` from now."""
    encoded = json.dumps(_to_json(draft), separators=(",", ":"))
    return signer.dumps(DRAFT, draft.shop_id, {"o": draft.order_id, "d": encoded})


def unseal(token: str, signer: PortalSigner, shop_id: str, order_id: str) -> Draft:
    """The draft signed by ``seal`` for this shop and order; ``SignedValueRejected`` (as ``connector.pages.signed``:
    invalid, expired, wrong shop, wrong subject for another order) otherwise."""
    claims = signer.loads(DRAFT, token, shop_id)
    if claims.get("o") != order_id:
        raise SignedValueRejected(Rejected.WRONG_SUBJECT)
    try:
        return _from_json(json.loads(claims.get("d", "")), shop_id, order_id)
    except (ValueError, TypeError, KeyError) as exc:
        raise SignedValueRejected(Rejected.INVALID) from exc


def _to_json(draft: Draft) -> dict[str, Any]:
    return {
        "v": _FORMAT,
        "id": draft.draft_id,
        "m": draft.method,
        "l": [
            {
                "i": line.line_id,
                "q": line.quantity,
                "r": line.reason,
                "n": line.note,
                "o": line.outcome,
                "x": line.exchange_variant_id,
                "p": list(line.photo_refs),
                **_exchange_json(line),
            }
            for line in draft.lines
        ],
        **_logistics_json(draft),
    }


def _from_json(data: Any, shop_id: str, order_id: str) -> Draft:
    if not isinstance(data, dict) or data.get("v") != _FORMAT:
        raise ValueError("not a draft of this format")
    raw_lines = data["l"]
    if not isinstance(raw_lines, list) or len(raw_lines) > MAX_LINES:
        raise ValueError("lines")
    return Draft(
        draft_id=_text(data["id"]),
        shop_id=shop_id,
        order_id=order_id,
        lines=tuple(_line(raw) for raw in raw_lines),
        method=_optional_text(data.get("m")),
        point=point_from_json(data.get("sp")),
        pickup=window_from_json(data.get("pw")),
    )


def _line(raw: Mapping[str, Any]) -> DraftLine:
    quantity = raw["q"]
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
        raise ValueError("quantity")
    note = raw.get("n", "")
    if not isinstance(note, str) or len(note) > MAX_NOTE:
        raise ValueError("note")
    photos = raw.get("p", [])
    if not isinstance(photos, list) or len(photos) > MAX_PHOTOS_PER_LINE:
        raise ValueError("photos")
    return DraftLine(
        line_id=_text(raw["i"]),
        quantity=quantity,
        reason=_text(raw["r"]),
        note=note,
        outcome=_text(raw.get("o", "refund")),
        exchange_variant_id=_optional_text(raw.get("x")),
        photo_refs=tuple(_text(ref) for ref in photos),
        exchange_product_id=_optional_text(raw.get("xp")),
        exchange_title=_title(raw.get("xt", ["", ""])),
    )


def _exchange_json(line: DraftLine) -> dict[str, Any]:
    """The replacement's product and titles, only when there is one (a refund's draft stays as short as before)."""
    found: dict[str, Any] = {}
    if line.exchange_product_id is not None:
        found["xp"] = line.exchange_product_id
    if any(line.exchange_title):
        found["xt"] = list(line.exchange_title)
    return found


def _logistics_json(draft: Draft) -> dict[str, Any]:
    """The point and window, only once chosen (most drafts carry neither)."""
    found: dict[str, Any] = {}
    if draft.point is not None:
        found["sp"] = point_json(draft.point)
    if draft.pickup is not None:
        found["pw"] = window_json(draft.pickup)
    return found


def _title(value: Any) -> tuple[str, str]:
    if (not isinstance(value, list) or len(value) != 2
            or not all(isinstance(part, str) and len(part) <= _MAX_ID for part in value)):
        raise ValueError("title")
    return value[0], value[1]


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value or len(value) > _MAX_ID:
        raise ValueError("text")
    return value


def _optional_text(value: Any) -> str | None:
    return None if value is None else _text(value)
