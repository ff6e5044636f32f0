"""The state screens 3 and 4 receive: the order access in the path and the draft beside it (``?d=`` on GET,
the hidden field ``d`` on POST), both checked before anything else is read. The forms post to their page's
address with ``?d=`` too, so that a form sent back with an error still offers the language switch with the draft.

Why one reader: a missing, expired or tampered value must fail the same way on every screen, as
``SignedValueRejected``, which ``errors`` turns into the friendly "this link has expired" page.
"""

from __future__ import annotations

from typing import Final

from flask import request

from connector.pages.portal.current import signer
from connector.pages.portal.draft import Draft, seal, unseal
from connector.pages.signed import OrderAccess

DRAFT_PARAM: Final = "d"


def carried_draft(shop_id: str, access: str) -> tuple[OrderAccess, Draft]:
    order = signer().read_order_access(access, shop_id)
    token = (request.form.get(DRAFT_PARAM) if request.method == "POST" else None) or request.args.get(DRAFT_PARAM)
    return order, unseal(token or "", signer(), shop_id, order.order_id)


def sealed(draft: Draft) -> str:
    return seal(draft, signer())
